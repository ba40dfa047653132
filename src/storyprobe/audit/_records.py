"""Attribute records: one JSON-safe dict per document or bad record, in input order.

Documents are sent to the detector in batches (``config.batch_size`` documents or about 8 MB
of text, whichever comes first); each :class:`~storyprobe.audit.detect.Detection` becomes a
record with the document's id, token and character counts and provenance, and flagged
documents get an excerpt per span. Bad records become error records (``flagged`` and
``score`` null). The format is documented in :mod:`storyprobe.audit._writers`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from storyprobe.audit._config import AuditConfig
from storyprobe.audit._document import BadRecord, Document
from storyprobe.audit._writers import ShardStats

__all__ = ["DetectorLike", "attribute_records"]

EXCERPT_CHARS = 300
BATCH_CHARS = 8_000_000


class DetectorLike(Protocol):
    """What the executor needs from a detector (``storyprobe.audit.detect.Detector``)."""

    def detect_batch(self, texts: list[str]) -> list[Any]: ...

    def lineage(self) -> dict[str, object]: ...


def attribute_records(
    items: Iterable[Document | BadRecord],
    detector: DetectorLike,
    stats: ShardStats,
    config: AuditConfig,
) -> Iterator[dict[str, Any]]:
    """Detect in batches and yield one attribute record per item, in order (without index).

    Args:
        items: Documents and bad records of one shard, in input order.
        detector: The detector; called once per batch of documents.
        stats: Counts are added here.
        config: Gives the batch size.
    """
    batch: list[Document | BadRecord] = []
    chars = 0
    for item in items:
        batch.append(item)
        chars += len(item.text) if isinstance(item, Document) else 0
        if len(batch) >= config.batch_size or chars >= BATCH_CHARS:
            yield from _detect(batch, detector, stats)
            batch, chars = [], 0
    yield from _detect(batch, detector, stats)


def _detect(
    batch: list[Document | BadRecord], detector: DetectorLike, stats: ShardStats
) -> Iterator[dict[str, Any]]:
    documents = [item for item in batch if isinstance(item, Document)]
    detections = iter(detector.detect_batch([doc.text for doc in documents]) if documents else [])
    for item in batch:
        if isinstance(item, BadRecord):
            stats.errors += 1
            stats.add_bad(
                {
                    "reason": item.reason,
                    "detail": item.detail,
                    **_location(item.provenance.as_record()),
                }
            )
            yield _error_record(item)
            continue
        yield _document_record(item, next(detections), stats)


def _document_record(doc: Document, detection: Any, stats: ShardStats) -> dict[str, Any]:
    result = detection.as_record()
    tokens = len(doc.text.split())
    stats.documents += 1
    stats.tokens += tokens
    if result["flagged"]:
        stats.flagged += 1
        stats.flagged_tokens += tokens
        for behaviour in result["behaviours"]:
            stats.behaviours[behaviour] = stats.behaviours.get(behaviour, 0) + 1
        for span in result["spans"]:
            span["excerpt"] = doc.text[span["start"] : span["end"]][:EXCERPT_CHARS]
    return {
        "id": doc.id,
        **result,
        "tokens": tokens,
        "chars": len(doc.text),
        "error": None,
        "provenance": doc.provenance.as_record(),
    }


def _error_record(bad: BadRecord) -> dict[str, Any]:
    return {
        "id": bad.id or f"{bad.provenance.shard}:{bad.provenance.line or bad.provenance.row}",
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
