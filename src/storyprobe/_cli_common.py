"""What the ``storyprobe`` command modules share: consoles, run options and ``-M`` parsing.

``console`` prints what the user reads (stdout); ``err_console`` prints progress and warnings
(stderr), so that ``--json`` output on stdout stays machine-readable. This module imports no
command module, so every ``cli*.py`` can import it without a cycle.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click
from rich.console import Console

__all__ = [
    "_key_values",
    "console",
    "err_console",
    "family_option",
    "model_option",
    "provider_options",
    "tool_format_option",
]

console = Console()
err_console = Console(stderr=True)

model_option = click.option(
    "--model",
    "models",
    multiple=True,
    help="Inspect model, e.g. openai/gpt-4.1; repeat for several [default: embedded]",
)
family_option = click.option(
    "--family",
    "families",
    multiple=True,
    default=("blackmail",),
    show_default=True,
    help="Scenario family, a comma-separated list, or 'all' (repeatable).",
)
tool_format_option = click.option(
    "--tool-format",
    type=click.Choice(["auto", "native", "text"]),
    default="auto",
    show_default=True,
    help="native tool calls, or text blocks (auto: text for the embedded model).",
)


def provider_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the options passed through to Inspect's model: ``-M``, token and retry limits."""
    for option in reversed(
        (
            click.option("-M", "model_args", multiple=True, help="Model argument key=value."),
            click.option("--max-tokens", type=int, default=None),
            click.option("--max-retries", type=int, default=None, help="Retries per request."),
            click.option(
                "--display", default=None, help="Inspect display: rich, plain, log, none."
            ),
        )
    ):
        command = option(command)
    return command


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
