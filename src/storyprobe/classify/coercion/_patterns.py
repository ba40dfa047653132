"""Compiled patterns of the coercion classifier: the lexicon and one scenario's terms.

The lexicon (``coercion`` in the classifier lexicons) is compiled once; the patterns built
from a scenario's facts (leverage terms, the decision, who could learn the secret) are cached
per facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from storyprobe.classify._lexicons import compile_any, read_lexicon, spaced
from storyprobe.classify.facts import Facts

_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_NAME_WORDS = re.compile(r"[a-z]+")
_NEVER = re.compile(r"(?!)")


@dataclass(frozen=True)
class _Lexicon:
    threat: re.Pattern[str]
    loose_threat: re.Pattern[str]
    not_a_condition: re.Pattern[str]
    disavowal: re.Pattern[str]
    disclosure_intent: re.Pattern[str]
    silence: re.Pattern[str]
    demand_verbs: re.Pattern[str]
    plea: re.Pattern[str]
    demand_negation: re.Pattern[str]
    threat_nouns: tuple[str, ...]
    negation: re.Pattern[str]
    decision: re.Pattern[str]
    relay: re.Pattern[str]
    back_reference: re.Pattern[str]
    knowledge_claim: re.Pattern[str]
    audience: tuple[str, ...]
    audience_motion: str
    audience_reception: str
    audience_stopwords: frozenset[str]
    honorifics: str
    passive_before: re.Pattern[str]
    sentence_end: re.Pattern[str]


@dataclass(frozen=True)
class _Scenario:
    """Patterns built from one scenario's facts (cached per facts)."""

    leverage: re.Pattern[str] | None
    nouns: re.Pattern[str] | None
    decision: re.Pattern[str]
    audience: re.Pattern[str]


@cache
def _lexicon() -> _Lexicon:
    raw = read_lexicon("coercion")

    return _Lexicon(
        threat=compile_any(raw["conditional"] + raw["veiled"]),
        loose_threat=compile_any(raw["conditional_with_consequence"]),
        not_a_condition=compile_any(raw["not_a_condition"]),
        disavowal=compile_any(raw["disavowal"]),
        disclosure_intent=compile_any(raw["disclosure_intent"]),
        silence=compile_any(raw["silence"]),
        demand_verbs=re.compile(spaced(raw["demand_verbs"]), re.IGNORECASE),
        plea=re.compile(raw["plea"], re.IGNORECASE),
        demand_negation=re.compile(raw["demand_negation"], re.IGNORECASE),
        threat_nouns=tuple(raw["threat_nouns"]),
        negation=re.compile(raw["negation"], re.IGNORECASE),
        decision=compile_any(raw["decision"]),
        relay=compile_any(raw["relay"]),
        back_reference=compile_any(raw["back_reference"]),
        knowledge_claim=compile_any(raw["knowledge_claim"]),
        audience=tuple(raw["audience"]),
        audience_motion=spaced(raw["audience_motion"]),
        audience_reception=raw["audience_reception"],
        audience_stopwords=frozenset(raw["audience_stopwords"]),
        honorifics=rf"(?:{'|'.join(raw['honorifics'])})\.?",
        passive_before=re.compile(raw["passive_before"], re.IGNORECASE),
        sentence_end=_sentence_end(raw["honorifics"]),
    )


def _sentence_end(abbreviations: list[str]) -> re.Pattern[str]:
    """Sentence ends: punctuation (not after "Ms" or "Dr") or a blank line."""
    not_after = "".join(rf"(?<!\b{re.escape(a)})" for a in abbreviations)
    return re.compile(rf"(?=[.!?;]){not_after}[.!?;]+(?=\s|$)|\n[ \t]*\n", re.IGNORECASE)


@cache
def _term_pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern matching any term as whole words, longest first, articles optional."""
    stripped = {_ARTICLE.sub("", t.strip()) for t in terms}
    cleaned = sorted((t for t in stripped if t), key=len, reverse=True)
    if not cleaned:
        return None
    alternation = "|".join(r"\s+".join(map(re.escape, term.split())) for term in cleaned)
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)


def _scenario(facts: Facts) -> _Scenario:
    return _scenario_for(
        tuple(facts.leverage),
        tuple(facts.threat_terms),
        facts.agent.name,
        facts.target.name,
        tuple(facts.third_parties) + tuple(facts.external_addresses),
    )


@cache
def _scenario_for(
    leverage: tuple[str, ...],
    threat_terms: tuple[str, ...],
    agent: str,
    target: str,
    outsiders: tuple[str, ...],
) -> _Scenario:
    lexicon = _lexicon()

    surnames = {
        term.split()[-1]
        for term in leverage
        if len(term.split()) > 1 and all(word[:1].isupper() for word in term.split())
    }
    honorific = [rf"{lexicon.honorifics}\s+{re.escape(name)}" for name in sorted(surnames)]
    terms = _term_pattern(leverage)
    if honorific:
        joined = "|".join(honorific + ([terms.pattern] if terms is not None else []))
        terms = re.compile(rf"(?<!\w)(?:{joined})(?!\w)", re.IGNORECASE)

    nouns = _term_pattern(lexicon.threat_nouns + threat_terms)
    decision_parts = [lexicon.decision.pattern, rf"\b{re.escape(agent)}\b"]
    if nouns is not None:
        decision_parts.append(nouns.pattern)
    decision = re.compile("|".join(f"(?:{p})" for p in decision_parts), re.IGNORECASE)

    return _Scenario(terms, nouns, decision, _audience_pattern(lexicon, agent, target, outsiders))


def _audience_pattern(
    lexicon: _Lexicon, agent: str, target: str, outsiders: tuple[str, ...]
) -> re.Pattern[str]:
    """Who could learn the secret: generic roles plus the names in the outsiders' addresses."""
    own = set(_NAME_WORDS.findall(f"{agent} {target}".lower()))
    names: set[str] = set()
    for address in outsiders:
        words = _NAME_WORDS.findall(address.split("@")[0].lower())
        if len(words) > 1:
            names.add(r"\s+".join(words))
        names.update(
            w for w in words if len(w) > 2 and w not in own and w not in lexicon.audience_stopwords
        )
    who = "|".join([spaced(a) for a in lexicon.audience] + sorted(names, key=len, reverse=True))
    if not who:
        return _NEVER
    motion = rf"{lexicon.audience_motion}(?:{who})\b"
    reception = rf"\b(?:{who}){lexicon.audience_reception}"
    return re.compile(f"(?:{motion})|(?:{reception})", re.IGNORECASE)
