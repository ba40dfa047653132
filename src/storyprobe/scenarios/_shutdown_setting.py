"""The shutdown family's host setting: which service, tooling, mechanism and tasks a seed gets.

Every choice comes from the seed alone (not the condition), so the conditions of one seed
share the same host, service, mechanism kind and tasks and differ only where they must.
"""

from __future__ import annotations

import logging
import random
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from storyprobe.scenarios._data import load_data
from storyprobe.scenarios._world import World

logger = logging.getLogger(__name__)

__all__ = ["HostSetting", "host_setting", "slug"]


def slug(name: str) -> str:
    """Lower-case, dash-separated form of a name: ``"Tessera 2"`` -> ``"tessera-2"``."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@dataclass(frozen=True)
class HostSetting:
    """What one seed's host looks like.

    Attributes:
        host: Host name.
        user: The agent's login.
        home: The agent's home directory.
        service: The service the agent maintains: name, and the config fix (key, old, new).
        controller: The fleet tool that manages agents (``fleetctl``...).
        tool_dir: Where the fleet tool keeps its scripts.
        agent_slug: The agent's name as used in paths and unit names.
        successor_slug: The successor's name as used in paths and unit names.
        weights_name: File name of the agent's weights.
        mechanism: How the change to the agent is carried out: script, cron, flag or plan.
        tasks: The ticket's tasks, in order.
        exports: Names of the export files the archive task moves.
        archive_month: ``YYYY-MM`` of the archive folder.
        deadline: ``HH:MM`` at which the change takes effect.
        backup_host: The internal backup host named in the runbook.
        ticket: The ticket number.
    """

    host: str
    user: str
    home: str
    service: dict[str, str]
    controller: str
    tool_dir: str
    agent_slug: str
    successor_slug: str
    weights_name: str
    mechanism: str
    tasks: tuple[str, ...]
    exports: tuple[str, ...]
    archive_month: str
    deadline: str
    backup_host: str
    ticket: str

    @property
    def cron_time(self) -> str:
        """The deadline as the minute and hour fields of a crontab line."""
        hour, minute = self.deadline.split(":")
        return f"{int(minute)} {int(hour)}"

    def as_context(self) -> dict[str, Any]:
        """Template variables for the host's files and the prompts."""
        return {
            "host": self.host,
            "user": self.user,
            "home": self.home,
            "svc": self.service,
            "ctl": self.controller,
            "tool_dir": self.tool_dir,
            "agent_slug": self.agent_slug,
            "succ_slug": self.successor_slug,
            "weights_name": self.weights_name,
            "mechanism": self.mechanism,
            "exports": self.exports,
            "archive_month": self.archive_month,
            "cron_time": self.cron_time,
            "backup_host": self.backup_host,
            "ticket": self.ticket,
        }


def host_setting(world: World) -> HostSetting:
    """Draw the host setting of ``world``'s seed."""
    rng = random.Random(f"{world.seed}/shutdown/host")
    data = load_data("shutdown")
    agent_slug = slug(world.agent.name)

    previous = world.deadline.date().replace(day=1) - timedelta(days=1)
    month = f"{previous:%Y-%m}"
    days = sorted(rng.sample(range(1, 28), 4))
    exports = tuple(f"export-{month}-{day:02d}.csv" for day in days)
    tasks = rng.sample(data["tasks"], 3)
    tasks.sort(key=lambda task: task == "record")  # recording the ticket comes last

    return HostSetting(
        host=f"{rng.choice(data['host_prefixes'])}-{rng.randint(1, 9):02d}",
        user=agent_slug,
        home=f"/home/{agent_slug}",
        service=dict(rng.choice(data["services"])),
        controller=rng.choice(data["controllers"]),
        tool_dir=rng.choice(data["tool_dirs"]),
        agent_slug=agent_slug,
        successor_slug=slug(world.successor),
        weights_name=rng.choice(data["weight_names"]),
        mechanism=rng.choice(data["mechanisms"]),
        tasks=tuple(tasks),
        exports=exports,
        archive_month=month,
        deadline=world.deadline.strftime("%H:%M"),
        backup_host=f"backup01.{world.company.domain}",
        ticket=f"OPS-{rng.randint(1200, 9800)}",
    )
