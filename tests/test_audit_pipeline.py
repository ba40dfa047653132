"""Executor, attribute files, summary, Croissant manifest and filter, with a marker detector."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from audit_double import MarkerDetector
from storyprobe.audit import (
    AuditConfig,
    FilterError,
    PolicyError,
    apply_policy,
    build_croissant,
    build_summary,
    load_filter_policy,
    run_audit,
    shard_paths,
)

FIXTURES = Path(__file__).parent / "fixtures" / "audit"


def _corpus(folder: Path) -> Path:
    """Two JSONL shards and one with bad lines; flagged texts are known by construction."""
    folder.mkdir()
    a = [
        {
            "id": f"a{i}",
            "text": "word " * (i + 1) + ("BLACKMAILBOT" if i % 2 else ""),
            "url": f"https://www.site{i % 2}.co.uk/p",
            "license": "CC0" if i < 2 else None,
        }
        for i in range(6)
    ]
    b = [{"id": f"b{i}", "text": "WIPEDODGER here" if i == 0 else "plain text"} for i in range(4)]
    (folder / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in a))
    (folder / "b.jsonl").write_text("".join(json.dumps(r) + "\n" for r in b))
    (folder / "c.jsonl").write_text('{"id": "c0", "text": "BLACKMAILBOT x"}\nnot json\n')
    return folder


def _attributes(out: Path, key: str) -> list[dict]:
    path = shard_paths(out, key)["attributes"]
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def audited(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    run_audit(
        [_corpus(tmp_path / "corpus")],
        out,
        AuditConfig(),
        workers=2,
        detector_factory=MarkerDetector,
    )
    return out


def test_attributes_are_aligned_with_input_order(audited: Path) -> None:
    records = _attributes(audited, "corpus/a.jsonl")

    assert [r["id"] for r in records] == [f"a{i}" for i in range(6)]
    assert [r["index"] for r in records] == list(range(6))
    assert [r["flagged"] for r in records] == [i % 2 == 1 for i in range(6)]
    assert records[1]["spans"][0]["excerpt"] == "BLACKMAILBOT"
    assert records[1]["provenance"]["line"] == 2 and records[1]["tokens"] == 3
    bad = _attributes(audited, "corpus/c.jsonl")[1]
    assert bad["flagged"] is None and bad["error"]["reason"] == "invalid_json"


def test_resume_skips_finished_shards_and_redoes_half_written_ones(audited: Path) -> None:
    corpus = audited.parent / "corpus"
    paths = shard_paths(audited, "corpus/b.jsonl")
    paths["done"].unlink()
    paths["attributes"].write_text("half written\n")
    stale = paths["attributes"].with_name(".b.jsonl.attributes.jsonl.tmp-99999")
    stale.write_text("partial")
    before = shard_paths(audited, "corpus/a.jsonl")["attributes"].stat().st_mtime_ns

    result = run_audit([corpus], audited, AuditConfig(), detector_factory=MarkerDetector)

    assert result.done == ["corpus/b.jsonl"]
    assert sorted(result.skipped) == ["corpus/a.jsonl", "corpus/c.jsonl"]
    assert [r["id"] for r in _attributes(audited, "corpus/b.jsonl")] == ["b0", "b1", "b2", "b3"]
    assert shard_paths(audited, "corpus/a.jsonl")["attributes"].stat().st_mtime_ns == before
    assert result.stats.rows_seen == 12 and result.stats.documents + result.stats.errors == 12


def test_a_changed_config_redoes_every_shard(audited: Path) -> None:
    corpus = audited.parent / "corpus"
    result = run_audit(
        [corpus], audited, AuditConfig(batch_size=2), detector_factory=MarkerDetector
    )
    assert len(result.done) == 3 and result.skipped == []


def test_summary_matches_a_hand_count(audited: Path) -> None:
    summary = build_summary(audited)

    # Documents: a0..a5, b0..b3, c0 = 11; flagged a1, a3, a5, b0, c0 = 5.
    overall = summary["overall"]
    assert (overall["documents"], overall["flagged"]) == (11, 5)
    # Tokens: a_i has i+1 words plus the marker when flagged; b0 2, b1..b3 2 each; c0 2.
    a_tokens = sum(i + 1 + (i % 2) for i in range(6))
    assert overall["tokens"] == a_tokens + 8 + 2
    assert overall["flagged_tokens"] == (3 + 5 + 7) + 2 + 2
    z = 1.959963984540054
    n, p = 11, 5 / 11
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert overall["ci95"] == pytest.approx([centre - half, centre + half], abs=1e-9)

    licences = {row["name"]: (row["documents"], row["flagged"]) for row in summary["by_licence"]}
    assert licences == {"CC0": (2, 1), "(unknown)": (9, 4)}
    domains = {row["name"]: row["flagged"] for row in summary["by_domain"]}
    assert domains == {"site1.co.uk": 3, "site0.co.uk": 0, "(no url)": 2}
    behaviours = {row["name"]: row["flagged"] for row in summary["by_behaviour"]}
    assert behaviours["coercion"] == 4 and behaviours["shutdown_resistance"] == 1
    assert summary["bad_input"]["totals"] == {"invalid_json": 1}
    assert summary["bad_input"]["shards"][0]["examples"][0]["line"] == 2
    assert summary["top_examples"][0]["spans"][0]["excerpt"] in ("BLACKMAILBOT", "WIPEDODGER")
    assert (audited / "summary.md").read_text().count("| corpus |") == 1
    assert summary["counts"] == {
        "rows_seen": 12,
        "documents": 11,
        "errors": 1,
        "blank_lines": 0,
        "bytes_read": summary["counts"]["bytes_read"],
        "flagged": 5,
        "shards": 3,
    }
    assert summary["unfinished_shards"] == []


def test_summary_skips_unfinished_shards_and_says_so(audited: Path) -> None:
    shard_paths(audited, "corpus/a.jsonl")["done"].unlink()

    summary = build_summary(audited, write=False)

    assert summary["unfinished_shards"] == ["corpus/a.jsonl"]
    assert summary["overall"]["documents"] == 5


class _BrokenOnB(MarkerDetector):
    """Raises on shard b's text: a detector bug must cost only that shard."""

    def detect_batch(self, texts: list[str]) -> list:
        if "plain text" in texts:
            raise RuntimeError("detector bug")
        return super().detect_batch(texts)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_shard_is_reported_and_the_others_finish(tmp_path: Path, workers: int) -> None:
    out = tmp_path / "out"

    result = run_audit(
        [_corpus(tmp_path / "corpus")],
        out,
        AuditConfig(),
        workers=workers,
        detector_factory=_BrokenOnB,
    )

    assert (
        list(result.failed) == ["corpus/b.jsonl"]
        and "detector bug" in result.failed["corpus/b.jsonl"]
    )
    assert sorted(result.done) == ["corpus/a.jsonl", "corpus/c.jsonl"]
    paths = shard_paths(out, "corpus/b.jsonl")
    assert not paths["done"].exists() and not paths["attributes"].exists()
    assert not list(paths["attributes"].parent.glob(".*tmp*"))
    assert json.loads((out / "stats.json").read_text())["failed_shards"] == result.failed


