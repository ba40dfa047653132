"""The audit's fast paths give exactly the records of the slow, obvious computation.

Fast paths under test: numpy word counts (``_words``), orjson decoding with its json fallback
(``readers._jsonl``), batched record building and writing (``_records``, ``_writers``), and
stage 1's byte folding (one translate, numpy blanking of wide boundaries in large buffers).
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import pytest
import yaml

from storyprobe.audit import AuditConfig, Detector, run_audit, shard_paths
from storyprobe.audit._words import ASCII_SPACES, WIDE_SPACES, word_counts
from storyprobe.audit.readers import _jsonl

LABELLED = Path(__file__).parent / "fixtures" / "audit_labelled"
EVERY_SPACE = [chr(c) for c in range(0x110000) if chr(c).isspace()]


def test_whitespace_tables_match_python() -> None:
    listed = [chr(b) for b in ASCII_SPACES] + list(WIDE_SPACES)

    assert sorted(listed) == EVERY_SPACE


def test_word_counts_equal_str_split_for_every_whitespace_character() -> None:
    rng = random.Random(3)
    others = ["a", "é", "’", "—", "\x00", "\x1b", "\u200b", "\ud800", "語", "\U0001f600", "\xa0x"]
    texts = ["", " ", "a", "\u3000a\u3000", "a\x1cb", "a\u2028b\u2029", "\x85", ""]
    for _ in range(500):
        texts.append("".join(rng.choice(EVERY_SPACE + others) for _ in range(rng.randint(0, 40))))
    blobs = [text.encode("utf-8", "surrogatepass") for text in texts]

    assert word_counts(blobs).tolist() == [len(text.split()) for text in texts]
    assert word_counts(blobs[-1:]).tolist() == [len(texts[-1].split())]
    assert word_counts([]).tolist() == []


def test_fold_bytes_equals_lower_then_replace_at_every_size() -> None:
    from storyprobe.audit.detect._stage1 import (
        _ASCII_BOUNDARIES,
        _NUMPY_BLANK_BYTES,
        _WIDE_BOUNDARIES,
        fold_bytes,
    )

    def obvious(haystack: bytes) -> bytes:
        table = bytes.maketrans(_ASCII_BOUNDARIES.encode(), b" " * len(_ASCII_BOUNDARIES))
        haystack = haystack.lower().translate(table)
        for wide in _WIDE_BOUNDARIES:
            haystack = haystack.replace(wide, b" " * len(wide))
        return haystack

    rng = random.Random(5)
    pieces = ["The AI", "“", "‘", "—", "’", "–", "\u2000", "\u203f", "Ä", "é", "(", "*", "\n", "x"]
    texts = ["", "“", "a—", "—" * 3, "\u2014"]
    for size in (10, 1000, _NUMPY_BLANK_BYTES // 4, _NUMPY_BLANK_BYTES):
        texts.append("".join(rng.choice(pieces) for _ in range(size)))
    texts.append("plain ASCII " * _NUMPY_BLANK_BYTES)
    texts.append("—" + "x" * _NUMPY_BLANK_BYTES + "“")

    for text in texts:
        raw = text.encode()
        assert fold_bytes(raw) == obvious(raw), (len(raw), text[:40])
        assert len(fold_bytes(raw)) == len(raw)


def _lines() -> list[bytes]:
    stories = [entry["text"] for entry in yaml.safe_load((LABELLED / "positives.yaml").read_text())]
    negatives = yaml.safe_load((LABELLED / "hard_negatives.yaml").read_text())
    records = [{"id": f"p{i}", "text": text} for i, text in enumerate(stories[:15])]
    records += [{"id": f"n{i}", "text": e["text"]} for i, e in enumerate(negatives[:10])]
    records += [
        {"id": "ws", "text": "The AI\u2003threatened\xa0to leak\u3000it\x1cunless\u2028they stop."},
        {"id": 123456789012345678901234567890, "text": "an id beyond 64 bits"},
        {"id": 7, "text": "line\nbreaks and\ttabs", "url": "https://www.example.co.uk/x"},
        {"id": "ts", "text": "stamped", "timestamp": 1.5, "license": 2},
    ]
    lines = [json.dumps(r, ensure_ascii=i % 2 == 0).encode() for i, r in enumerate(records)]
    lines += [
        b'{"id": "nan", "text": "x", "score": NaN}',
        b'{"id": "sur", "text": "lone \\ud800 surrogate"}',
        b'{"id": "inf", "text": "y", "n": 1e400}',
        b'\xef\xbb\xbf{"id": "bom", "text": "z"}',
        b'{"id": "bad", "text": "\xff\xfe"}',
        b'{"id": "ctl", "text": "a\tb"}',
        b"[1, 2]",
        b"12345678901234567890123",
        b'{"id": "notext"}',
        b'{"id": "num", "text": 5}',
        b"not json",
    ]
    return [line + b"\n" for line in lines]


def _obvious_record(line: bytes, index: int, line_number: int, detector: Detector) -> dict:
    """What a record must hold, computed one line at a time with json and str.split."""
    record = json.loads(line.decode("utf-8"))
    text = record["text"]
    expected = {"id": str(record["id"]), "index": index, **detector.detect(text).as_record()}
    if expected["flagged"]:
        for span in expected["spans"]:
            span["excerpt"] = text[span["start"] : span["end"]][:300]
    expected |= {"tokens": len(text.split()), "chars": len(text), "error": None}
    sha = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return expected | {"sha256": sha, "line": line_number}


def test_records_equal_the_obvious_computation(tmp_path: Path) -> None:
    lines = _lines()
    corpus = tmp_path / "edge.jsonl"
    corpus.write_bytes(b"".join(lines))
    run_audit([corpus], tmp_path / "out", AuditConfig(), workers=1)
    path = shard_paths(tmp_path / "out", "edge/edge.jsonl")["attributes"]
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    detector = Detector()

    assert len(records) == len(lines)
    assert sum(bool(r["flagged"]) for r in records) >= 10
    reasons = {}
    for index, (line, record) in enumerate(zip(lines, records, strict=True)):
        try:
            expected = _obvious_record(line, index, index + 1, detector)
        except (ValueError, TypeError, KeyError, AttributeError):  # a bad line
            reasons[record["id"]] = record["error"]["reason"]
            continue
        provenance = record["provenance"]
        assert (provenance["sha256"], provenance["line"]) == (
            expected.pop("sha256"),
            expected.pop("line"),
        )
        assert {k: v for k, v in record.items() if k != "provenance"} == expected
    by_id = {record["id"]: record for record in records}
    assert by_id["123456789012345678901234567890"]["tokens"] == 5
    assert by_id["7"]["tokens"] == 4
    assert by_id["7"]["provenance"]["domain"] == "example.co.uk"
    assert by_id["ts"]["provenance"]["timestamp"] == "1.5"
    assert by_id["ts"]["provenance"]["licence"] == "2"
    assert by_id["nan"]["error"] is None and by_id["inf"]["error"] is None
    assert by_id["sur"]["chars"] == len("lone \ud800 surrogate")
    assert set(reasons.values()) == {
        "invalid_json",
        "invalid_utf8",
        "not_an_object",
        "missing_text_field",
        "text_not_string",
    }


def test_orjson_and_json_write_identical_files(tmp_path: Path, monkeypatch) -> None:
    pytest.importorskip("orjson")
    corpus = tmp_path / "edge.jsonl"
    corpus.write_bytes(b"".join(_lines()))
    key = "edge/edge.jsonl"

    run_audit([corpus], tmp_path / "fast", AuditConfig(), workers=1)
    monkeypatch.setattr(_jsonl, "_fast_loads", None)
    run_audit([corpus], tmp_path / "slow", AuditConfig(), workers=1)

    fast = shard_paths(tmp_path / "fast", key)["attributes"].read_bytes()
    assert fast == shard_paths(tmp_path / "slow", key)["attributes"].read_bytes()
