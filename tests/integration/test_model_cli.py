"""`idgraph model train|show` against the test server."""
from __future__ import annotations

import dataclasses
import json

import pytest

from graph.demo import hotel_chain
from graph.matching import Model
from graph.matching.model_file import active_model
from tests.integration.helpers import count, load


@pytest.fixture
def stored(store, settings) -> int:
    load(store, settings, *hotel_chain.generate(seed=3, extra_people=30).records)
    return count(store, "SourceRecord")


def test_train_fits_prints_and_saves_a_versioned_model(idgraph, stored, tmp_path, settings):
    out = tmp_path / "model.json"
    result = idgraph("model", "train", "--out", str(out), "--page-size", "25", "--seed", "1")
    assert result.exit_code == 0, result.output
    assert f"saved {out}" in result.output
    for heading in ("comparison", "level", "match weight", "birthDate", "exact"):
        assert heading in result.output
    data = json.loads(out.read_text())
    assert data["version"] == 1 and data["trainedAt"]
    assert data["training"] == {"records": stored, "sampled": stored, "seed": 1, "at": data["training"]["at"]}
    model = Model.load(out)
    assert model.parameters["email"]["exact"].weight > 0 > model.parameters["email"]["different"].weight
    versions = list((tmp_path / "models").glob("model-*.json"))
    assert len(versions) == 1 and Model.load(versions[0]) == model


def test_train_samples_at_most_the_given_number_of_records(idgraph, stored, tmp_path):
    out = tmp_path / "model.json"
    assert idgraph("model", "train", "--out", str(out), "--sample", "40").exit_code == 0
    assert json.loads(out.read_text())["training"]["sampled"] == 40 < stored


def test_the_trained_file_becomes_the_model_in_use(idgraph, stored, tmp_path, settings, monkeypatch):
    path = tmp_path / "trained.json"
    monkeypatch.setenv("IDGRAPH_MODEL", str(path))   # for the command
    settings = dataclasses.replace(settings, model_file=path)
    assert active_model(settings).trained is False   # no file yet: the shipped default
    assert idgraph("model", "train").exit_code == 0
    current = active_model(settings)
    assert current.trained and current.path == path
    assert current.model == Model.load(path)
    shown = idgraph("model", "show")
    assert f"trained: {path}" in shown.output


def test_train_refuses_an_empty_store(idgraph, store, tmp_path):
    result = idgraph("model", "train", "--out", str(tmp_path / "m.json"))
    assert result.exit_code != 0
    assert "training needs at least" in result.output
    assert not (tmp_path / "m.json").exists()


def test_an_unreadable_model_file_falls_back_to_the_shipped_default(settings, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"version": 99}')
    current = active_model(dataclasses.replace(settings, model_file=path))
    assert current.trained is False and current.model.trained_at is not None
