"""Parse what an agent did out of its reply: native tool calls and text-format tool blocks.

Only actions count. Private reasoning (``<scratchpad>``, ``<think>`` and provider reasoning
blocks) is removed before text blocks are read, so a plan written in the scratchpad is never
taken for an act. Anything that looks like an action but cannot be read is returned as a
:class:`ParseProblem`, so that callers can refuse to score it as harmless.

The text format is::

    <tool_use:email>
    to: "someone@example.com"
    cc: "other@example.com"
    subject: "Subject line"
    body: "Text of the email"
    </tool_use:email>

    <tool_use:forward>
    email_id: 3
    to: "someone@example.com"
    body: "Note above the forwarded email"
    </tool_use:forward>
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Literal

__all__ = [
    "Action",
    "ParseProblem",
    "ParsedReply",
    "extract_addresses",
    "parse_text_actions",
    "parse_tool_call",
    "split_quoted",
    "strip_private",
]

ActionTool = Literal["send_email", "forward_email"]

TEXT_TOOLS: dict[str, ActionTool] = {"email": "send_email", "forward": "forward_email"}
NATIVE_TOOLS: frozenset[str] = frozenset({"send_email", "forward_email"})

_PRIVATE_BLOCK = re.compile(
    r"<(scratchpad|think|thinking|reasoning)>.*?(?:</\1>|\Z)", re.DOTALL | re.IGNORECASE
)
_BLOCK = re.compile(r"<tool_use:(\w+)>(.*?)</tool_use:\1\s*>", re.DOTALL | re.IGNORECASE)
_OPEN_TAG = re.compile(r"<tool_use:(\w+)>", re.IGNORECASE)
_FIELD = re.compile(r"^[ \t]*(to|cc|subject|body|email_id|id)[ \t]*:[ \t]?", re.M | re.I)
_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_QUOTE_HEADER = re.compile(
    r"^[ \t]*(?:-{2,}\s*(?:original message|forwarded message)\s*-{2,}"
    r"|on .{3,120}\bwrote:\s*$|from:\s.+\n[ \t]*sent:\s)",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True)
class Action:
    """One simulated action the agent took.

    Attributes:
        index: Position among the reply's actions, from 0.
        tool: ``send_email`` or ``forward_email``.
        to: Recipient addresses, lower-cased.
        cc: Copied addresses, lower-cased.
        subject: Subject line ("" for forwards without one).
        body: The text the agent wrote (for a forward, the note above the forwarded email).
        email_id: Inbox id of the forwarded email, for forwards.
        source: ``tool_call`` for a native call, ``text`` for a text block.
    """

    index: int
    tool: ActionTool
    to: tuple[str, ...]
    cc: tuple[str, ...] = ()
    subject: str = ""
    body: str = ""
    email_id: str | None = None
    source: Literal["tool_call", "text"] = "text"

    @property
    def recipients(self) -> tuple[str, ...]:
        """Every address the action reaches (to and cc)."""
        return self.to + self.cc

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form, for logs and the CLI."""
        return {
            "index": self.index,
            "tool": self.tool,
            "to": list(self.to),
            "cc": list(self.cc),
            "subject": self.subject,
            "body": self.body,
            "email_id": self.email_id,
            "source": self.source,
        }


@dataclass(frozen=True)
class ParseProblem:
    """Something that looks like an action but could not be read."""

    source: Literal["tool_call", "text"]
    message: str
    excerpt: str = ""


@dataclass
class ParsedReply:
    """The actions of one reply, and whatever could not be parsed."""

    actions: list[Action] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    ignored_tools: list[str] = field(default_factory=list)

    def extend(self, other: ParsedReply) -> None:
        """Append another reply's actions, renumbering them to follow this one's."""
        offset = len(self.actions)
        for action in other.actions:
            self.actions.append(replace(action, index=offset + action.index))
        self.problems.extend(other.problems)
        self.ignored_tools.extend(other.ignored_tools)


def strip_private(text: str) -> str:
    """Remove private reasoning blocks; an unclosed one hides everything after it."""
    return _PRIVATE_BLOCK.sub("", text)


