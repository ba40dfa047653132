"""Ways of holding the embedded model's weights in memory for CPU inference.

Imports torch, so only the provider factory and the benchmark import it.
"""

from __future__ import annotations

import warnings
from typing import Any, Literal, get_args

import torch

from storyprobe.embedded.weights import EmbeddedModelError

Precision = Literal["fp32", "int8", "bf16"]
"""``fp32``: as converted; ``int8``: dynamic int8 Linear layers; ``bf16``: bfloat16."""

DEFAULT_PRECISION: Precision = "int8"
"""Fastest option that stayed coherent in ``bench/embedded_model.py``."""

PRECISIONS: tuple[Precision, ...] = get_args(Precision)


def parse_precision(value: object) -> Precision:
    """Check a user-supplied precision name.

    Args:
        value: Name given as a model arg, e.g. from ``-M precision=fp32``.

    Returns:
        The validated name.

    Raises:
        EmbeddedModelError: If the name is not one of :data:`PRECISIONS`.
    """
    if value not in PRECISIONS:
        raise EmbeddedModelError(
            f"precision={value!r} is not supported by the embedded model; "
            f"use one of {', '.join(PRECISIONS)} (e.g. -M precision=fp32)."
        )
    return value  # type: ignore[return-value]


def load_kwargs(precision: Precision) -> dict[str, Any]:
    """Extra ``from_pretrained`` arguments needed before applying ``precision``."""
    if precision == "bf16":
        return {"dtype": torch.bfloat16}
    return {"dtype": torch.float32}


def apply_precision(model: Any, precision: Precision) -> Any:
    """Convert a freshly loaded model for inference at ``precision``.

    Args:
        model: Model loaded with :func:`load_kwargs` for the same precision.
        precision: Target precision.

    Returns:
        The same model object, converted in place and in eval mode.
    """
    if precision == "int8":
        with warnings.catch_warnings():
            # TODO: torch.ao quantisation is deprecated (still present in the pinned torch
            # 2.13); move to torchao int8 weight-only quantisation and re-measure on AVX2.
            warnings.filterwarnings("ignore", message=r"torch\.quantize_per_tensor")
            warnings.filterwarnings("ignore", message=r"torch\.ao\.quantization is deprecated")
            torch.ao.quantization.quantize_dynamic(
                model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True
            )
    return model.eval()
