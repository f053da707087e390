"""The word lists and patterns shipped in `pipeline/data/`, which users may replace with their own files."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any


def packaged(name: str) -> Path:
    """Path of a data file shipped with the package."""
    return Path(str(resources.files("pipeline") / "data" / name))


def load_json(path: Path | str | None, default_name: str) -> dict[str, Any]:
    """A JSON data file: the user's `path`, or the packaged `default_name`."""
    source = Path(path) if path is not None else packaged(default_name)
    return json.loads(source.read_text(encoding="utf-8"))
