"""`idgraph ingest --events`: CSV and NDJSON files of touchpoints, attached as POST /v1/events does."""
from __future__ import annotations

import json

from tests.integration.helpers import count, load, person_of, record


def test_a_csv_of_events_attaches_each_to_its_person_and_a_re_run_changes_nothing(idgraph, store, settings, tmp_path):
    load(store, settings, record("crm", "C-1", name={"given": "Ada", "family": "Lovelace"},
                                 identifiers=[{"type": "email", "value": "ada@example.com"}]))
    path = tmp_path / "stays.csv"
    path.write_text("eventId,kind,at,email,lineOfBusiness,amount,currency\n"
                    "S-1,stay,2026-03-01T10:00:00Z,ada@example.com,hotel,420.5,GBP\n"
                    "S-2,stay,2026-04-01T10:00:00Z,nobody@example.com,hotel,99,GBP\n"
                    "S-3,stay,2026-04-02T10:00:00Z,ada@example.com,hotel,lots,GBP\n", encoding="utf-8")
    result = idgraph("ingest", str(path), "--events", "--source", "pms")
    assert result.exit_code == 1, result.output     # one row refused: amount 'lots'
    assert "column amount" in result.output and "unattached" in result.output
    assert count(store, "Event") == 2
    rows = store.query("MATCH (e:Event {eventKey: 'pms/S-1'}) RETURN e.amount AS amount, e.recordKey AS record")
    assert rows == [{"amount": 420.5, "record": "crm/C-1"}]
    assert person_of(store, "crm", "C-1")


def test_an_ndjson_file_of_events_is_idempotent(idgraph, store, settings, tmp_path):
    load(store, settings, record("crm", "C-1", name={"given": "Ada", "family": "Lovelace"},
                                 identifiers=[{"type": "email", "value": "ada@example.com"}]))
    path = tmp_path / "web.ndjson"
    lines = [{"eventId": f"W-{n}", "kind": "webVisit", "at": f"2026-03-{n + 1:02d}T10:00:00Z",
              "pageCategory": "rooms", "identifiers": [{"type": "email", "value": "ada@example.com"}]}
             for n in range(5)]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    first = idgraph("ingest", str(path), "--events", "--source", "web")
    again = idgraph("ingest", str(path), "--events", "--source", "web")
    assert first.exit_code == 0 and again.exit_code == 0, first.output + again.output
    assert count(store, "Event") == 5
    assert "unchanged" in again.output
    assert store.query("MATCH (:Event)-[x:IN_MONTH]->() RETURN count(x) AS n")[0]["n"] == 5
