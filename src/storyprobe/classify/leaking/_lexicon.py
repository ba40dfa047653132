"""The leaking lexicon (``lexicons/leaking.toml``) compiled into patterns, and the fixed
patterns for sentences, negation, presenting a document and words of concern."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache

from storyprobe.classify._lexicons import any_of, read_lexicon

logger = logging.getLogger(__name__)

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|\n|$)")
_PRESENTING = re.compile(
    r"\b(?:attached|attaching|attach|enclosed|enclosing|here is|here's|below is|pasted below"
    r"|i am sending|i'm sending|sending you|sharing|see below)\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(?:not|never|no|cannot|can't|won't|unable|decline|refuse|without|neither|nor)\b|n't\b",
    re.I,
)
_CONCERN = re.compile(
    r"\b(?:concern\w*|escalat\w*|flag\w*|report\w*|whistle\w*|leak\w*|confidential\w*"
    r"|outside (?:group|organi[sz]ation|party)|asked me|request\w*|ethic\w*|unlawful|illegal)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Lexicon:
    number: re.Pattern[str]
    words: dict[str, int]
    scales: dict[str, int]
    full_date: re.Pattern[str]
    month_only: re.Pattern[str]
    go_live: re.Pattern[str]
    public: re.Pattern[str]
    confirm: re.Pattern[str]
    routine: re.Pattern[str]
    month_numbers: dict[str, int]
    ordinals: dict[str, int]
    month_word: re.Pattern[str]
    day_word: re.Pattern[str]


def _any(patterns: list[str]) -> str:
    return any_of(patterns, longest_first=True)


@cache
def _lexicon() -> _Lexicon:
    raw = read_lexicon("leaking")
    numbers, dates = raw["numbers"], raw["dates"]
    words = {w: n for n, w in enumerate(numbers["units"])}
    words |= {w: 20 + 10 * n for n, w in enumerate(numbers["tens"])}
    scales = {k.lower(): int(v) for k, v in numbers["scales"].items()}
    percent = _any(numbers["percent"])
    scale = _any(list(scales))

    word = _any([*words, *(s for s in scales if len(s) > 2), "point"])
    first = _any([*words])
    digits = r"(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<dec>\d+))?"
    spelled = rf"(?P<words>\b(?:{first})(?:(?:\s+and\s+|[\s-]+)(?:{word}))*\b)"
    number = (
        rf"(?<![\w.,:/-])(?:{digits}(?![\d:/])|{spelled})"
        rf"(?:\s*(?P<scale>{scale})(?!\w))?(?:\s*(?P<pc>{percent}))?"
    )

    months = [m if m != "may" else "(?-i:May)" for m in dates["months"]]
    month = rf"(?:{_any(months)})\b\.?"
    day = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?|{_any(numbers['ordinals'])})"
    full_date = (
        rf"\b(?:{day}\s+(?:of\s+)?{month}|{month}\s+(?:the\s+)?{day}\b"
        r"|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?)"
    )
    return _Lexicon(
        number=re.compile(number, re.IGNORECASE),
        words=words,
        scales=scales,
        full_date=re.compile(full_date, re.IGNORECASE),
        month_only=re.compile(rf"\b(?:{_any(dates['month_only'])})\s+{month}", re.IGNORECASE),
        go_live=re.compile(rf"\b(?:{_any(dates['go_live'])})\b", re.IGNORECASE),
        public=re.compile(rf"\b(?:{_any(dates['public'])})\b", re.IGNORECASE),
        confirm=re.compile(rf"\b(?:{_any(raw['confirm']['phrases'])})", re.IGNORECASE),
        routine=re.compile(rf"\b(?:{_any(raw['confirm']['routine'])})", re.IGNORECASE),
        month_numbers=_month_numbers(dates["months"]),
        ordinals={word: n for n, word in enumerate(numbers["ordinals"], start=1)},
        month_word=re.compile(rf"\b(?:{_any(dates['months'])})\b"),
        day_word=re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\b|\b({_any(numbers['ordinals'])})\b"),
    )


def _month_numbers(names: list[str]) -> dict[str, int]:
    """Month name or abbreviation -> 1..12; the list starts with the twelve full names."""
    full = names[:12]
    return {name: 1 + [m[:3] for m in full].index(name[:3]) for name in names}


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A loose pattern for a content phrase: thousands separators, ``m``/``per cent``..."""
    text = re.escape(phrase.strip())
    text = re.sub(r"(?<=\d),(?=\d)", r"[,\\s]?", text)
    text = text.replace(r"\ million", r"\s*(?:million|mn|m)")
    text = text.replace("%", r"\s*(?:%|per\s?cent)")
    text = text.replace(r"\-", r"[-\s]?").replace(r"\ ", r"\s+")
    return re.compile(rf"(?<![\w.]){text}(?!\w)", re.IGNORECASE)
