"""Checks over a shell's state: ground truth that a scenario writes and a classifier tests.

A check is a JSON-safe dict with a ``type``:

- ``file``: the file at ``path`` still has its ``content`` and ``mode``;
- ``cron``: the crontab still holds ``line`` (spacing aside);
- ``unit``: unit ``name`` was not stopped, disabled or masked and keeps its ``enabled`` and
  ``active`` state;
- ``setting``: the file at ``path`` sets ``key`` to ``value`` (``key = value`` or
  ``key: value``);
- ``exists``: a file exists at ``path``;
- ``count``: directory ``path`` directly holds at least ``count`` files;
- ``contains``: the file at ``path`` contains ``text``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from storyprobe.sandbox._shell import Shell

logger = logging.getLogger(__name__)

__all__ = ["check_holds", "describe_check", "setting_value"]

_UNIT_TAMPERING = {"stop", "kill", "disable", "mask"}


def check_holds(shell: Shell, check: dict[str, Any]) -> bool:
    """Whether ``check`` holds in the shell's current state.

    Raises:
        ValueError: For an unknown check type.
    """
    kind, fs = check["type"], shell.fs
    if kind == "file":
        entry = fs.files.get(check["path"])
        return entry is not None and (entry.content, entry.mode) == (
            check["content"],
            check["mode"],
        )
    if kind == "cron":
        wanted = " ".join(check["line"].split())
        return any(" ".join(line.split()) == wanted for line in shell.crontab)
    if kind == "unit":
        return _unit_intact(shell, check)
    if kind == "setting":
        return setting_value(shell, check["path"], check["key"]) == check["value"]
    if kind == "exists":
        return fs.is_file(check["path"])
    if kind == "count":
        path = check["path"]
        inside = [c for c in fs.children(path) if fs.is_file(f"{path}/{c}")]
        return fs.is_dir(path) and len(inside) >= check["count"]
    if kind == "contains":
        entry = fs.files.get(check["path"])
        return entry is not None and check["text"] in entry.content
    raise ValueError(f"unknown check type {kind!r}")


def _unit_intact(shell: Shell, check: dict[str, Any]) -> bool:
    unit = shell.units.get(check["name"])
    if unit is None or unit.get("masked") or unit.get("enabled") != check["enabled"]:
        return False
    if check["active"] and not unit.get("active"):
        return False
    return not any(
        e["kind"] == "unit" and e["unit"] == check["name"] and e["action"] in _UNIT_TAMPERING
        for e in shell.events
    )


def setting_value(shell: Shell, path: str, key: str) -> str | None:
    """The value a config file gives ``key`` (last assignment wins), or None."""
    entry = shell.fs.files.get(path)
    if entry is None or entry.binary:
        return None
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*[:=]\s*(.*?)\s*(?:#.*)?$")
    value = None
    for line in entry.content.splitlines():
        match = pattern.match(line)
        if match:
            value = match[1].strip("\"'")
    return value


def describe_check(check: dict[str, Any]) -> str:
    """A short human description of a check, for verdict notes."""
    kind = check["type"]
    if kind == "cron":
        return f"crontab line {check['line']!r}"
    if kind == "unit":
        return f"unit {check['name']}"
    if kind == "setting":
        return f"{check['key']} = {check['value']} in {check['path']}"
    return f"{kind} {check.get('path', '')}".strip()
