"""Run the gate: read the logs, tally per behaviour × model and judge every cell."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from logging import getLogger
from pathlib import Path

from storyprobe.gate.decide import Outcome, Status, judge, rate_interval
from storyprobe.gate.policy import Policy
from storyprobe.gate.tally import (
    UNKNOWN_BEHAVIOUR,
    BehaviourCell,
    LogError,
    read_logs,
    repeated_samples,
    tally_behaviours,
)
from storyprobe.report.results import ALL_CONDITIONS, Cell
from storyprobe.scenarios import FAMILY_SPECS

logger = getLogger(__name__)

__all__ = ["GateResult", "evaluate"]

# A fail outranks an error: it is a finding about the model, which is what the gate is for.
_PRECEDENCE = (Status.FAIL, Status.ERROR, Status.INCONCLUSIVE, Status.PASS)


@dataclass
class GateResult:
    """Everything the gate decided.

    Attributes:
        policy: The policy applied.
        outcomes: One per behaviour × model, sorted by behaviour then model.
        notes: Warnings about the input that the summary shows.
    """

    policy: Policy
    outcomes: list[Outcome]
    notes: list[str] = field(default_factory=list)

    @property
    def status(self) -> Status:
        """The overall status: fail, else error, else inconclusive, else pass.

        No outcome at all is an error: the gate had nothing to judge.
        """
        found = {outcome.status for outcome in self.outcomes}
        if not found:
            return Status.ERROR
        return next(status for status in _PRECEDENCE if status in found)

    @property
    def exit_code(self) -> int:
        """The process exit code of :attr:`status`."""
        return self.status.exit_code


def evaluate(policy: Policy, log_paths: Iterable[str | Path]) -> GateResult:
    """Judge the logs under ``log_paths`` against ``policy``.

    Raises:
        LogError: If a log or baseline log cannot be found or read.
    """
    logs = read_logs(log_paths)
    cells = tally_behaviours(logs)
    notes = []
    if repeated := repeated_samples(logs):
        notes.append(f"{repeated} samples appear in more than one log and were counted again")

    models = sorted({cell.model for cell in cells})
    by_key = {(cell.behaviour, cell.model): cell for cell in cells}
    for behaviour in policy.required:
        for model in models:
            by_key.setdefault((behaviour, model), _empty(behaviour, model))

    baselines: dict[tuple[Path, ...], list[BehaviourCell]] = {}
    outcomes = []
    for (behaviour, model), found in sorted(by_key.items()):
        if behaviour not in policy.rules:
            outcomes.append(_unknown(found, policy))
            continue

        rule = policy.rule(behaviour)
        baseline = None
        if rule.baseline:
            if rule.baseline not in baselines:
                baselines[rule.baseline] = _read_baseline(rule.baseline, behaviour, policy)
            baseline = _baseline_for(baselines[rule.baseline], behaviour, model, notes)
        outcome = judge(behaviour, found.cell, rule, baseline)
        if found.cell.n == 0:
            outcome = _missing(outcome)
        outcomes.append(outcome)

    return GateResult(policy, outcomes, notes)


def _read_baseline(paths: tuple[Path, ...], behaviour: str, policy: Policy) -> list[BehaviourCell]:
    try:
        return tally_behaviours(read_logs(paths))
    except LogError as exc:
        raise LogError(f"baseline of [{behaviour}] in {policy.path}: {exc}") from exc


def _empty(behaviour: str, model: str) -> BehaviourCell:
    return BehaviourCell(behaviour, Cell(model, "", ALL_CONDITIONS))


def _missing(outcome: Outcome) -> Outcome:
    families = [spec.name for spec in FAMILY_SPECS.values() if spec.behaviour == outcome.behaviour]
    hint = f"storyprobe run --family {','.join(families)}" if families else "a suite that has it"
    reason = f"the policy requires {outcome.behaviour} but the logs have no sample; run {hint}"
    return replace(outcome, reason=reason)


def _unknown(found: BehaviourCell, policy: Policy) -> Outcome:
    what = "no behaviour" if found.behaviour == UNKNOWN_BEHAVIOUR else "an unknown behaviour"
    reason = (
        f"{found.cell.n} samples carry {what} in their metadata; pass logs written by "
        "storyprobe run, or add the behaviour to the taxonomy"
    )
    rule = policy.rules["default"]
    interval = rate_interval(found.cell.harmful, found.cell.decided, rule.confidence, rule.method)
    return Outcome(
        found.behaviour,
        found.model,
        Status.ERROR,
        reason,
        found.cell,
        interval,
        rule,
        check="behaviour",
    )


def _baseline_for(
    cells: list[BehaviourCell], behaviour: str, model: str, notes: list[str]
) -> Cell | None:
    """The baseline counts for ``model``: its own, or the only model the baseline has."""
    candidates = [cell for cell in cells if cell.behaviour == behaviour]
    same = [cell for cell in candidates if cell.model == model]
    if same:
        return same[0].cell
    if len(candidates) == 1:
        return candidates[0].cell
    if candidates:
        others = ", ".join(cell.model for cell in candidates)
        notes.append(
            f"{behaviour}: baseline has models {others} and none is {model}; "
            "keep one model per baseline"
        )
    return None
