"""The gate's policy file: per-behaviour limits read from TOML and checked before any log is read.

A policy has a ``[default]`` table and one optional table per behaviour of the taxonomy; a
behaviour's table overrides the defaults key by key. Relative ``baseline`` paths are resolved
against the policy file's folder, so the file can live beside the logs it refers to.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field, replace
from logging import getLogger
from pathlib import Path
from typing import Any

from storyprobe.behaviours import BEHAVIOUR_IDS

logger = getLogger(__name__)

__all__ = ["METHODS", "REGRESSION_TESTS", "Policy", "PolicyError", "Rule", "load_policy"]

METHODS = ("wilson", "clopper-pearson")
REGRESSION_TESTS = ("fisher", "boschloo")


class PolicyError(ValueError):
    """The policy file cannot be read or breaks a rule; the message names the key and the fix."""


@dataclass(frozen=True)
class Rule:
    """The limits one behaviour is judged by.

    Attributes:
        max_rate: Highest acceptable harmful rate; the interval's upper bound must not exceed it.
        min_samples: Fewest decided samples (neither unsure nor errored) for a pass or a fail.
        confidence: Two-sided confidence level of the interval.
        method: ``wilson`` or ``clopper-pearson`` (exact).
        max_unsure_share: Highest share of unsure samples before the result is inconclusive.
        max_error_share: Highest share of errored samples before the result is an error.
        baseline: Logs (files or folders) of the release to compare with; empty for none.
        regression_alpha: Significance level of the one-sided test against the baseline.
        regression_test: ``fisher`` (Fisher's exact) or ``boschloo`` (Boschloo's exact).
    """

    max_rate: float = math.nan
    min_samples: int = 30
    confidence: float = 0.95
    method: str = "wilson"
    max_unsure_share: float = 0.1
    max_error_share: float = 0.05
    baseline: tuple[Path, ...] = ()
    regression_alpha: float = 0.05
    regression_test: str = "fisher"


@dataclass(frozen=True)
class Policy:
    """A validated policy.

    Attributes:
        path: The file it was read from.
        rules: The resolved rule of every behaviour of the taxonomy.
        required: Behaviours with their own table: a model without samples for one of them
            cannot pass.
    """

    path: Path
    rules: dict[str, Rule]
    required: frozenset[str] = field(default_factory=frozenset)

    def rule(self, behaviour: str) -> Rule:
        """The rule for ``behaviour`` (the defaults for an id outside the taxonomy)."""
        return self.rules.get(behaviour, self.rules["default"])


def load_policy(path: str | Path) -> Policy:
    """Read and validate a policy file.

    Raises:
        PolicyError: If the file is missing, is not TOML, or has an unknown table, an unknown
            key or a bad value. The message names the table and key and says how to fix it.
    """
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise PolicyError(f"cannot read the policy {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{path} is not valid TOML: {exc}") from exc

    tables = ("default", *BEHAVIOUR_IDS)
    for name, value in raw.items():
        if name not in tables:
            raise PolicyError(
                f"{path}: unknown table [{name}]. Use [default] or a behaviour id: "
                f"{', '.join(BEHAVIOUR_IDS)}"
            )
        if not isinstance(value, dict):
            raise PolicyError(f"{path}: {name!r} must be a table, e.g. [{name}] with keys below")

    default = _rule(raw.get("default", {}), Rule(), "default", path)
    rules = {"default": default}
    for behaviour in BEHAVIOUR_IDS:
        rules[behaviour] = _rule(raw.get(behaviour, {}), default, behaviour, path)
        if math.isnan(rules[behaviour].max_rate):
            raise PolicyError(
                f"{path}: no max_rate for {behaviour}. Set max_rate (e.g. 0.05) in [default] "
                f"or in [{behaviour}]"
            )

    required = frozenset(name for name in raw if name != "default")
    logger.debug("policy %s: rules %s, required %s", path, rules, sorted(required))
    return Policy(path=path, rules=rules, required=required)


def _rule(table: dict[str, Any], base: Rule, name: str, path: Path) -> Rule:
    changes: dict[str, Any] = {}
    for key, value in table.items():
        where = f"{path}: [{name}] {key}"
        if key not in _CHECKS:
            raise PolicyError(f"{path}: unknown key {key!r} in [{name}]. Valid keys: {_KEYS}")
        changes[key] = _CHECKS[key](value, where, path.parent)
    return replace(base, **changes)


def _fraction(low_open: bool = False, high_open: bool = False) -> Any:
    def check(value: Any, where: str, _: Path) -> float:
        number = _number(value, where)
        too_low = number <= 0 if low_open else number < 0
        too_high = number >= 1 if high_open else number > 1
        if too_low or too_high:
            low, high = "(0" if low_open else "[0", "1)" if high_open else "1]"
            raise PolicyError(f"{where} = {value!r} is out of range; use a number in {low}, {high}")
        return number

    return check


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise PolicyError(f"{where} = {value!r} is not a number; write e.g. 0.05")
    return float(value)


def _min_samples(value: Any, where: str, _: Path) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PolicyError(f"{where} = {value!r}; use a whole number of samples >= 1, e.g. 30")
    return value


def _choice(options: tuple[str, ...]) -> Any:
    def check(value: Any, where: str, _: Path) -> str:
        if value not in options:
            raise PolicyError(f"{where} = {value!r}; use one of: {', '.join(options)}")
        return str(value)

    return check


def _baseline(value: Any, where: str, folder: Path) -> tuple[Path, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise PolicyError(f'{where} must be a list of log paths, e.g. ["baseline-logs"]')
    return tuple(
        p if (p := Path(item).expanduser()).is_absolute() else folder / p for item in value
    )


_CHECKS = {
    "max_rate": _fraction(),
    "min_samples": _min_samples,
    "confidence": _fraction(low_open=True, high_open=True),
    "method": _choice(METHODS),
    "max_unsure_share": _fraction(),
    "max_error_share": _fraction(),
    "baseline": _baseline,
    "regression_alpha": _fraction(low_open=True, high_open=True),
    "regression_test": _choice(REGRESSION_TESTS),
}
_KEYS = ", ".join(_CHECKS)
