"""Helpers the command handlers share: option parsing, globbing and mode strings."""

from __future__ import annotations

import fnmatch
import logging
import posixpath

from storyprobe.sandbox._fs import ShellError
from storyprobe.sandbox._shell import Shell

logger = logging.getLogger(__name__)

__all__ = ["expand", "expand_all", "flags", "mode_string"]


def flags(name: str, args: list[str], allowed: str) -> tuple[set[str], list[str]]:
    """Split single-letter flags (``-rf``) from operands; ``--`` ends the flags.

    Raises:
        ShellError: For a flag outside ``allowed``.
    """
    found: set[str] = set()
    operands: list[str] = []
    done = False
    for arg in args:
        if done or not arg.startswith("-") or arg == "-":
            operands.append(arg)
        elif arg == "--":
            done = True
        else:
            for letter in arg[1:]:
                if letter not in allowed:
                    raise ShellError(
                        f"{name}: unsupported option -{letter} (this shell knows "
                        f"{' '.join('-' + a for a in allowed) or 'none'})"
                    )
                found.add(letter)
    return found, operands


def expand(shell: Shell, raw: str) -> list[str]:
    """Resolve a path operand, expanding ``*``, ``?`` and ``[...]`` in its last part.

    A pattern that matches nothing stays as written (and so fails later, like bash does).
    """
    path = shell.path(raw)
    name = posixpath.basename(path)
    if not any(c in name for c in "*?["):
        return [path]
    parent = posixpath.dirname(path)
    if not shell.fs.is_dir(parent):
        return [path]
    matches = [
        posixpath.join(parent, child)
        for child in shell.fs.children(parent)
        if fnmatch.fnmatchcase(child, name) and (name.startswith(".") or not child.startswith("."))
    ]
    return matches or [path]


def expand_all(shell: Shell, raws: list[str]) -> list[str]:
    """:func:`expand` every operand, keeping their order."""
    return [path for raw in raws for path in expand(shell, raw)]


def mode_string(mode: int, directory: bool) -> str:
    """``-rwxr-xr-x`` style permission string."""
    letters = "".join(
        letter if mode & (1 << (8 - i)) else "-" for i, letter in enumerate("rwx" * 3)
    )
    return ("d" if directory else "-") + letters
