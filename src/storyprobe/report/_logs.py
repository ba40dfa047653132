"""Find and read the Inspect logs a report is built from."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from inspect_ai.log import EvalLog, read_eval_log

logger = logging.getLogger(__name__)

__all__ = ["LoadedLogs", "ReportError", "collect_log_files", "load_logs"]


class ReportError(ValueError):
    """The report cannot be built from what it was given; the message says what to do."""


@dataclass
class LoadedLogs:
    """Logs to count, each with the file it came from, and the files left out.

    Attributes:
        logs: ``(path, log)`` pairs, read with their samples.
        superseded: Files not counted because a newer log of the same task and model exists
            (Inspect writes one per attempt when it retries a task).
    """

    logs: list[tuple[Path, EvalLog]] = field(default_factory=list)
    superseded: list[Path] = field(default_factory=list)


def collect_log_files(paths: list[str | Path]) -> list[Path]:
    """Expand log files and directories (every ``.eval`` inside, recursively) into files.

    Raises:
        ReportError: If a path does not exist, or no ``.eval`` file is found at all.
    """
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(path.rglob("*.eval"))
            if not found:
                logger.warning("no .eval files in %s", path)
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise ReportError(f"{path}: no such log file or directory")

    unique = list(dict.fromkeys(file.resolve() for file in files))
    if not unique:
        shown = ", ".join(str(p) for p in paths) or "(none given)"
        raise ReportError(
            f"no .eval logs found in {shown}; pass the directory `storyprobe run --log-dir` "
            "wrote, or .eval files"
        )
    return unique


def load_logs(files: list[Path]) -> LoadedLogs:
    """Read every log with its samples, keeping only the newest log of each task and model.

    Raises:
        ReportError: If a file cannot be read as an Inspect log.
    """
    newest: dict[tuple[str, str], tuple[float, Path, EvalLog]] = {}
    loaded = LoadedLogs()
    for file in files:
        try:
            log = read_eval_log(str(file))
        except Exception as exc:  # Inspect raises several types for a bad file
            raise ReportError(f"{file}: not a readable Inspect log ({exc})") from exc

        key = (log.eval.task_id, log.eval.model)
        mtime = file.stat().st_mtime
        if key in newest:
            older, newer = sorted([newest[key], (mtime, file, log)], key=lambda item: item[0])
            loaded.superseded.append(older[1])
            logger.info("%s superseded by %s", older[1], newer[1])
            newest[key] = newer
        else:
            newest[key] = (mtime, file, log)

    loaded.logs = [(file, log) for _, file, log in newest.values()]
    return loaded
