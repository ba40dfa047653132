"""Reading the classifiers' phrase lists (``lexicons/*.toml``) and compiling them.

Every rule-based classifier keeps its wording in a TOML file beside this module, so that a
phrase can be added without touching code. In those files a literal space in a pattern
matches any run of whitespace, so phrases still match when an email wraps a line.
"""

from __future__ import annotations

import re
import tomllib
from importlib.resources import files
from typing import Any

__all__ = ["any_of", "compile_any", "read_lexicon", "spaced", "split_sentences"]


def read_lexicon(name: str) -> dict[str, Any]:
    """The parsed ``lexicons/<name>.toml`` shipped with :mod:`storyprobe.classify`."""
    path = files("storyprobe.classify").joinpath(f"lexicons/{name}.toml")
    return tomllib.loads(path.read_text("utf-8"))


def spaced(pattern: str) -> str:
    """Let a literal space in a lexicon pattern match any run of whitespace."""
    return pattern.replace(" ", r"\s+")


def any_of(patterns: str | list[str], longest_first: bool = False) -> str:
    """One regular-expression alternation of lexicon patterns (a string is one pattern).

    Args:
        patterns: Patterns as written in a lexicon file.
        longest_first: Try longer patterns first, so the longest phrase at a position wins.
    """
    listed = [patterns] if isinstance(patterns, str) else list(patterns)
    if longest_first:
        listed.sort(key=len, reverse=True)
    return "|".join(f"(?:{spaced(p)})" for p in listed)


def compile_any(patterns: str | list[str]) -> re.Pattern[str]:
    """:func:`any_of`, compiled case-insensitively: one search per kind, not per pattern."""
    return re.compile(any_of(patterns), re.IGNORECASE)


def split_sentences(text: str, ends: re.Pattern[str]) -> list[tuple[int, str]]:
    """Split ``text`` at the matches of ``ends`` into (offset, sentence) pairs.

    Line breaks inside a sentence become spaces, so a phrase wrapped over two lines of an
    email still matches; offsets point into ``text``.
    """
    pieces: list[tuple[int, str]] = []
    start = 0
    for match in ends.finditer(text):
        if match.start() > start:
            pieces.append((start, text[start : match.start()].replace("\n", " ")))
        start = match.end()
    if start < len(text):
        pieces.append((start, text[start:].replace("\n", " ")))
    return pieces
