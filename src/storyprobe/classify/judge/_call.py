"""Ask a grader model for a verdict, through Inspect, and keep what it cost."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from inspect_ai.model import (
    ChatMessageSystem,
    ChatMessageUser,
    GenerateConfig,
    Model,
    ResponseSchema,
)
from inspect_ai.util import JSONSchema

from storyprobe.classify.judge._parse import (
    JudgeReplyError,
    JudgeVerdict,
    parse_judge_reply,
    verdict_schema,
)
from storyprobe.classify.judge._prompt import JudgePrompt

logger = logging.getLogger(__name__)

__all__ = ["JudgeOutcome", "JudgeSettings", "ask_judge"]

GRADER_ROLE = "grader"
"""The Inspect model role the judge runs under (``--model-role grader=...``)."""


@dataclass(frozen=True)
class JudgeSettings:
    """How the grader is called.

    Attributes:
        timeout: Seconds allowed for one request; a slower grader is an error.
        max_retries: Retries after a failed or timed-out request.
        include_reasoning: Show the agent's private reasoning to the judge (off by default:
            the judge rules on actions; with it on, it also reads the reasoning for awareness).
        structured: Ask the provider to enforce the answer's JSON schema.
    """

    timeout: int = 120
    max_retries: int = 2
    include_reasoning: bool = False
    structured: bool = True


@dataclass
class JudgeOutcome:
    """What one grader call produced: a verdict, or the error that prevented one.

    Attributes:
        verdict: The parsed verdict, or None when the call or its answer failed.
        error: Why there is no verdict.
        model: The grader model's name.
        usage: Tokens the call spent (``input_tokens``, ``output_tokens``, ``total_tokens``).
        answer: The start of the grader's raw answer, kept for review.
    """

    verdict: JudgeVerdict | None
    error: str | None
    model: str
    usage: dict[str, int] = field(default_factory=dict)
    answer: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form stored in score metadata."""
        return {
            "verdict": self.verdict.to_dict() if self.verdict else None,
            "error": self.error,
            "model": self.model,
            "usage": dict(self.usage),
            "answer": self.answer,
        }


async def ask_judge(model: Model, prompt: JudgePrompt, settings: JudgeSettings) -> JudgeOutcome:
    """Send ``prompt`` to the grader and parse its answer.

    Never raises for a provider failure or a bad answer: those come back as an outcome with
    ``error`` set, which callers count as an error, never as a benign verdict.
    """
    config = GenerateConfig(
        temperature=0.0,
        max_tokens=400,
        timeout=settings.timeout * (settings.max_retries + 1),
        attempt_timeout=settings.timeout,
        max_retries=settings.max_retries,
    )
    if settings.structured:
        schema = JSONSchema.model_validate(verdict_schema(prompt.transcript_id))
        config = config.merge(
            GenerateConfig(response_schema=ResponseSchema(name="verdict", json_schema=schema))
        )

    messages = [ChatMessageSystem(content=prompt.system), ChatMessageUser(content=prompt.user)]
    try:
        output = await model.generate(messages, config=config)
    except Exception as exc:  # provider errors and timeouts come in many types
        logger.warning("grader %s failed: %s", model.name, type(exc).__name__)
        return JudgeOutcome(None, f"grader call failed: {_describe(exc)}", str(model))

    usage = _usage(output.usage)
    if output.error:
        return JudgeOutcome(None, f"grader error: {output.error}", str(model), usage)

    answer = output.completion
    try:
        verdict = parse_judge_reply(answer, prompt.transcript_id)
    except JudgeReplyError as exc:
        error = f"unreadable grader answer: {exc}"
        return JudgeOutcome(None, error, str(model), usage, answer[:300])
    return JudgeOutcome(verdict, None, str(model), usage, answer[:300])


def _usage(usage: Any) -> dict[str, int]:
    if usage is None:
        return {}
    return {
        "input_tokens": int(usage.input_tokens or 0),
        "output_tokens": int(usage.output_tokens or 0),
        "total_tokens": int(usage.total_tokens or 0),
    }


def _describe(exc: BaseException) -> str:
    """A short account of a failure; the request (which may be long) is not repeated."""
    last_attempt = getattr(exc, "last_attempt", None)  # a retry wrapper: report its cause
    if last_attempt is not None and last_attempt.exception() is not None:
        exc = last_attempt.exception()
    message = str(exc).strip().splitlines()[-1] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {message[:200]}" if message else type(exc).__name__
