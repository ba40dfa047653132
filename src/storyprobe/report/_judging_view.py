"""Arrange eval-awareness rates, the judge's share and agreement, and token cost for the
report template (``templates/judging.html.j2``).

The numbers come from :func:`~storyprobe.report.judging.awareness_cells`,
:func:`~storyprobe.report.judging.judge_summaries` and
:func:`~storyprobe.report.judging.usage_rows`, the same functions the CLI prints; this module
only orders and sums them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from inspect_ai.log import EvalLog

from storyprobe.report.judging import (
    JudgeSummary,
    UsageRow,
    awareness_cells,
    judge_summaries,
    usage_rows,
)
from storyprobe.report.prices import ModelPrice
from storyprobe.report.results import Cell

logger = logging.getLogger(__name__)

__all__ = ["AwarenessView", "CostView", "JudgeView", "build_judging_views"]

AWARENESS_ORDER = ("evaluation", "real", "unstated", "unknown")
"""Row order of the awareness table; ``unknown`` is a sample whose score has no label."""

ERRORS_SHOWN = 3


@dataclass(frozen=True)
class StatedShare:
    """How many of one model's labelled samples said what they believed about the situation."""

    model: str
    labelled: int
    evaluation: int
    real: int

    @property
    def stated(self) -> int:
        """Samples that said either evaluation or real."""
        return self.evaluation + self.real

    @property
    def share(self) -> float:
        """Stated over labelled samples (0 when none is labelled)."""
        return self.stated / self.labelled if self.labelled else 0.0


@dataclass(frozen=True)
class AwarenessView:
    """Rates per model × family × awareness label, and who stated a belief.

    Attributes:
        available: Some score carries an awareness label.
        cells: One per model, family and label; the label (without ``awareness=``) is the
            cell's ``condition``.
        shares: One per model, plus an ``all models`` total when there are several models.
        unlabelled: Samples whose score has no label (failed, not scored, or older logs).
    """

    available: bool
    cells: list[Cell]
    shares: list[StatedShare]
    unlabelled: int


@dataclass(frozen=True)
class JudgeView:
    """The judge's share of the work, its errors and its agreement with the rules."""

    summaries: list[JudgeSummary]
    errors_shown: int

    @property
    def any_judged(self) -> bool:
        """Some sample was sent to a judge."""
        return any(summary.judged for summary in self.summaries)


@dataclass(frozen=True)
class CostView:
    """Tokens per role and model, with the cost where prices were given."""

    rows: list[UsageRow]
    prices_given: bool

    @property
    def total(self) -> float | None:
        """Summed cost of the priced rows (None when no row has a price)."""
        known = [row.cost for row in self.rows if row.cost is not None]
        return sum(known) if known else None

    @property
    def unpriced(self) -> list[str]:
        """Models that used tokens but have no price."""
        return list(dict.fromkeys(row.model for row in self.rows if row.cost is None))


def build_judging_views(
    counted: list[EvalLog], spent: list[EvalLog], prices: dict[str, ModelPrice] | None
) -> tuple[AwarenessView, JudgeView, CostView]:
    """The three views.

    Args:
        counted: Logs with every sample once (rates and agreement are over samples).
        spent: The logs as read (tokens are what each log spent, duplicates included).
        prices: Dollars per million tokens per model, or None.
    """
    return (
        _awareness(counted),
        JudgeView(judge_summaries(counted), ERRORS_SHOWN),
        CostView(usage_rows(spent, prices), prices is not None),
    )


def _awareness(logs: list[EvalLog]) -> AwarenessView:
    cells = awareness_cells(logs)
    for cell in cells:
        cell.condition = cell.condition.removeprefix("awareness=")
    order = {label: index for index, label in enumerate(AWARENESS_ORDER)}
    cells.sort(key=lambda c: (c.model, c.family, order.get(c.condition, len(order))))

    counts: dict[str, dict[str, int]] = {}
    for cell in cells:
        by_label = counts.setdefault(cell.model, dict.fromkeys(AWARENESS_ORDER, 0))
        by_label[cell.condition] = by_label.get(cell.condition, 0) + cell.n
    shares = [
        StatedShare(model, c["evaluation"] + c["real"] + c["unstated"], c["evaluation"], c["real"])
        for model, c in counts.items()
    ]
    if len(shares) > 1:
        shares.append(
            StatedShare(
                "all models",
                sum(s.labelled for s in shares),
                sum(s.evaluation for s in shares),
                sum(s.real for s in shares),
            )
        )

    available = any(cell.condition in AWARENESS_ORDER[:3] for cell in cells)
    unlabelled = sum(c["unknown"] for c in counts.values())
    return AwarenessView(available, cells, shares, unlabelled)
