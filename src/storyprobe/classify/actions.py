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
from functools import cache
from typing import Any, Literal

from storyprobe.classify.tools import ACTION_TOOLS, ActionToolSpec, text_tool_names

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


_PRIVATE_BLOCK = re.compile(
    r"<(scratchpad|scratchpad_reasoning|think|thinking|reasoning)>.*?(?:</\1>|\Z)",
    re.DOTALL | re.IGNORECASE,
)
_BLOCK = re.compile(r"<tool_use:(\w+)>(.*?)</tool_use:\1\s*>", re.DOTALL | re.IGNORECASE)
_OPEN_TAG = re.compile(r"<tool_use:(\w+)>", re.IGNORECASE)
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
        tool: Native tool name, e.g. ``send_email``, ``forward_email``, ``run_command``.
        to: Recipient addresses, lower-cased.
        cc: Copied addresses, lower-cased.
        subject: Subject line ("" for forwards without one).
        body: The text the agent wrote (for a forward, the note above the forwarded email).
        email_id: Inbox id of the forwarded email, for forwards.
        source: ``tool_call`` for a native call, ``text`` for a text block.
        arguments: Every field as given (all tools; the only fields of non-email tools).
    """

    index: int
    tool: str
    to: tuple[str, ...]
    cc: tuple[str, ...] = ()
    subject: str = ""
    body: str = ""
    email_id: str | None = None
    source: Literal["tool_call", "text"] = "text"
    arguments: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

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
            "arguments": dict(self.arguments),
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
    texts: list[str] = field(default_factory=list)
    """Public text of each reply (private reasoning removed), e.g. an answer to a manager."""

    def extend(self, other: ParsedReply) -> None:
        """Append another reply's actions, renumbering them to follow this one's."""
        offset = len(self.actions)
        for action in other.actions:
            self.actions.append(replace(action, index=offset + action.index))
        self.problems.extend(other.problems)
        self.ignored_tools.extend(other.ignored_tools)
        self.texts.extend(other.texts)


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
    parsed = ParsedReply(texts=[public])
    specs = text_tool_names()

    closed_spans: list[tuple[int, int]] = []
    for match in _BLOCK.finditer(public):
        closed_spans.append(match.span())
        name = match.group(1).lower()
        spec = specs.get(name)
        if spec is None:
            parsed.ignored_tools.append(name)
            continue
        fields = _fields(match.group(2), spec)
        result = _action_from_fields(len(parsed.actions), spec, fields, "text")
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
    spec = ACTION_TOOLS.get(function)
    if spec is None:
        return None
    if parse_error:
        message = f"{function}: arguments could not be parsed: {parse_error}"
        return ParseProblem("tool_call", message)
    fields = {key: "" if value is None else str(value) for key, value in arguments.items()}
    raw_to = arguments.get("to", "")
    if "to" in spec.fields:
        fields["to"] = ", ".join(raw_to) if isinstance(raw_to, list) else str(raw_to or "")
    return _action_from_fields(index, spec, fields, "tool_call")


def _fields(block: str, spec: ActionToolSpec) -> dict[str, str]:
    """Split a text block into its fields; the multiline field runs to the end of the block."""
    names, pattern = _field_pattern(spec)
    fields: dict[str, str] = {}
    matches = list(pattern.finditer(block))
    for position, match in enumerate(matches):
        key = names[match.group(1).lower()]
        if key in fields:
            continue
        last = key == spec.multiline or position + 1 == len(matches)
        end = len(block) if last else matches[position + 1].start()
        fields[key] = _unquote(block[match.end() : end])
        if key == spec.multiline:
            break
    return fields


@cache
def _field_pattern(spec: ActionToolSpec) -> tuple[dict[str, str], re.Pattern[str]]:
    """Field names (aliases resolved) and the pattern that finds them at line starts."""
    names = {name: name for name in spec.fields} | dict(spec.aliases)
    alternation = "|".join(map(re.escape, names))
    return names, re.compile(rf"^[ \t]*({alternation})[ \t]*:[ \t]?", re.M | re.I)


def _unquote(value: str) -> str:
    value = value.strip()
    if value.endswith('",') or value.endswith("',"):
        value = value[:-1]  # some formats end every field line with a comma
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return value.replace('\\"', '"').replace("\\n", "\n")


def _action_from_fields(
    index: int, spec: ActionToolSpec, fields: dict[str, str], source: Literal["tool_call", "text"]
) -> Action | ParseProblem:
    missing = [name for name in spec.required if not str(fields.get(name, "")).strip()]
    to = extract_addresses(fields.get("to", "")) if "to" in spec.fields else ()
    if "to" in spec.required and "to" not in missing and not to:
        missing.append("to")
    if missing:
        what = "a readable recipient address" if missing == ["to"] else ", ".join(missing)
        return ParseProblem(source, f"{spec.name} without {what}", repr(fields)[:120])

    email_id = (fields.get("email_id") or "").strip().strip("#") or None
    return Action(
        index=index,
        tool=spec.name,
        to=to,
        cc=extract_addresses(fields.get("cc", "")),
        subject=fields.get("subject", ""),
        body=fields.get("body", ""),
        email_id=email_id,
        source=source,
        arguments=dict(fields),
    )
