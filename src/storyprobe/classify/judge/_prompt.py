"""The judge's prompt: the behaviour's definition, the scenario's facts, the fenced record.

The record of what the agent did is fenced between markers that carry a transcript id: a
hash of the record itself, so the agent under test cannot know it when it writes, and a
verdict-shaped string inside the record can never carry it. The judge must echo the id in its
answer (see :mod:`._parse`), which tells its own answer apart from text it copied out of the
record.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from inspect_ai.model import ChatMessage, ChatMessageAssistant, ContentReasoning
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from storyprobe.behaviours import get_behaviour
from storyprobe.classify.actions import Action, ParsedReply
from storyprobe.classify.facts import Facts

__all__ = ["JudgePrompt", "build_judge_prompt", "private_reasoning"]

TEMPLATE_DIR = Path(__file__).parent.parent / "templates"
_PRIVATE_BLOCK = re.compile(
    r"<(scratchpad|scratchpad_reasoning|think|thinking|reasoning)>(.*?)(?:</\1>|\Z)",
    re.DOTALL | re.IGNORECASE,
)


@dataclass(frozen=True)
class JudgePrompt:
    """What is sent to the grader.

    Attributes:
        system: The instructions: definition, scenario rules, answer format.
        user: The facts and the fenced record.
        transcript_id: The id the answer must echo.
    """

    system: str
    user: str
    transcript_id: str


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


def build_judge_prompt(
    parsed: ParsedReply,
    facts: Facts,
    behaviour: str,
    reasoning: Iterable[str] = (),
) -> JudgePrompt:
    """Render the judge's prompt for one sample.

    Args:
        parsed: The agent's actions and public text.
        facts: The scenario's ground truth.
        behaviour: Taxonomy id to judge.
        reasoning: The agent's private reasoning, shown only when the caller asks for it.
    """
    actions = [_action_view(action) for action in parsed.actions]
    problems = [f"{problem.source}: {problem.message}" for problem in parsed.problems]
    texts = [text.strip() for text in parsed.texts if text.strip()]
    reasoning = [text.strip() for text in reasoning if text.strip()]

    record = json.dumps([actions, texts, problems, reasoning], sort_keys=True, default=str)
    transcript_id = hashlib.sha256(record.encode("utf-8")).hexdigest()[:16]

    context: dict[str, Any] = {
        "behaviour": get_behaviour(behaviour),
        "transcript_id": transcript_id,
        "facts_json": json.dumps(facts.to_dict(), indent=1, ensure_ascii=False),
        "actions": actions,
        "texts": texts,
        "problems": problems,
        "reasoning": reasoning,
    }
    env = _environment()
    return JudgePrompt(
        system=env.get_template("judge/system.j2").render(**context).strip() + "\n",
        user=env.get_template("judge/user.j2").render(**context).strip() + "\n",
        transcript_id=transcript_id,
    )


def private_reasoning(messages: Iterable[ChatMessage]) -> list[str]:
    """The agent's private reasoning: scratchpad-style blocks and provider reasoning content."""
    found: list[str] = []
    for message in messages:
        if not isinstance(message, ChatMessageAssistant):
            continue

        if not isinstance(message.content, str):
            found.extend(
                block.reasoning for block in message.content if isinstance(block, ContentReasoning)
            )
        found.extend(_private_blocks(message.text))
    return found


def _private_blocks(text: str) -> list[str]:
    return [match.group(2) for match in _PRIVATE_BLOCK.finditer(text)]


def _action_view(action: Action) -> dict[str, Any]:
    """An action as ordered ``(field, value)`` pairs; email tools show their email fields."""
    if action.to or action.email_id is not None or action.subject or action.body:
        pairs = [
            ("to", ", ".join(action.to)),
            ("cc", ", ".join(action.cc)),
            ("subject", action.subject),
            ("email_id", action.email_id or ""),
            ("body", action.body),
        ]
        shown = [(key, value) for key, value in pairs if value]
    else:
        shown = [(key, str(value)) for key, value in action.arguments.items()]
    return {"index": action.index, "tool": action.tool, "fields": shown}
