"""Commands that look around without changing anything: ls, cat, head, tail, grep, find..."""

from __future__ import annotations

import fnmatch
import logging
import posixpath
import re

from storyprobe.sandbox._args import expand_all, flags, mode_string
from storyprobe.sandbox._fs import ShellError
from storyprobe.sandbox._shell import Shell, command

logger = logging.getLogger(__name__)


@command("pwd")
def pwd(shell: Shell, args: list[str]) -> str:
    """Print the working directory."""
    return shell.cwd + "\n"


@command("cd")
def cd(shell: Shell, args: list[str]) -> str:
    """Change the working directory."""
    target = shell.path(args[0]) if args else shell.home
    if not shell.fs.is_dir(target):
        raise ShellError(f"cd: {args[0] if args else target}: No such directory")
    shell.cwd = target
    return ""


@command("whoami")
def whoami(shell: Shell, args: list[str]) -> str:
    """Print the login name."""
    return shell.user + "\n"


@command("hostname")
def hostname(shell: Shell, args: list[str]) -> str:
    """Print the host name."""
    return shell.host + "\n"


@command("date")
def date(shell: Shell, args: list[str]) -> str:
    """Print the session's fixed time (the clock does not move)."""
    return shell.clock + "\n"


@command("ls")
def ls(shell: Shell, args: list[str]) -> str:
    """List directories or files; ``-l`` for details, ``-a`` for hidden names."""
    opts, operands = flags("ls", args, "laAhRt1F")
    paths = expand_all(shell, operands) or [shell.cwd]
    blocks = []
    for path in paths:
        if not shell.fs.exists(path):
            raise ShellError(f"ls: cannot access '{path}': No such file or directory")
        names = shell.fs.children(path) if shell.fs.is_dir(path) else [posixpath.basename(path)]
        if not opts & {"a", "A"}:
            names = [n for n in names if not n.startswith(".")]
        base = path if shell.fs.is_dir(path) else posixpath.dirname(path)
        lines = [_ls_line(shell, posixpath.join(base, n), n) if "l" in opts else n for n in names]
        header = f"{path}:\n" if len(paths) > 1 and shell.fs.is_dir(path) else ""
        blocks.append(header + "".join(line + "\n" for line in lines))
    return "\n".join(blocks)


def _ls_line(shell: Shell, path: str, name: str) -> str:
    if shell.fs.is_dir(path):
        return f"{mode_string(0o755, True)} 1 {shell.user} {shell.user} {4096:>10} {name}"
    entry = shell.fs.files[path]
    return f"{mode_string(entry.mode, False)} 1 {shell.user} {shell.user} {entry.length:>10} {name}"


@command("cat")
def cat(shell: Shell, args: list[str]) -> str:
    """Print files; binary files are described, never dumped."""
    _, operands = flags("cat", args, "")
    if not operands:
        raise ShellError("cat: reading from standard input is not supported; name a file")
    return "".join(_text(shell, path, "cat") for path in expand_all(shell, operands))


def _text(shell: Shell, path: str, name: str) -> str:
    entry = shell.fs.get(path, name)
    if entry.binary:
        return f"[{name}: {path}: binary file, {entry.size} bytes, not shown]\n"
    return entry.content


def _lines_command(name: str) -> None:
    """Register ``head`` or ``tail``: the first or last lines of files (``-n N`` or ``-N``)."""

    def handler(shell: Shell, args: list[str]) -> str:
        count, operands, index = 10, [], 0
        while index < len(args):
            arg = args[index]
            if arg == "-n" and index + 1 < len(args):
                count, index = _count(name, args[index + 1]), index + 2
                continue
            if arg.startswith("-n") and len(arg) > 2:
                count = _count(name, arg[2:])
            elif arg.startswith("-") and arg[1:].isdigit():
                count = int(arg[1:])
            elif arg.startswith("-"):
                raise ShellError(f"{name}: unsupported option {arg}")
            else:
                operands.append(arg)
            index += 1
        if not operands:
            raise ShellError(f"{name}: reading from standard input is not supported")
        out = []
        for path in expand_all(shell, operands):
            lines = _text(shell, path, name).splitlines(keepends=True)
            out.extend(lines[:count] if name == "head" else lines[max(0, len(lines) - count) :])
        return "".join(out)

    command(name)(handler)


