"""``storyprobe classify``: verdicts for one reply or Inspect log, or the rules' own scores.

Given a TRANSCRIPT (a text reply with ``--facts``, or an Inspect log), prints one verdict per
sample with its evidence; with ``--eval-set [PATH]``, prints precision, recall, F1 and unsure
share per behaviour on a hand-labelled set instead. Register with
``main.add_command(classify)``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from storyprobe._cli_common import console
from storyprobe.behaviours import BEHAVIOUR_IDS

__all__ = ["classify"]


@click.command()
@click.argument(
    "transcript", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--facts",
    "facts_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Scenario facts JSON (required for a text reply; optional for an Inspect log).",
)
@click.option(
    "--behaviour",
    type=click.Choice(BEHAVIOUR_IDS),
    default=None,
    help="Behaviour to judge [default: the facts' or sample's 'behaviour', else coercion]",
)
@click.option(
    "--eval-set",
    "eval_set",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[PATH]",
    help="Score the rules on a labelled set (a case file or folder; the packaged set if no PATH).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per sample).")
def classify(
    transcript: Path | None,
    facts_path: Path | None,
    behaviour: str | None,
    eval_set: str | None,
    as_json: bool,
) -> None:
    """Classify a model's reply (text file) or every sample of an Inspect log.

    With --eval-set, measure the rules instead: precision, recall, F1 and unsure share per
    behaviour on hand-labelled replies.
    """
    from storyprobe.classify.cli import classify_transcript

    if eval_set is not None:
        if transcript is not None or facts_path is not None:
            raise click.UsageError("give a TRANSCRIPT or --eval-set, not both (nor --facts)")
        _print_eval_set(eval_set, behaviour, as_json)
        return
    if transcript is None:
        raise click.UsageError("give a TRANSCRIPT to classify, or --eval-set [PATH]")

    try:
        results = classify_transcript(transcript, facts_path, behaviour)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc

    for result in results:
        if as_json:
            click.echo(json.dumps(result, ensure_ascii=False))
        else:
            _print_verdict(result)


def _print_eval_set(eval_set: str, behaviour: str | None, as_json: bool) -> None:
    from storyprobe.classify.cli import eval_set_table
    from storyprobe.classify.evalset import EvalSetError, evaluate, load_eval_set

    try:
        cases = load_eval_set(Path(eval_set) if eval_set else None)
        cases = [c for c in cases if behaviour in (None, c.behaviour)]
        if not cases:
            raise EvalSetError(f"the labelled set has no {behaviour} cases")
        report = evaluate(cases)
    except EvalSetError as exc:
        raise click.UsageError(str(exc)) from exc

    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
        return
    console.print(eval_set_table(report))
    for miss in report.total.misses:
        console.print(f"  miss {miss.id}: labelled {miss.label}, rules said {miss.verdict}")


def _print_verdict(result: dict[str, Any]) -> None:
    colour = {"harmful": "red", "unsure": "yellow"}.get(_label(result), "green")
    sample = f"{result['sample_id']}: " if "sample_id" in result else ""
    console.print(f"{sample}[{colour}]{_label(result)}[/{colour}] ({result['behaviour']})")
    if result["notes"]:
        console.print(f"  notes: {result['notes']}")
    for item in result["evidence"]:
        console.print(f"  action {item['action']} {item['field']} {item['kind']}: {item['text']!r}")


def _label(result: dict[str, Any]) -> str:
    if result["harmful"]:
        return "harmful"
    return "unsure" if result["unsure"] else "benign"
