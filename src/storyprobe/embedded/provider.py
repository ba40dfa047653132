"""Inspect model provider ``storyprobe/<name>`` for the embedded local model.

Importing this module registers the provider with Inspect; it stays cheap to
import because torch and transformers are only loaded when a model is built.
"""

from __future__ import annotations

import logging

from inspect_ai.model import ModelAPI, modelapi

from storyprobe.embedded.weights import INSTALL_HINT, QWEN_CODER_05B, EmbeddedModelError, WeightSpec

logger = logging.getLogger(__name__)

PROVIDER = "storyprobe"
"""Inspect provider name, the part before the slash."""

MODELS: dict[str, WeightSpec] = {"qwen2.5-coder-0.5b": QWEN_CODER_05B}
"""Model names accepted after ``storyprobe/``."""

EMBEDDED_MODEL = f"{PROVIDER}/qwen2.5-coder-0.5b"
"""Inspect model name of the default embedded model."""


def resolve_model_name(name: str) -> WeightSpec:
    """Map a model name (without the provider prefix) to its weights.

    Args:
        name: Name after ``storyprobe/``, e.g. ``qwen2.5-coder-0.5b``.

    Returns:
        The weights behind that name.

    Raises:
        EmbeddedModelError: If the name is unknown; the message lists valid names.
    """
    spec = MODELS.get(name)
    if spec is None:
        valid = ", ".join(f"{PROVIDER}/{known}" for known in sorted(MODELS))
        raise EmbeddedModelError(f"Unknown embedded model {PROVIDER}/{name}. Valid names: {valid}")
    return spec


@modelapi(name=PROVIDER)
def storyprobe_embedded() -> type[ModelAPI]:
    """Inspect factory for the embedded model API (imports torch on first use)."""
    try:
        from storyprobe.embedded._hf_api import EmbeddedModelAPI
    except ImportError as error:
        raise EmbeddedModelError(
            f"The embedded model needs torch, transformers and accelerate ({error}). "
            f"Install them: pip install torch==2.13.0 {INSTALL_HINT}"
        ) from error

    return EmbeddedModelAPI
