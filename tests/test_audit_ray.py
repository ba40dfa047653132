"""The Ray Data executor writes the same files as the local one, and resumes.

The Ray tests are slow (Ray starts a local cluster, about 7 s) and need ``ray[data]``
(``pip install 'storyprobe[ray]'``); they run in the slow stage (``pytest -m slow``).
The missing-Ray error is checked in the default run.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from storyprobe.audit import AuditConfig, run_audit, shard_paths
from storyprobe.cli_audit import audit

LABELLED = Path(__file__).parent / "fixtures" / "audit_labelled"


def _corpus(folder: Path) -> Path:
    """Three JSONL shards of labelled positives and hard negatives, plus one bad line."""
    folder.mkdir()
    texts = [e["text"] for e in yaml.safe_load((LABELLED / "positives.yaml").read_text())]
    texts += [e["text"] for e in yaml.safe_load((LABELLED / "hard_negatives.yaml").read_text())]
    for number in range(3):
        rows = [{"id": f"s{number}-{i}", "text": t} for i, t in enumerate(texts[number::3])]
        lines = [json.dumps(row) for row in rows] + (["not json"] if number == 1 else [])
        (folder / f"part-{number}.jsonl").write_text("\n".join(lines) + "\n")
    return folder


KEYS = [f"corpus/part-{n}.jsonl" for n in range(3)]


@pytest.fixture(scope="module")
def ray_session():
    ray = pytest.importorskip("ray")
    yield ray
    ray.shutdown()


@pytest.mark.slow
def test_ray_run_equals_local_run_and_resumes(tmp_path: Path, ray_session) -> None:
    corpus = _corpus(tmp_path / "corpus")
    local = run_audit([corpus], tmp_path / "local", AuditConfig(), workers=1)
    on_ray = run_audit([corpus], tmp_path / "ray", AuditConfig(), workers=2, executor="ray")

    assert sorted(on_ray.done) == KEYS and not on_ray.failed
    for key in KEYS:
        ours = shard_paths(tmp_path / "ray", key)
        assert ours["attributes"].read_bytes() == (
            shard_paths(tmp_path / "local", key)["attributes"].read_bytes()
        )
        assert ours["done"].exists()
    assert on_ray.stats.flagged == local.stats.flagged > 0
    assert on_ray.stats.errors == local.stats.errors == 1

    again = run_audit([corpus], tmp_path / "ray", AuditConfig(), workers=2, executor="ray")
    assert again.done == [] and sorted(again.skipped) == KEYS

    half = shard_paths(tmp_path / "ray", KEYS[1])
    half["done"].unlink()
    half["attributes"].write_text("half written\n")
    mixed = run_audit([corpus], tmp_path / "ray", AuditConfig(), workers=1, executor="local")
    assert mixed.done == [KEYS[1]] and sorted(mixed.skipped) == [KEYS[0], KEYS[2]]
    assert half["attributes"].read_bytes() == (
        shard_paths(tmp_path / "local", KEYS[1])["attributes"].read_bytes()
    )


@pytest.mark.slow
def test_cli_runs_on_ray(tmp_path: Path, ray_session) -> None:
    corpus = _corpus(tmp_path / "corpus")
    result = CliRunner().invoke(
        audit, [str(corpus), "--out", str(tmp_path / "out"), "--executor", "ray"]
    )

    assert result.exit_code == 0, result.output
    assert "3 shards audited" in result.output
    assert all(shard_paths(tmp_path / "out", key)["done"].exists() for key in KEYS)


def test_missing_ray_is_a_usage_error_naming_the_extra(tmp_path: Path, monkeypatch) -> None:
    corpus = _corpus(tmp_path / "corpus")
    monkeypatch.setitem(sys.modules, "ray", None)  # makes `import ray` raise ImportError

    result = CliRunner().invoke(
        audit, [str(corpus), "--out", str(tmp_path / "out"), "--executor", "ray"]
    )

    assert result.exit_code == 2
    assert "pip install 'storyprobe[ray]'" in result.output
    assert not any(shard_paths(tmp_path / "out", key)["done"].exists() for key in KEYS)
