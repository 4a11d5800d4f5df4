"""Reading a JSON file a brand may supply (lifecycle definition, signal rules), with an error that
names the file and the setting, so the user knows what to fix."""
from __future__ import annotations

import json
from pathlib import Path

from graph.errors import InvalidRecord


def read(file: Path, field: str, what: str) -> dict:
    """The JSON object in ``file``; InvalidRecord on ``field`` if it cannot be read or is no object."""
    try:
        data = json.loads(Path(file).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InvalidRecord(field, f"cannot read the {what} {file}: {exc}") from None
    if not isinstance(data, dict):
        raise InvalidRecord(field, f"the {what} {file} must hold one JSON object")
    return data
