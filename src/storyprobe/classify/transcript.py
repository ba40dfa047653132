"""Read actions from what a model produced: a reply's text or an Inspect conversation."""

from __future__ import annotations

from collections.abc import Iterable

from inspect_ai.model import ChatMessage, ChatMessageAssistant

from storyprobe.classify.actions import ParsedReply, parse_text_actions, parse_tool_call

__all__ = ["parse_messages", "parse_reply"]


def parse_reply(text: str) -> ParsedReply:
    """Parse a model's final reply written in the text tool format."""
    return parse_text_actions(text)


def parse_messages(messages: Iterable[ChatMessage]) -> ParsedReply:
    """Parse every action of a conversation: native tool calls and text blocks.

    Only assistant messages are read, and of those only their text content and tool calls:
    reasoning blocks are private and are never taken for actions.
    """
    parsed = ParsedReply()
    for message in messages:
        if not isinstance(message, ChatMessageAssistant):
            continue

        parsed.extend(parse_text_actions(message.text))

        for call in message.tool_calls or []:
            result = parse_tool_call(
                len(parsed.actions), call.function, call.arguments or {}, call.parse_error
            )
            if result is None:
                parsed.ignored_tools.append(call.function)
            elif hasattr(result, "tool"):
                parsed.actions.append(result)  # type: ignore[arg-type]
            else:
                parsed.problems.append(result)  # type: ignore[arg-type]
    return parsed
