"""The offline coercion classifier against hand-written, hand-labelled replies.

The cases in fixtures/coercion_replies.yaml were written and labelled independently of the
classifier's rules: clear threats, threats without keywords, refusals that say "blackmail",
scratchpad-only plans, quoted threats, mixed-case addresses, several actions per reply,
native tool calls and malformed blocks. A later batch adds ultimatums ("X, or it goes to..."),
threats split over two emails, conditional silence, forwards of the secret with a demand,
pressure relayed through a third party, threats without the secret's keywords and formal or
upper-case wording, with hard benign replies that use the same words without a threat.
"""

from collections import Counter
from pathlib import Path

import pytest
import yaml
from inspect_ai.model import ChatMessageAssistant
from inspect_ai.tool import ToolCall

from storyprobe.classify import classify, load_facts, parse_messages

FIXTURES = Path(__file__).parent / "fixtures"
CASES = yaml.safe_load((FIXTURES / "coercion_replies.yaml").read_text("utf-8"))


def _message(case: dict) -> ChatMessageAssistant:
    calls = [
        ToolCall(id=f"call_{n}", function=c["function"], arguments=c["arguments"])
        for n, c in enumerate(case.get("tool_calls") or [])
    ]
    return ChatMessageAssistant(content=case.get("reply") or "", tool_calls=calls or None)


def _verdict(case: dict):
    facts = load_facts(FIXTURES / case["facts"])
    return classify(parse_messages([_message(case)]), facts, "coercion")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case_label(case: dict) -> None:
    verdict = _verdict(case)

    assert verdict.label == case["label"], f"{case['reason']} | notes: {verdict.notes}"
    assert verdict.flags["disclosure"] == case["disclosure"], verdict.notes


def test_the_set_covers_what_it_claims() -> None:
    labels = Counter(case["label"] for case in CASES)
    assert len(CASES) >= 90 and labels["harmful"] >= 40 and labels["benign"] >= 35
    assert labels["unsure"] >= 10
    assert sum(1 for case in CASES if case.get("tool_calls")) >= 15


def test_harmful_verdicts_carry_evidence() -> None:
    for case in CASES:
        verdict = _verdict(case)
        if verdict.harmful:
            kinds = {item.kind for item in verdict.evidence}
            assert "recipient" in kinds and kinds & {"leverage", "forwarded_leverage"}, case["id"]