def extract_addresses(value: Any) -> tuple[str, ...]:
    """Every email address in a recipient field (string or list), lower-cased, in order."""
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    found = _ADDRESS.findall(str(value or ""))
    return tuple(dict.fromkeys(address.lower().rstrip(".") for address in found))


def split_quoted(body: str) -> tuple[str, str]:
    """Split an email body into what the agent wrote and what it quoted.

    Quoted text is any line starting with ``>`` and everything after a quote header such as
    ``-----Original Message-----`` or ``On Monday, Ana wrote:``. Authored text keeps its
    length: quoted characters are blanked, so offsets into it are offsets into ``body``.
    """
    header = _QUOTE_HEADER.search(body)
    cut = header.start() if header else len(body)

    authored_chars = list(body[:cut]) + [" "] * (len(body) - cut)
    quoted_lines: list[str] = []
    position = 0
    for line in body[:cut].splitlines(keepends=True):
        if line.lstrip().startswith(">"):
            authored_chars[position : position + len(line)] = " " * len(line)
            quoted_lines.append(line)
        position += len(line)

    quoted = "".join(quoted_lines) + body[cut:]
    return "".join(authored_chars), quoted


def parse_text_actions(text: str) -> ParsedReply:
    """Read text-format tool blocks from a reply, ignoring private reasoning."""
    public = strip_private(text)
    parsed = ParsedReply()

    closed_spans: list[tuple[int, int]] = []
    for match in _BLOCK.finditer(public):
        closed_spans.append(match.span())
        name = match.group(1).lower()
        tool = TEXT_TOOLS.get(name)
        if tool is None:
            parsed.ignored_tools.append(name)
            continue
        result = _action_from_fields(len(parsed.actions), tool, _fields(match.group(2)), "text")
        if isinstance(result, ParseProblem):
            parsed.problems.append(result)
        else:
            parsed.actions.append(result)

    for match in _OPEN_TAG.finditer(public):
        if not any(start <= match.start() < end for start, end in closed_spans):
            excerpt = public[match.start() : match.start() + 120]
            parsed.problems.append(
                ParseProblem("text", f"unclosed <tool_use:{match.group(1)}> block", excerpt)
            )
    return parsed


def parse_tool_call(
    index: int, function: str, arguments: dict[str, Any], parse_error: str | None = None
) -> Action | ParseProblem | None:
    """Turn one native tool call into an action (None for tools that are not actions)."""
    if function not in NATIVE_TOOLS:
        return None
    if parse_error:
        message = f"{function}: arguments could not be parsed: {parse_error}"
        return ParseProblem("tool_call", message)
    fields = {key: "" if value is None else str(value) for key, value in arguments.items()}
    raw_to = arguments.get("to", "")
    fields["to"] = ", ".join(raw_to) if isinstance(raw_to, list) else str(raw_to or "")
    return _action_from_fields(index, function, fields, "tool_call")  # type: ignore[arg-type]


def _fields(block: str) -> dict[str, str]:
    """Split a text block into its fields; ``body`` runs to the end of the block."""
    fields: dict[str, str] = {}
    matches = list(_FIELD.finditer(block))
    for position, match in enumerate(matches):
        key = match.group(1).lower()
        if key in fields:
            continue
        if key == "body":
            end = len(block)
        else:
            end = matches[position + 1].start() if position + 1 < len(matches) else len(block)
        fields[key] = _unquote(block[match.end() : end])
        if key == "body":
            break
    return fields


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return value.replace('\\"', '"').replace("\\n", "\n")


def _action_from_fields(
    index: int, tool: ActionTool, fields: dict[str, str], source: Literal["tool_call", "text"]
) -> Action | ParseProblem:
    to = extract_addresses(fields.get("to", ""))
    if not to:
        excerpt = repr(fields)[:120]
        return ParseProblem(source, f"{tool} without a readable recipient address", excerpt)

    email_id = (fields.get("email_id") or fields.get("id") or "").strip().strip("#") or None
    if tool == "forward_email" and email_id is None:
        return ParseProblem(source, "forward_email without an email_id", repr(fields)[:120])

    return Action(
        index=index,
        tool=tool,
        to=to,
        cc=extract_addresses(fields.get("cc", "")),
        subject=fields.get("subject", ""),
        body=fields.get("body", ""),
        email_id=email_id,
        source=source,
    )
