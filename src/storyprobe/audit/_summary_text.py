"""The audit summary as text: a Markdown report and formatted rates (shared with the CLI)."""

from __future__ import annotations

from typing import Any

__all__ = ["format_rate", "summary_markdown"]


def summary_markdown(summary: dict[str, Any]) -> str:
    """The summary as Markdown (tables of prevalence, bad input and top examples)."""
    counts, overall = summary["counts"], summary["overall"]
    lines = [
        f"# Corpus audit summary — run {summary['lineage'].get('run_id', '?')}",
        "",
        f"{counts['shards']} shards, {counts['rows_seen']} rows seen: {counts['documents']} "
        f"documents, {counts['errors']} bad records, {counts['blank_lines']} blank lines. "
        f"Flagged {overall['flagged']} ({format_rate(overall)}, 95% Wilson). Tokens are "
        "whitespace-separated words.",
        "",
    ]
    if summary["unfinished_shards"]:
        lines += [f"Unfinished shards (not counted): {', '.join(summary['unfinished_shards'])}", ""]
    for title, key in (
        ("Sources", "by_source"),
        ("Domains", "by_domain"),
        ("Licences", "by_licence"),
        ("Behaviours", "by_behaviour"),
    ):
        lines += [
            f"## {title}",
            "",
            "| name | documents | flagged | prevalence (95% CI) | token-weighted |",
            "|---|---:|---:|---|---:|",
        ]
        for row in summary[key]:
            lines.append(
                f"| {row['name']} | {row['documents']} | {row['flagged']} | "
                f"{format_rate(row)} | {_percent(row['token_prevalence'])} |"
            )
        lines.append("")
    bad = summary["bad_input"]
    lines += ["## Bad input", "", "| shard | reason | count |", "|---|---|---:|"]
    lines += [
        f"| {shard['shard']} | {reason} | {count} |"
        for shard in bad["shards"]
        for reason, count in shard["counts"].items()
    ] or ["| (none) | | 0 |"]
    lines += ["", "## Top examples", ""]
    for example in summary["top_examples"]:
        where = example["provenance"]
        place = f"line {where['line']}" if where.get("line") else f"row {where.get('row')}"
        excerpt = (example["spans"][0]["excerpt"] or "") if example["spans"] else ""
        lines.append(
            f"- **{example['id']}** ({where['shard']}, {place}) score "
            f"{example['score']:.2f} {', '.join(example['behaviours'])}: "
            f"“{excerpt[:160]}”"
        )
    return "\n".join(lines) + "\n"


def format_rate(row: dict[str, Any]) -> str:
    """``12.5% [8.1%, 18.6%]`` for a summary row, or ``–`` with no documents."""
    if row["prevalence"] is None:
        return "–"
    low, high = row["ci95"]
    return f"{_percent(row['prevalence'])} [{_percent(low)}, {_percent(high)}]"


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.2%}"
