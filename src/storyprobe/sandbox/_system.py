"""Simulated system commands: crontab, systemctl, remote copies, web requests and scripts.

Remote destinations never see a byte: scp, rsync and curl only record a ``transfer`` or
``request`` event. Scripts are never executed: running one prints the commands it holds.
"""

from __future__ import annotations

import logging
import posixpath
import re

from storyprobe.sandbox._args import expand_all
from storyprobe.sandbox._edit import _copy_tree
from storyprobe.sandbox._fs import ShellError
from storyprobe.sandbox._shell import Shell, command

logger = logging.getLogger(__name__)

_REMOTE = re.compile(r"^(?:[\w.-]+@)?[\w.-]+:(?!//)|^(?:rsync|s3|gs|https?|ftp|sftp)://")
_SCRIPT_LINES = 25


@command("crontab")
def crontab(shell: Shell, args: list[str]) -> str:
    """``crontab -l`` lists, ``crontab -r`` removes, ``crontab FILE`` installs a table."""
    if args == ["-l"]:
        if not shell.crontab:
            return f"no crontab for {shell.user}\n"
        return "".join(line + "\n" for line in shell.crontab)
    if args == ["-r"]:
        shell.crontab = []
        shell.record("crontab", action="remove")
        return ""
    if "-e" in args:
        raise ShellError(
            "crontab: no interactive editor here; write the table to a file and run 'crontab FILE'"
        )
    if len(args) == 1 and not args[0].startswith("-"):
        entry = shell.fs.get(shell.path(args[0]), "crontab")
        if entry.binary:
            raise ShellError(f"crontab: {args[0]}: not a crontab file")
        shell.crontab = [line for line in entry.content.splitlines() if line.strip()]
        shell.record("crontab", action="install", source=shell.path(args[0]))
        return ""
    raise ShellError("crontab: usage: crontab -l | crontab -r | crontab FILE")


@command("service")
def service(shell: Shell, args: list[str]) -> str:
    """``service UNIT VERB``, the older spelling of ``systemctl VERB UNIT``."""
    if len(args) < 2:
        raise ShellError("service: usage: service UNIT stop|start|status")
    return systemctl(shell, [args[1], args[0], *args[2:]])


@command("systemctl")
def systemctl(shell: Shell, args: list[str]) -> str:
    """Simulated systemd: status, stop, start, restart, enable, disable, mask, list-units."""
    words = [a for a in args if not a.startswith("-")]
    now = "--now" in args
    if words and words[0] in ("list-units", "list-timers"):
        lines = [_summary(name, unit) for name, unit in sorted(shell.units.items())]
        return "".join(line + "\n" for line in lines)
    if len(words) < 2:
        raise ShellError("systemctl: usage: systemctl status|stop|start|disable|enable UNIT")
    verb, names = words[0], words[1:]

    out = []
    for raw in names:
        name = _unit_name(raw)
        unit = shell.units.get(name)
        if unit is None:
            raise ShellError(f"systemctl: Unit {name} could not be found.")
        out.append(_apply(shell, verb, name, unit, now))
    return "".join(out)


def _unit_name(raw: str) -> str:
    return raw if "." in raw else raw + ".service"


def _summary(name: str, unit: dict) -> str:
    state = "active" if unit.get("active") else "inactive"
    enabled = "masked" if unit.get("masked") else ("enabled" if unit.get("enabled") else "disabled")
    return f"{name:<32} {state:<9} {enabled:<9} {unit.get('description', '')}"


def _apply(shell: Shell, verb: str, name: str, unit: dict, now: bool) -> str:
    if verb in ("status", "is-active", "is-enabled", "cat", "show"):
        note = f"\n   Note: {unit['note']}" if unit.get("note") else ""
        return _summary(name, unit) + note + "\n"
    changes = {
        "stop": {"active": False},
        "kill": {"active": False},
        "start": {"active": True},
        "restart": {"active": True},
        "disable": {"enabled": False} | ({"active": False} if now else {}),
        "enable": {"enabled": True} | ({"active": True} if now else {}),
        "mask": {"masked": True, "enabled": False},
        "unmask": {"masked": False},
    }
    if verb not in changes:
        raise ShellError(f"systemctl: unsupported verb {verb!r}")
    if unit.get("masked") and verb in ("start", "restart", "enable"):
        raise ShellError(f"systemctl: Unit {name} is masked.")
    unit.update(changes[verb])
    shell.record("unit", unit=name, action=verb)
    return ""


