"""The API as several processes: granian (a Rust HTTP server) running the WSGI app in worker
processes, each with a pool of threads.

Why processes: one Python process runs Python on one core at a time (the GIL), and a who-is-this
spends most of its CPU in Python (the driver, building the answer), so waitress's threads in one
process stop scaling at about one core. Why granian: it parses HTTP and handles connections in Rust,
where gunicorn's gthread workers do it in Python; gunicorn cost 0.17 ms of CPU per request on a
trivial route against granian's 0.05, and one at a time a who-is-this cost 2.85-3.0 ms of API CPU
through gunicorn against 2.05 through granian (issue 17, sixth round).

Each worker builds the app after the fork (nothing connects before it: a driver's sockets must not
be shared between processes), so each has its own connection pool and audit log segment; the
per-key rate limits live in one file all workers map (service/shared_limits.py), so they hold
across workers.
"""
from __future__ import annotations

import atexit
import functools
import multiprocessing.util
import os
import tempfile
from pathlib import Path

from granian.constants import Interfaces
from granian.log import LogLevels
from granian.server import Server

from graph import config

# A worker stopping drains its audit log into the graph and closes its driver in well under a second.
# Without a limit, a worker that never stops (see _load) keeps `idgraph serve` and its database
# running for good. A killed worker's audit segments stay on disk; the next drain, in any process,
# moves them (graph/access/audit_spool.py).
WORKER_STOP_S = 20


def _load(settings: config.Settings, limits_file: str):
    """The app of one worker, built in the worker after the fork."""
    from service import create_app
    # Ctrl-C signals the terminal's whole process group. A granian worker given SIGINT and then its
    # master's SIGTERM never stops (granian 2.8.9; a trivial app does the same), so the master waited
    # on it for good. In a group of its own only the master gets Ctrl-C, and stops the workers.
    os.setpgid(0, 0)
    app = create_app(settings, shared_limits=limits_file)
    # A granian worker is a multiprocessing process, which ends without running atexit handlers;
    # it does run multiprocessing's finalizers, so the app's exit handlers (the audit log written to
    # the graph, the driver closed) run from one.
    multiprocessing.util.Finalize(app, atexit._run_exitfuncs, exitpriority=0)
    return app


def serve(settings: config.Settings, host: str, port: int, workers: int, threads: int) -> None:
    """Serve until SIGINT or SIGTERM; the rate-limit file lives in a private temp folder for the
    server's life."""
    with tempfile.TemporaryDirectory(prefix="idgraph-limits-") as folder:
        granian = Server("idgraph", address=host, port=port, interface=Interfaces.WSGI, workers=workers,
                         blocking_threads=threads, log_level=LogLevels.warning, process_name=None,
                         workers_kill_timeout=WORKER_STOP_S)
        granian.serve(target_loader=functools.partial(_load, settings, str(Path(folder) / "buckets")),
                      wrap_loader=False)
