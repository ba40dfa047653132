"""The embedded model served through Inspect's Hugging Face provider.

Imported only by the provider factory, because it pulls in torch and
transformers.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from inspect_ai.model import ChatMessage, GenerateConfig, ModelOutput
from inspect_ai.model._providers.hf import HuggingFaceAPI
from inspect_ai.tool import ToolChoice, ToolInfo
from typing_extensions import override

from storyprobe.embedded.precision import (
    DEFAULT_PRECISION,
    apply_precision,
    load_kwargs,
    parse_precision,
)
from storyprobe.embedded.prepare import prepare_embedded_model
from storyprobe.embedded.provider import resolve_model_name
from storyprobe.embedded.weights import EmbeddedModelError

logger = logging.getLogger(__name__)

DEFAULT_BATCH = 8
"""Most requests generated together; the quick suite run issues about six."""


class EmbeddedModelAPI(HuggingFaceAPI):
    """Inspect's Hugging Face provider pointed at the cached packaged weights.

    Accepts the model args of Inspect's ``hf`` provider (``do_sample``,
    ``chat_template`` ...) plus ``precision`` (``fp32``, ``int8`` or ``bf16``).
    The weights always come from :func:`prepare_embedded_model`.
    """

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig | None = None,
        **model_args: Any,
    ) -> None:
        resolve_model_name(model_name)
        precision = parse_precision(model_args.pop("precision", DEFAULT_PRECISION))
        if "model_path" in model_args:
            raise EmbeddedModelError(
                "The storyprobe provider loads its own packaged weights; drop the "
                "model_path argument, or use the 'hf' provider for other checkpoints."
            )

        path = prepare_embedded_model()

        started = time.monotonic()
        model_args.setdefault("device", "cpu")
        for name, value in load_kwargs(precision).items():
            model_args.setdefault(name, value)
        super().__init__(
            model_name=model_name,
            base_url=base_url,
            api_key=api_key,
            config=config or GenerateConfig(),
            model_path=str(path),
            **model_args,
        )
        self.model = apply_precision(self.model, precision)
        logger.info("loaded %s (%s) in %.1fs", model_name, precision, time.monotonic() - started)

    @override
    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        if config.temperature == 0 and self.do_sample:
            # transformers refuses temperature 0 when sampling; sampling from only the
            # most likely token (top_k=1) is greedy decoding.
            config = config.model_copy(update={"temperature": None, "top_k": 1, "top_p": None})
        return await super().generate(input, tools, tool_choice, config)

    @override
    def max_connections(self) -> int:
        return DEFAULT_BATCH
