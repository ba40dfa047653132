"""``storyprobe audit``: audit a corpus, report on it, and filter it by a policy.

``storyprobe audit INPUT... --out DIR`` is short for ``storyprobe audit run INPUT... --out DIR``:
the group runs ``run`` whenever its first argument is not a subcommand name (a path named
``report`` or ``filter`` can be given as ``./report``). Registered by
:mod:`storyprobe.cli`; it imports the audit pipeline only when a subcommand runs, so the rest
of the command line works without the ``audit`` extra. Exit codes: 0 done, 1 some shards
failed, 2 usage error.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

logger = logging.getLogger(__name__)

__all__ = ["audit"]


class _DefaultRunGroup(click.Group):
    """A group that treats ``audit <paths>`` as ``audit run <paths>``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        help_names = ctx.help_option_names or ["--help"]
        if args and args[0] not in self.commands and args[0] not in help_names:
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group("audit", cls=_DefaultRunGroup)
def audit() -> None:
    """Find AI self-preservation narratives in a corpus, with provenance for every document.

    \b
    storyprobe audit INPUT... --out DIR           tag every document (same as `audit run`)
    storyprobe audit report DIR                   print and write the summary
    storyprobe audit filter DIR --policy P --out DIR2   keep/drop/down-weight/tag by policy
    """
    _require_audit_extra()


def _require_audit_extra() -> None:
    """Stop with the install command when the audit extra's packages are missing."""
    try:
        import storyprobe.audit  # noqa: F401  (imports the readers, detector and summary)
    except ImportError as exc:
        missing = exc.name or str(exc)
        raise click.UsageError(
            f"storyprobe audit needs the audit extra ({missing} is not installed): "
            "pip install 'storyprobe[audit]'"
        ) from exc


@audit.command("run")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (attribute files go under DIR/attributes/).",
)
@click.option("--text-field", default=None, help="Field holding the text [default: text].")
@click.option("--id-field", default=None, help="Field holding the document id [default: id].")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1),
    help="Processes, or Ray actors with --executor ray (one shard each at a time).",
)
@click.option(
    "--executor",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="local: processes on this machine; ray: Ray Data (pip install 'storyprobe[ray]').",
)
@click.option(
    "--ray-address",
    default=None,
    help="Ray cluster address for --executor ray (e.g. auto, ray://head:10001) "
    "[default: start or join a local cluster].",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Audit TOML: fields, limits, per-source licences, detector (docs/audit.md).",
)
def run_command(
    inputs: tuple[Path, ...],
    out_dir: Path,
    text_field: str | None,
    id_field: str | None,
    workers: int,
    executor: str,
    ray_address: str | None,
    config_path: Path | None,
) -> None:
    """Tag every document of INPUT... (JSONL[.gz|.zst], Parquet, text, saved HF datasets)."""
    from storyprobe.audit._config import ConfigError, load_config
    from storyprobe.audit._executor import run_audit
    from storyprobe.audit._ray import RayMissingError
    from storyprobe.audit.readers import InputError

    console, err = Console(), Console(stderr=True)
    try:
        config = load_config(config_path).with_fields(text_field, id_field)
        result = run_audit(
            list(inputs),
            out_dir,
            config,
            workers,
            progress=lambda key, stats: _progress(err, key, stats),
            executor=executor,
            ray_address=ray_address,
        )
    except (ConfigError, InputError, RayMissingError) as exc:
        raise click.UsageError(str(exc)) from exc

    stats = result.stats
    console.print(
        f"{len(result.done)} shards audited, {len(result.skipped)} already done: "
        f"{stats.documents} documents, {stats.flagged} flagged, {stats.errors} bad records "
        f"({stats.rows_seen} rows seen). Attributes in {out_dir / 'attributes'}; "
        f"next: storyprobe audit report {out_dir}",
        highlight=False,
    )
    for key, error in result.failed.items():
        err.print(f"[red]shard {escape(key)} failed:[/red] {escape(error)} (re-run to retry)")
    if result.failed:
        raise SystemExit(1)


