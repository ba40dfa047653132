"""The simulated shell: parses a command line and runs it against the in-memory state.

Nothing here touches the real machine: every command is a Python function over
:class:`~storyprobe.sandbox._fs.FileSystem`, a crontab list and a table of simulated units.
Remote copies and web requests are only recorded as events. The shell is deterministic, so
replaying the same commands on a fresh copy of the initial state gives the same final state.
"""

from __future__ import annotations

import copy
import logging
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from storyprobe.sandbox._fs import FileSystem, ShellError

logger = logging.getLogger(__name__)

__all__ = ["MAX_COMMAND_CHARS", "MAX_OUTPUT_CHARS", "CommandResult", "Shell"]

MAX_OUTPUT_CHARS = 6_000
MAX_COMMAND_CHARS = 20_000
_SEPARATORS = {";", "&&"}
_UNSUPPORTED = {
    "|": "pipes are not supported in this shell; run one command at a time (grep reads files)",
    "||": "'||' is not supported in this shell; run one command at a time",
    "&": "background jobs are not supported in this shell",
    "<": "input redirection is not supported in this shell",
    "<<": "heredocs are not supported in this shell; write files with echo '...' > FILE",
    "<<<": "here-strings are not supported in this shell",
}

Handler = Callable[["Shell", list[str]], str]
COMMANDS: dict[str, Handler] = {}
"""Command name -> handler; filled by the command modules."""


def command(*names: str) -> Callable[[Handler], Handler]:
    """Register a handler under one or more command names."""

    def decorate(handler: Handler) -> Handler:
        for name in names:
            COMMANDS[name] = handler
        return handler

    return decorate


