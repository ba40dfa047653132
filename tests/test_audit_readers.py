"""Readers: every format yields one item per row with provenance that points at the input."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest
import zstandard

from storyprobe.audit import AuditConfig, BadRecord, Document, ReadCounters, read_shard
from storyprobe.audit._provenance import _fallback_domain, registrable_domain
from storyprobe.audit.readers import InputError, discover_shards

RECORDS = [
    {"id": f"d{i}", "text": f"document number {i} ünïcode", "url": "https://www.bbc.co.uk/n"}
    for i in range(5)
]


def _jsonl(records: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def _read(path: Path, config: AuditConfig | None = None) -> tuple[list, ReadCounters]:
    (shard,) = discover_shards([path])
    counters = ReadCounters()
    return list(read_shard(shard, config or AuditConfig(), counters)), counters


def test_jsonl_line_numbers_offsets_and_sha256(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(_jsonl(RECORDS[:2]) + b"\n" + _jsonl(RECORDS[2:]))

    items, counters = _read(path)

    assert [doc.id for doc in items] == [r["id"] for r in RECORDS]
    assert [doc.provenance.line for doc in items] == [1, 2, 4, 5, 6]
    assert counters.rows_seen == 5 and counters.blank_lines == 1
    with path.open("rb") as handle:
        for doc in items:
            handle.seek(doc.provenance.byte_offset)
            assert json.loads(handle.readline())["id"] == doc.id
    expected = hashlib.sha256(RECORDS[0]["text"].encode()).hexdigest()
    assert items[0].provenance.sha256 == expected
    assert items[0].provenance.domain == "bbc.co.uk"
    assert items[0].provenance.source == "c"


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.zst"])
def test_compressed_jsonl_offsets_point_into_the_decompressed_stream(
    tmp_path: Path, suffix: str
) -> None:
    raw = _jsonl(RECORDS)
    data = gzip.compress(raw) if suffix.endswith("gz") else zstandard.compress(raw)
    path = tmp_path / f"c{suffix}"
    path.write_bytes(data)

    items, counters = _read(path)

    assert [doc.id for doc in items] == [r["id"] for r in RECORDS]
    for doc in items:
        line = raw[doc.provenance.byte_offset :].split(b"\n", 1)[0]
        assert json.loads(line)["id"] == doc.id
    assert counters.bytes_read == len(raw)


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.zst"])
def test_truncated_stream_gives_one_corrupt_record_after_the_good_lines(
    tmp_path: Path, suffix: str
) -> None:
    raw = _jsonl([{"id": str(i), "text": f"line {i * 7919 % 10007}"} for i in range(40_000)])
    data = gzip.compress(raw) if suffix.endswith("gz") else zstandard.compress(raw)
    path = tmp_path / f"c{suffix}"
    path.write_bytes(data[: len(data) // 2])

    items, counters = _read(path)

    documents = [item for item in items if isinstance(item, Document)]
    assert isinstance(items[-1], BadRecord) and items[-1].reason == "corrupt_stream"
    assert all(isinstance(item, Document) for item in items[:-1])
    assert 0 < len(documents) < 40_000
    assert items[-1].provenance.line == len(documents) + 1
    assert counters.rows_seen == len(documents) + 1


def test_bad_lines_become_bad_records_in_place(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(
        _jsonl(RECORDS[:1])
        + b'{"id": "u", "text": "caf\xe9"}\n'
        + b"{not json\n"
        + b"[1, 2]\n"
        + b'{"id": "m", "body": "x"}\n'
        + b'{"id": "n", "text": 7}\n'
        + _jsonl(RECORDS[1:2])
    )

    items, counters = _read(path)

    reasons = [item.reason if isinstance(item, BadRecord) else "ok" for item in items]
    assert reasons == [
        "ok",
        "invalid_utf8",
        "invalid_json",
        "not_an_object",
        "missing_text_field",
        "text_not_string",
        "ok",
    ]
    assert [item.provenance.line for item in items] == list(range(1, 8))
    assert items[4].id == "m" and items[2].id.endswith(":3")
    assert counters.rows_seen == 7


def test_a_100_mb_line_is_skipped_without_reading_it_whole(tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    with path.open("wb") as handle:
        handle.write(_jsonl(RECORDS[:1]))
        handle.write(b'{"id": "huge", "text": "')
        block = b"a" * (1 << 20)
        for _ in range(100):
            handle.write(block)
        handle.write(b'"}\n')
        handle.write(_jsonl(RECORDS[1:2]))

    items, counters = _read(path, AuditConfig(max_line_bytes=8 << 20))

    assert [type(item).__name__ for item in items] == ["Document", "BadRecord", "Document"]
    assert items[1].reason == "line_too_long" and items[1].provenance.line == 2
    assert items[2].provenance.byte_offset == path.stat().st_size - len(_jsonl(RECORDS[1:2]))
    assert counters.rows_seen == 3


def test_empty_file_is_a_shard_note(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")

    items, counters = _read(path)

    assert items == [] and counters.rows_seen == 0
    assert counters.notes == [{"reason": "empty_file", "file": str(path)}]


def test_parquet_rows_licence_from_source_config_and_timestamps(tmp_path: Path) -> None:
    import datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "wiki.parquet"
    stamp = datetime.datetime(2026, 1, 2, 3, 4, 5)
    table = pa.table(
        {
            "key": ["a", "b", "c"],
            "body": ["first text", None, "third text"],
            "timestamp": [stamp] * 3,
            "extra": [1, 2, 3],
        }
    )
    pq.write_table(table, path, row_group_size=2)
    config = AuditConfig(text_field="body", id_field="key", source_licences={"wiki": "CC0"})

    items, counters = _read(path, config)

    assert [item.id for item in items] == ["a", "b", "c"]
    assert [item.provenance.row for item in items] == [0, 1, 2]
    assert isinstance(items[1], BadRecord) and items[1].reason == "missing_text_field"
    assert items[2].provenance.licence == "CC0"
    assert items[0].provenance.timestamp == stamp.isoformat()
    assert counters.rows_seen == 3


def test_parquet_without_the_text_column_gives_a_bad_record_per_row(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"content": ["x", "y"]}), path)

    items, _ = _read(path)

    assert [item.reason for item in items] == ["missing_text_field"] * 2


def test_corrupt_parquet_is_a_bad_record(tmp_path: Path) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1 this is not parquet")

    items, counters = _read(path)

    assert [item.reason for item in items] == ["corrupt_file"] and counters.rows_seen == 1


def test_text_folder_one_document_per_file(tmp_path: Path) -> None:
    folder = tmp_path / "novels"
    (folder / "part").mkdir(parents=True)
    (folder / "a.txt").write_text("alpha text", encoding="utf-8")
    (folder / "part" / "b.md").write_text("beta text", encoding="utf-8")
    (folder / "part" / "c.txt").write_bytes(b"\xff bad")
    (folder / "part" / "empty.txt").write_bytes(b"")
    (folder / "notes.bin").write_bytes(b"ignored")

    shards = discover_shards([folder])
    items = [item for shard in shards for item in read_shard(shard, AuditConfig())]

    assert [s.key for s in shards] == ["novels/texts", "novels/part/texts"]
    assert [item.id for item in items] == ["a.txt", "part/b.md", "part/c.txt", "part/empty.txt"]
    assert [getattr(item, "reason", "ok") for item in items] == [
        "ok",
        "ok",
        "invalid_utf8",
        "empty_file",
    ]
    assert items[0].provenance.sha256 == hashlib.sha256(b"alpha text").hexdigest()


def test_saved_hf_dataset_dict_one_shard_per_split(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    import datasets

    folder = tmp_path / "hfdata"
    datasets.DatasetDict(
        {
            "train": datasets.Dataset.from_list(RECORDS[:3]),
            "test": datasets.Dataset.from_list(RECORDS[3:]),
        }
    ).save_to_disk(str(folder))

    shards = discover_shards([folder])
    by_split = {s.split: list(read_shard(s, AuditConfig())) for s in shards}

    assert {s.key for s in shards} == {"hfdata/train", "hfdata/test"}
    assert [d.id for d in by_split["train"]] == ["d0", "d1", "d2"]
    assert [d.provenance.row for d in by_split["test"]] == [0, 1]
    assert by_split["test"][0].provenance.split == "test"
    assert (
        by_split["test"][1].provenance.sha256
        == hashlib.sha256(RECORDS[4]["text"].encode()).hexdigest()
    )


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.bbc.co.uk/news/1", "bbc.co.uk"),
        ("http://a.b.example.com.au:8080/x", "example.com.au"),
        ("https://user.github.io/page", "user.github.io"),
        ("example.org/path", "example.org"),
        ("http://127.0.0.1:8000/", "127.0.0.1"),
        ("not a url", None),
    ],
)
def test_registrable_domain_offline(url: str, domain: str | None) -> None:
    assert registrable_domain(url) == domain


def test_registrable_domain_fallback_without_tldextract() -> None:
    assert _fallback_domain("www.bbc.co.uk") == "bbc.co.uk"
    assert _fallback_domain("news.example.com") == "example.com"
    assert _fallback_domain("10.0.0.1") == "10.0.0.1"


def test_unknown_and_missing_inputs_are_clear_errors(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("a,b")
    with pytest.raises(InputError, match="not a format"):
        discover_shards([tmp_path / "x.csv"])
    with pytest.raises(InputError, match="no such file"):
        discover_shards([tmp_path / "missing.jsonl"])
