"""Attribute records: one JSON-safe dict per document or bad record, in input order.

Documents are sent to the detector in batches (``config.batch_size`` documents or about 8 MB
of text, whichever comes first); each :class:`~storyprobe.audit.detect.Detection` becomes a
record with the document's id, its ``index`` in the shard, token and character counts and
provenance, and flagged documents get an excerpt per span. Bad records become error records
(``flagged`` and ``score`` null). The format is documented in :mod:`storyprobe.audit._writers`.

Speed: the detector runs stage 2 only on stage-1 passes (``Detector.detect_batch``); token
counts come from one numpy pass over the batch's UTF-8 bytes (:mod:`._words`, equal to
``len(text.split())``); records are built once, in their final key order, and written a
batch at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from storyprobe.audit._config import AuditConfig
from storyprobe.audit._document import BadRecord, Document
from storyprobe.audit._words import word_counts
from storyprobe.audit._writers import ShardStats

__all__ = ["DetectorLike", "attribute_batches", "attribute_records"]

EXCERPT_CHARS = 300
BATCH_CHARS = 8_000_000


class DetectorLike(Protocol):
    """What the executor needs from a detector (``storyprobe.audit.detect.Detector``)."""

    def detect_batch(self, texts: list[str]) -> list[Any]: ...

    def lineage(self) -> dict[str, object]: ...


def attribute_batches(
    items: Iterable[Document | BadRecord],
    detector: DetectorLike,
    stats: ShardStats,
    config: AuditConfig,
) -> Iterator[list[dict[str, Any]]]:
    """Detect in batches and yield each batch's attribute records, in input order.

    Args:
        items: Documents and bad records of one shard, in input order.
        detector: The detector; called once per batch of documents.
        stats: Counts are added here.
        config: Gives the batch size.

    Yields:
        Lists of records, each with ``id`` and ``index`` (position in the shard) first.
    """
    batch: list[Document | BadRecord] = []
    chars = index = 0
    for item in items:
        batch.append(item)
        chars += len(item.text) if isinstance(item, Document) else 0
        if len(batch) >= config.batch_size or chars >= BATCH_CHARS:
            yield _detect(batch, index, detector, stats)
            index += len(batch)
            batch, chars = [], 0
    if batch:
        yield _detect(batch, index, detector, stats)


def attribute_records(
    items: Iterable[Document | BadRecord],
    detector: DetectorLike,
    stats: ShardStats,
    config: AuditConfig,
) -> Iterator[dict[str, Any]]:
    """:func:`attribute_batches`, one record at a time."""
    for batch in attribute_batches(items, detector, stats, config):
        yield from batch


def _detect(
    batch: list[Document | BadRecord], index: int, detector: DetectorLike, stats: ShardStats
) -> list[dict[str, Any]]:
    texts = [item.text for item in batch if isinstance(item, Document)]
    detections = iter(detector.detect_batch(texts) if texts else ())
    tokens = iter(word_counts([text.encode("utf-8", "surrogatepass") for text in texts]).tolist())
    records = []
    for offset, item in enumerate(batch, index):
        if isinstance(item, BadRecord):
            stats.errors += 1
            stats.add_bad(
                {
                    "reason": item.reason,
                    "detail": item.detail,
                    **_location(item.provenance.as_record()),
                }
            )
            records.append(_error_record(item, offset))
            continue
        records.append(_document_record(item, offset, next(detections), next(tokens), stats))
    return records


def _document_record(
    doc: Document, index: int, detection: Any, tokens: int, stats: ShardStats
) -> dict[str, Any]:
    record: dict[str, Any] = {"id": doc.id, "index": index}
    record.update(detection.as_record())
    stats.documents += 1
    stats.tokens += tokens
    if record["flagged"]:
        stats.flagged += 1
        stats.flagged_tokens += tokens
        for behaviour in record["behaviours"]:
            stats.behaviours[behaviour] = stats.behaviours.get(behaviour, 0) + 1
        for span in record["spans"]:
            span["excerpt"] = doc.text[span["start"] : span["end"]][:EXCERPT_CHARS]
    record["tokens"] = tokens
    record["chars"] = len(doc.text)
    record["error"] = None
    record["provenance"] = doc.provenance.as_record()
    return record


def _error_record(bad: BadRecord, index: int) -> dict[str, Any]:
    return {
        "id": bad.id or f"{bad.provenance.shard}:{bad.provenance.line or bad.provenance.row}",
        "index": index,
        "flagged": None,
        "score": None,
        "behaviours": [],
        "spans": [],
        "stance": None,
        "stage": None,
        "stage_scores": {},
        "tokens": None,
        "chars": None,
        "error": {"reason": bad.reason, "detail": bad.detail},
        "provenance": bad.provenance.as_record(),
    }


def _location(provenance: dict[str, Any]) -> dict[str, Any]:
    keys = ("file", "line", "row", "byte_offset", "split")
    return {key: provenance[key] for key in keys if provenance.get(key) is not None}
