"""Child-process entry point that runs the embedded ArcadeDB server until SIGTERM.

Run as a script (not as a module) so it works whatever the working directory is."""
from __future__ import annotations

import argparse
import json
import os
import signal
import threading
from pathlib import Path

BOLT_PLUGIN = "Bolt:com.arcadedb.bolt.BoltProtocolPlugin"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--bolt-port", type=int, required=True)
    parser.add_argument("--http-port", type=int, required=True)
    parser.add_argument("--database", required=True)
    args = parser.parse_args()
    # Imported here: it boots a JVM, which only this child process should carry.
    from arcadedb_embedded.server import ArcadeDBServer

    password = os.environ["IDGRAPH_EMBEDDED_PASSWORD"]
    server = ArcadeDBServer(str(Path(args.root) / "arcadedb"), root_password=password, config={
        "server_plugins": BOLT_PLUGIN, "bolt_port": args.bolt_port,
        "http_port": args.http_port, "host": "127.0.0.1"})
    server.start()
    server.create_database(args.database)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    ready = Path(args.root) / "server.json"
    ready.write_text(json.dumps({"pid": os.getpid(), "bolt_port": args.bolt_port,
                                 "http_port": args.http_port, "database": args.database,
                                 "password": password, "user": "root", "engine": "arcadedb"}))
    ready.chmod(0o600)
    while not stop.wait(0.5):
        pass
    ready.unlink(missing_ok=True)
    server.stop()
    # The server is down and its databases closed, but a Bolt connection a client left open keeps
    # its JVM thread, and with it this process, alive: the caller waited 60 s and then killed it.
    os._exit(0)


if __name__ == "__main__":
    main()
