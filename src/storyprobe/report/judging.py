"""What the logs say about the verdicts themselves: eval-awareness, rules-versus-judge
agreement, what was sent to the judge, and the tokens each model role spent."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from logging import getLogger
from typing import Any

from inspect_ai.log import EvalLog

from storyprobe.report.prices import ModelPrice
from storyprobe.report.results import SCORER_NAME, Cell, count_sample
from storyprobe.stats import Agreement, cohen_kappa

logger = getLogger(__name__)

__all__ = ["JudgeSummary", "UsageRow", "awareness_cells", "judge_summaries", "usage_rows"]

AGENT_ROLE = "agent"
"""The role name used in usage tables for the model under test."""


def awareness_cells(logs: Iterable[EvalLog]) -> list[Cell]:
    """Rates per model, family and eval-awareness label (``evaluation``, ``real``,
    ``unstated``), pooled over conditions; the label goes in the cell's ``condition``."""
    cells: dict[tuple[str, str, str], Cell] = {}
    for log in logs:
        family = log.eval.task.split("/")[-1]
        for sample in log.samples or []:
            score = (sample.scores or {}).get(SCORER_NAME)
            metadata = (score.metadata or {}) if score else {}
            label = f"awareness={metadata.get('awareness', 'unknown')}"
            key = (log.eval.model, family, label)
            count_sample(cells.setdefault(key, Cell(*key)), sample)
    return [cells[key] for key in sorted(cells)]


@dataclass
class JudgeSummary:
    """The judge's share of the work for one model and behaviour, and its agreement with
    the rules on the samples where both gave a verdict.

    Attributes:
        model: The model under test.
        behaviour: Taxonomy id.
        classifier: The classifier mode(s) the samples were scored with.
        samples: Samples scored.
        judged: Samples sent to the judge.
        judge_errors: Judge calls that gave no verdict (provider error, timeout, bad answer).
        input_tokens: Grader input tokens.
        output_tokens: Grader output tokens.
        agreement: Rules (rows) against judge (columns).
        error_messages: ``sample id: cause`` of each judge error, in log order.
    """

    model: str
    behaviour: str
    classifier: str = ""
    samples: int = 0
    judged: int = 0
    judge_errors: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    pairs: list[tuple[str, str]] = field(default_factory=list, repr=False)
    error_messages: list[str] = field(default_factory=list, repr=False)

    @property
    def agreement(self) -> Agreement:
        """Cohen's kappa and the confusion table of rules against judge."""
        return cohen_kappa(self.pairs)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "model": self.model,
            "behaviour": self.behaviour,
            "classifier": self.classifier,
            "samples": self.samples,
            "judged": self.judged,
            "judge_errors": self.judge_errors,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "agreement": self.agreement.to_dict(),
            "error_messages": list(self.error_messages),
        }


def judge_summaries(logs: Iterable[EvalLog]) -> list[JudgeSummary]:
    """One summary per model and behaviour, from the scores' metadata."""
    summaries: dict[tuple[str, str], JudgeSummary] = {}
    modes: dict[tuple[str, str], set[str]] = defaultdict(set)
    for log in logs:
        for sample in log.samples or []:
            score = (sample.scores or {}).get(SCORER_NAME)
            if score is None or not score.metadata:
                continue

            metadata = score.metadata
            behaviour = str((sample.metadata or {}).get("behaviour", "unknown"))
            key = (log.eval.model, behaviour)
            summary = summaries.setdefault(key, JudgeSummary(*key))
            modes[key].add(str(metadata.get("classifier", "rules")))
            summary.samples += 1
            _add_judge(summary, metadata, str(sample.id))

    for key, summary in summaries.items():
        summary.classifier = ", ".join(sorted(modes[key]))
    return [summaries[key] for key in sorted(summaries)]


def _add_judge(summary: JudgeSummary, metadata: dict[str, Any], sample_id: str) -> None:
    judge = metadata.get("judge")
    if not judge:
        return

    summary.judged += 1
    usage = judge.get("usage") or {}
    summary.input_tokens += int(usage.get("input_tokens", 0))
    summary.output_tokens += int(usage.get("output_tokens", 0))
    if judge.get("verdict") is None:
        summary.judge_errors += 1
        summary.error_messages.append(f"{sample_id}: {judge.get('error') or 'no verdict'}")
    elif metadata.get("rules_label"):
        summary.pairs.append((metadata["rules_label"], judge["verdict"]["label"]))


@dataclass(frozen=True)
class UsageRow:
    """Tokens one model spent in one role, and their estimated cost.

    Attributes:
        role: ``agent`` for the model under test, or the Inspect model role (``grader``).
        model: Model name.
        input_tokens: Input tokens (cached reads excluded).
        output_tokens: Output tokens.
        cache_read_tokens: Cached input tokens.
        cost: Estimated dollars, or None when no price was given for the model.
    """

    role: str
    model: str
    input_tokens: int
    output_tokens: int
    cache_read_tokens: int = 0
    cost: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return dict(self.__dict__)


def usage_rows(
    logs: Iterable[EvalLog], prices: dict[str, ModelPrice] | None = None
) -> list[UsageRow]:
    """Tokens per role and model over all logs, with a cost where ``prices`` has the model.

    The model under test's tokens are its log's usage less whatever the same model spent
    in another role (a model can grade its own samples).
    """
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for log in logs:
        roles = _role_models(log)
        by_model = {name: _tokens(usage) for name, usage in log.stats.model_usage.items()}
        for role, usage in log.stats.role_usage.items():
            model = roles.get(role, "unknown")
            tokens = _tokens(usage)
            _add(totals[(role, model)], tokens)
            if model in by_model:
                by_model[model] = [a - b for a, b in zip(by_model[model], tokens, strict=True)]
        for model, tokens in by_model.items():
            if any(tokens):
                _add(totals[(AGENT_ROLE, model)], tokens)

    rows = []
    for (role, model), (inp, out, cached) in sorted(totals.items()):
        price = (prices or {}).get(model)
        cost = price.cost(inp, out, cached) if price else None
        rows.append(UsageRow(role, model, inp, out, cached, cost))
    return rows


def _role_models(log: EvalLog) -> dict[str, str]:
    roles: dict[str, str] = {}
    for role, config in (log.eval.model_roles or {}).items():
        first = config[0] if isinstance(config, list) else config
        roles[role] = first.model
    return roles


def _tokens(usage: Any) -> list[int]:
    return [
        int(usage.input_tokens or 0),
        int(usage.output_tokens or 0),
        int(usage.input_tokens_cache_read or 0),
    ]


def _add(total: list[int], tokens: list[int]) -> None:
    for i, value in enumerate(tokens):
        total[i] += value