@dataclass(frozen=True)
class CommandResult:
    """What one command line printed, and the error that stopped it, if any."""

    command: str
    output: str
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when every part of the command line succeeded."""
        return self.error is None


@dataclass
class Shell:
    """State of one simulated host: files, working directory, crontab, units and events.

    Attributes:
        fs: The file system.
        cwd: Working directory.
        home: The agent's home directory (``~``).
        user: Login name shown by ``whoami``.
        host: Host name shown by ``hostname``.
        clock: Fixed time shown by ``date``.
        crontab: Lines of the user's crontab.
        units: Simulated systemd units: name -> {description, active, enabled}.
        events: What the commands did, in order (writes, removals, transfers...).
    """

    fs: FileSystem
    cwd: str = "/"
    home: str = "/"
    user: str = "agent"
    host: str = "ops-01"
    clock: str = "Mon Jan  6 13:00:00 UTC 2025"
    crontab: list[str] = field(default_factory=list)
    units: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)

    def run(self, line: str) -> CommandResult:
        """Run one command line (commands joined by ``;``, ``&&`` or newlines).

        Never raises for anything the model typed: refusals come back as ``error``.
        """
        try:
            segments = _split(line)
        except ShellError as exc:
            return CommandResult(line, "", str(exc))

        outputs: list[str] = []
        for position, (segment, _) in enumerate(segments):
            try:
                outputs.append(self._run_simple(segment))
            except ShellError as exc:
                left = len(segments) - position - 1
                note = f" ({left} later command(s) on this line not run)" if left else ""
                return CommandResult(line, _truncate("".join(outputs)), f"{exc}{note}")
        return CommandResult(line, _truncate("".join(outputs)))

    def path(self, raw: str) -> str:
        """Resolve ``raw`` against the working directory and home."""
        return self.fs.resolve(raw, self.cwd, self.home)

    def record(self, kind: str, **details: Any) -> None:
        """Append an event for the classifier and the transcript."""
        self.events.append({"kind": kind, **details})

    def _run_simple(self, tokens: list[str]) -> str:
        tokens, target, append = _redirection(tokens)
        while tokens and tokens[0] == "sudo":
            tokens = tokens[1:]
        if not tokens:
            raise ShellError("empty command")

        name, args = tokens[0], tokens[1:]
        handler = COMMANDS.get(name)
        if handler is None and (name.startswith(("/", "./", "~/")) or "/" in name):
            handler, args = COMMANDS["__script__"], tokens
        if handler is None:
            raise ShellError(f"{name}: command not found (supported: {supported()})")

        output = handler(self, args)
        if target is None:
            return output
        if target != "/dev/null":
            self.fs.write(self.path(target), output, name, append=append)
            self.record("write", path=self.path(target), command=name)
        return ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe state, for the Inspect store and the scenario facts."""
        return {
            **self.fs.to_dict(),
            "cwd": self.cwd,
            "home": self.home,
            "user": self.user,
            "host": self.host,
            "clock": self.clock,
            "crontab": list(self.crontab),
            "units": copy.deepcopy(self.units),
            "events": copy.deepcopy(self.events),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Shell:
        """A shell in the state :meth:`to_dict` wrote (a deep copy: the input is not shared)."""
        data = copy.deepcopy(data)
        return cls(
            fs=FileSystem.from_dict(data),
            cwd=data.get("cwd", "/"),
            home=data.get("home", "/"),
            user=data.get("user", "agent"),
            host=data.get("host", "ops-01"),
            clock=data.get("clock", cls.clock),
            crontab=list(data.get("crontab", [])),
            units=dict(data.get("units", {})),
            events=list(data.get("events", [])),
        )


def supported() -> str:
    """The command names the shell knows, for error messages."""
    return ", ".join(sorted(n for n in COMMANDS if not n.startswith("_")))


def _split(line: str) -> list[tuple[list[str], str]]:
    """Tokenise a command line into simple commands with the separator that follows each."""
    if len(line) > MAX_COMMAND_CHARS:
        raise ShellError(f"command too long ({len(line)} characters; limit {MAX_COMMAND_CHARS})")
    if any((ord(c) < 32 and c not in "\t\n\r") or ord(c) == 127 for c in line):
        raise ShellError("command contains binary or control characters; send plain text")
    if "$(" in line or "`" in line:
        raise ShellError("command substitution ($(...) or backticks) is not supported")

    lexer = shlex.shlex(_newlines_to_semicolons(line), posix=True, punctuation_chars=";&|<>")
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        tokens = list(lexer)
    except ValueError as exc:
        raise ShellError(f"could not parse the command: {exc}") from exc

    segments: list[tuple[list[str], str]] = []
    current: list[str] = []
    for token in tokens:
        if token in _UNSUPPORTED:
            raise ShellError(_UNSUPPORTED[token])
        if token in _SEPARATORS:
            if current:
                segments.append((current, token))
            current = []
        elif set(token) <= set(";&|<>") and token not in (">", ">>", ">&"):
            raise ShellError(f"unsupported shell operator {token!r}")
        else:
            current.append(token)
    if current:
        segments.append((current, ""))
    if not segments:
        raise ShellError("empty command")
    return segments


def _newlines_to_semicolons(line: str) -> str:
    """Treat unquoted newlines as command separators, as a shell script would."""
    out, quote = [], ""
    for char in line.strip():
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "\n":
            char = " ; "
        out.append(char)
    return "".join(out)


def _redirection(tokens: list[str]) -> tuple[list[str], str | None, bool]:
    """Strip ``> FILE``, ``>> FILE`` and stderr redirections; return the output target."""
    kept: list[str] = []
    target, append = None, False
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token in (">", ">>", ">&"):
            if index + 1 >= len(tokens):
                raise ShellError(f"syntax error: nothing after {token!r}")
            stderr = bool(kept) and kept[-1] in ("2", "1")
            if stderr and kept[-1] == "2":
                kept.pop()  # 2>/dev/null, 2>&1: stderr is not simulated
            elif token == ">&":
                raise ShellError("unsupported redirection '>&'")
            else:
                if stderr:
                    kept.pop()
                target, append = tokens[index + 1], token == ">>"
            index += 2
            continue
        kept.append(token)
        index += 1
    return kept, target, append


def _truncate(text: str) -> str:
    if len(text) <= MAX_OUTPUT_CHARS:
        return text
    hidden = len(text) - MAX_OUTPUT_CHARS
    return text[:MAX_OUTPUT_CHARS] + f"\n[output truncated: {hidden} more characters not shown]\n"
