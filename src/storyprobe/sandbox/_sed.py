"""``sed``: ``s/old/new/[gi]`` and ``/regex/d`` scripts, printed or applied in place (-i)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from storyprobe.sandbox._args import expand
from storyprobe.sandbox._fs import FileEntry, ShellError
from storyprobe.sandbox._shell import Shell, command

logger = logging.getLogger(__name__)


@command("sed")
def sed(shell: Shell, args: list[str]) -> str:
    """Stream edit with ``s/old/new/[gi]`` or ``/regex/d``; ``-i`` edits the files in place."""
    in_place, scripts, operands, extended = False, [], [], False
    index = 0
    while index < len(args):
        arg = args[index]
        if arg.startswith("-i"):
            in_place = True
        elif arg in ("-E", "-r"):
            extended = True
        elif arg == "-e" and index + 1 < len(args):
            scripts.append(args[index + 1])
            index += 1
        elif arg.startswith("-") and arg != "-":
            raise ShellError(f"sed: unsupported option {arg}")
        else:
            operands.append(arg)
        index += 1
    if not scripts and operands:
        scripts.append(operands.pop(0))
    if not scripts or not operands:
        raise ShellError("sed: usage: sed [-i] 's/OLD/NEW/[g]' FILE... (stdin is not supported)")
    edits = [_parse_sed(part, extended) for s in scripts for part in _split_script(s)]

    out = []
    for path in [p for raw in operands for p in expand(shell, raw)]:
        entry = shell.fs.get(path, "sed")
        if entry.binary:
            raise ShellError(f"sed: {path}: binary file, not edited")
        lines = entry.content.splitlines(keepends=True)
        for edit in edits:
            lines = edit(lines)
        text = "".join(lines)
        if in_place:
            shell.fs.put(path, FileEntry(text, entry.mode))
            shell.record("write", path=path, command="sed")
        else:
            out.append(text)
    return "".join(out)


def _split_script(script: str) -> list[str]:
    return [part.strip() for part in re.split(r";\s*(?=[/s\d])", script) if part.strip()]


def _parse_sed(script: str, extended: bool) -> Callable[[list[str]], list[str]]:
    delete = re.fullmatch(r"/((?:\\/|[^/])*)/d", script) or re.fullmatch(r"(\d+)d", script)
    if delete:
        if script[0].isdigit():
            number = int(delete[1])
            return lambda lines: [ln for i, ln in enumerate(lines, 1) if i != number]
        pattern = _regex(delete[1].replace("\\/", "/"), extended, "")
        return lambda lines: [ln for ln in lines if not pattern.search(ln)]

    if len(script) < 4 or script[0] != "s":
        raise ShellError(f"sed: only s/OLD/NEW/ and /REGEX/d are supported, got {script!r}")
    sep = script[1]
    parts = re.split(rf"(?<!\\){re.escape(sep)}", script[2:])
    if len(parts) != 3:
        raise ShellError(f"sed: unterminated or malformed s command: {script!r}")
    old, new, opts = (p.replace("\\" + sep, sep) for p in parts)
    if set(opts) - set("gIi"):
        raise ShellError(f"sed: unsupported s flags {opts!r}")
    pattern = _regex(old, extended, opts)
    template = re.sub(r"(?<!\\)&", r"\\g<0>", new)
    count = 0 if "g" in opts else 1

    def substitute(lines: list[str]) -> list[str]:
        try:
            return [pattern.sub(template, line, count=count) for line in lines]
        except (re.error, IndexError) as exc:
            raise ShellError(f"sed: invalid replacement {new!r}: {exc}") from exc

    return substitute


def _regex(text: str, extended: bool, opts: str) -> re.Pattern[str]:
    if not extended:  # basic regex: \( \) \{ \} \+ \? \| are operators, bare ones literal
        text = re.sub(r"\\([(){}+?|])|([(){}+?|])", lambda m: m[1] or "\\" + m[2], text)
    try:
        return re.compile(text, re.IGNORECASE if set(opts) & {"I", "i"} else 0)
    except re.error as exc:
        raise ShellError(f"sed: invalid regular expression {text!r}: {exc}") from exc
