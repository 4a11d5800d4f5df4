"""A local server's generated password is safe on every engine's command line."""
from __future__ import annotations

import re

from graph.store import engines


def test_a_generated_password_never_reads_as_a_command_line_option(tmp_path):
    # neo4j-admin took a password starting with '-' for an option and refused to start (a CI run)
    servers = [engines.create(engine, tmp_path / f"{engine}{n}", 7687, 7474, "idgraph", cache_dir=tmp_path)
               for engine in ("arcadedb", "neo4j") for n in range(20)]
    for server in servers:
        server.data_dir.mkdir()
    passwords = {server.password() for server in servers}
    assert len(passwords) == 40
    assert all(re.fullmatch(r"[0-9a-f]{36}", p) for p in passwords)
