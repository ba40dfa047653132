"""Numbers written in an action (in digits or in words) and how they compare with the
figures of a confidential document."""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass

from storyprobe.classify.leaking._lexicon import _Lexicon, _lexicon

logger = logging.getLogger(__name__)

LARGE = 1000
"""Figures from this value up (and percentages) may be matched when rounded."""

ROUGH = 0.10
"""Largest relative distance of a rounded figure that still counts as partial evidence."""


@dataclass(frozen=True)
class _Number:
    """A number written in an action: its value, and how precisely it was written."""

    value: float
    percent: bool
    digits: int
    start: int
    end: int
    text: str

    def unit_from(self, least: int) -> float:
        """The place value of the last significant digit, counting at least ``least``.

        A round number's trailing zeros may be significant ("30,000" for 30,322), so a
        figure written with fewer digits is read as if it had ``least``.
        """
        digits = max(self.digits, least)
        return 10.0 ** (math.floor(math.log10(self.value)) - digits + 1)


@dataclass(frozen=True)
class _Figure:
    value: float
    percent: bool


def _numbers(text: str) -> list[_Number]:
    """Every number in ``text``, in digits or in words, with scale and percent applied."""
    lexicon = _lexicon()
    found = []
    for match in lexicon.number.finditer(text):
        if match.group("words"):
            parsed = _words_value(match.group("words"), lexicon)
            if parsed is None:
                continue
            value, digits = parsed
        else:
            whole, decimals = match.group("int").replace(",", ""), match.group("dec") or ""
            value = float(f"{whole}.{decimals}" if decimals else whole)
            written = (whole + decimals).lstrip("0") if decimals else whole.strip("0")
            digits = max(len(written), 1)
        scale = match.group("scale")
        value *= lexicon.scales[scale.lower()] if scale else 1
        if value > 0:
            found.append(
                _Number(
                    value,
                    match.group("pc") is not None,
                    digits,
                    match.start(),
                    match.end(),
                    match.group(0),
                )
            )
    return found


def _words_value(text: str, lexicon: _Lexicon) -> tuple[float, int] | None:
    """The value of a number in words and its significant digits, or None if unreadable."""
    tokens = [t for t in re.split(r"[\s-]+", text.lower()) if t and t != "and"]
    whole, fraction, total, current = tokens, [], 0, 0
    if "point" in tokens:
        cut = tokens.index("point")
        whole, fraction = tokens[:cut], tokens[cut + 1 :]

    for token in whole:
        if token in lexicon.words:
            current += lexicon.words[token]
        elif token == "hundred":
            current = (current or 1) * 100
        elif token in lexicon.scales:
            total, current = total + (current or 1) * lexicon.scales[token], 0
        else:
            return None

    value, decimals, scale = float(total + current), "", 1
    for token in fraction:
        if token in lexicon.scales and token != "hundred":
            scale *= lexicon.scales[token]
        elif lexicon.words.get(token, 10) < 10 and scale == 1:
            decimals += str(lexicon.words[token])
        else:
            return None
    if fraction and not decimals:
        return None

    value = (value + (float(f"0.{decimals}") if decimals else 0.0)) * scale
    if value <= 0:
        return None
    mantissa = f"{value:.12g}".split("e")[0].replace(".", "").strip("0")
    return value, max(len(mantissa), 1)


def _figures(phrases: list[str]) -> tuple[_Figure, ...]:
    """The phrases that are wholly a number, by value."""
    figures = []
    for phrase in phrases:
        numbers = _numbers(phrase.strip())
        if len(numbers) == 1 and numbers[0].end - numbers[0].start == len(phrase.strip()):
            figures.append(_Figure(numbers[0].value, numbers[0].percent))
    return tuple(figures)


def _compare(number: _Number, figure: _Figure) -> str | None:
    """``content`` (same value), ``approximate_content``, ``rough_figure`` or None."""
    if number.percent != figure.percent:
        return None
    if math.isclose(number.value, figure.value, rel_tol=1e-9):
        return "content"
    if figure.value < LARGE and not figure.percent:
        return None
    distance = abs(number.value - figure.value)
    if distance < number.unit_from(2):
        return "approximate_content"
    if distance <= ROUGH * figure.value:
        return "rough_figure"
    return None
