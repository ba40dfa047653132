"""Readers: turn an input shard into documents and bad records, with provenance.

``read_shard(shard, config, counters)`` dispatches on the shard's kind. Every reader yields
exactly one item (a :class:`~storyprobe.audit.Document` or a
:class:`~storyprobe.audit.BadRecord`) per line, row or text file it meets, in input order,
and counts the rest (blank lines, empty files) in the :class:`ReadCounters`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from storyprobe.audit._config import AuditConfig
from storyprobe.audit._document import BadRecord, Document
from storyprobe.audit.readers._columnar import read_hf, read_parquet
from storyprobe.audit.readers._jsonl import read_jsonl
from storyprobe.audit.readers._shards import (
    InputError,
    ReadCounters,
    Shard,
    discover_shards,
    shard_kind,
)
from storyprobe.audit.readers._text import read_text

__all__ = [
    "InputError",
    "ReadCounters",
    "Shard",
    "discover_shards",
    "read_shard",
    "shard_kind",
]

Reader = Callable[..., Iterator[Document | BadRecord]]
READERS: dict[str, Reader] = {
    "jsonl": read_jsonl,
    "parquet": read_parquet,
    "hf": read_hf,
    "text": read_text,
}


def read_shard(
    shard: Shard,
    config: AuditConfig,
    counters: ReadCounters | None = None,
    full_records: bool = False,
) -> Iterator[Document | BadRecord]:
    """Yield the documents and bad records of a shard, in input order.

    Args:
        shard: The shard to read.
        config: Field names and limits.
        counters: Filled with rows seen, blank lines, bytes and shard-level notes.
        full_records: Keep each input record on its document (the filter writes them out).
    """
    return READERS[shard.kind](shard, config, counters or ReadCounters(), full_records)
