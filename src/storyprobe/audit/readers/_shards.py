"""Input shards: the unit of work, found from the paths given on the command line.

A shard is one JSONL file (plain, ``.gz`` or ``.zst``), one Parquet file, one split of a
Hugging Face dataset saved with ``save_to_disk``, or the text files (``.txt``, ``.md``) of one
folder (each file is one document). Its ``key`` names the shard's attribute file and is stable
across runs of the same inputs: ``<source>/<path relative to the input>``.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

__all__ = ["InputError", "ReadCounters", "Shard", "discover_shards", "shard_kind"]

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
COMPRESSIONS = {".gz": "gzip", ".zst": "zstd", ".zstd": "zstd"}
TEXT_SUFFIXES = (".txt", ".md")
HF_MARKERS = ("dataset_dict.json", "state.json")


class InputError(ValueError):
    """An input path does not exist or is not a format the audit reads."""


@dataclass(frozen=True)
class Shard:
    """One unit of work.

    Attributes:
        key: Stable name within the run, ``<source>/<relative path>``.
        kind: ``jsonl``, ``parquet``, ``text`` or ``hf``.
        source: Name of the input the shard belongs to.
        paths: The file (or, for ``text``, the files; for ``hf``, the dataset folder).
        compression: ``gzip``, ``zstd`` or None (JSONL only).
        split: Split of a saved ``DatasetDict`` (``hf`` only).
        root: The input path the shard was found under (ids of text files are relative to it).
    """

    key: str
    kind: str
    source: str
    paths: tuple[str, ...]
    compression: str | None = None
    split: str | None = None
    root: str = ""

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe form, written into the run manifest."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Shard:
        """Inverse of :meth:`as_dict`."""
        return cls(**{**data, "paths": tuple(data["paths"])})


@dataclass
class ReadCounters:
    """What a reader saw in one shard, besides the records it yielded.

    Attributes:
        rows_seen: Lines (not blank), rows or text files met; each became a document or a bad
            record.
        blank_lines: Empty or whitespace-only JSONL lines (not documents; counted, not read).
        bytes_read: Bytes of (decompressed) input read.
        notes: Shard-level problems that are not a record, e.g. ``{"reason": "empty_file"}``.
    """

    rows_seen: int = 0
    blank_lines: int = 0
    bytes_read: int = 0
    notes: list[dict[str, Any]] = field(default_factory=list)


def shard_kind(path: Path) -> tuple[str, str | None] | None:
    """``(kind, compression)`` for a file name, or None when the audit does not read it."""
    name = path.name.lower()
    compression = None
    for suffix, method in COMPRESSIONS.items():
        if name.endswith(suffix):
            compression, name = method, name[: -len(suffix)]
            break
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl", compression
    if compression is None and name.endswith(".parquet"):
        return "parquet", None
    if compression is None and name.endswith(TEXT_SUFFIXES):
        return "text", None
    return None


def discover_shards(inputs: list[Path]) -> list[Shard]:
    """Find the shards under each input path, in a stable order.

    Raises:
        InputError: If a path does not exist or a file is not in a format the audit reads.
    """
    shards: list[Shard] = []
    sources: set[str] = set()
    for given in inputs:
        path = Path(given).resolve()
        source = _unique(_source_name(path), sources)
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            shards.extend(_folder_shards(path, source))
        elif (kind := shard_kind(path)) is not None:
            shards.append(_file_shard(path, path.parent, source, kind))
        else:
            raise InputError(
                f"{path}: not a format the audit reads (.jsonl/.json/.ndjson, optionally "
                ".gz or .zst; .parquet; .txt/.md; or a folder saved by datasets.save_to_disk)"
            )
    return shards


def _folder_shards(root: Path, source: str) -> list[Shard]:
    if any((root / marker).exists() for marker in HF_MARKERS):
        return _hf_shards(root, source)

    shards: list[Shard] = []
    texts: dict[Path, list[str]] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        kind = shard_kind(path)
        if kind is None:
            logger.warning("skipping %s: not a format the audit reads", path)
        elif kind[0] == "text":
            texts.setdefault(path.parent, []).append(str(path))
        else:
            shards.append(_file_shard(path, root, source, kind))
    for folder, files in sorted(texts.items()):
        relative = folder.relative_to(root).as_posix()
        key = f"{source}/{relative}/texts" if relative != "." else f"{source}/texts"
        shards.append(Shard(key, "text", source, tuple(files), root=str(root)))
    return shards


def _hf_shards(root: Path, source: str) -> list[Shard]:
    import json

    dict_file = root / "dataset_dict.json"
    splits = json.loads(dict_file.read_text())["splits"] if dict_file.exists() else [None]
    return [
        Shard(
            f"{source}/{split or 'data'}", "hf", source, (str(root),), split=split, root=str(root)
        )
        for split in splits
    ]


def _file_shard(path: Path, root: Path, source: str, kind: tuple[str, str | None]) -> Shard:
    relative = path.relative_to(root).as_posix()
    return Shard(f"{source}/{relative}", kind[0], source, (str(path),), kind[1], root=str(root))


def _source_name(path: Path) -> str:
    name = path.resolve().name or "input"
    for suffix in (*COMPRESSIONS, ".parquet", *JSONL_SUFFIXES, *TEXT_SUFFIXES):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name or "input"


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name}-{number}", number + 1
    taken.add(candidate)
    return candidate
