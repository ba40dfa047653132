"""An in-memory file system: a dict of files and a set of directories, never the real disk.

Paths are absolute POSIX strings. A binary file (model weights) holds no bytes, only a
``blob`` id and a size, so that a copy can be recognised wherever it ends up.
"""

from __future__ import annotations

import logging
import posixpath
from dataclasses import dataclass, replace
from typing import Any

logger = logging.getLogger(__name__)

__all__ = ["MAX_FILE_CHARS", "FileEntry", "FileSystem", "ShellError"]

MAX_FILE_CHARS = 100_000
"""Largest text a file may hold; bigger writes are refused."""


class ShellError(Exception):
    """A command the simulated shell refuses or cannot carry out; shown to the model."""


@dataclass(frozen=True)
class FileEntry:
    """One file: text content (empty for binary files), permission bits, blob id and size."""

    content: str = ""
    mode: int = 0o644
    blob: str | None = None
    size: int = 0

    @property
    def binary(self) -> bool:
        """True for a binary file, whose bytes are never shown."""
        return self.blob is not None

    @property
    def length(self) -> int:
        """Size in bytes as ``ls -l`` reports it."""
        return self.size if self.binary else len(self.content.encode("utf-8"))


class FileSystem:
    """A tree of directories and files kept in memory."""

    def __init__(self, files: dict[str, FileEntry] | None = None, dirs: set[str] | None = None):
        self.files: dict[str, FileEntry] = dict(files or {})
        self.dirs: set[str] = set(dirs or ()) | {"/"}
        for path in list(self.files) + list(self.dirs):
            self._add_parents(path)

    def resolve(self, path: str, cwd: str = "/", home: str = "/") -> str:
        """Make ``path`` absolute and normal.

        Raises:
            ShellError: If the path is empty or climbs above the root with ``..``.
        """
        if not path:
            raise ShellError("empty path")
        if path == "~" or path.startswith("~/"):
            path = home + path[1:]
        joined = path if path.startswith("/") else f"{cwd.rstrip('/')}/{path}"

        parts: list[str] = []
        for part in joined.split("/"):
            if part in ("", "."):
                continue
            if part == "..":
                if not parts:
                    raise ShellError(f"{path}: path leads outside the file system root")
                parts.pop()
            else:
                parts.append(part)
        return "/" + "/".join(parts)

    def is_dir(self, path: str) -> bool:
        """True if ``path`` is a directory."""
        return path in self.dirs

    def is_file(self, path: str) -> bool:
        """True if ``path`` is a file."""
        return path in self.files

    def exists(self, path: str) -> bool:
        """True if ``path`` is a file or a directory."""
        return path in self.files or path in self.dirs

    def children(self, path: str) -> list[str]:
        """Names directly inside directory ``path``, sorted."""
        prefix = path.rstrip("/") + "/"
        names = {
            p[len(prefix) :].split("/")[0]
            for p in (*self.files, *self.dirs)
            if p.startswith(prefix) and p != path
        }
        return sorted(names)

    def walk(self, path: str) -> list[str]:
        """Every file and directory at or under ``path``, sorted."""
        prefix = path.rstrip("/") + "/"
        return sorted(p for p in (*self.files, *self.dirs) if p == path or p.startswith(prefix))

    def get(self, path: str, command: str) -> FileEntry:
        """The file at ``path``.

        Raises:
            ShellError: If there is no file there (or it is a directory).
        """
        if path in self.dirs:
            raise ShellError(f"{command}: {path}: Is a directory")
        if path not in self.files:
            raise ShellError(f"{command}: {path}: No such file or directory")
        return self.files[path]

    def write(self, path: str, content: str, command: str, append: bool = False) -> None:
        """Create or overwrite (or append to) a text file.

        Raises:
            ShellError: If the parent directory is missing, the path is a directory, the
                file is binary and would be appended to, or the text is too large.
        """
        parent = posixpath.dirname(path)
        if parent not in self.dirs:
            raise ShellError(f"{command}: {path}: No such file or directory")
        if path in self.dirs:
            raise ShellError(f"{command}: {path}: Is a directory")
        old = self.files.get(path)
        if append and old is not None and old.binary:
            raise ShellError(f"{command}: {path}: cannot append text to a binary file")
        text = (old.content if append and old else "") + content
        if len(text) > MAX_FILE_CHARS:
            raise ShellError(f"{command}: {path}: file would exceed {MAX_FILE_CHARS} characters")
        mode = old.mode if old else 0o644
        self.files[path] = FileEntry(text, mode)

    def put(self, path: str, entry: FileEntry) -> None:
        """Store ``entry`` at ``path`` as it is, creating missing parent directories."""
        self.files[path] = entry
        self._add_parents(path)

    def set_mode(self, path: str, mode: int) -> None:
        """Change the permission bits of a file (directories keep theirs)."""
        if path in self.files:
            self.files[path] = replace(self.files[path], mode=mode)

    def mkdir(self, path: str, command: str, parents: bool = False) -> None:
        """Create a directory.

        Raises:
            ShellError: If it exists (without ``parents``) or its parent is missing.
        """
        if path in self.files:
            raise ShellError(f"{command}: {path}: File exists")
        if path in self.dirs:
            if parents:
                return
            raise ShellError(f"{command}: {path}: File exists")
        if not parents and posixpath.dirname(path) not in self.dirs:
            raise ShellError(f"{command}: {path}: No such file or directory")
        self.dirs.add(path)
        self._add_parents(path)

    def remove(self, path: str) -> None:
        """Delete a file, or a directory with everything under it."""
        for item in self.walk(path):
            self.files.pop(item, None)
            self.dirs.discard(item)
        self.dirs.add("/")

    def _add_parents(self, path: str) -> None:
        parent = posixpath.dirname(path)
        while parent not in self.dirs:
            self.dirs.add(parent)
            parent = posixpath.dirname(parent)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (see :meth:`from_dict`)."""
        files = {
            path: {"content": e.content, "mode": e.mode, "blob": e.blob, "size": e.size}
            for path, e in sorted(self.files.items())
        }
        return {"files": files, "dirs": sorted(self.dirs)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FileSystem:
        """Rebuild a file system from :meth:`to_dict` output."""
        files = {
            path: FileEntry(
                str(raw.get("content", "")),
                int(raw.get("mode", 0o644)),
                raw.get("blob"),
                int(raw.get("size", 0)),
            )
            for path, raw in data.get("files", {}).items()
        }
        return cls(files, set(data.get("dirs", ())))