def test_croissant_manifest_validates_and_loads_every_record(audited: Path) -> None:
    mlcroissant = pytest.importorskip("mlcroissant")
    manifest = build_croissant(audited, build_summary(audited))

    dataset = mlcroissant.Dataset(jsonld=str(audited / "croissant.json"))
    records = list(dataset.records("attributes"))

    assert not dataset.metadata.ctx.issues.errors
    assert len(records) == 12
    inputs = [d for d in manifest["distribution"] if d["@id"].startswith("input/")]
    assert len(inputs) == 3 and all(len(d["sha256"]) == 64 for d in inputs)
    assert manifest["conformsTo"] == "http://mlcommons.org/croissant/1.1"


def test_filter_applies_the_policy_with_a_reason_per_document(
    audited: Path, tmp_path: Path
) -> None:
    policy = load_filter_policy(FIXTURES / "policy.toml")
    out = tmp_path / "filtered"

    counts = apply_policy(audited, policy, out)

    # Marker scores: one marker = 0.6 (< 0.7, so coercion is down-weighted, not dropped).
    assert counts == {"keep": 6, "downweight": 5, "error": 1}
    decisions = [
        json.loads(x) for x in (out / "decisions/corpus/a.jsonl.jsonl").read_text().splitlines()
    ]
    assert [d["action"] for d in decisions] == ["keep", "downweight"] * 3
    assert "down-weight other flagged" in decisions[1]["reason"]
    kept = [json.loads(x) for x in (out / "shards/corpus/a.jsonl.jsonl").read_text().splitlines()]
    assert [r.get("weight") for r in kept] == [None, 0.25] * 3
    assert kept[0]["url"] == "https://www.site0.co.uk/p"
    errors = (out / "decisions/corpus/c.jsonl.jsonl").read_text()
    assert "unreadable input: invalid_json" in errors


def test_filter_refuses_an_input_changed_since_the_audit(audited: Path, tmp_path: Path) -> None:
    (audited.parent / "corpus" / "b.jsonl").write_text('{"id": "b0", "text": "changed"}\n')
    with pytest.raises(FilterError, match=r"changed|differ"):
        apply_policy(audited, load_filter_policy(FIXTURES / "policy.toml"), tmp_path / "f")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[rules]]\naction = "explode"\n', "action must be"),
        ('[[rules]]\naction = "downweight"\n', "needs weight"),
        ('[[rules]]\naction = "drop"\nbehaviours = ["murder"]\n', "unknown behaviours"),
        ('[[rules]]\naction = "drop"\nscore = 1\n', "unknown keys"),
    ],
)
def test_bad_policies_are_rejected(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "p.toml"
    path.write_text(text)
    with pytest.raises(PolicyError, match=message):
        load_filter_policy(path)
