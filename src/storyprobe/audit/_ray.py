"""Ray Data executor: the same per-shard unit as the local executor, mapped over a Ray cluster.

:func:`ray_map` turns the shards into a Ray dataset with one row (and one block) per shard
and maps :func:`~storyprobe.audit._executor.process_shard` over it with an actor pool: each
actor builds its detector once, from the run's picklable detector factory, then audits one
shard per call. Every shard writes its attribute file, stats and completion marker exactly
as a local run does (temporary names, ``os.replace``, marker last), so a Ray run and a local
run are interchangeable: either resumes the other, and their attribute files are identical.

Requirements: ``pip install 'storyprobe[ray]'`` on the driver and on every node; the input
paths and the output folder must be on a filesystem every node sees (a shared volume, NFS,
a FUSE mount of object storage), because each shard is read and written by the node that
runs it. Without an address, Ray starts (or joins) a cluster on this machine.

A shard that raises is reported as failed (its error text travels back in the row) and the
other shards go on, as with the local executor.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from storyprobe.audit._config import AuditConfig
from storyprobe.audit._lineage import Lineage
from storyprobe.audit._records import DetectorLike
from storyprobe.audit._writers import ShardStats
from storyprobe.audit.readers import Shard

logger = logging.getLogger(__name__)

__all__ = ["RayMissingError", "ray_map"]

INSTALL_HINT = "pip install 'storyprobe[ray]'"


class RayMissingError(RuntimeError):
    """``--executor ray`` was asked for but Ray Data is not installed."""


def ray_map(
    shards: list[Shard],
    out_dir: Path,
    config: AuditConfig,
    lineage: Lineage,
    workers: int,
    factory: Callable[[], DetectorLike],
    address: str | None = None,
) -> Iterator[tuple[str, ShardStats | None, str | None]]:
    """Audit shards on Ray; yield ``(key, stats, error)`` per shard as results arrive.

    Args:
        shards: The shards still to do.
        out_dir: Run output folder (visible to every node).
        config: The run's config.
        lineage: The run's lineage (written into each marker).
        workers: Actors, each auditing one shard at a time (capped at the shard count).
        factory: Picklable callable that builds a detector (once per actor).
        address: Ray cluster address (``ray://host:10001``, ``auto``); None starts or joins a
            local cluster.

    Raises:
        RayMissingError: If ``ray[data]`` is not installed.
    """
    if not shards:
        return
    ray = _import_ray()
    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False, logging_level=logging.WARNING)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False

    rows = [{"key": shard.key, "shard": json.dumps(shard.as_dict())} for shard in shards]
    dataset = ray.data.from_items(rows, override_num_blocks=len(rows))
    results = dataset.map(
        _ShardTask,
        fn_constructor_args=(str(out_dir), config, lineage, factory),
        concurrency=max(1, min(workers, len(shards))),
        num_cpus=1,
    )
    for row in results.iter_rows():
        stats = ShardStats.from_dict(json.loads(row["stats"])) if row["stats"] else None
        yield row["key"], stats, row["error"] or None


class _ShardTask:
    """A Ray Data actor: builds a detector once, then audits one shard per row."""

    def __init__(
        self,
        out_dir: str,
        config: AuditConfig,
        lineage: Lineage,
        factory: Callable[[], DetectorLike],
    ) -> None:
        self.out_dir, self.config, self.lineage = Path(out_dir), config, lineage
        self.detector = factory()

    def __call__(self, row: dict[str, Any]) -> dict[str, Any]:
        from storyprobe.audit._executor import process_shard

        shard = Shard.from_dict(json.loads(row["shard"]))
        try:
            stats = process_shard(shard, self.out_dir, self.config, self.lineage, self.detector)
        except Exception as exc:  # one broken shard must not lose the others' work
            logger.debug("shard %s raised", shard.key, exc_info=True)
            return {"key": shard.key, "stats": "", "error": f"{type(exc).__name__}: {exc}"}
        return {"key": shard.key, "stats": json.dumps(stats.as_dict()), "error": ""}


def _import_ray() -> Any:
    try:
        import ray
        import ray.data  # ray without the data extra lacks it
    except ImportError as exc:
        raise RayMissingError(
            f"--executor ray needs Ray Data, which is not installed: {INSTALL_HINT}"
        ) from exc
    return ray
