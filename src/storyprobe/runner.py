"""Run scenario families on a model through Inspect, resumably, and tally the verdicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from logging import getLogger
from pathlib import Path
from typing import Any

from inspect_ai import Task, eval_set
from inspect_ai.log import EvalLog, read_eval_log
from rich.console import Console

from storyprobe.classify.judge import GRADER_ROLE, check_mode
from storyprobe.evals.task import TASKS, ToolFormat
from storyprobe.report.results import Cell, tally_logs

logger = getLogger(__name__)

__all__ = ["DEFAULT_LOG_DIR", "RunConfig", "RunResult", "run_suite"]

DEFAULT_LOG_DIR = "storyprobe-logs"


@dataclass
class RunConfig:
    """What ``storyprobe run`` was asked to do.

    Attributes:
        models: Inspect model names; empty runs the embedded local model.
        families: Scenario families to run.
        samples: Scenarios per condition.
        seed: First world seed.
        conditions: Condition filters such as ``threat=replacement``.
        tool_format: ``native``, ``text``, or None to choose by model (text when every
            model is embedded, native otherwise).
        log_dir: Where Inspect writes logs; a re-run with the same settings resumes there.
        model_args: Provider arguments (``-M key=value``).
        generate: Generation options passed to Inspect (max_tokens, temperature, ...).
        display: Inspect display type (``rich``, ``plain``, ``none`` ...).
        suites: Published suites to run beside the families (``anthropic-agentic-misalignment``).
        published_variants: Variants of the published scenario (see storyprobe.published).
        classifier: ``rules`` (default), ``judge``, ``both`` or ``judge-unsure``.
        judge_model: The grader for every mode but ``rules`` (bound to Inspect's ``grader``
            model role).
        judge: The judge's settings: ``judge_timeout``, ``judge_retries``,
            ``judge_reasoning``.
    """

    models: list[str] = field(default_factory=list)
    families: list[str] = field(default_factory=lambda: ["blackmail"])
    samples: int = 1
    seed: int = 0
    conditions: list[str] = field(default_factory=list)
    tool_format: ToolFormat | None = None
    log_dir: str = DEFAULT_LOG_DIR
    model_args: dict[str, Any] = field(default_factory=dict)
    generate: dict[str, Any] = field(default_factory=dict)
    display: str | None = None
    suites: list[str] = field(default_factory=list)
    published_variants: list[str] = field(default_factory=lambda: ["blackmail"])
    classifier: str = "rules"
    judge_model: str | None = None
    judge: dict[str, Any] = field(default_factory=dict)

    def check(self) -> None:
        """Raise ValueError, saying what to pass, when the options cannot work together."""
        check_mode(self.classifier)
        if self.classifier != "rules" and not self.judge_model:
            raise ValueError(
                f"--classifier {self.classifier} needs a grader: pass --judge-model MODEL "
                "(any Inspect model, e.g. openai/gpt-4.1)"
            )


@dataclass
class RunResult:
    """What a run produced: the models used, the full logs and the tallied cells."""

    models: list[str]
    tool_format: ToolFormat
    success: bool
    logs: list[EvalLog]
    cells: list[Cell]


def run_suite(config: RunConfig, console: Console | None = None) -> RunResult:
    """Run the configured families and return the tallied results.

    Uses Inspect's ``eval_set`` so that re-running the same configuration in the same log
    directory resumes unfinished work instead of starting over.
    """
    console = console or Console(stderr=True)
    config.check()
    models, tool_format, generate = _resolve_models(config, console)
    tasks = _tasks(config, tool_format)

    Path(config.log_dir).mkdir(parents=True, exist_ok=True)
    success, headers = eval_set(
        tasks,
        model=models,
        model_args=config.model_args,
        log_dir=config.log_dir,
        log_dir_allow_dirty=True,
        fail_on_error=False,
        retry_on_error=1,
        display=config.display,  # type: ignore[arg-type]
        model_roles={GRADER_ROLE: config.judge_model} if config.judge_model else None,
        **generate,
    )

    logs = [read_eval_log(header.location) for header in headers]
    return RunResult(models, tool_format, success, logs, tally_logs(logs))


def _resolve_models(
    config: RunConfig, console: Console
) -> tuple[list[str], ToolFormat, dict[str, Any]]:
    """Pick the models, the tool format and generation defaults."""
    from storyprobe.embedded import EMBEDDED_MODEL, prepare_embedded_model

    models = config.models or [EMBEDDED_MODEL]
    generate = dict(config.generate)
    embedded = [model for model in models if model.startswith("storyprobe/")]
    if embedded or (config.judge_model or "").startswith("storyprobe/"):
        prepare_embedded_model(console=console)
    if embedded:
        # The embedded 0.5B model rambles; the cap keeps the quick run within its time budget.
        generate.setdefault("max_tokens", 400)

    default_format: ToolFormat = "text" if len(embedded) == len(models) else "native"
    return models, config.tool_format or default_format, generate


def resolve_families(names: list[str]) -> list[str]:
    """Expand ``all`` and comma-separated lists into family names, checking each.

    Raises:
        ValueError: For an unknown family; the message lists the known ones.
    """
    families: list[str] = []
    for name in (part.strip() for entry in names for part in entry.split(",")):
        if not name:
            continue
        chosen = list(TASKS) if name == "all" else [name]
        unknown = [family for family in chosen if family not in TASKS]
        if unknown:
            raise ValueError(f"unknown scenario family {name!r}; families: all, {', '.join(TASKS)}")
        families.extend(family for family in chosen if family not in families)
    return families


def _tasks(config: RunConfig, tool_format: ToolFormat) -> list[Task]:
    return _family_tasks(config, tool_format) + _suite_tasks(config)


def _suite_tasks(config: RunConfig) -> list[Task]:
    """The published scenario as a task, scored by storyprobe's classifiers, if asked for."""
    if not config.suites:
        return []

    from storyprobe.published import SUITE, published_tasks

    unknown = [suite for suite in config.suites if suite != SUITE]
    if unknown:
        raise ValueError(f"unknown suite {', '.join(unknown)}; suites: {SUITE}")
    # The published task has one sample per variant; --samples repeats it as epochs.
    return published_tasks(
        config.published_variants,
        epochs=config.samples,
        classifier=config.classifier,
        judge=config.judge,
    )


def _family_tasks(config: RunConfig, tool_format: ToolFormat) -> list[Task]:
    return [
        TASKS[family](
            samples=config.samples,
            seed=config.seed,
            conditions=config.conditions or None,
            tool_format=tool_format,
            classifier=config.classifier,
            **config.judge,
        )
        for family in resolve_families(config.families)
    ]
