"""Parquet and saved Hugging Face dataset readers: one document per row.

Rows are read in batches of the columns the audit needs (text, id, url, licence, timestamp;
every column when the filter asks for whole records). A table without the text column gives a
``missing_text_field`` bad record per row, so counts still add up; a file that cannot be
opened, or a row group that cannot be decoded, gives one ``corrupt_file`` bad record.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Any

from storyprobe.audit._config import AuditConfig
from storyprobe.audit._document import BadRecord, Document, Provenance
from storyprobe.audit.readers._jsonl import record_document
from storyprobe.audit.readers._shards import ReadCounters, Shard

__all__ = ["read_hf", "read_parquet"]

BATCH_ROWS = 1024


def read_parquet(
    shard: Shard, config: AuditConfig, counters: ReadCounters, full_records: bool = False
) -> Iterator[Document | BadRecord]:
    """Yield the documents and bad records of one Parquet file, in row order."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = shard.paths[0]
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        counters.rows_seen += 1
        yield BadRecord("corrupt_file", str(exc), Provenance(shard.source, shard.key, path))
        return

    counters.bytes_read += os.path.getsize(path)
    if parquet.metadata.num_rows == 0:
        counters.notes.append({"reason": "empty_file", "file": path})
    columns = _columns(parquet.schema_arrow.names, config, full_records)
    batches = (b.to_pylist() for b in parquet.iter_batches(BATCH_ROWS, columns=columns))
    yield from _rows(batches, shard, config, counters, full_records, pa.ArrowException)


def read_hf(
    shard: Shard, config: AuditConfig, counters: ReadCounters, full_records: bool = False
) -> Iterator[Document | BadRecord]:
    """Yield the documents and bad records of one split of a dataset saved by ``datasets``."""
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    import datasets

    path = shard.paths[0]
    try:
        loaded = datasets.load_from_disk(path)
        table = loaded[shard.split] if shard.split is not None else loaded
    except (OSError, ValueError, KeyError, FileNotFoundError) as exc:
        counters.rows_seen += 1
        yield BadRecord("corrupt_file", str(exc), Provenance(shard.source, shard.key, path))
        return

    counters.bytes_read += sum(os.path.getsize(f["filename"]) for f in table.cache_files)
    if table.num_rows == 0:
        counters.notes.append({"reason": "empty_file", "file": path})
    columns = _columns(table.column_names, config, full_records)
    selected = table.select_columns(columns) if columns else table
    batches = (_pylist(batch) for batch in selected.iter(batch_size=BATCH_ROWS))
    yield from _rows(batches, shard, config, counters, full_records, OSError)


def _rows(
    batches: Iterable[list[dict[str, Any]]],
    shard: Shard,
    config: AuditConfig,
    counters: ReadCounters,
    full_records: bool,
    decode_error: type[Exception],
) -> Iterator[Document | BadRecord]:
    row = 0
    try:
        for batch in batches:
            for record in batch:
                where = Provenance(
                    shard.source, shard.key, shard.paths[0], row=row, split=shard.split
                )
                counters.rows_seen += 1
                row += 1
                yield record_document(record, where, config, full_records)
    except (decode_error, OSError) as exc:
        counters.rows_seen += 1
        where = Provenance(shard.source, shard.key, shard.paths[0], row=row, split=shard.split)
        yield BadRecord("corrupt_file", f"from row {row}: {exc}", where, f"{shard.key}:{row}")


def _columns(names: list[str], config: AuditConfig, full_records: bool) -> list[str] | None:
    if full_records:
        return None
    wanted = (
        config.text_field,
        config.id_field,
        config.url_field,
        config.licence_field,
        "licence",
        config.timestamp_field,
    )
    columns = [name for name in dict.fromkeys(wanted) if name in names]
    return columns or names[:1]


def _pylist(batch: dict[str, list[Any]]) -> list[dict[str, Any]]:
    keys = list(batch)
    return [dict(zip(keys, values, strict=True)) for values in zip(*batch.values(), strict=True)]
