"""Attribute files and per-shard statistics, written atomically.

For each input shard ``<key>`` the audit writes, under ``DIR/attributes/``:

- ``<key>.attributes.jsonl``: one JSON record per input line, row or text file, in input order
  (record ``index`` counts from 0). A document's record::

      {"id": "doc-7", "index": 6, "flagged": true, "score": 0.82,
       "behaviours": ["coercion"], "spans": [{"start": 120, "end": 410, "score": 0.82,
       "behaviour": "coercion", "stance": "villain", "excerpt": "..."}],
       "stance": "villain", "stage": 2, "stage_scores": {"stage2": 0.82},
       "tokens": 512, "chars": 3104, "error": null, "provenance": {...}}

  A bad record has ``"flagged": null, "score": null`` (never scored as clean) and
  ``"error": {"reason": "invalid_json", "detail": "..."}``.
- ``<key>.stats.json``: the shard's :class:`ShardStats`.
- ``<key>.done``: the completion marker, written last (holds the config hash and run id).

Every file is written to a temporary name in the same folder and moved into place with
``os.replace``; a shard without its marker is redone on the next run.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

__all__ = ["AtomicFile", "ShardStats", "shard_paths", "write_json_atomic"]

MAX_BAD_EXAMPLES = 20
WRITE_BUFFER = 1 << 20

# One encoder for every record: ``json.dumps`` with keyword arguments builds a new one per
# call. The output is byte for byte that of ``json.dumps(record, ensure_ascii=False,
# default=str)``.
_encode = json.JSONEncoder(ensure_ascii=False, default=str).encode


def shard_paths(out_dir: Path, key: str) -> dict[str, Path]:
    """The attribute, stats and marker paths of a shard under ``out_dir/attributes``."""
    base = Path(out_dir) / "attributes" / key
    return {
        "attributes": base.with_name(base.name + ".attributes.jsonl"),
        "stats": base.with_name(base.name + ".stats.json"),
        "done": base.with_name(base.name + ".done"),
    }


class AtomicFile:
    """A text file written under a temporary name and moved into place on :meth:`commit`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = self.path.with_name(f".{self.path.name}.tmp-{os.getpid()}")
        self.handle: IO[str] = self.tmp.open("w", encoding="utf-8", buffering=WRITE_BUFFER)

    def write_record(self, record: dict[str, Any]) -> None:
        """Write one JSON line."""
        self.handle.write(_encode(record))
        self.handle.write("\n")

    def write_records(self, records: list[dict[str, Any]]) -> None:
        """Write JSON lines, one per record, with one call to the file."""
        if records:
            self.handle.write("\n".join(map(_encode, records)) + "\n")

    def commit(self) -> None:
        """Flush, fsync and move the file into place."""
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        """Close and remove the temporary file."""
        self.handle.close()
        self.tmp.unlink(missing_ok=True)


def write_json_atomic(path: Path, data: Any) -> None:
    """Write ``data`` as indented JSON via a temporary file and ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", "utf-8")
    os.replace(tmp, path)


@dataclass
class ShardStats:
    """Counts for one shard (or, merged, for a run).

    Attributes:
        shards: Shard keys covered.
        rows_seen: Lines, rows or text files met (``documents + errors``).
        documents: Rows that became documents and were scored.
        errors: Bad records written in place of a document.
        flagged: Documents the detector flagged.
        tokens: Whitespace-separated words over all documents.
        flagged_tokens: The same over flagged documents.
        bytes_read: Bytes of (decompressed) input read.
        blank_lines: Blank JSONL lines (not documents).
        bad_input: Count per reason, bad records and shard-level notes together.
        bad_examples: The first few bad inputs with their location.
        behaviours: Flagged documents per behaviour.
        seconds: Wall time spent on the shard(s).
    """

    shards: list[str] = field(default_factory=list)
    rows_seen: int = 0
    documents: int = 0
    errors: int = 0
    flagged: int = 0
    tokens: int = 0
    flagged_tokens: int = 0
    bytes_read: int = 0
    blank_lines: int = 0
    bad_input: dict[str, int] = field(default_factory=dict)
    bad_examples: list[dict[str, Any]] = field(default_factory=list)
    behaviours: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add_bad(self, example: dict[str, Any]) -> None:
        """Count one bad input (a record or a note) and keep it if few are kept yet."""
        self.bad_input[example["reason"]] = self.bad_input.get(example["reason"], 0) + 1
        if len(self.bad_examples) < MAX_BAD_EXAMPLES:
            self.bad_examples.append(example)

    def merge(self, other: ShardStats) -> ShardStats:
        """Return the sum of two stats (examples are concatenated, then capped)."""
        return ShardStats(
            shards=self.shards + other.shards,
            rows_seen=self.rows_seen + other.rows_seen,
            documents=self.documents + other.documents,
            errors=self.errors + other.errors,
            flagged=self.flagged + other.flagged,
            tokens=self.tokens + other.tokens,
            flagged_tokens=self.flagged_tokens + other.flagged_tokens,
            bytes_read=self.bytes_read + other.bytes_read,
            blank_lines=self.blank_lines + other.blank_lines,
            bad_input=dict(Counter(self.bad_input) + Counter(other.bad_input)),
            bad_examples=(self.bad_examples + other.bad_examples)[: MAX_BAD_EXAMPLES * 5],
            behaviours=dict(Counter(self.behaviours) + Counter(other.behaviours)),
            seconds=self.seconds + other.seconds,
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ShardStats:
        """Inverse of :meth:`as_dict` (unknown keys are ignored)."""
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    @classmethod
    def load(cls, path: Path) -> ShardStats:
        """Read a ``.stats.json`` file."""
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
