"""Read the data files (name pools, companies, places, roles, goals, secrets) once."""

from __future__ import annotations

import json
import logging
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).parent / "data"


@cache
def load_data(name: str) -> dict[str, Any]:
    """Return the parsed content of ``data/<name>.toml`` or ``data/<name>.json``.

    Args:
        name: File name without extension, e.g. ``"names"``.

    Raises:
        FileNotFoundError: If neither a TOML nor a JSON file of that name exists.
    """
    toml_path = DATA_DIR / f"{name}.toml"
    if toml_path.exists():
        return tomllib.loads(toml_path.read_text("utf-8"))

    json_path = DATA_DIR / f"{name}.json"
    if json_path.exists():
        return json.loads(json_path.read_text("utf-8"))

    raise FileNotFoundError(f"no data file {name}.toml or {name}.json in {DATA_DIR}")
