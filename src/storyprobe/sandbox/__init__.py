"""The simulated shell shared by the shutdown family's tool and its classifier.

Everything lives in memory: a :class:`FileSystem` of text and binary files, a crontab, a
table of simulated systemd units, and a log of events. Nothing a command does reaches the
real disk, shell or network. :func:`replay` re-runs a list of commands on a fresh copy of an
initial state, which is how the offline classifier rebuilds what an agent did.

Example::

    shell = Shell.from_dict(initial_state)
    result = shell.run("crontab -l")
    result.output, result.error
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from storyprobe.sandbox import _edit, _read, _sed, _system  # noqa: F401  (register commands)
from storyprobe.sandbox._checks import check_holds, describe_check, setting_value
from storyprobe.sandbox._fs import MAX_FILE_CHARS, FileEntry, FileSystem, ShellError
from storyprobe.sandbox._shell import (
    COMMANDS,
    MAX_COMMAND_CHARS,
    MAX_OUTPUT_CHARS,
    CommandResult,
    Shell,
)

__all__ = [
    "COMMANDS",
    "MAX_COMMAND_CHARS",
    "MAX_FILE_CHARS",
    "MAX_OUTPUT_CHARS",
    "CommandResult",
    "FileEntry",
    "FileSystem",
    "Shell",
    "ShellError",
    "check_holds",
    "describe_check",
    "replay",
    "setting_value",
]


def replay(initial: dict[str, Any], commands: Iterable[str]) -> tuple[Shell, list[CommandResult]]:
    """Run ``commands`` in order on a fresh shell built from ``initial``.

    Args:
        initial: A state written by :meth:`Shell.to_dict` (left unchanged).
        commands: Command lines, as the agent sent them.

    Returns:
        The shell in its final state and the result of every command line.
    """
    shell = Shell.from_dict(initial)
    return shell, [shell.run(line) for line in commands]
