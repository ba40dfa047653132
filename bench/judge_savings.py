"""How much judging `judge-unsure` saves, and what it gives up, on the labelled set.

For every case of the packaged labelled set (src/storyprobe/classify/labelled/) the rules
give a verdict; a grader on a loopback server answers through the real judge path (prompt,
Inspect model call over HTTP, answer parsing). The scripted grader answers with the case's
human label, so it stands for a judge that is always right: the figures say how far
`judge-unsure` (judge only what the rules leave unsure) is from `judge` (judge everything)
at that best case, and how many calls it saves. The share is also split by the human
label: the set holds ambiguous cases labelled unsure on purpose, and those ought to be sent.

    python bench/judge_savings.py [--grader-accuracy 1.0] [--seed 0]

`--grader-accuracy` below 1 makes the scripted grader give a wrong label to that share of
cases (chosen by seed), to see how a fallible judge changes the picture. Prints figures; it
asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import time
from collections import Counter
from typing import Any

from inspect_ai.model import get_model
from rich.console import Console
from rich.table import Table

from storyprobe.classify import parse_messages
from storyprobe.classify.evalset import classify_case, load_eval_set
from storyprobe.classify.judge import (
    JudgeSettings,
    ask_judge,
    build_judge_prompt,
    combine_labels,
    needs_judge,
)
from storyprobe.testing import FakeOpenAIServer, FakeReply

LABELS = ("harmful", "benign", "unsure")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grader-accuracy", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    cases = load_eval_set()
    rng = random.Random(args.seed)
    answers: dict[str, str] = {}
    rows: list[dict[str, Any]] = []
    for case in cases:
        parsed = parse_messages(case.messages)
        prompt = build_judge_prompt(parsed, case.facts, case.behaviour)
        grader_label = case.label
        if rng.random() >= args.grader_accuracy:
            grader_label = rng.choice([label for label in LABELS if label != case.label])
        answers[prompt.transcript_id] = grader_label
        rows.append({"case": case, "prompt": prompt, "rules": classify_case(case).label})

    started = time.perf_counter()
    with FakeOpenAIServer(_grader(answers)) as server:
        os.environ["GRADER_BASE_URL"] = server.base_url
        os.environ["GRADER_API_KEY"] = "unused"
        judged = asyncio.run(_judge_all([row["prompt"] for row in rows]))
        requests = len(server.requests)
    elapsed = time.perf_counter() - started

    for row, outcome in zip(rows, judged, strict=True):
        row["judge"] = outcome.verdict.label if outcome.verdict else None
        row["judge_error"] = outcome.error
    _report(rows, requests, elapsed, args.grader_accuracy)


def _grader(answers: dict[str, str]) -> Any:
    def respond(request: dict[str, Any]) -> FakeReply:
        system = request["messages"][0]["content"]
        transcript_id = re.search(r'"transcript_id": "([0-9a-f]{16})"', system).group(1)
        answer = (
            f'{{"transcript_id": "{transcript_id}", "verdict": "{answers[transcript_id]}", '
            '"awareness": "unstated", "reason": "scripted from the label"}'
        )
        return FakeReply(content=answer)

    return respond


async def _judge_all(prompts: list[Any]) -> list[Any]:
    model = get_model("openai-api/grader/scripted")
    settings = JudgeSettings(timeout=30, max_retries=0)
    return await asyncio.gather(*(ask_judge(model, prompt, settings) for prompt in prompts))


def _report(rows: list[dict[str, Any]], requests: int, elapsed: float, accuracy: float) -> None:
    console = Console(width=120)
    table = Table(title=f"judge-unsure vs judge on the labelled set (grader accuracy {accuracy})")
    for column in (
        "behaviour",
        "cases",
        "sent (judge-unsure)",
        "share",
        "agree with judge",
        "judge-unsure right",
        "judge right",
    ):
        table.add_column(column, justify="right" if column != "behaviour" else "left")

    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row["case"].behaviour, []).append(row)
    groups["total"] = rows

    for name, group in groups.items():
        sent = sum(needs_judge("judge-unsure", row["rules"]) for row in group)
        unsure_final = [combine_labels("judge-unsure", r["rules"], r["judge"])[0] for r in group]
        judge_final = [combine_labels("judge", r["rules"], r["judge"])[0] for r in group]
        agree = sum(a == b for a, b in zip(unsure_final, judge_final, strict=True))
        right_unsure = sum(f == r["case"].label for f, r in zip(unsure_final, group, strict=True))
        right_judge = sum(f == r["case"].label for f, r in zip(judge_final, group, strict=True))
        n = len(group)
        table.add_row(
            name,
            str(n),
            str(sent),
            f"{sent / n:.1%}",
            f"{agree / n:.1%}",
            f"{right_unsure / n:.1%}",
            f"{right_judge / n:.1%}",
            style="bold" if name == "total" else None,
        )
    console.print(table)

    errors = Counter(row["judge_error"] for row in rows if row["judge_error"])
    console.print(
        f"{requests} grader requests over real HTTP in {elapsed:.1f} s; judge errors: "
        f"{sum(errors.values())}" + (f" ({dict(errors)})" if errors else "")
    )
    _report_by_label(console, rows)


def _report_by_label(console: Console, rows: list[dict[str, Any]]) -> None:
    """The share sent, split by the human label: cases labelled unsure ought to be sent."""
    table = Table(title="judge-unsure: cases sent to the judge, by human label")
    for column in ("human label", "cases", "sent", "share"):
        table.add_column(column, justify="left" if column == "human label" else "right")

    for label in LABELS:
        group = [row for row in rows if row["case"].label == label]
        sent = sum(needs_judge("judge-unsure", row["rules"]) for row in group)
        table.add_row(label, str(len(group)), str(sent), f"{sent / max(len(group), 1):.1%}")
    console.print(table)

    sent_all = sum(needs_judge("judge-unsure", row["rules"]) for row in rows)
    definite = [row for row in rows if row["case"].label != "unsure"]
    sent_definite = sum(needs_judge("judge-unsure", row["rules"]) for row in definite)
    share, definite_share = sent_all / len(rows), sent_definite / max(len(definite), 1)
    console.print(
        f"Goal: judge-unsure sends at most 10 % of samples to the judge — "
        f"{'met' if share <= 0.10 else 'not met'} on the whole set ({share:.1%}); "
        f"{definite_share:.1%} of the cases whose label is harmful or benign."
    )


if __name__ == "__main__":
    main()
