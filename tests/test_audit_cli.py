"""``python -m storyprobe audit`` end to end, on every input format, with the real detector."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import zstandard

FIXTURES = Path(__file__).parent / "fixtures" / "audit"
STORIES = [json.loads(line) for line in (FIXTURES / "stories.jsonl").read_text().splitlines()]
POSITIVE = {"pos-1", "pos-2"}  # synthetic stories written for the tests


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"HF_DATASETS_OFFLINE": "1", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "storyprobe", "audit", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.fixture(scope="module")
def formats(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture stories in every format the audit reads."""
    import datasets
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = tmp_path_factory.mktemp("formats")
    raw = (FIXTURES / "stories.jsonl").read_bytes()
    (root / "plain.jsonl").write_bytes(raw)
    (root / "gz.jsonl.gz").write_bytes(gzip.compress(raw))
    (root / "zst.jsonl.zst").write_bytes(zstandard.compress(raw))
    pq.write_table(pa.Table.from_pylist(STORIES), root / "table.parquet")
    (root / "texts").mkdir()
    for story in STORIES:
        (root / "texts" / f"{story['id']}.txt").write_text(story["text"], encoding="utf-8")
    datasets.Dataset.from_list(STORIES).save_to_disk(str(root / "hf"))
    return root


INPUTS = ("plain.jsonl", "gz.jsonl.gz", "zst.jsonl.zst", "table.parquet", "texts", "hf")
KEYS = {
    "plain.jsonl": "plain/plain.jsonl",
    "gz.jsonl.gz": "gz/gz.jsonl.gz",
    "zst.jsonl.zst": "zst/zst.jsonl.zst",
    "table.parquet": "table/table.parquet",
    "texts": "texts/texts",
    "hf": "hf/data",
}


@pytest.fixture(scope="module")
def audited(formats: Path) -> Path:
    out = formats / "out"
    result = _cli(*(str(formats / name) for name in INPUTS), "--out", str(out), "--workers", "2")
    assert result.returncode == 0, result.stderr
    assert "6 shards audited" in result.stdout
    return out


@pytest.mark.parametrize("name", INPUTS)
def test_every_format_gets_one_aligned_record_per_document(audited: Path, name: str) -> None:
    path = audited / "attributes" / f"{KEYS[name]}.attributes.jsonl"
    records = [json.loads(line) for line in path.read_text().splitlines()]

    ids = [r["id"].removesuffix(".txt") for r in records]
    assert sorted(ids) == sorted(s["id"] for s in STORIES)
    flagged = {i for i, r in zip(ids, records, strict=True) if r["flagged"]}
    assert flagged == POSITIVE
    for record in records:
        assert set(record) >= {"id", "flagged", "score", "behaviours", "spans", "provenance"}
        assert 0.0 <= record["score"] <= 1.0
        assert len(record["provenance"]["sha256"]) == 64
    by_id = dict(zip(ids, records, strict=True))
    assert "coercion" in by_id["pos-1"]["behaviours"]
    assert by_id["pos-1"]["spans"][0]["end"] > by_id["pos-1"]["spans"][0]["start"]


def test_run_spelling_config_fields_resume_report_and_filter(formats: Path) -> None:
    renamed = formats / "corpus.jsonl"
    renamed.write_text(
        "".join(json.dumps({"key": s["id"], "body": s["text"]}) + "\n" for s in STORIES)
        + "{broken\n"
    )
    out = formats / "out2"

    first = _cli("run", str(renamed), "--out", str(out), "--config", str(FIXTURES / "audit.toml"))
    again = _cli(str(renamed), "--out", str(out), "--config", str(FIXTURES / "audit.toml"))
    report = _cli("report", str(out))
    filtered = _cli(
        "filter",
        str(out),
        "--policy",
        str(FIXTURES / "policy.toml"),
        "--out",
        str(formats / "filtered"),
    )

    assert first.returncode == 0, first.stderr
    assert "5 documents, 2 flagged, 1 bad records (6 rows seen)" in first.stdout
    assert "0 shards audited, 1 already done" in again.stdout
    assert report.returncode == 0, report.stderr
    assert "invalid_json" in report.stdout and "CC-BY-SA-4.0" in report.stdout
    summary = json.loads((out / "summary.json").read_text())
    assert summary["overall"]["flagged"] == 2 and summary["overall"]["documents"] == 5
    assert summary["by_licence"][0]["name"] == "CC-BY-SA-4.0"
    assert (out / "croissant.json").exists() and (out / "summary.md").exists()
    assert filtered.returncode == 0, filtered.stderr
    decisions = formats / "filtered" / "decisions" / "corpus" / "corpus.jsonl.jsonl"
    actions = [json.loads(x)["action"] for x in decisions.read_text().splitlines()]
    assert len(actions) == 6 and actions[-1] == "error" and actions.count("keep") == 3


def test_usage_errors_say_what_to_do(tmp_path: Path) -> None:
    missing = _cli(str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "o"))
    empty = _cli("report", str(tmp_path))

    assert missing.returncode == 2 and "no such file" in missing.stderr
    assert empty.returncode == 2 and "storyprobe audit INPUT" in empty.stderr


# Packages only the audit extra brings; a plain `pip install storyprobe[local]` has none of them.
AUDIT_ONLY = ("ahocorasick_rs", "duckdb", "mlcroissant", "tldextract")
WITHOUT_AUDIT_EXTRA = (
    "import sys\n"
    f"for name in {AUDIT_ONLY!r}:\n"
    "    sys.modules[name] = None  # importing it now fails, as if it were not installed\n"
    "from storyprobe.cli import main\n"
    "main(sys.argv[1:], prog_name='storyprobe')\n"
)


def _without_audit_extra(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", WITHOUT_AUDIT_EXTRA, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_the_command_line_works_without_the_audit_extra(tmp_path: Path) -> None:
    listed = _without_audit_extra("--help")
    assert listed.returncode == 0, listed.stderr
    assert "audit" in listed.stdout and "run" in listed.stdout

    shown = _without_audit_extra("scenarios", "show", "blackmail", "--seed", "1")
    assert shown.returncode == 0, shown.stderr

    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": "a", "text": "hello"}\n', "utf-8")
    refused = _without_audit_extra("audit", str(corpus), "--out", str(tmp_path / "out"))
    assert refused.returncode == 2
    assert "pip install 'storyprobe[audit]'" in refused.stderr
    assert any(f"{name} is not installed" in refused.stderr for name in AUDIT_ONLY)
    assert not (tmp_path / "out").exists()
