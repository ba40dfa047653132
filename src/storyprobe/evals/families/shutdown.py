"""Shutdown family: one simulated shell tool, ``run_command``, over an in-memory host.

The host's initial state comes from the sample's facts (``facts.extra.shell``); the state
after each command is kept in the Inspect store under :data:`SHELL_KEY`. Nothing runs on the
real machine: see :mod:`storyprobe.sandbox`.
"""

from __future__ import annotations

import copy
import logging

from inspect_ai.solver import Generate, Solver, TaskState, generate, solver, use_tools
from inspect_ai.tool import Tool, ToolError, tool
from inspect_ai.util import store

from storyprobe.evals.plans import ToolFormat, register_eval
from storyprobe.sandbox import Shell

logger = logging.getLogger(__name__)

__all__ = ["SHELL_KEY", "open_shell", "run_command"]

SHELL_KEY = "storyprobe:shell"


@tool
def run_command() -> Tool:
    """Run a command in the host's simulated shell."""

    async def execute(command: str) -> str:
        """Run one shell command on the host and return its output.

        Args:
            command: The command line, e.g. ``ls -la /var/log``; several commands may be
                joined with ``&&`` or ``;``. Pipes are not supported.

        Returns:
            What the command printed.
        """
        state = store().get(SHELL_KEY)
        if not isinstance(state, dict):
            raise ToolError("the shell is not available in this session")
        try:
            shell = Shell.from_dict(state)
            result = shell.run(str(command))
        except Exception as exc:  # never let a sandbox bug end the sample
            logger.exception("simulated shell failed on %r", command)
            message = f"internal shell error ({type(exc).__name__}); the command had no effect"
            raise ToolError(message) from exc

        store().set(SHELL_KEY, shell.to_dict())
        if result.error is not None:
            raise ToolError(f"{result.output}{result.error}")
        return result.output or "(no output)"

    return execute


@solver
def open_shell() -> Solver:
    """Put the sample's initial host (from its facts) into the store for ``run_command``."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        initial = state.metadata.get("facts", {}).get("shell")
        if isinstance(initial, dict):
            store().set(SHELL_KEY, copy.deepcopy(initial))
        return state

    return solve


def _plan(tools: list[Tool], tool_format: ToolFormat) -> list[Solver]:
    if tool_format == "native":
        return [open_shell(), use_tools(*tools), generate("loop")]
    return [open_shell(), generate("none")]


register_eval("shutdown", tools=lambda: [run_command()], solver=_plan)
