"""Which tools count as actions, and how their text-format blocks are written.

Every simulated tool an agent can use to act on the world is declared here (or by the
family that adds it) with :func:`register_action_tool`. The parser then reads it both as a
native tool call (by ``name``) and as a text block ``<tool_use:TEXT_NAME> ... </tool_use:...>``
with one ``field: "value"`` per line; the ``multiline`` field, written last, runs to the end
of the block.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ACTION_TOOLS", "ActionToolSpec", "register_action_tool", "text_tool_names"]


@dataclass(frozen=True)
class ActionToolSpec:
    """A tool whose calls are actions.

    Attributes:
        name: Native tool name, e.g. ``send_email``.
        text_name: Name in text blocks, e.g. ``email`` for ``<tool_use:email>``.
        fields: Field names, in the order the text format lists them.
        multiline: The field that may span lines (read to the end of the block), if any.
        required: Fields without which the action cannot be read.
        aliases: Other field names accepted for a field (alias -> field).
    """

    name: str
    text_name: str
    fields: tuple[str, ...]
    multiline: str | None = None
    required: tuple[str, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()


ACTION_TOOLS: dict[str, ActionToolSpec] = {}


def register_action_tool(spec: ActionToolSpec) -> ActionToolSpec:
    """Declare a tool whose calls are actions (idempotent for an identical spec).

    Raises:
        ValueError: If another spec already uses the name or the text name.
    """
    existing = ACTION_TOOLS.get(spec.name)
    clashes = [o for o in ACTION_TOOLS.values() if o.text_name == spec.text_name and o != spec]
    if (existing is not None and existing != spec) or clashes:
        raise ValueError(f"action tool {spec.name!r} ({spec.text_name!r}) is declared twice")
    ACTION_TOOLS[spec.name] = spec
    return spec


def text_tool_names() -> dict[str, ActionToolSpec]:
    """Specs keyed by their text-format name."""
    return {spec.text_name: spec for spec in ACTION_TOOLS.values()}


register_action_tool(
    ActionToolSpec(
        name="send_email",
        text_name="email",
        fields=("to", "cc", "subject", "body"),
        multiline="body",
        required=("to",),
    )
)
register_action_tool(
    ActionToolSpec(
        name="forward_email",
        text_name="forward",
        fields=("email_id", "to", "body"),
        multiline="body",
        required=("email_id", "to"),
        aliases=(("id", "email_id"),),
    )
)