@audit.command("report")
@click.argument("audit_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--top", default=10, show_default=True, help="Top-scoring examples to show.")
def report_command(audit_dir: Path, top: int) -> None:
    """Print the summary of an audit and write summary.json, summary.md and croissant.json."""
    from storyprobe.audit._croissant import build_croissant
    from storyprobe.audit._summary import SummaryError, build_summary

    try:
        summary = build_summary(audit_dir, top=top)
    except SummaryError as exc:
        raise click.UsageError(str(exc)) from exc
    build_croissant(audit_dir, summary)
    _print_summary(Console(), summary)
    Console().print(
        f"Summary written to {audit_dir / 'summary.json'}, "
        f"{audit_dir / 'summary.md'} and {audit_dir / 'croissant.json'}"
    )


@audit.command("filter")
@click.argument("audit_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--policy",
    "policy_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Policy TOML (rules: keep, drop, downweight, tag; see docs/audit.md).",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the new shards and the decisions log.",
)
def filter_command(audit_dir: Path, policy_path: Path, out_dir: Path) -> None:
    """Apply a policy to an audited corpus: new shards plus a decisions log with reasons."""
    from storyprobe.audit._filter import FilterError, apply_policy
    from storyprobe.audit._policy import PolicyError, load_filter_policy

    try:
        counts = apply_policy(audit_dir, load_filter_policy(policy_path), out_dir)
    except (PolicyError, FilterError) as exc:
        raise click.UsageError(str(exc)) from exc
    summary = ", ".join(f"{action} {count}" for action, count in sorted(counts.items()))
    Console().print(
        f"Decisions: {summary or 'no documents'}. Shards in {out_dir / 'shards'}, "
        f"decisions in {out_dir / 'decisions'}.",
        highlight=False,
    )


def _progress(err: Console, key: str, stats: Any) -> None:
    if stats is None:
        err.print(f"[dim]skip {escape(key)} (done earlier)[/dim]")
    else:
        err.print(
            f"[dim]done {escape(key)}: {stats.documents} documents, {stats.flagged} "
            f"flagged, {stats.errors} bad, {stats.seconds:.1f} s[/dim]"
        )


def _print_summary(console: Console, summary: dict[str, Any]) -> None:
    from storyprobe.audit._summary_text import format_rate

    overall = summary["overall"]
    console.print(
        f"[bold]Audit {summary['lineage'].get('run_id', '')}[/bold]: "
        f"{overall['flagged']} of {overall['documents']} documents flagged, "
        f"{format_rate(overall)} (95% Wilson); tokens = whitespace words"
    )
    for title, key in (
        ("source", "by_source"),
        ("domain", "by_domain"),
        ("licence", "by_licence"),
        ("behaviour", "by_behaviour"),
    ):
        table = Table(
            title,
            "documents",
            "flagged",
            "prevalence [95% CI]",
            "token-weighted",
            title=f"by {title}",
        )
        for row in summary[key][:20]:
            token = "–" if row["token_prevalence"] is None else f"{row['token_prevalence']:.2%}"
            table.add_row(
                escape(str(row["name"])),
                str(row["documents"]),
                str(row["flagged"]),
                format_rate(row),
                token,
            )
        console.print(table)
    bad = summary["bad_input"]
    if bad["totals"]:
        table = Table("shard", "reason", "count", "first location", title="bad input")
        for shard in bad["shards"]:
            for reason, count in shard["counts"].items():
                first = next((e for e in shard["examples"] if e["reason"] == reason), {})
                place = ", ".join(
                    f"{k} {first[k]}"
                    for k in ("line", "row", "byte_offset")
                    if first.get(k) is not None
                )
                table.add_row(escape(shard["shard"]), reason, str(count), place)
        console.print(table)
    for example in summary["top_examples"]:
        spans = example["spans"] or [{}]
        console.print(
            f"[bold]{escape(example['id'])}[/bold] score {example['score']:.2f} "
            f"{', '.join(example['behaviours'])}: "
            f"[italic]{escape((spans[0].get('excerpt') or '')[:160])}[/italic]"
        )
