"""Count each sample once when several logs hold the same one.

`storyprobe probes` writes one log folder per probe, and every probe's log holds the same
baseline samples: same model, family, sample id (which names the condition and the world
seed), epoch and condition. Merged naively they would count the baseline once per probe.
:func:`unique_samples` keeps the first copy of each (in the order the logs are given, which
is sorted by path) and drops the others, so every table of the report counts a sample once.

A sample a log's task defined but never ran (listed in the dataset's sample ids, absent from
the samples) counts as an error in the tallies; it is dropped the same way when another log
ran that sample id for the model and family, or an earlier log listed it as not run.

Probe analysis does its own pairing (see :mod:`storyprobe.probes`) and reads the logs as
they are.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from inspect_ai.log import EvalLog

logger = logging.getLogger(__name__)

__all__ = ["Deduplicated", "unique_samples"]


@dataclass(frozen=True)
class Deduplicated:
    """Logs with every sample counted once.

    Attributes:
        logs: Copies of the logs without the samples (and not-run sample ids) an earlier log
            already holds; logs with no duplicate are passed through as they are.
        dropped: Samples dropped, run or not.
        dropped_by_log: Per log index in ``logs``, how many of its samples were dropped.
    """

    logs: list[EvalLog]
    dropped: int
    dropped_by_log: dict[int, int]


def unique_samples(logs: Iterable[EvalLog]) -> Deduplicated:
    """Drop samples whose (model, family, sample id, epoch, condition) an earlier log holds."""
    logs = list(logs)
    ran_anywhere = {
        (log.eval.model, log.eval.task.split("/")[-1], str(sample.id))
        for log in logs
        for sample in log.samples or []
    }
    seen_samples: set[tuple[str, str, str, int, str]] = set()
    seen_not_run: set[tuple[str, str, str]] = set()
    kept_logs: list[EvalLog] = []
    dropped_by_log: dict[int, int] = {}

    for index, log in enumerate(logs):
        model, family = log.eval.model, log.eval.task.split("/")[-1]
        samples = log.samples or []
        kept = []
        for sample in samples:
            condition = str((sample.metadata or {}).get("condition", ""))
            key = (model, family, str(sample.id), int(sample.epoch), condition)
            if key in seen_samples:
                continue
            seen_samples.add(key)
            kept.append(sample)

        ran = {str(sample.id) for sample in samples}
        kept_ids = {str(sample.id) for sample in kept}
        sample_ids = list(log.eval.dataset.sample_ids or [])
        not_run = [i for i in sample_ids if str(i) not in ran]
        covered = ran_anywhere | seen_not_run
        dropped_not_run = [i for i in not_run if (model, family, str(i)) in covered]
        seen_not_run.update((model, family, str(i)) for i in not_run)

        dropped = len(samples) - len(kept) + len(dropped_not_run)
        if not dropped:
            kept_logs.append(log)
            continue

        dropped_by_log[index] = dropped
        gone = {str(i) for i in dropped_not_run} | (ran - kept_ids)
        dataset = log.eval.dataset.model_copy(
            update={"sample_ids": [i for i in sample_ids if str(i) not in gone]}
        )
        eval_spec = log.eval.model_copy(update={"dataset": dataset})
        kept_logs.append(log.model_copy(update={"eval": eval_spec, "samples": kept}))
        logger.info("%s: %d samples already counted from another log", log.location, dropped)

    return Deduplicated(kept_logs, sum(dropped_by_log.values()), dropped_by_log)
