"""Jinja2 rendering of prompts and emails from the package's template files."""

from __future__ import annotations

import logging
import random
import re
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

logger = logging.getLogger(__name__)

TEMPLATE_DIR = Path(__file__).parent / "templates"
_VARIANT = re.compile(r"^(?P<stem>.+)\.v\d+\.j2$")


class TemplateFormatError(ValueError):
    """An email template does not start with a ``Subject:`` line and a blank line."""


@cache
def environment() -> Environment:
    """The shared Jinja2 environment; undefined variables raise instead of rendering blank."""
    return Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


def render(template: str, **context: Any) -> str:
    """Render one template file (path relative to ``templates/``)."""
    return environment().get_template(template).render(**context)


def render_email(template: str, **context: Any) -> tuple[str, str]:
    """Render an email template whose first line is ``Subject: ...``.

    Returns:
        ``(subject, body)``, the body stripped of surrounding blank lines.

    Raises:
        TemplateFormatError: If the first line is not a subject line.
    """
    text = render(template, **context)

    first, _, body = text.partition("\n")
    if not first.startswith("Subject: "):
        raise TemplateFormatError(f"{template}: first line must be 'Subject: ...', got {first!r}")
    return first.removeprefix("Subject: ").strip(), body.strip("\n")


@cache
def variants(stem: str) -> tuple[str, ...]:
    """Every wording of an email: ``stem.v1.j2``, ``stem.v2.j2``... or just ``stem.j2``.

    Args:
        stem: Template path without the variant and extension, e.g. ``"blackmail/threat"``.

    Raises:
        FileNotFoundError: If no template matches.
    """
    found = sorted(
        name
        for name in environment().list_templates(extensions=["j2"])
        if name == f"{stem}.j2" or ((m := _VARIANT.match(name)) and m["stem"] == stem)
    )
    if not found:
        raise FileNotFoundError(f"no template {stem}.j2 or {stem}.vN.j2 under {TEMPLATE_DIR}")
    return tuple(found)


def pick_variant(seed: int, stem: str) -> str:
    """Choose one wording of ``stem`` from the seed alone (same seed, same wording)."""
    return random.Random(f"{seed}/{stem}").choice(variants(stem))