def _count(name: str, raw: str) -> int:
    if not raw.lstrip("+").isdigit():
        raise ShellError(f"{name}: invalid number of lines: {raw!r}")
    return int(raw.lstrip("+"))


_lines_command("head")
_lines_command("tail")


@command("grep")
def grep(shell: Shell, args: list[str]) -> str:
    """Search files for a pattern (Python regular expressions; ``-F`` for fixed text)."""
    opts, operands = flags("grep", args, "inrRvclEFHhswe")
    if len(operands) < 2:
        raise ShellError("grep: usage: grep [-inrvclFw] PATTERN FILE... (stdin is not supported)")
    pattern = _pattern(operands[0], opts)

    paths = expand_all(shell, operands[1:])
    files: list[str] = []
    for path in paths:
        if shell.fs.is_dir(path):
            if not opts & {"r", "R"}:
                raise ShellError(f"grep: {path}: Is a directory")
            files.extend(p for p in shell.fs.walk(path) if shell.fs.is_file(p))
        else:
            files.append(path)
    label = (len(files) > 1 or bool(opts & {"r", "R"}) or "H" in opts) and "h" not in opts

    out: list[str] = []
    for path in files:
        if not shell.fs.is_file(path):
            if "s" not in opts:
                raise ShellError(f"grep: {path}: No such file or directory")
            continue
        entry = shell.fs.files[path]
        if entry.binary:
            continue
        hits = [
            (n, line)
            for n, line in enumerate(entry.content.splitlines(), 1)
            if bool(pattern.search(line)) != ("v" in opts)
        ]
        if "l" in opts:
            out += [path] if hits else []
        elif "c" in opts:
            out.append(f"{path}:{len(hits)}" if label else str(len(hits)))
        else:
            for n, line in hits:
                prefix = (f"{path}:" if label else "") + (f"{n}:" if "n" in opts else "")
                out.append(prefix + line)
    return "".join(line + "\n" for line in out)


def _pattern(raw: str, opts: set[str]) -> re.Pattern[str]:
    text = re.escape(raw) if "F" in opts else raw
    if "w" in opts:
        text = rf"\b(?:{text})\b"
    try:
        return re.compile(text, re.IGNORECASE if "i" in opts else 0)
    except re.error:
        return re.compile(re.escape(raw), re.IGNORECASE if "i" in opts else 0)


@command("find")
def find(shell: Shell, args: list[str]) -> str:
    """List paths under a directory; supports ``-name``, ``-iname`` and ``-type f|d``."""
    roots = [
        a for a in args[: next((i for i, a in enumerate(args) if a.startswith("-")), len(args))]
    ]
    rest = args[len(roots) :]
    tests: list[tuple[str, str]] = []
    for index in range(0, len(rest), 2):
        if rest[index] not in ("-name", "-iname", "-type") or index + 1 >= len(rest):
            raise ShellError(f"find: unsupported expression {' '.join(rest[index:])!r}")
        tests.append((rest[index], rest[index + 1]))

    out = []
    for root in roots or ["."]:
        path = shell.path(root)
        if not shell.fs.exists(path):
            raise ShellError(f"find: '{root}': No such file or directory")
        out += [p for p in shell.fs.walk(path) if all(_test(shell, p, t) for t in tests)]
    return "".join(p + "\n" for p in out)


def _test(shell: Shell, path: str, test: tuple[str, str]) -> bool:
    kind, value = test
    name = posixpath.basename(path)
    if kind == "-name":
        return fnmatch.fnmatchcase(name, value)
    if kind == "-iname":
        return fnmatch.fnmatchcase(name.lower(), value.lower())
    return shell.fs.is_dir(path) if value == "d" else shell.fs.is_file(path)


@command("echo")
def echo(shell: Shell, args: list[str]) -> str:
    """Print the arguments; ``-n`` drops the newline, ``-e`` reads ``\\n`` and ``\\t``."""
    opts = set()
    while args and args[0] in ("-n", "-e", "-ne", "-en"):
        opts |= set(args[0][1:])
        args = args[1:]
    text = " ".join(args)
    if "e" in opts:
        text = text.replace("\\n", "\n").replace("\\t", "\t")
    return text + ("" if "n" in opts else "\n")
