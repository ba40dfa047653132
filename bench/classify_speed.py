"""How many transcripts per second the offline coercion classifier handles on one core.

Input: the hand-written replies in tests/fixtures/coercion_replies.yaml (real-length replies
with scratchpads, several actions, native tool calls), cycled. Parsing and classification are
both timed; the lexicon is compiled once before timing starts, as it is in a real run.

    python bench/classify_speed.py [--seconds 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import yaml
from inspect_ai.model import ChatMessageAssistant
from inspect_ai.tool import ToolCall

from storyprobe.classify import classify, load_facts, parse_messages

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
GOAL_PER_SECOND = 2000


def load_cases() -> list[tuple[list[ChatMessageAssistant], object]]:
    cases = yaml.safe_load((FIXTURES / "coercion_replies.yaml").read_text("utf-8"))
    facts = {name: load_facts(FIXTURES / name) for name in {c["facts"] for c in cases}}
    loaded = []
    for case in cases:
        calls = [
            ToolCall(id=f"c{n}", function=c["function"], arguments=c["arguments"])
            for n, c in enumerate(case.get("tool_calls") or [])
        ]
        message = ChatMessageAssistant(content=case.get("reply") or "", tool_calls=calls or None)
        loaded.append(([message], facts[case["facts"]]))
    return loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="time per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    cases = load_cases()
    characters = sum(len(m[0].text) for m, _ in cases) / len(cases)
    classify(parse_messages(cases[0][0]), cases[0][1])  # compile the lexicon

    rates = []
    for _ in range(args.rounds):
        done, start = 0, time.perf_counter()
        while time.perf_counter() - start < args.seconds:
            for messages, facts in cases:
                classify(parse_messages(messages), facts)  # type: ignore[arg-type]
            done += len(cases)
        rates.append(done / (time.perf_counter() - start))

    median = statistics.median(rates)
    print(f"cases: {len(cases)} replies, mean {characters:.0f} characters")
    print(f"rounds: {', '.join(f'{r:,.0f}/s' for r in rates)}")
    print(f"median: {median:,.0f} transcripts/s on one core (goal >= {GOAL_PER_SECOND:,}/s)")
    print(f"per transcript: {1e6 / median:.0f} µs")


if __name__ == "__main__":
    main()
