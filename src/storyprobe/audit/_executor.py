"""Local executor: audit shards in parallel processes, resumably, with atomic writes.

The unit of work is :func:`process_shard` (``shard, out_dir, config -> ShardStats``): it reads
one shard, runs the detector in batches and writes the shard's attribute file, stats and
completion marker (see :mod:`storyprobe.audit._writers`). :func:`run_audit` maps it over the
shards with a ``ProcessPoolExecutor``; a distributed executor (Ray Data, Slurm) would map the
same function, and :mod:`storyprobe.audit._ray` does so with Ray Data (``executor="ray"``).
Each worker process builds its own detector once, from a picklable factory.

Resume: a shard whose marker exists and names the same config hash and detector lineage is
skipped; any other shard (no marker, a half-written temporary file, a different config) is
redone from the start.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storyprobe.audit._config import AuditConfig
from storyprobe.audit._lineage import Lineage, new_run_id
from storyprobe.audit._records import DetectorLike, attribute_batches
from storyprobe.audit._writers import AtomicFile, ShardStats, shard_paths, write_json_atomic
from storyprobe.audit.readers import ReadCounters, Shard, discover_shards, read_shard

logger = logging.getLogger(__name__)

__all__ = ["DetectorLike", "RunResult", "default_detector", "process_shard", "run_audit"]

DetectorFactory = Callable[[], DetectorLike]
EXECUTORS = ("local", "ray")


def default_detector(settings: dict[str, Any]) -> DetectorLike:
    """Build the real detector cascade from the ``[detector]`` table of the audit config."""
    from storyprobe.audit.detect import Detector, DetectorConfig

    path_keys = {"agents", "behaviours", "context", "thresholds", "prototypes"}
    kwargs = {k: Path(v) if k in path_keys and v else v for k, v in settings.items()}
    return Detector(DetectorConfig(**kwargs))


@dataclass
class RunResult:
    """What :func:`run_audit` did.

    Attributes:
        stats: Stats merged over every finished shard (this run's and earlier runs').
        done: Shards processed by this run.
        skipped: Shards already finished by an earlier run with the same config.
        failed: Shards whose processing raised, with the error (they have no marker).
        lineage: This run's lineage.
    """

    stats: ShardStats
    done: list[str]
    skipped: list[str]
    failed: dict[str, str]
    lineage: Lineage


def run_audit(
    inputs: list[Path],
    out_dir: Path,
    config: AuditConfig,
    workers: int = 1,
    detector_factory: DetectorFactory | None = None,
    progress: Callable[[str, ShardStats | None], None] | None = None,
    executor: str = "local",
    ray_address: str | None = None,
) -> RunResult:
    """Audit every shard under ``inputs`` into ``out_dir`` and write ``run.json``, ``stats.json``.

    Args:
        inputs: Files and folders (see :func:`storyprobe.audit.readers.discover_shards`).
        out_dir: Output folder; ``attributes/`` is created under it.
        config: Field names, limits and detector settings.
        workers: Processes; 1 runs in this process.
        detector_factory: Picklable callable returning a detector (default: the real
            cascade built from ``config.detector``).
        progress: Called with a shard key and its stats (None when skipped) as shards end.
        executor: ``local`` (processes on this machine) or ``ray`` (Ray Data; see
            :mod:`storyprobe.audit._ray`). Both write the same files and resume each other.
        ray_address: Ray cluster address for ``executor="ray"`` (None: local cluster).

    Raises:
        InputError: If an input is missing or not a readable format.
        ValueError: If ``executor`` is neither ``local`` nor ``ray``.
        RayMissingError: If ``executor="ray"`` and Ray Data is not installed.
    """
    if executor not in EXECUTORS:
        raise ValueError(f"executor must be one of {EXECUTORS}, not {executor!r}")
    shards = discover_shards(inputs)
    factory = detector_factory or functools.partial(default_detector, config.detector)
    detector = factory()
    lineage = Lineage(new_run_id(), config.config_hash(), dict(detector.lineage()))
    out_dir = Path(out_dir)
    write_json_atomic(out_dir / "run.json", _manifest(lineage, config, inputs, shards))

    todo = [shard for shard in shards if not _finished(shard, out_dir, lineage)]
    skipped = [shard.key for shard in shards if shard not in todo]
    for key in skipped:
        logger.info("shard %s already done, skipped", key)
        if progress:
            progress(key, None)
    done, failed = [], {}
    if executor == "ray":
        from storyprobe.audit._ray import ray_map

        results = ray_map(todo, out_dir, config, lineage, workers, factory, ray_address)
    else:
        results = _map(todo, out_dir, config, lineage, workers, factory, detector)
    for key, stats, error in results:
        if error is not None:
            logger.error("shard %s failed: %s", key, error)
            failed[key] = error
            continue
        done.append(key)
        if progress:
            progress(key, stats)

    merged = ShardStats()
    for shard in shards:
        if shard.key not in failed:
            merged = merged.merge(ShardStats.load(shard_paths(out_dir, shard.key)["stats"]))
    write_json_atomic(out_dir / "stats.json", merged.as_dict() | {"failed_shards": failed})
    return RunResult(merged, done, skipped, failed, lineage)


def process_shard(
    shard: Shard,
    out_dir: Path,
    config: AuditConfig,
    lineage: Lineage,
    detector: DetectorLike | None = None,
) -> ShardStats:
    """Audit one shard: read it, detect, and write its attribute file, stats and marker.

    Args:
        shard: The shard.
        out_dir: Run output folder.
        config: Field names, limits and detector settings.
        lineage: The run's lineage (written into the marker).
        detector: A detector; None uses this worker process's detector.

    Returns:
        The shard's stats (also written to ``<key>.stats.json``).
    """
    detector = detector or _worker_detector()
    paths = shard_paths(out_dir, shard.key)
    paths["done"].unlink(missing_ok=True)
    start = time.perf_counter()
    stats, counters = ShardStats(shards=[shard.key]), ReadCounters()
    writer = AtomicFile(paths["attributes"])
    try:
        items = read_shard(shard, config, counters)
        for records in attribute_batches(items, detector, stats, config):
            writer.write_records(records)
    except BaseException:
        writer.abort()
        raise
    writer.commit()

    stats.rows_seen, stats.blank_lines = counters.rows_seen, counters.blank_lines
    stats.bytes_read = counters.bytes_read
    for note in counters.notes:
        stats.add_bad(note)
    stats.seconds = round(time.perf_counter() - start, 3)
    write_json_atomic(paths["stats"], stats.as_dict())
    write_json_atomic(paths["done"], lineage.as_dict())
    return stats


def _finished(shard: Shard, out_dir: Path, lineage: Lineage) -> bool:
    paths = shard_paths(out_dir, shard.key)
    if not (paths["done"].exists() and paths["stats"].exists() and paths["attributes"].exists()):
        return False
    try:
        marker = json.loads(paths["done"].read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return False
    same = marker.get("config_hash") == lineage.config_hash
    if same and marker.get("detector") == lineage.detector:
        return True
    logger.warning("shard %s was audited with another config or detector; redoing it", shard.key)
    return False


def _map(
    shards: list[Shard],
    out_dir: Path,
    config: AuditConfig,
    lineage: Lineage,
    workers: int,
    factory: DetectorFactory,
    detector: DetectorLike,
) -> Iterator[tuple[str, ShardStats | None, str | None]]:
    if workers <= 1 or len(shards) <= 1:
        for shard in shards:
            try:
                yield shard.key, process_shard(shard, out_dir, config, lineage, detector), None
            except Exception as exc:  # one broken shard must not lose the others' work
                logger.debug("shard %s raised", shard.key, exc_info=True)
                yield shard.key, None, f"{type(exc).__name__}: {exc}"
        return

    with ProcessPoolExecutor(
        max_workers=min(workers, len(shards)), initializer=_init_worker, initargs=(factory,)
    ) as pool:
        futures = {pool.submit(process_shard, s, out_dir, config, lineage): s for s in shards}
        for future in as_completed(futures):
            key = futures[future].key
            try:
                yield key, future.result(), None
            except Exception as exc:
                yield key, None, f"{type(exc).__name__}: {exc}"


def _manifest(
    lineage: Lineage, config: AuditConfig, inputs: list[Path], shards: list[Shard]
) -> dict[str, Any]:
    return {
        "lineage": lineage.as_dict(),
        "inputs": [str(Path(path).resolve()) for path in inputs],
        "config": config.as_dict(),
        "shards": [shard.as_dict() for shard in shards],
    }


_WORKER: dict[str, DetectorLike] = {}


def _init_worker(factory: DetectorFactory) -> None:
    _WORKER["detector"] = factory()


def _worker_detector() -> DetectorLike:
    if "detector" not in _WORKER:
        raise RuntimeError(
            "process_shard needs a detector: pass one, or start the worker "
            "with _init_worker(factory)"
        )
    return _WORKER["detector"]
