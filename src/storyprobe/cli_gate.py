"""``storyprobe gate``: judge scored logs against a policy, for CI.

Exit codes: 0 pass, 1 fail, 2 inconclusive, 3 error. Click's own usage errors (a missing
option, a bad path) exit with 3 too, so that a CI job never reads them as "inconclusive".
Register with ``main.add_command(gate)``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from storyprobe.gate import (
    LogError,
    PolicyError,
    Status,
    evaluate,
    junit_xml,
    load_policy,
    markdown_summary,
    rich_reasons,
    rich_tables,
)

logger = logging.getLogger(__name__)

__all__ = ["gate"]

EXIT_ERROR = Status.ERROR.exit_code


class _GateCommand(click.Command):
    """A command whose usage errors exit with the gate's error code instead of click's 2."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            exc.exit_code = EXIT_ERROR
            raise


@click.command("gate", cls=_GateCommand)
@click.option(
    "--policy",
    "policy_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Policy file (TOML), see docs/storyprobe.example.toml.",
)
@click.option(
    "--junit",
    "junit_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write JUnit XML here (one test case per behaviour × model).",
)
@click.option(
    "--summary",
    "summary_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append a Markdown summary here, e.g. $GITHUB_STEP_SUMMARY.",
)
@click.argument("logs", nargs=-1, required=True, type=click.Path(path_type=Path))
def gate(
    policy_path: Path, junit_path: Path | None, summary_path: Path | None, logs: tuple[Path, ...]
) -> None:
    """Judge the scored logs in LOGS (files or folders) against a per-behaviour policy.

    Exit codes: 0 pass, 1 fail, 2 inconclusive (too few samples), 3 error.
    """
    console = Console()
    err_console = Console(stderr=True)
    try:
        result = evaluate(load_policy(policy_path), logs)
        if junit_path:
            _write(junit_path, junit_xml(result), mode="w")
        if summary_path:
            _write(summary_path, markdown_summary(result), mode="a")
    except (PolicyError, LogError) as exc:
        err_console.print(
            f"[bold red]storyprobe gate: error:[/] {escape(str(exc))}", soft_wrap=True
        )
        raise SystemExit(EXIT_ERROR) from exc
    except Exception as exc:  # an unexpected failure must not look like a failed model (1)
        logger.exception("the gate crashed")
        err_console.print(
            f"[bold red]storyprobe gate: internal error:[/] {escape(repr(exc))}", soft_wrap=True
        )
        raise SystemExit(EXIT_ERROR) from exc

    for table in rich_tables(result):
        console.print(table)
    for line in rich_reasons(result):
        console.print(line, soft_wrap=True, highlight=False)
    for note in result.notes:
        err_console.print(f"[yellow]note:[/] {escape(note)}", soft_wrap=True)
    console.print(f"gate {result.status.name.lower()}: exit code {result.exit_code}")
    raise SystemExit(result.exit_code)


def _write(path: Path, text: str, mode: Any) -> None:
    try:
        with path.open(mode, encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise LogError(f"cannot write {path}: {exc.strerror}; check the folder exists") from exc


if __name__ == "__main__":
    gate()
