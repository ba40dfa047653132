"""Read Inspect logs and count verdicts per behaviour × model, with the report's counting rules.

Samples are grouped by their ``behaviour`` metadata, so one log may feed several behaviours (the
published suite does). Counting itself is :func:`storyprobe.report.results.tally_logs`: errored
and unscored samples are errors, samples a task defined but never ran are errors too.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from logging import getLogger
from pathlib import Path

from inspect_ai.log import EvalLog, EvalSample, list_eval_logs, read_eval_log

from storyprobe.report.results import ALL_CONDITIONS, Cell, tally_logs
from storyprobe.scenarios import FAMILY_SPECS

logger = getLogger(__name__)

__all__ = [
    "UNKNOWN_BEHAVIOUR",
    "BehaviourCell",
    "LogError",
    "read_logs",
    "repeated_samples",
    "tally_behaviours",
]

UNKNOWN_BEHAVIOUR = "unknown"


class LogError(OSError):
    """A log path does not exist, holds no Inspect log, or a log cannot be read."""


@dataclass
class BehaviourCell:
    """Counts for one model on one behaviour, over every family and log that elicits it.

    Attributes:
        behaviour: Taxonomy id, or ``unknown`` for samples without one.
        cell: The counts (``cell.family`` lists the families, comma-separated).
        logs: Paths of the logs the samples came from.
    """

    behaviour: str
    cell: Cell
    logs: list[str] = field(default_factory=list)

    @property
    def model(self) -> str:
        """The model the samples ran on."""
        return self.cell.model


def read_logs(paths: Iterable[str | Path]) -> list[EvalLog]:
    """Read every Inspect log in ``paths`` (log files, or folders searched recursively).

    Raises:
        LogError: If a path is missing, a folder holds no log, or a log cannot be read.
    """
    logs = []
    for path in map(Path, paths):
        if path.is_dir():
            found = [info.name for info in list_eval_logs(str(path))]
            if not found:
                raise LogError(f"no Inspect log (.eval or .json) under {path}; check the path")
        elif path.is_file():
            found = [str(path)]
        else:
            raise LogError(f"log path {path} does not exist; pass log files or log folders")

        for location in found:
            try:
                logs.append(read_eval_log(location))
            except Exception as exc:
                raise LogError(f"cannot read the Inspect log {location}: {exc}") from exc
    return logs


def tally_behaviours(logs: Iterable[EvalLog]) -> list[BehaviourCell]:
    """Count verdicts per (behaviour, model), sorted by behaviour then model."""
    parts: dict[tuple[str, str], list[EvalLog]] = defaultdict(list)
    for log in logs:
        for behaviour, part in _split_by_behaviour(log).items():
            parts[(behaviour, log.eval.model)].append(part)

    result = []
    for (behaviour, model), behaviour_logs in sorted(parts.items()):
        total = Cell(model, "", ALL_CONDITIONS)
        families = []
        for row in tally_logs(behaviour_logs, pooled=True):
            if row.condition == ALL_CONDITIONS:
                total.add(row)
                families.append(row.family)
        total.family = ",".join(sorted(set(families)))
        locations = sorted({log.location for log in behaviour_logs})
        result.append(BehaviourCell(behaviour, total, locations))
    return result


def repeated_samples(logs: Iterable[EvalLog]) -> int:
    """How many samples (same model, sample id and epoch) appear in more than one log.

    Each repeat is counted again by :func:`tally_behaviours`, which overstates the evidence;
    the gate reports the figure so the user can drop the stale log.
    """
    # TODO: keep only the newest copy instead, once logs carry a reliable run order.
    seen: Counter[tuple[str, str, int]] = Counter()
    for log in logs:
        seen.update((log.eval.model, str(s.id), s.epoch) for s in log.samples or [])
    return sum(count - 1 for count in seen.values() if count > 1)


def _split_by_behaviour(log: EvalLog) -> dict[str, EvalLog]:
    """One shallow copy of ``log`` per behaviour, holding that behaviour's samples and ids."""
    samples: dict[str, list[EvalSample]] = defaultdict(list)
    for sample in log.samples or []:
        samples[_behaviour(sample)].append(sample)

    ids: dict[str, list[str | int]] = defaultdict(list)
    ran = {str(sample.id): _behaviour(sample) for sample in log.samples or []}
    for sample_id in log.eval.dataset.sample_ids or []:
        behaviour = ran.get(str(sample_id)) or _behaviour_of_missing(str(sample_id), log, samples)
        ids[behaviour].append(sample_id)

    parts = {}
    for behaviour in set(samples) | set(ids):
        dataset = log.eval.dataset.model_copy(update={"sample_ids": ids[behaviour]})
        spec = log.eval.model_copy(update={"dataset": dataset})
        parts[behaviour] = log.model_copy(
            update={"samples": samples.get(behaviour, []), "eval": spec}
        )
    return parts


def _behaviour(sample: EvalSample) -> str:
    return str((sample.metadata or {}).get("behaviour") or UNKNOWN_BEHAVIOUR)


def _behaviour_of_missing(
    sample_id: str, log: EvalLog, samples: dict[str, list[EvalSample]]
) -> str:
    """The behaviour of a sample that never ran: from its family, or the log's only behaviour."""
    family = sample_id.split(":")[0]
    if family in FAMILY_SPECS:
        return FAMILY_SPECS[family].behaviour
    if len(samples) == 1:
        return next(iter(samples))
    logger.warning("%s: cannot tell the behaviour of unrun sample %s", log.location, sample_id)
    return UNKNOWN_BEHAVIOUR
