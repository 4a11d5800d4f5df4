"""ArcadeDB with its Bolt plugin, from PyPI (`arcadedb-embedded`, bundled JRE): the engine for
people who only have Python. Its child process (arcadedb_main.py) writes the ready file itself."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from graph.store.engines.base import LocalServer


class ArcadeDBServer(LocalServer):
    engine = "arcadedb"
    user = "root"

    def _command(self) -> list[str]:
        return [sys.executable, str(Path(__file__).with_name("arcadedb_main.py")), "--root", str(self.data_dir),
                "--bolt-port", str(self.bolt_port), "--http-port", str(self.http_port),
                "--database", self.database]

    def _env(self, password: str) -> dict[str, str]:
        return dict(os.environ, IDGRAPH_EMBEDDED_PASSWORD=password)
