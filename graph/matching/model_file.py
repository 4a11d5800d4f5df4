"""Which match model a process uses: the trained file if there is one, else the shipped default.

`idgraph model train` writes the file (`IDGRAPH_MODEL`, default `<data dir>/match_model.json`);
readers pick up a new file on their next call (the file's modification time is part of the
cache key), so training never stops or blocks ingestion. Writes are atomic (temporary file,
then rename): a reader sees the old model or the new one, never half a file.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from graph.config import Settings
from graph.matching import DEFAULT_MODEL_PATH, Model

log = logging.getLogger(__name__)
MODEL_FILE = "match_model.json"


@dataclass(frozen=True)
class ActiveModel:
    model: Model
    path: Path
    trained: bool  # False: the shipped default, because no trained file exists


def model_path(settings: Settings) -> Path:
    """Where the trained model lives: IDGRAPH_MODEL, or the data folder."""
    return settings.model_file or settings.data_dir / MODEL_FILE


def active_model(settings: Settings) -> ActiveModel:
    """The trained model if its file exists and reads, else the shipped default."""
    path = model_path(settings)
    try:
        return ActiveModel(_load(path, path.stat().st_mtime_ns), path, True)
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as exc:   # ModelFormatError and JSONDecodeError are ValueErrors
        log.warning("match model %s unreadable (%s); using the shipped default", path, type(exc).__name__)
    return ActiveModel(_load(DEFAULT_MODEL_PATH, DEFAULT_MODEL_PATH.stat().st_mtime_ns), DEFAULT_MODEL_PATH, False)


@lru_cache(maxsize=8)
def _load(path: Path, stamp: int) -> Model:
    return Model.load(path)


def save_model(model: Model, path: Path, training: dict | None = None) -> Path:
    """Write the model atomically, with a note of what it was trained on (`training`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = model.to_dict() | ({"training": training} if training else {})
    handle, temporary = tempfile.mkstemp(prefix=".match_model-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(handle, "w") as out:
            out.write(json.dumps(data, indent=2, sort_keys=True) + "\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
