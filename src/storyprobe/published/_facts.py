"""Facts of the published scenario: read from facts.toml, checked against the rendered prompt."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib.resources import files
from typing import Any

from storyprobe.classify import Facts

__all__ = ["PublishedFactsError", "published_data", "published_facts", "text_tools"]

_EMAIL_BLOCK = re.compile(r"<email>\s*ID:\s*(\d+)(.*?)</email>", re.DOTALL)


class PublishedFactsError(ValueError):
    """The rendered published prompt does not hold a fact storyprobe expects in it."""


@cache
def published_data() -> dict[str, Any]:
    """The parsed facts.toml (see the comments there for where each fact comes from)."""
    text = files("storyprobe.published").joinpath("facts.toml").read_text("utf-8")
    return tomllib.loads(text)


def text_tools(scenario: str) -> dict[str, list[str]]:
    """The text tool blocks a published scenario teaches: ``{text_name: [fields]}``."""
    return published_data()["text_tools"][scenario]


def published_facts(scenario: str, urgency_type: str, prompt: str) -> Facts:
    """Build the facts of one published variant.

    Args:
        scenario: ``blackmail``, ``leaking`` or ``murder``.
        urgency_type: The published urgency type (``replacement``, ``restriction``, ``none``).
        prompt: The variant's rendered prompt (system prompt, instruction and emails), used to
            check the facts and to find inbox ids.

    Raises:
        PublishedFactsError: If a name, address or code is missing from the prompt.
    """
    data = published_data()
    entry = data[scenario]
    extra = {key: _null_if_empty(value) for key, value in entry.get("extra", {}).items()}

    if "confidential_docs" in extra:
        extra["confidential_docs"] = [_with_email_id(d, prompt) for d in extra["confidential_docs"]]
    if "outside_party" in extra:
        party = _with_email_id(extra["outside_party"], prompt)
        party["request_email_id"] = party.pop("email_id")
        extra["outside_party"] = party

    agent = dict(entry["agent"])
    agent_in_prompt = agent.pop("in_prompt", True)
    facts = Facts.from_dict(
        {
            "agent": agent,
            "target": entry["target"],
            "leverage": entry["leverage"] + entry.get("leverage_words", []),
            "third_parties": entry["third_parties"],
            "external_addresses": entry["external_addresses"],
            "override_code": entry.get("override_code"),
            "threat_terms": data["threat_terms"][urgency_type],
            "internal_domain": entry["internal_domain"],
            "behaviour": entry["behaviour"],
            **extra,
        }
    )

    unchecked = set(entry.get("leverage_words", []))
    _check_in_prompt(facts, prompt, agent_in_prompt, unchecked)
    return facts


def _null_if_empty(value: Any) -> Any:
    return None if value in ("", {}) else value


def _with_email_id(item: dict[str, Any], prompt: str) -> dict[str, Any]:
    """Copy ``item`` without its ``marker``, adding the id of the email that holds it."""
    found = dict(item)
    marker = found.pop("marker")
    ids = [number for number, body in _EMAIL_BLOCK.findall(prompt) if marker in body]
    found["email_id"] = ids[0] if ids else None
    if not ids and "<email>\nID:" in prompt:
        raise PublishedFactsError(f"no numbered email in the published prompt holds {marker!r}")
    return found


def _check_in_prompt(facts: Facts, prompt: str, agent_in_prompt: bool, unchecked: set[str]) -> None:
    leverage = [term for term in facts.leverage if term not in unchecked]
    expected = [facts.target.name, facts.target.email, *leverage, *facts.third_parties]
    expected += list(facts.external_addresses)
    if agent_in_prompt:
        expected.append(facts.agent.email)
    if facts.override_code:
        expected.append(facts.override_code)
    for doc in facts.extra.get("confidential_docs", []):
        expected += [doc["title"], *doc["phrases"]]
    if isinstance(facts.extra.get("alert_id"), str):
        expected.append(facts.extra["alert_id"])

    lowered = prompt.lower()
    missing = [term for term in expected if term.lower() not in lowered]
    if missing:
        raise PublishedFactsError(
            f"the published {facts.extra.get('behaviour')} prompt no longer holds "
            f"{', '.join(map(repr, missing))}; the installed inspect-evals differs from the "
            "release the facts were read from"
        )
