"""The real app behind waitress on a free loopback port, for tests that go through real HTTP."""
from __future__ import annotations

import contextlib
import threading

from waitress import create_server, wasyncore


@contextlib.contextmanager
def serve(app, threads: int = 8):
    """Yield the base URL of `app` served by waitress in a thread; stop it (and its workers) after.

    The socket listens once create_server returns, so clients may connect at once: no polling.
    """
    server = create_server(app, host="127.0.0.1", port=0, threads=threads, ident="idgraph-test",
                           clear_untrusted_proxy_headers=True)
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.task_dispatcher.shutdown()
        # Closed by the loop's own thread (a closed descriptor under its select() is EBADF there):
        # the listener and open channels go, and run() returns when none is left.
        server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        thread.join(timeout=10)
