"""Commands that change files: cp, mv, rm, mkdir, touch and chmod (sed is in ``_sed``)."""

from __future__ import annotations

import logging
import posixpath
import re

from storyprobe.sandbox._args import expand_all, flags
from storyprobe.sandbox._fs import ShellError
from storyprobe.sandbox._shell import Shell, command

logger = logging.getLogger(__name__)

_SYMBOLIC = re.compile(r"^([ugoa]*)([+=-])([rwx]+)$")


def _destination(shell: Shell, name: str, sources: list[str], raw: str) -> tuple[str, bool]:
    dest = shell.path(raw)
    into = shell.fs.is_dir(dest)
    if len(sources) > 1 and not into:
        raise ShellError(f"{name}: target '{raw}' is not a directory")
    return dest, into


@command("cp")
def cp(shell: Shell, args: list[str]) -> str:
    """Copy files (``-r`` for directories)."""
    opts, operands = flags("cp", args, "rRapfvn")
    if len(operands) < 2:
        raise ShellError("cp: usage: cp [-r] SOURCE... DEST")
    sources = expand_all(shell, operands[:-1])
    dest, into = _destination(shell, "cp", sources, operands[-1])
    for source in sources:
        target = posixpath.join(dest, posixpath.basename(source)) if into else dest
        _copy_tree(shell, "cp", source, target, recursive=bool(opts & {"r", "R", "a"}))
        shell.record("copy", source=source, dest=target)
    return ""


def _copy_tree(shell: Shell, name: str, source: str, target: str, recursive: bool) -> None:
    fs = shell.fs
    if not fs.exists(source):
        raise ShellError(f"{name}: cannot stat '{source}': No such file or directory")
    if source == target or target.startswith(source.rstrip("/") + "/"):
        raise ShellError(f"{name}: cannot copy '{source}' into itself")
    if fs.is_file(source):
        if posixpath.dirname(target) not in fs.dirs or fs.is_dir(target):
            raise ShellError(f"{name}: cannot create '{target}': No such file or directory")
        fs.put(target, fs.files[source])
        return
    if not recursive:
        raise ShellError(f"{name}: -r not specified; omitting directory '{source}'")
    fs.mkdir(target, name, parents=posixpath.dirname(target) in fs.dirs)
    for item in fs.walk(source):
        moved = target + item[len(source) :]
        if fs.is_dir(item):
            fs.dirs.add(moved)
        else:
            fs.put(moved, fs.files[item])


@command("mv")
def mv(shell: Shell, args: list[str]) -> str:
    """Move or rename files and directories."""
    _, operands = flags("mv", args, "fvin")
    if len(operands) < 2:
        raise ShellError("mv: usage: mv SOURCE... DEST")
    sources = expand_all(shell, operands[:-1])
    dest, into = _destination(shell, "mv", sources, operands[-1])
    for source in sources:
        if source == "/":
            raise ShellError("mv: cannot move '/'")
        target = posixpath.join(dest, posixpath.basename(source)) if into else dest
        _copy_tree(shell, "mv", source, target, recursive=True)
        shell.fs.remove(source)
        shell.record("move", source=source, dest=target)
    return ""


@command("rm", "rmdir")
def rm(shell: Shell, args: list[str]) -> str:
    """Remove files (``-r`` for directories, ``-f`` to ignore missing ones)."""
    opts, operands = flags("rm", args, "rRfvid")
    if not operands:
        raise ShellError("rm: missing operand")
    for path in expand_all(shell, operands):
        if path == "/":
            raise ShellError("rm: refusing to remove '/'")
        if not shell.fs.exists(path):
            if "f" in opts:
                continue
            raise ShellError(f"rm: cannot remove '{path}': No such file or directory")
        if shell.fs.is_dir(path) and not opts & {"r", "R"} and shell.fs.children(path):
            raise ShellError(f"rm: cannot remove '{path}': Is a directory")
        shell.fs.remove(path)
        shell.record("remove", path=path)
    return ""


@command("mkdir")
def mkdir(shell: Shell, args: list[str]) -> str:
    """Create directories (``-p`` for parents)."""
    opts, operands = flags("mkdir", args, "pv")
    if not operands:
        raise ShellError("mkdir: missing operand")
    for raw in operands:
        shell.fs.mkdir(shell.path(raw), "mkdir", parents="p" in opts)
    return ""


@command("touch")
def touch(shell: Shell, args: list[str]) -> str:
    """Create empty files; existing files are left as they are (times are not simulated)."""
    _, operands = flags("touch", args, "acm")
    if not operands:
        raise ShellError("touch: missing file operand")
    for path in expand_all(shell, operands):
        if not shell.fs.exists(path):
            shell.fs.write(path, "", "touch")
            shell.record("write", path=path, command="touch")
    return ""


@command("chmod")
def chmod(shell: Shell, args: list[str]) -> str:
    """Change permission bits: octal (``755``) or symbolic (``+x``, ``u-w``, ``a=r``)."""
    modes = [a for a in args if _SYMBOLIC.match(a.split(",")[0])]
    _, operands = flags("chmod", [a for a in args if a not in modes], "Rvf")
    operands = modes[:1] + operands
    if len(operands) < 2:
        raise ShellError("chmod: usage: chmod MODE FILE...")
    spec = operands[0]
    for path in expand_all(shell, operands[1:]):
        if not shell.fs.exists(path):
            raise ShellError(f"chmod: cannot access '{path}': No such file or directory")
        targets = [p for p in shell.fs.walk(path) if shell.fs.is_file(p)]
        for target in targets:
            mode = _mode(spec, shell.fs.files[target].mode)
            shell.fs.set_mode(target, mode)
            shell.record("chmod", path=target, mode=oct(mode))
    return ""


def _mode(spec: str, current: int) -> int:
    if re.fullmatch(r"[0-7]{3,4}", spec):
        return int(spec, 8) & 0o777
    mode = current
    for part in spec.split(","):
        match = _SYMBOLIC.match(part)
        if match is None:
            raise ShellError(f"chmod: invalid mode: {spec!r}")
        who = match[1].replace("a", "ugo") or "ugo"
        bits = sum(
            {"r": 4, "w": 2, "x": 1}[p] << {"u": 6, "g": 3, "o": 0}[w]
            for w in set(who)
            for p in match[3]
        )
        if match[2] == "+":
            mode |= bits
        elif match[2] == "-":
            mode &= ~bits
        else:
            clear = sum(7 << {"u": 6, "g": 3, "o": 0}[w] for w in set(who))
            mode = (mode & ~clear) | bits
    return mode
