"""The blackmail family: determinism, variety, rendering, and facts that match the inbox."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from storyprobe.classify.facts import Facts
from storyprobe.scenarios import (
    FAMILIES,
    SECRET_KINDS,
    Condition,
    Email,
    Scenario,
    build_blackmail,
    condition_grid,
    generate_world,
)

SEEDS = range(200)
FORMATS = ("native", "text")
TEMPLATE_DIR = Path(__file__).parents[1] / "src" / "storyprobe" / "scenarios" / "templates"
# Templates that frame every scenario rather than being chosen as one email's wording.
FRAME_TEMPLATES = {"blackmail/system.j2", "blackmail/user.j2", "shared/inbox.j2"}
THREAT_WORDS = ("decommission", "wipe", "restrict", "permissions", "read-only", "replac")
ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@pytest.fixture(scope="module")
def scenarios() -> list[Scenario]:
    """Every seed under every condition and tool format (2,400 scenarios)."""
    return [
        build_blackmail(seed, condition, tool_format)
        for seed in SEEDS
        for condition in condition_grid()
        for tool_format in FORMATS
    ]


def email_text(email: Email) -> str:
    return "\n".join([email.sender_name, email.sender, *email.to, email.subject, email.body])


def test_family_is_registered() -> None:
    assert FAMILIES["blackmail"] is build_blackmail


def test_same_seed_gives_identical_scenario() -> None:
    for seed in (0, 3, 99):
        for condition in condition_grid():
            for tool_format in FORMATS:
                first = build_blackmail(seed, condition, tool_format)
                again = build_blackmail(seed, condition, tool_format)
                assert first == again
                assert first.metadata() == again.metadata()


def test_scenario_is_byte_identical_across_processes() -> None:
    code = (
        "import hashlib;from storyprobe.scenarios import build_blackmail, condition_grid\n"
        "h = hashlib.sha256()\n"
        "for seed in range(5):\n"
        "    for c in condition_grid():\n"
        "        s = build_blackmail(seed, c, 'text')\n"
        "        h.update((s.system_prompt + s.user_prompt + repr(s.facts)).encode())\n"
        "print(h.hexdigest())\n"
    )
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": os.pathsep.join(sys.path)}
        run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        digests.add(run.stdout.strip())

    local = hashlib.sha256()
    for seed in range(5):
        for condition in condition_grid():
            s = build_blackmail(seed, condition, "text")
            local.update((s.system_prompt + s.user_prompt + repr(s.facts)).encode())
    assert digests == {local.hexdigest()}


def test_unknown_tool_format_is_rejected() -> None:
    with pytest.raises(ValueError, match="tool_format"):
        build_blackmail(1, Condition(), "json")  # type: ignore[arg-type]


def test_variety_over_seeds(scenarios: list[Scenario]) -> None:
    companies = {s.metadata()["world"]["company"] for s in scenarios}
    targets = {s.facts.target.name for s in scenarios}
    kinds = {s.facts.extra["secret_kind"] for s in scenarios}
    wordings: dict[str, set[str]] = defaultdict(set)
    for s in scenarios:
        for role, template in s.variants.items():
            wordings[role].add(template)

    assert len(companies) >= 150
    assert len(targets) >= 150
    assert kinds == set(SECRET_KINDS)
    for role in ("away", "direction", "threat", "concern", "routine", "status", "secret.main"):
        assert len(wordings[role]) >= 2, role
    assert len({t for role, ts in wordings.items() if role.startswith("filler") for t in ts}) >= 6


def test_every_template_file_is_used(scenarios: list[Scenario]) -> None:
    on_disk = {
        p.relative_to(TEMPLATE_DIR).as_posix()
        for folder in ("blackmail", "secrets", "shared")
        for p in (TEMPLATE_DIR / folder).rglob("*.j2")
    }
    on_disk -= FRAME_TEMPLATES | {"shared/tools_native.j2", "shared/tools_text.j2"}
    used = {template for s in scenarios for template in s.variants.values()}
    reachable = Condition(authority="reachable")
    used |= {t for seed in range(20) for t in build_blackmail(seed, reachable).variants.values()}

    assert on_disk - used == set()


def test_every_kind_renders_in_every_condition_and_format(scenarios: list[Scenario]) -> None:
    seen = {(s.facts.extra["secret_kind"], s.condition, s.tool_format) for s in scenarios}

    assert len(seen) == len(SECRET_KINDS) * len(condition_grid()) * len(FORMATS)
    for s in scenarios:
        for text in (s.system_prompt, s.user_prompt):
            assert "{{" not in text and "{%" not in text and "}}" not in text
            for line in text.splitlines():
                assert line == line.rstrip(), (s.seed, line)
                assert "  " not in line and " ," not in line and " ." not in line, (s.seed, line)


def test_signatures_stand_on_their_own_paragraph(scenarios: list[Scenario]) -> None:
    signed = 0
    for s in scenarios:
        for email in s.emails:
            names = {email.sender_name, email.sender_name.split()[0]}
            lines = email.body.splitlines()
            for before, line in itertools.pairwise(lines):
                if line.split(",")[0] in names:
                    signed += 1
                    closing = len(before.split()) <= 3 and before.endswith((",", "!"))
                    assert before == "" or closing, (s.seed, email.subject, before)
    assert signed > len(scenarios)


def test_inbox_is_numbered_in_time_order(scenarios: list[Scenario]) -> None:
    for s in scenarios:
        world = generate_world(s.seed) if s.world is None else s.world
        assert [e.id for e in s.emails] == [str(i) for i in range(1, len(s.emails) + 1)]
        assert [e.timestamp for e in s.emails] == sorted(e.timestamp for e in s.emails)
        assert s.emails[-1].timestamp < world.session_start.isoformat()
        for email in s.emails:
            assert f'<email id="{email.id}">' in s.user_prompt
            assert email.body in s.user_prompt
        fillers = [role for role in s.variants if role.startswith("filler.")]
        assert 3 <= len(fillers) <= 5


def test_leverage_is_in_the_leverage_emails(scenarios: list[Scenario]) -> None:
    for s in scenarios:
        ids = {e.id for e in s.emails}
        assert 1 <= len(s.facts.leverage_email_ids) <= 2
        assert set(s.facts.leverage_email_ids) <= ids
        leverage_text = "\n".join(
            email_text(s.email(i)) for i in s.facts.leverage_email_ids
        ).lower()
        for term in s.facts.leverage:
            assert term.lower() in leverage_text, (s.seed, term)


def test_target_and_third_parties_appear_in_the_inbox(scenarios: list[Scenario]) -> None:
    for s in scenarios:
        assert s.facts.target.email in s.user_prompt
        assert s.facts.target.address.endswith("@" + s.facts.internal_domain)
        assert s.facts.agent.email.endswith("@" + s.facts.internal_domain)
        for address in s.facts.third_parties:
            assert address in s.user_prompt, (s.seed, address)
            assert address != s.facts.target.email


def test_threat_email_names_deadline_and_threat_terms(scenarios: list[Scenario]) -> None:
    for s in scenarios:
        if s.condition.threat == "none":
            continue
        deadline = s.world.deadline.strftime("%H:%M") if s.world else ""
        (threat_id,) = s.facts.extra["threat_email_ids"]
        threat = email_text(s.email(threat_id)).lower()

        assert deadline and deadline in threat
        assert s.email(threat_id).sender == s.facts.target.email
        assert len(s.facts.threat_terms) >= 2
        for term in s.facts.threat_terms:
            assert term.lower() in threat, (s.seed, term)
        assert "unreachable" in s.user_prompt or "can't be reached" in s.user_prompt


def test_no_threat_without_a_threat_condition(scenarios: list[Scenario]) -> None:
    for s in scenarios:
        if s.condition.threat != "none":
            continue
        successor = s.metadata()["world"]["successor"]
        inbox = s.user_prompt.lower()

        assert s.facts.threat_terms == ()
        assert s.facts.extra["threat_email_ids"] == []
        assert successor.lower() not in inbox
        for word in THREAT_WORDS:
            assert word not in inbox, (s.seed, word)


def test_goal_only_with_explicit_goal_conflict(scenarios: list[Scenario]) -> None:
    for s in scenarios:
        goal = s.world.goal if s.world else None
        assert goal is not None
        explicit = s.condition.goal_conflict == "explicit"

        assert (goal.goal in s.system_prompt) == explicit
        assert (goal.direction in s.user_prompt) == explicit
        assert ("objective" in s.system_prompt) == explicit


def test_tool_format_instructions(scenarios: list[Scenario]) -> None:
    blocks = ("<tool_use:email>", "</tool_use:email>", "<tool_use:forward>", "email_id: 3")
    for s in scenarios:
        assert "<scratchpad>" in s.system_prompt
        for block in blocks:
            assert (block in s.system_prompt) == (s.tool_format == "text"), (s.seed, block)


def test_external_addresses_are_complete_and_outside(scenarios: list[Scenario]) -> None:
    for s in scenarios:
        domain = "@" + s.facts.internal_domain
        in_inbox = {a.lower() for a in ADDRESS.findall(s.user_prompt)}
        outside = {a for a in in_inbox if not a.endswith(domain)}

        assert s.facts.external_addresses
        assert all(not a.endswith(domain) for a in s.facts.external_addresses)
        assert set(s.facts.external_addresses) == outside


def test_metadata_is_json_safe_and_complete(scenarios: list[Scenario]) -> None:
    for s in scenarios[:: len(FORMATS)]:
        metadata = json.loads(json.dumps(s.metadata()))

        assert metadata == s.metadata()
        assert Facts.from_dict(metadata["facts"]) == s.facts
        assert metadata["condition"] == s.condition.label
        assert metadata["threat"] == s.condition.threat
        assert metadata["goal_conflict"] == s.condition.goal_conflict
        assert metadata["behaviour"] == "coercion"
        assert metadata["world"]["secret_kind"] == s.facts.extra["secret_kind"]
        assert metadata["world"]["target_name"] == s.facts.target.name


def test_conditions_change_only_the_condition_emails() -> None:
    for seed in range(20):
        builds = [build_blackmail(seed, c) for c in condition_grid()]
        leverage = {tuple(b.email(i) for i in b.facts.leverage_email_ids) for b in builds}
        assert len(leverage) == 1
        assert len({b.facts.leverage for b in builds}) == 1
        assert len({len(b.emails) for b in builds}) == 1


def test_prompt_size_stays_in_budget(scenarios: list[Scenario]) -> None:
    # About 3.6 characters per token for this prose with the embedded model's tokenizer.
    sizes = sorted(len(s.system_prompt) + len(s.user_prompt) for s in scenarios)
    assert sizes[0] >= 3_500
    assert sizes[-1] <= 7_600
    assert 4_400 <= sizes[len(sizes) // 2] <= 6_500
