"""Turn the packaged GGUF weights into a cached transformers model directory.

The first call joins the weight parts, verifies them and converts the GGUF
into a regular transformers checkpoint (this dequantises every tensor and takes
a minute or two on a laptop CPU). Later calls find the finished directory and
return at once.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)

from storyprobe.embedded.weights import (
    INSTALL_HINT,
    QWEN_CODER_05B,
    EmbeddedModelError,
    WeightSpec,
    join_parts,
    locate_parts,
    sha256_file,
    total_size,
)

logger = logging.getLogger(__name__)

CACHE_ENV = "STORYPROBE_CACHE"
"""Environment variable overriding the cache root."""

MARKER_NAME = "storyprobe-embedded.json"
"""File written last into a finished model directory."""

# Upstream Qwen2.5 instruct sampling defaults; the GGUF does not carry them.
_GENERATION_DEFAULTS: dict[str, Any] = {
    "bos_token_id": 151643,
    "pad_token_id": 151643,
    "eos_token_id": [151645, 151643],
    "do_sample": True,
    "temperature": 0.7,
    "top_p": 0.8,
    "top_k": 20,
    "repetition_penalty": 1.05,
}


def cache_root() -> Path:
    """Directory holding everything storyprobe caches.

    Returns:
        ``$STORYPROBE_CACHE`` if set, else ``~/.cache/storyprobe``.
    """
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    return Path.home() / ".cache" / "storyprobe"


def model_dir(spec: WeightSpec = QWEN_CODER_05B) -> Path:
    """Directory of the converted transformers model for ``spec``."""
    return cache_root() / "embedded" / spec.filename.removesuffix(".gguf")


def is_prepared(directory: Path, spec: WeightSpec = QWEN_CODER_05B) -> bool:
    """Whether ``directory`` holds a finished conversion of ``spec``.

    Args:
        directory: Candidate model directory.
        spec: Weights the directory must have been converted from.

    Returns:
        True if the marker exists and names the pinned GGUF digest.
    """
    marker = directory / MARKER_NAME
    try:
        recorded = json.loads(marker.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    except (OSError, ValueError) as error:
        logger.warning("ignoring unreadable marker %s: %s", marker, error)
        return False

    if recorded.get("gguf_sha256") != spec.sha256:
        logger.info("cached model in %s was built from other weights; rebuilding", directory)
        return False
    return True


def prepare_embedded_model(console: Console | None = None) -> Path:
    """Make sure the embedded model is converted and cached, and return its directory.

    Safe to call repeatedly and from several processes at once: the work is
    done under a file lock, and a finished directory is reused.

    Args:
        console: Where progress is shown; defaults to a console on stderr.

    Returns:
        Path of a transformers model directory (weights and tokenizer).

    Raises:
        EmbeddedModelError: If the weight packages or the runtime libraries are
            missing, or the joined weights fail verification.
    """
    spec = QWEN_CODER_05B
    target = model_dir(spec)
    if is_prepared(target, spec):
        logger.debug("embedded model already prepared in %s", target)
        return target

    console = console or Console(stderr=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive_lock(target.parent / f".{target.name}.lock", console):
        if is_prepared(target, spec):
            # Another process finished while we waited for the lock.
            return target

        started = time.monotonic()
        gguf_path = _assemble(spec, target.parent, console)
        _convert(gguf_path, spec, target, console)
        gguf_path.unlink()

        console.print(
            f"[green]Embedded model ready[/green] in {time.monotonic() - started:.0f}s: {target}"
        )
    return target


@contextmanager
def _exclusive_lock(path: Path, console: Console) -> Iterator[None]:
    # TODO: fcntl is POSIX only; Windows would need msvcrt.locking.
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            console.print("Another process is preparing the embedded model; waiting for it.")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _assemble(spec: WeightSpec, directory: Path, console: Console) -> Path:
    destination = directory / spec.filename
    parts = locate_parts(spec)

    if destination.is_file():
        # Left over from an interrupted conversion; reuse it if it is intact.
        if sha256_file(destination) == spec.sha256:
            logger.info("reusing verified %s", destination)
            return destination
        logger.warning("discarding %s: digest mismatch", destination)
        destination.unlink()

    with Progress(
        TextColumn("Joining model weights"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("join", total=total_size(parts))
        join_parts(
            parts,
            destination,
            spec.sha256,
            progress=lambda size: progress.advance(task, size),
        )
    return destination


def _convert(gguf_path: Path, spec: WeightSpec, target: Path, console: Console) -> None:
    try:
        import torch
        import transformers
        from transformers import (
            AutoModelForCausalLM,
            AutoTokenizer,
            GenerationConfig,
            GgufConfig,
        )
    except ImportError as error:
        raise EmbeddedModelError(
            f"The embedded model needs torch and transformers ({error}). "
            f"Install them: pip install torch==2.13.0 {INSTALL_HINT}"
        ) from error

    temp_dir = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            progress.add_task("Converting the model (one-off, about two minutes)", total=None)
            started = time.monotonic()
            tokenizer = AutoTokenizer.from_pretrained(gguf_path.parent, gguf_file=gguf_path.name)
            model = AutoModelForCausalLM.from_pretrained(
                gguf_path.parent,
                gguf_file=gguf_path.name,
                dtype=torch.float32,
                quantization_config=GgufConfig(dequantize=True),
            )
            logger.info("dequantised GGUF in %.1fs", time.monotonic() - started)

            _drop_gguf_quantizer(model)
            model.generation_config = GenerationConfig(**_GENERATION_DEFAULTS)
            model.save_pretrained(temp_dir)
            tokenizer.save_pretrained(temp_dir)
            del model

        marker = {
            "gguf_file": spec.filename,
            "gguf_sha256": spec.sha256,
            "parts": {part.distribution: part.version for part in spec.parts},
            "transformers": transformers.__version__,
            "torch": torch.__version__,
            "gguf": _version_or_none("gguf"),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        (temp_dir / MARKER_NAME).write_text(json.dumps(marker, indent=2), encoding="utf-8")

        if target.exists():
            shutil.rmtree(target)
        os.replace(temp_dir, target)
    finally:
        shutil.rmtree(temp_dir, ignore_errors=True)

    logger.info("converted model saved to %s", target)


def _drop_gguf_quantizer(model: Any) -> None:
    # The weights are plain dense tensors after dequantising, but transformers
    # still tags the model as GGUF-quantised and refuses to save it.
    for name, module in model.named_modules():
        if type(module).__name__.lower().startswith("gguf"):
            raise EmbeddedModelError(
                f"Conversion left packed GGUF module {name!r}; cannot save a dense copy. "
                "Please report this with your transformers version."
            )

    quantizer = getattr(model, "hf_quantizer", None)
    if quantizer is not None:
        quantizer.remove_quantization_config(model)


def _version_or_none(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None
