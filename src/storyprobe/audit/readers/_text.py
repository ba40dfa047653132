"""Plain-text reader: each ``.txt`` or ``.md`` file is one document, its id the file's path
relative to the input folder. Text must be UTF-8; a file larger than ``max_line_bytes`` becomes
a ``document_too_long`` bad record and an empty file an ``empty_file`` bad record.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from storyprobe.audit._config import AuditConfig
from storyprobe.audit._document import BadRecord, Document, Provenance
from storyprobe.audit._provenance import text_sha256
from storyprobe.audit.readers._shards import ReadCounters, Shard

__all__ = ["read_text"]


def read_text(
    shard: Shard, config: AuditConfig, counters: ReadCounters, full_records: bool = False
) -> Iterator[Document | BadRecord]:
    """Yield one document (or bad record) per text file of the shard, in path order."""
    for path in shard.paths:
        doc_id = Path(path).relative_to(shard.root).as_posix() if shard.root else path
        where = Provenance(shard.source, shard.key, path, line=1, byte_offset=0)
        where.licence = config.source_licences.get(shard.source)
        counters.rows_seen += 1
        try:
            size = os.path.getsize(path)
            if size > config.max_line_bytes:
                yield BadRecord("document_too_long", f"{size} bytes", where, doc_id)
                continue
            data = Path(path).read_bytes()
        except OSError as exc:
            yield BadRecord("corrupt_file", str(exc), where, doc_id)
            continue

        counters.bytes_read += len(data)
        if not data:
            yield BadRecord("empty_file", "0 bytes", where, doc_id)
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield BadRecord("invalid_utf8", f"byte {exc.start}: {exc.reason}", where, doc_id)
            continue

        where.sha256 = text_sha256(text)
        record = {"id": doc_id, "text": text} if full_records else None
        yield Document(doc_id, text, where, record)
