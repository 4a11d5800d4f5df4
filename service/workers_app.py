"""The API as several processes: gunicorn's pre-fork server with threaded workers (gthread).

Why processes: one Python process runs Python on one core at a time (the GIL), and a who-is-this
spends most of its CPU in Python (Flask, the driver, building the answer), so waitress's threads in
one process stop scaling at about one core. Each gunicorn worker imports and connects after the
fork (no preload: a driver's sockets must not be shared between processes), so each has its own
connection pool and audit group commit; the per-key rate limits live in one file all workers
map (service/shared_limits.py), so they hold across workers.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from gunicorn.app.base import BaseApplication

from graph import config


class _Workers(BaseApplication):
    def __init__(self, settings: config.Settings, options: dict, limits_file: str):
        self._settings, self._options, self._limits_file = settings, options, limits_file
        super().__init__()

    def load_config(self) -> None:
        for name, value in self._options.items():
            self.cfg.set(name, value)

    def load(self):
        # in the worker, after the fork
        from service import create_app
        return create_app(self._settings, shared_limits=self._limits_file)


def options(host: str, port: int, workers: int, threads: int) -> dict:
    return {"bind": f"{host}:{port}", "workers": workers, "threads": threads, "worker_class": "gthread",
            "preload_app": False, "accesslog": None, "timeout": 120, "graceful_timeout": 10,
            "proc_name": "idgraph-api"}


def serve(settings: config.Settings, host: str, port: int, workers: int, threads: int) -> None:
    """Serve until stopped; the rate-limit file lives in a private temp folder for the server's life."""
    with tempfile.TemporaryDirectory(prefix="idgraph-limits-") as folder:
        limits_file = str(Path(folder) / "buckets")
        _Workers(settings, options(host, port, workers, threads), limits_file).run()
