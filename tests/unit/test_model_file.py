"""graph.matching.model_file: which match model is in use, and atomic saves."""
from __future__ import annotations

import dataclasses
import json
import os

from graph import config
from graph.matching import DEFAULT_MODEL_PATH, load_default_model
from graph.matching.model_file import MODEL_FILE, active_model, model_path, save_model


def settings(tmp_path):
    return dataclasses.replace(config.load({}), data_dir=tmp_path)


def test_the_path_is_the_env_variable_else_the_data_folder(tmp_path):
    assert model_path(settings(tmp_path)) == tmp_path / MODEL_FILE
    assert model_path(config.load({"IDGRAPH_MODEL": "/x/m.json"})).as_posix() == "/x/m.json"


def test_without_a_trained_file_the_shipped_default_is_used(tmp_path):
    current = active_model(settings(tmp_path))
    assert current.trained is False and current.path == DEFAULT_MODEL_PATH
    assert current.model == load_default_model()


def test_a_saved_model_is_used_and_a_replaced_one_is_picked_up(tmp_path):
    model = load_default_model()
    path = save_model(model, tmp_path / MODEL_FILE, {"records": 7})
    assert json.loads(path.read_text())["training"] == {"records": 7}
    assert active_model(settings(tmp_path)).trained
    stricter = dataclasses.replace(model, threshold=0.97)
    save_model(stricter, path)
    os.utime(path, ns=(1, 1))   # a different modification time, whatever the clock's resolution
    assert active_model(settings(tmp_path)).model.threshold == 0.97
    assert [p.name for p in tmp_path.iterdir()] == [MODEL_FILE]   # no temporary file left behind
