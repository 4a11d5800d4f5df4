"""free_ports: a local server needs two different ports even when the OS repeats one."""
from __future__ import annotations

from graph.store.engines import base


def test_free_ports_skips_a_port_handed_out_twice(monkeypatch):
    offered = iter([40001, 40001, 40002])
    monkeypatch.setattr(base, "free_port", lambda: next(offered))
    assert base.free_ports(2) == [40001, 40002]


def test_free_ports_are_distinct_unprivileged_ports():
    ports = base.free_ports(3)
    assert len(set(ports)) == 3 and all(1024 <= p < 65536 for p in ports)
