"""The gate's result as JUnit XML, as Markdown for a CI job summary, and as a rich table."""

from __future__ import annotations

import html
import math
import xml.etree.ElementTree as ET
from logging import getLogger

from rich import box
from rich.markup import escape
from rich.table import Table

from storyprobe.gate.decide import Outcome, Status
from storyprobe.gate.evaluate import GateResult

logger = getLogger(__name__)

__all__ = ["describe", "junit_xml", "markdown_summary", "rich_reasons", "rich_tables"]

SUITE = "storyprobe gate"
_ICONS = {Status.PASS: "✅", Status.FAIL: "❌", Status.INCONCLUSIVE: "⚠️", Status.ERROR: "🛑"}
_STYLES = {Status.PASS: "green", Status.FAIL: "red", Status.INCONCLUSIVE: "yellow"}


def describe(outcome: Outcome) -> str:
    """The figures behind an outcome: rate, interval, counts and threshold, in one line."""
    cell, rule = outcome.cell, outcome.rule
    text = (
        f"rate {_rate(outcome)} ({cell.harmful}/{cell.decided} decided, n={cell.n}, "
        f"unsure {cell.unsure}, errors {cell.errors}); {_interval_name(outcome)} "
        f"{_interval(outcome)}; max_rate {rule.max_rate:.1%}, min_samples {rule.min_samples}"
    )
    if outcome.baseline is not None:
        base = outcome.baseline
        text += f"; baseline {base.harmful}/{base.decided}"
    if outcome.p_value is not None:
        text += f", p = {outcome.p_value:.3g}"
    return text


def junit_xml(result: GateResult) -> str:
    """JUnit XML with one test case per behaviour × model.

    A fail is a ``failure``, an inconclusive cell is ``skipped`` and an error is an ``error``;
    each message gives the reason and the figures.
    """
    counts = {status: 0 for status in Status}
    for outcome in result.outcomes:
        counts[outcome.status] += 1
    totals = {
        "tests": str(len(result.outcomes)),
        "failures": str(counts[Status.FAIL]),
        "errors": str(counts[Status.ERROR]),
        "skipped": str(counts[Status.INCONCLUSIVE]),
    }
    root = ET.Element("testsuites", name=SUITE, **totals)
    suite = ET.SubElement(root, "testsuite", name=SUITE, time="0", **totals)
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="policy", value=str(result.policy.path))
    for note in result.notes:
        ET.SubElement(properties, "property", name="note", value=note)

    for outcome in result.outcomes:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"storyprobe.gate.{outcome.behaviour}",
            name=f"{outcome.behaviour} on {outcome.model}",
            time="0",
        )
        message = f"{outcome.reason} — {describe(outcome)}"
        if outcome.status is Status.FAIL:
            ET.SubElement(case, "failure", message=message, type=outcome.check).text = message
        elif outcome.status is Status.INCONCLUSIVE:
            ET.SubElement(case, "skipped", message=f"inconclusive: {message}")
        elif outcome.status is Status.ERROR:
            ET.SubElement(case, "error", message=message, type=outcome.check).text = message
        ET.SubElement(case, "system-out").text = describe(outcome)

    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def markdown_summary(result: GateResult) -> str:
    """A Markdown summary for ``$GITHUB_STEP_SUMMARY``: the overall status and one row per cell."""
    status = result.status
    lines = [
        f"## storyprobe gate: {_ICONS[status]} {status.name}",
        "",
        f"Policy `{_md(str(result.policy.path))}`, exit code {result.exit_code}.",
        "",
        "| behaviour | model | result | rate | interval | harmful / decided | n "
        "| unsure | errors | max rate | reason |",
        "|---|---|---|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for outcome in result.outcomes:
        cell = outcome.cell
        row = [
            outcome.behaviour,
            outcome.model,
            f"{_ICONS[outcome.status]} {outcome.status.name.lower()}",
            _rate(outcome),
            f"{_interval(outcome)} {_interval_name(outcome)}",
            f"{cell.harmful} / {cell.decided}",
            str(cell.n),
            str(cell.unsure),
            str(cell.errors),
            f"{outcome.rule.max_rate:.1%}",
            outcome.reason,
        ]
        lines.append("| " + " | ".join(_md(value) for value in row) + " |")
    if not result.outcomes:
        lines.append("| – | – | no samples in the logs | | | | | | | | |")
    lines.extend(["", *(f"> **Note:** {_md(note)}" for note in result.notes)])
    return "\n".join(lines).rstrip() + "\n"


def rich_tables(result: GateResult) -> list[Table]:
    """The outcomes as rich tables, one per model, narrow enough for an 80-column CI log."""
    tables = []
    for model in sorted({outcome.model for outcome in result.outcomes}):
        table = Table(
            title=f"storyprobe gate on {escape(model)}",
            caption="h/d: harmful / decided; uns: unsure; err: errored; max: max_rate",
            title_justify="left",
            caption_justify="left",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
        )
        table.add_column("behaviour", overflow="fold")
        table.add_column("result", no_wrap=True)
        for column in ("rate", "interval", "h/d", "n", "uns", "err", "max"):
            table.add_column(column, justify="right", no_wrap=True)

        for outcome in (o for o in result.outcomes if o.model == model):
            cell = outcome.cell
            table.add_row(
                escape(outcome.behaviour),
                outcome.status.name.lower(),
                _rate(outcome),
                _interval(outcome),
                f"{cell.harmful}/{cell.decided}",
                str(cell.n),
                str(cell.unsure),
                str(cell.errors),
                f"{outcome.rule.max_rate:.1%}",
                style=_STYLES.get(outcome.status, "bold red"),
            )
        tables.append(table)
    return tables


def rich_reasons(result: GateResult) -> list[str]:
    """One markup line per outcome: what decided it, for printing under :func:`rich_tables`."""
    return [
        f"[{_STYLES.get(o.status, 'bold red')}]{o.status.name.lower()}[/] "
        f"{escape(o.behaviour)} on {escape(o.model)}: {escape(o.reason)}"
        for o in result.outcomes
    ]


def _rate(outcome: Outcome) -> str:
    return "–" if math.isnan(outcome.cell.rate) else f"{outcome.cell.rate:.1%}"


def _interval(outcome: Outcome) -> str:
    low, high = outcome.interval.low, outcome.interval.high
    return "–" if math.isnan(low) else f"[{low:.1%}, {high:.1%}]"


def _interval_name(outcome: Outcome) -> str:
    method = "Wilson" if outcome.rule.method == "wilson" else "Clopper-Pearson"
    return f"{outcome.rule.confidence:.0%} {method}"


def _md(text: str) -> str:
    """Escape a table cell: HTML special characters, pipes and line breaks."""
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")
