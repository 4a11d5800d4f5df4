"""Which twin model a process uses: the file `idgraph twins train` wrote, if any.

Like the match model's file (graph/matching/model_file.py): `IDGRAPH_TWINS_MODEL`, default
`<data dir>/twins_model.json`; written atomically (temporary file, then rename), so a reader sees the
old model or the new one; readers pick a new file up on their next call (its modification time is
part of the cache key), so training never stops or blocks ingestion or reads. There is no shipped
default: twins are a brand's own customers, so without a trained file there are no predictions.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from graph.config import Settings
from graph.twins.model import TwinModel

log = logging.getLogger(__name__)
MODEL_FILE = "twins_model.json"


def twins_model_path(settings: Settings) -> Path:
    return settings.twins_model_file or settings.data_dir / MODEL_FILE


def active_twins_model(settings: Settings) -> TwinModel | None:
    """The trained twin model, or None when there is none (or it cannot be read: logged)."""
    path = twins_model_path(settings)
    try:
        return _load(path, path.stat().st_mtime_ns)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:   # TwinModelFormatError and JSONDecodeError are ValueErrors
        log.warning("twin model %s unreadable (%s); no twin predictions until it is retrained",
                    path, type(exc).__name__)
        return None


@lru_cache(maxsize=4)
def _load(path: Path, stamp: int) -> TwinModel:
    return TwinModel.from_dict(json.loads(path.read_text(encoding="utf-8")))


def save_twins_model(model: TwinModel, path: Path, training: dict | None = None) -> Path:
    """Write the model atomically, with a note of what it was trained on (`training`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = model.to_dict() | ({"training": training} if training else {})
    handle, temporary = tempfile.mkstemp(prefix=".twins_model-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(handle, "w") as out:
            out.write(json.dumps(data, separators=(",", ":")) + "\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
