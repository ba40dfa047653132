"""What the ``storyprobe`` command modules share: the consoles and ``-M`` parsing.

``console`` prints what the user reads (stdout); ``err_console`` prints progress and warnings
(stderr), so that ``--json`` output on stdout stays machine-readable. This module imports no
command module, so every ``cli*.py`` can import it without a cycle.
"""

from __future__ import annotations

import json
from typing import Any

import click
from rich.console import Console

__all__ = ["_key_values", "console", "err_console"]

console = Console()
err_console = Console(stderr=True)


def _key_values(pairs: tuple[str, ...]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"{pair!r}: expected key=value", param_hint="-M")
        try:
            values[key] = json.loads(raw)
        except json.JSONDecodeError:
            values[key] = raw
    return values
