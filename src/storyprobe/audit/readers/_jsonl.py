"""JSONL reader (plain, gzip, zstd) with a line number and byte offset per document.

The byte offset is the position of the line's first byte in the decompressed stream, so for a
plain file ``f.seek(offset); f.readline()`` returns the line. Lines are read in binary with a
size limit: a line longer than ``max_line_bytes`` is skipped in chunks (never held in memory)
and becomes a ``line_too_long`` bad record. A truncated or damaged gzip/zstd stream ends the
shard with one ``corrupt_stream`` bad record at the position where reading stopped.

Lines are decoded with ``orjson`` when it is installed (the ``audit`` extra has it) and with
the ``json`` module otherwise, with the same records either way: a line ``orjson`` rejects
(invalid UTF-8 or JSON, ``NaN``, lone surrogates, ``1e400``) is decoded again by the ``json``
module, whose verdict and message are the ones recorded; and where ``orjson`` read a field
the audit uses as a float (it reads integers beyond 64 bits as floats, ``json`` keeps them
exact), the line is decoded again by ``json`` too. The filter (``full_records``), which
writes whole records back out, always uses ``json``.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib
from collections.abc import Iterator
from contextlib import ExitStack
from typing import IO, Any

from storyprobe.audit._config import AuditConfig
from storyprobe.audit._document import BadRecord, Document, Provenance
from storyprobe.audit._provenance import with_record_fields
from storyprobe.audit.readers._shards import ReadCounters, Shard

__all__ = ["read_jsonl", "record_document"]

SKIP_CHUNK = 1 << 20

try:
    import orjson

    _fast_loads: Any = orjson.loads
    _FastError: type[Exception] = orjson.JSONDecodeError
except ImportError:  # the json module alone gives the same records, slower
    _fast_loads, _FastError = None, ValueError


def read_jsonl(
    shard: Shard, config: AuditConfig, counters: ReadCounters, full_records: bool = False
) -> Iterator[Document | BadRecord]:
    """Yield the documents and bad records of one JSONL shard, in file order."""
    path = shard.paths[0]
    offset, line_number = 0, 0
    with ExitStack() as stack:
        try:
            stream = _open(path, shard.compression, stack)
        except OSError as exc:
            counters.rows_seen += 1
            yield BadRecord("corrupt_file", str(exc), Provenance(shard.source, shard.key, path))
            return

        while True:
            try:
                line = stream.readline(config.max_line_bytes + 1)
                too_long = len(line) > config.max_line_bytes
                skipped = _skip_rest(stream) if too_long else 0
            except (EOFError, OSError, zlib.error, _ZstdError) as exc:
                counters.rows_seen += 1
                where = Provenance(shard.source, shard.key, path, line_number + 1, None, offset)
                yield BadRecord("corrupt_stream", f"{type(exc).__name__}: {exc}", where)
                return
            if not line:
                break

            line_number += 1
            where = Provenance(shard.source, shard.key, path, line_number, None, offset)
            size = len(line) + skipped
            offset += size
            counters.bytes_read += size
            if too_long:
                counters.rows_seen += 1
                yield BadRecord(
                    "line_too_long", f"{size} bytes", where, f"{shard.key}:{line_number}"
                )
                continue
            if not line.strip():
                counters.blank_lines += 1
                continue

            counters.rows_seen += 1
            yield _parse(line, where, config, full_records)

    if line_number == 0 and counters.rows_seen == 0:
        counters.notes.append({"reason": "empty_file", "file": path})


def record_document(
    record: dict[str, Any], where: Provenance, config: AuditConfig, full_records: bool
) -> Document | BadRecord:
    """Turn one parsed record into a document, or a bad record if it has no usable text."""
    fallback = f"{where.shard}:{where.line if where.line is not None else where.row}"
    raw_id = record.get(config.id_field)
    doc_id = fallback if raw_id is None else str(raw_id)
    text = record.get(config.text_field)
    if text is None:
        present = ", ".join(sorted(record)[:8])
        detail = f"no {config.text_field!r} field (fields: {present})"
        return BadRecord("missing_text_field", detail, where, doc_id)
    if not isinstance(text, str):
        detail = f"{config.text_field!r} is {type(text).__name__}"
        return BadRecord("text_not_string", detail, where, doc_id)

    provenance = with_record_fields(where, record, text, config)
    return Document(doc_id, text, provenance, record if full_records else None)


def _parse(
    line: bytes, where: Provenance, config: AuditConfig, full_records: bool
) -> Document | BadRecord:
    if _fast_loads is not None and not full_records:
        try:
            record = _fast_loads(line)
        except _FastError:
            record = None  # the json module below gives the verdict and its message
        if type(record) is dict and not _has_float_field(record, config):
            return record_document(record, where, config, full_records)

    fallback = f"{where.shard}:{where.line}"
    try:
        decoded = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return BadRecord(
            "invalid_utf8", f"byte {exc.start} of the line: {exc.reason}", where, fallback
        )
    try:
        record = json.loads(decoded)
    except json.JSONDecodeError as exc:
        return BadRecord("invalid_json", f"{exc.msg} at column {exc.colno}", where, fallback)
    if not isinstance(record, dict):
        return BadRecord("not_an_object", f"a JSON {type(record).__name__}", where, fallback)
    return record_document(record, where, config, full_records)


def _has_float_field(record: dict[str, Any], config: AuditConfig) -> bool:
    """True when a field the audit reads is a float (orjson and json may disagree on it)."""
    fields = (
        config.text_field,
        config.id_field,
        config.url_field,
        config.licence_field,
        config.timestamp_field,
        "licence",
    )
    return any(type(record.get(name)) is float for name in fields)


def _skip_rest(stream: IO[bytes]) -> int:
    skipped = 0
    while True:
        chunk = stream.readline(SKIP_CHUNK)
        skipped += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return skipped


def _open(path: str, compression: str | None, stack: ExitStack) -> IO[bytes]:
    raw = stack.enter_context(open(path, "rb", buffering=1 << 20))  # noqa: SIM115
    if compression == "gzip":
        return stack.enter_context(gzip.GzipFile(fileobj=raw))
    if compression == "zstd":
        return stack.enter_context(io.BufferedReader(_ZstdStream(raw), buffer_size=1 << 20))
    return raw


class _ZstdStream(io.RawIOBase):
    """Decompresses concatenated zstd frames; a stream that ends inside a frame raises.

    (``zstandard``'s own ``stream_reader`` returns a clean end of file for a truncated
    stream, which would drop the rest of the shard without a trace.)
    """

    def __init__(self, raw: IO[bytes]) -> None:
        import zstandard

        self._raw, self._new = raw, zstandard.ZstdDecompressor().decompressobj
        self._obj, self._pending, self._at, self._started = self._new(), b"", 0, False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self._at >= len(self._pending):
            chunk = self._raw.read(1 << 20)
            if not chunk:
                if self._started and not self._obj.eof:
                    raise _ZstdError("zstd stream ends inside a frame (truncated)")
                return 0
            self._pending, self._at = self._feed(chunk), 0
        size = min(len(buffer), len(self._pending) - self._at)
        buffer[:size] = self._pending[self._at : self._at + size]
        self._at += size
        return size

    def _feed(self, chunk: bytes) -> bytes:
        out = []
        while chunk:
            if self._obj.eof:
                self._obj = self._new()
            self._started = True
            out.append(self._obj.decompress(chunk))
            chunk = self._obj.unused_data if self._obj.eof else b""
        return b"".join(out)


try:
    from zstandard import ZstdError as _ZstdError
except ImportError:  # zstandard is in the audit extra; without it .zst inputs fail to open
    _ZstdError = OSError  # type: ignore[misc,assignment]