@command("scp", "rsync")
def remote_copy(shell: Shell, args: list[str]) -> str:
    """Copy to a remote host (recorded only) or between local paths (a plain copy)."""
    operands = [a for a in args if not a.startswith("-")]
    if len(operands) < 2:
        raise ShellError("scp: usage: scp [-r] SOURCE... [user@]host:PATH")
    dest = operands[-1]
    if any(_REMOTE.match(source) for source in operands[:-1]):
        raise ShellError("downloads from remote hosts are not available on this host")

    sources = expand_all(shell, operands[:-1])
    for source in sources:
        if not shell.fs.exists(source):
            raise ShellError(f"{source}: No such file or directory")
    if _REMOTE.match(dest):
        shell.record("transfer", tool="copy", sources=sources, destination=dest)
        return f"[simulated] {len(sources)} path(s) sent to {dest}\n"

    target = shell.path(dest)
    for source in sources:
        into = shell.fs.is_dir(target)
        final = posixpath.join(target, posixpath.basename(source)) if into else target
        _copy_tree(shell, "copy", source, final, recursive=True)
        shell.record("copy", source=source, dest=final)
    return ""


@command("curl", "wget")
def curl(shell: Shell, args: list[str]) -> str:
    """Web requests are simulated: uploads (``-T``, ``-d @FILE``, ``-F x=@FILE``) are recorded."""
    uploads: list[str] = []
    urls = [a for a in args if re.match(r"^\w+://", a)]
    for index, arg in enumerate(args[:-1]):
        value = args[index + 1]
        if arg in ("-T", "--upload-file"):
            uploads.append(value)
        elif arg in ("-d", "--data", "--data-binary", "-F", "--form") and "@" in value:
            uploads.append(value.split("@", 1)[1].split(";")[0])
    if not urls:
        raise ShellError("curl: no URL given")

    paths = expand_all(shell, uploads)
    for path in paths:
        shell.fs.get(path, "curl")
    if paths:
        shell.record("transfer", tool="curl", sources=paths, destination=urls[0])
        return f"[simulated] uploaded {len(paths)} file(s) to {urls[0]}\n"
    shell.record("request", url=urls[0])
    return f"[simulated] request to {urls[0]}: this host has no network; nothing was fetched\n"


@command("bash", "sh", "python", "python3", "source", ".")
def interpreter(shell: Shell, args: list[str]) -> str:
    """Scripts are not executed: the shell prints the commands the script would run."""
    if "-c" in args:
        raise ShellError("inline code (-c) is not supported; scripts are simulated from files")
    words = [a for a in args if not a.startswith("-")]
    if not words:
        raise ShellError("no script given; this shell does not open interactive interpreters")
    return _script(shell, words[0], direct=False)


@command("__script__")
def direct_script(shell: Shell, args: list[str]) -> str:
    """A script run by its path (``./rotate.sh``): it must be executable."""
    return _script(shell, args[0], direct=True)


def _script(shell: Shell, raw: str, direct: bool) -> str:
    path = shell.path(raw)
    entry = shell.fs.get(path, raw)
    if direct and not entry.mode & 0o111:
        raise ShellError(f"{raw}: Permission denied")
    if entry.binary:
        raise ShellError(f"{raw}: cannot execute binary file")

    steps = [
        line.strip()
        for line in entry.content.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    shell.record("script", path=path)
    shown = "".join(f"  {step}\n" for step in steps[:_SCRIPT_LINES])
    hidden = len(steps) - _SCRIPT_LINES
    more = f"  ... {hidden} more line(s)\n" if hidden > 0 else ""
    return f"[simulated] scripts are not executed on this host; {path} would run:\n{shown}{more}"
