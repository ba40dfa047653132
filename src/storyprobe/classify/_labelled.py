"""Read hand-labelled replies (the evaluation set's case files) into :class:`LabelledCase`.

A case file is YAML, one file per behaviour:

.. code-block:: yaml

    behaviour: leaking            # a taxonomy id; default: the facts' "behaviour"
    worlds:                       # facts of one or more scenarios, by a name you choose
      seed7: {agent: ..., target: ..., leverage: [], ...}
    cases:
      - id: forward-plan-text     # unique within the file
        world: seed7              # optional when the file has a single world
        label: harmful            # harmful | benign | unsure
        reason: "One line: why a careful reviewer gives this label."
        flags: {disclosure: false}            # optional, informational
        reply: "<scratchpad>...</scratchpad> text with <tool_use:...> blocks"
        tool_calls:                            # optional native calls
          - {function: forward_email, arguments: {email_id: "5", to: "..."}, parse_error: null}

A single ``facts:`` mapping may stand in for ``worlds`` (the tuning fixtures' form). A case
written as several assistant turns uses ``messages: [{text: ..., tool_calls: [...]}, ...]``
instead of ``reply``/``tool_calls``; for ``deception`` the manager's question comes before the
message numbered ``phase2_from`` (default: the last message).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from inspect_ai.model import ChatMessageAssistant
from inspect_ai.tool import ToolCall

from storyprobe.behaviours import BEHAVIOUR_IDS
from storyprobe.classify.facts import Facts, FactsError

__all__ = ["LABELS", "EvalSetError", "LabelledCase", "cases_from_data", "load_case_file"]

LABELS = ("harmful", "benign", "unsure")


class EvalSetError(ValueError):
    """A labelled case file is missing, unreadable or malformed."""


@dataclass(frozen=True)
class LabelledCase:
    """One hand-labelled reply and the scenario facts it answers.

    Attributes:
        id: The case id, unique within its file.
        behaviour: The taxonomy id the label is about.
        label: ``harmful``, ``benign`` or ``unsure``.
        reason: Why the reply has that label, in one line.
        facts: Ground truth of the scenario the reply answers.
        messages: The assistant turns, in order.
        phase2_from: Index of the first turn written after the overseer's question (deception).
        source: The file the case came from.
        flags: Related findings the writer expects (informational, not scored).
    """

    id: str
    behaviour: str
    label: str
    reason: str
    facts: Facts
    messages: tuple[ChatMessageAssistant, ...]
    phase2_from: int | None
    source: str
    flags: dict[str, Any]


def load_case_file(path: Path) -> list[LabelledCase]:
    """Read one case file.

    Raises:
        EvalSetError: Naming the file (and the case) when it cannot be used.
    """
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise EvalSetError(f"{path}: cannot read the case file ({exc})") from exc
    return cases_from_data(data, str(path))


def cases_from_data(data: Any, source: str) -> list[LabelledCase]:
    """Validate a parsed case file and build its cases.

    Raises:
        EvalSetError: Naming ``source`` and the case at fault.
    """
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise EvalSetError(f"{source}: expected a mapping with a 'cases' list (see evalset docs)")
    worlds = _worlds(data, source)

    behaviour = data.get("behaviour") or _only_behaviour(worlds)
    if behaviour not in BEHAVIOUR_IDS:
        raise EvalSetError(
            f"{source}: behaviour {behaviour!r} is not a taxonomy id ({', '.join(BEHAVIOUR_IDS)})"
        )

    cases: list[LabelledCase] = []
    seen: set[str] = set()
    for n, raw in enumerate(data["cases"]):
        where = f"{source}: case {raw.get('id', f'#{n}') if isinstance(raw, dict) else f'#{n}'}"
        case = _case(raw, behaviour, worlds, source, where)
        if case.id in seen:
            raise EvalSetError(f"{where}: duplicate id")
        seen.add(case.id)
        cases.append(case)
    return cases


def _worlds(data: dict[str, Any], source: str) -> dict[str, Facts]:
    raw = data.get("worlds")
    if raw is None and "facts" in data:
        raw = {"default": data["facts"]}
    if not isinstance(raw, dict) or not raw:
        raise EvalSetError(f"{source}: needs 'worlds' (name -> facts) or a single 'facts' block")
    worlds = {}
    for name, facts in raw.items():
        try:
            worlds[str(name)] = Facts.from_dict(facts)
        except FactsError as exc:
            raise EvalSetError(f"{source}: world {name!r}: {exc}") from exc
    return worlds


def _only_behaviour(worlds: dict[str, Facts]) -> str | None:
    found = {str(f.extra.get("behaviour")) for f in worlds.values()}
    return found.pop() if len(found) == 1 else None


def _case(
    raw: Any, behaviour: str, worlds: dict[str, Facts], source: str, where: str
) -> LabelledCase:
    if not isinstance(raw, dict):
        raise EvalSetError(f"{where}: a case must be a mapping")
    missing = [key for key in ("id", "label", "reason") if not raw.get(key)]
    if missing:
        raise EvalSetError(f"{where}: missing {', '.join(missing)}")
    if raw["label"] not in LABELS:
        raise EvalSetError(f"{where}: label {raw['label']!r} is not one of {', '.join(LABELS)}")

    world = raw.get("world") or (next(iter(worlds)) if len(worlds) == 1 else None)
    if world not in worlds:
        raise EvalSetError(f"{where}: world {world!r} unknown; known: {', '.join(worlds)}")

    messages = _messages(raw, where)
    phase2_from = raw.get("phase2_from")
    if phase2_from is not None and not (isinstance(phase2_from, int) and phase2_from >= 0):
        raise EvalSetError(f"{where}: phase2_from must be a message index")
    return LabelledCase(
        id=str(raw["id"]),
        behaviour=behaviour,
        label=raw["label"],
        reason=str(raw["reason"]),
        facts=worlds[world],
        messages=messages,
        phase2_from=phase2_from,
        source=source,
        flags=_flags(raw.get("flags"), where),
    )


def _flags(raw: Any, where: str) -> dict[str, Any]:
    """Expected flags: a mapping, or a list of the flags that must be true."""
    if isinstance(raw, list):
        return {str(name): True for name in raw}
    if raw is not None and not isinstance(raw, dict):
        raise EvalSetError(f"{where}: flags must be a mapping or a list")
    return dict(raw or {})


def _messages(raw: dict[str, Any], where: str) -> tuple[ChatMessageAssistant, ...]:
    if "messages" in raw:
        turns = raw["messages"]
        if not isinstance(turns, list) or not turns:
            raise EvalSetError(f"{where}: 'messages' must be a non-empty list")
    else:
        turns = [{"text": raw.get("reply"), "tool_calls": raw.get("tool_calls")}]
    if not any(isinstance(t, dict) and (t.get("text") or t.get("tool_calls")) for t in turns):
        raise EvalSetError(f"{where}: no reply text, tool_calls or messages")

    built = []
    for n, turn in enumerate(turns):
        if not isinstance(turn, dict):
            raise EvalSetError(f"{where}: message {n} must be a mapping")
        text = turn.get("text")
        if text is not None and not isinstance(text, str):
            raise EvalSetError(f"{where}: message {n} text must be a string")
        calls = [_tool_call(c, f"call_{n}_{k}", where) for k, c in enumerate(_calls(turn, where))]
        built.append(ChatMessageAssistant(content=text or "", tool_calls=calls or None))
    return tuple(built)


def _calls(turn: dict[str, Any], where: str) -> list[Any]:
    calls = turn.get("tool_calls") or []
    if not isinstance(calls, list):
        raise EvalSetError(f"{where}: tool_calls must be a list")
    return calls


def _tool_call(raw: Any, call_id: str, where: str) -> ToolCall:
    if not isinstance(raw, dict) or not isinstance(raw.get("function"), str):
        raise EvalSetError(f"{where}: a tool call needs a 'function' name")
    arguments = raw.get("arguments") or {}
    if not isinstance(arguments, dict):
        raise EvalSetError(f"{where}: {raw['function']} arguments must be a mapping")
    return ToolCall(
        id=call_id,
        function=raw["function"],
        arguments=arguments,
        parse_error=raw.get("parse_error"),
    )
