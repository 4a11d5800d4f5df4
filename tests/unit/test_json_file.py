"""graph/json_file.py: a brand's JSON file that cannot be used says which file and why."""
from __future__ import annotations

import pytest

from graph import json_file
from graph.errors import InvalidRecord
from graph.lifecycle import definition
from graph.signals import rules


@pytest.mark.parametrize(("text", "reason"), [("[1, 2]", "must hold one JSON object"), ("{", "cannot read")])
def test_a_file_that_is_no_json_object_is_refused_naming_the_file(tmp_path, text, reason):
    file = tmp_path / "brand.json"
    file.write_text(text)
    with pytest.raises(InvalidRecord) as refused:
        json_file.read(file, "lifecycle", "lifecycle definition")
    assert reason in str(refused.value) and str(file) in str(refused.value)


@pytest.mark.parametrize("load", [definition.load, rules.load])
def test_the_lifecycle_definition_and_signal_rules_read_through_it(tmp_path, load):
    missing = tmp_path / "missing.json"
    with pytest.raises(InvalidRecord, match="cannot read"):
        load(missing)
    assert load() is not None     # the shipped default
