"""Documents, their provenance, and records for input that could not be read.

A reader turns one input shard into a stream of :class:`Document` (text that the detector will
see) and :class:`BadRecord` (a line, row or file that could not become a document, with the
reason). Both carry a :class:`Provenance`, so every attribute record points back to the exact
place in the corpus it came from. Nothing is dropped: a bad record is written to the attribute
file in its place, and ``documents + errors == rows_seen`` holds for every shard.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

__all__ = ["BAD_INPUT_REASONS", "BadRecord", "Document", "Provenance"]

BAD_INPUT_REASONS: dict[str, str] = {
    "corrupt_stream": "the compressed stream is truncated or damaged; the rest is unreadable",
    "corrupt_file": "the file cannot be opened or decoded in its format",
    "invalid_utf8": "the bytes are not valid UTF-8",
    "invalid_json": "the line is not valid JSON",
    "not_an_object": "the JSON line is not an object",
    "missing_text_field": "the text field is absent or null",
    "text_not_string": "the text field is not a string",
    "line_too_long": "the line is longer than max_line_bytes (skipped without reading it whole)",
    "document_too_long": "the text file is larger than max_line_bytes",
    "empty_file": "the file holds no bytes (a shard-level note for line formats)",
}
"""Every reason a reader may give, with what it means (the summary shows the meaning)."""


@dataclass(slots=True)
class Provenance:
    """Where a document came from.

    Attributes:
        source: Name of the input (the dataset): the input path's name, or a configured name.
        shard: Key of the shard within the run (also the attribute file's name).
        file: Path of the file the document was read from (for a saved Hugging Face dataset,
            the dataset folder).
        line: 1-based line number, for line formats (JSONL).
        row: 0-based row number, for Parquet and Hugging Face datasets.
        byte_offset: Offset of the line's first byte in the (decompressed) stream.
        split: Split name, for a saved Hugging Face ``DatasetDict``.
        url: The document's URL, when the record has one.
        domain: Registrable domain of the URL (``bbc.co.uk`` for ``https://www.bbc.co.uk/x``).
        licence: From the record's licence field, else the source's configured licence.
        sha256: Hex digest of the text encoded as UTF-8.
        timestamp: The record's timestamp field, as text.
    """

    source: str
    shard: str
    file: str
    line: int | None = None
    row: int | None = None
    byte_offset: int | None = None
    split: str | None = None
    url: str | None = None
    domain: str | None = None
    licence: str | None = None
    sha256: str | None = None
    timestamp: str | None = None

    def as_record(self) -> dict[str, Any]:
        """JSON-safe form written to attribute files (field order as declared)."""
        return {name: getattr(self, name) for name in _PROVENANCE_FIELDS}


_PROVENANCE_FIELDS = tuple(f.name for f in fields(Provenance))


@dataclass(slots=True)
class Document:
    """One document of the corpus.

    Attributes:
        id: The record's id field, or ``<shard>:<line or row>`` when it has none.
        text: The text the detector reads.
        provenance: Where it came from.
        record: The whole input record (only when a reader is asked for it, e.g. by the
            filter, which writes records back out).
    """

    id: str
    text: str
    provenance: Provenance
    record: dict[str, Any] | None = field(default=None, repr=False)


@dataclass(slots=True)
class BadRecord:
    """A line, row or file that could not be read as a document.

    Attributes:
        reason: A key of :data:`BAD_INPUT_REASONS`.
        detail: What exactly went wrong (an exception message, a byte position).
        provenance: Where it is (sha256 is None: there is no text to hash).
        id: The record's id when it could be read, else ``<shard>:<line or row>``.
    """

    reason: str
    detail: str
    provenance: Provenance
    id: str = ""
