"""Lexicon files: loading, validation and expansion into Aho–Corasick patterns.

A lexicon file is TOML with a ``version`` string and one or more tables of
``"term" = weight`` (see ``lexicons/agents.toml`` for the term syntax). :func:`load_terms`
returns :class:`Term` records; :func:`expand` turns them into the literal patterns the
automaton matches: each term is prefixed with every word-boundary character, so that "ai"
matches " ai" and "(ai" but never the inside of "said". Whether a term must also end at a
word boundary is checked after matching, once per hit (hits are rare).
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LEFT_BOUNDARIES", "LexiconError", "Term", "expand", "file_sha256", "load_terms"]

LEFT_BOUNDARIES: tuple[str, ...] = (
    " ", "(", "[", '"', "'", "“", "‘", "-", "/", "—", "*", "_", ">",
)  # fmt: skip
"""Characters after which a term may start. Haystacks are prefixed with a space."""


class LexiconError(ValueError):
    """A lexicon or thresholds file is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class Term:
    """One lexicon entry.

    Attributes:
        text: The lower-cased phrase without the run-on marker.
        weight: Strength of the evidence, 0–1.5.
        group: The table it came from (a behaviour id, ``terms``, a cue kind).
        open_end: True when the phrase may run on into a longer word (``*``).
    """

    text: str
    weight: float
    group: str
    open_end: bool


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_toml(path: Path) -> dict[str, object]:
    """Read a TOML data file, with an error that names the file and the fix."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise LexiconError(f"lexicon file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(f"{path} is not valid TOML: {exc}") from exc
    if not isinstance(data.get("version"), str):
        raise LexiconError(f'{path} needs a top-level `version = "..."` string')
    return data


def load_terms(path: Path, groups: tuple[str, ...] | None = None) -> tuple[str, list[Term]]:
    """Load the terms of a lexicon file.

    Args:
        path: TOML file.
        groups: Tables to read; None reads every table.

    Returns:
        The file's version and its terms, in file order.

    Raises:
        LexiconError: On a missing table, an empty term or a weight out of range.
    """
    data = read_toml(path)
    tables = groups if groups is not None else tuple(k for k in data if k != "version")
    terms: list[Term] = []
    for group in tables:
        table = data.get(group)
        if not isinstance(table, dict):
            raise LexiconError(f'{path} has no [{group}] table of "term" = weight entries')
        for raw, weight in table.items():
            text = raw.strip().lower()
            open_end = text.endswith("*")
            text = text.rstrip("*").strip()
            if not text:
                raise LexiconError(f"{path} [{group}] has an empty term")
            if not isinstance(weight, int | float) or not 0 <= weight <= 2:
                raise LexiconError(f"{path} [{group}] {raw!r}: weight must be a number in 0–2")
            terms.append(Term(text, float(weight), group, open_end))
    return str(data["version"]), terms


def expand(terms: list[Term]) -> tuple[list[str], list[int]]:
    """Literal patterns for an automaton, and for each the index of its term."""
    patterns: list[str] = []
    owners: list[int] = []
    for index, term in enumerate(terms):
        for left in LEFT_BOUNDARIES:
            patterns.append(left + term.text)
            owners.append(index)
    return patterns, owners


def ends_at_boundary(haystack: str, end: int) -> bool:
    """True when ``haystack[end]`` does not continue a word (or is past the end)."""
    return end >= len(haystack) or not haystack[end].isalnum()
