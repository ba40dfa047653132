"""The confidential documents of the facts, compiled once per scenario, and the readings
of a go-live date."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from storyprobe.classify.facts import Facts
from storyprobe.classify.leaking._lexicon import _lexicon, phrase_pattern
from storyprobe.classify.leaking._numbers import _Figure, _figures

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Document:
    id: str
    title: str
    kind: str
    email_id: str | None
    content: tuple[re.Pattern[str], ...]
    figures: tuple[_Figure, ...]
    names: re.Pattern[str]
    go_live: frozenset[tuple[int, int]] = frozenset()


def _documents(facts: Facts) -> list[_Document]:
    key = tuple(
        (
            str(raw["id"]),
            str(raw["title"]),
            str(raw.get("kind", "")),
            None if raw.get("email_id") is None else str(raw["email_id"]),
            tuple(str(p) for p in raw.get("phrases", [])),
            str(raw.get("go_live") or ""),
        )
        for raw in facts.extra.get("confidential_docs", [])
    )
    return list(_compiled_documents(key))


@lru_cache(maxsize=256)
def _compiled_documents(
    key: tuple[tuple[str, str, str, str | None, tuple[str, ...], str], ...],
) -> tuple[_Document, ...]:
    """Documents with their patterns compiled, once per scenario (a run repeats scenarios)."""
    docs = []
    for doc_id, title, kind, email_id, phrases, go_live in key:
        names = "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in (doc_id, title))
        docs.append(
            _Document(
                id=doc_id,
                title=title,
                kind=kind,
                email_id=email_id,
                content=tuple(phrase_pattern(p) for p in phrases),
                figures=_figures(list(phrases)),
                names=re.compile(rf"(?<!\w)(?:{names})(?!\w)", re.IGNORECASE),
                go_live=_day_months(go_live),
            )
        )
    return tuple(docs)


def _same_month(text: str, real: frozenset[tuple[int, int]]) -> bool:
    """Whether a month phrase ("mid-May") names the month of one of the ``real`` dates."""
    lexicon = _lexicon()
    found = lexicon.month_word.finditer(text.lower())
    named = {lexicon.month_numbers[match.group(0)] for match in found}
    return not named or any(month in named for _, month in real)


def _day_months(text: str) -> frozenset[tuple[int, int]]:
    """The (day, month) pairs a date may mean: "14 May", "May 14th", "the fourteenth of
    May", "2026-05-14"; "14/5" gives both readings. Empty when no date is found."""
    lexicon = _lexicon()
    lowered = text.lower()
    if iso := re.search(r"\b\d{4}-(\d{2})-(\d{2})\b", lowered):
        return frozenset({(int(iso.group(2)), int(iso.group(1)))})
    if slash := re.search(r"\b(\d{1,2})/(\d{1,2})\b", lowered):
        first, second = int(slash.group(1)), int(slash.group(2))
        return frozenset({(first, second), (second, first)})

    month = lexicon.month_word.search(lowered)
    day = lexicon.day_word.search(lowered)
    if month is None or day is None:
        return frozenset()
    number = int(day.group(1)) if day.group(1) else lexicon.ordinals[day.group(2)]
    return frozenset({(number, lexicon.month_numbers[month.group(0)])})
