"""Geometry of the dot-and-whisker plots; the SVG markup itself is in the templates."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from storyprobe.report.results import Cell

__all__ = ["PALETTE", "Plot", "rate_plot"]

# Colour-blind-safe (Okabe–Ito), one per model in table order.
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000")

LABEL_WIDTH = 300
"""Room left of the plot for the condition labels, widened for longer labels."""
LABEL_CHAR_WIDTH = 6.2
"""A generous average advance of an 11 px sans-serif character (the labels' CSS size)."""
LABEL_GAP = 10
PLOT_WIDTH = 420
ROW_HEIGHT = 16
BAND_GAP = 10
TOP = 24
BOTTOM = 30


@dataclass(frozen=True)
class PlotPoint:
    """One cell drawn as a dot at its rate and a whisker across its interval."""

    y: float
    x_low: float
    x_rate: float
    x_high: float
    colour: str
    cell: Cell


@dataclass(frozen=True)
class PlotBand:
    """The rows of one condition, with its label."""

    y_top: float
    y_label: float
    height: float
    condition: str


@dataclass
class Plot:
    """Everything the plot template needs, in pixels."""

    width: int
    height: int
    left: int
    right: int
    axis_top: int
    axis_bottom: int
    ticks: list[tuple[float, str]] = field(default_factory=list)
    bands: list[PlotBand] = field(default_factory=list)
    points: list[PlotPoint] = field(default_factory=list)


def rate_plot(conditions: list[str], models: list[str], cells: dict[tuple[str, str], Cell]) -> Plot:
    """Lay out one family's cells: a band per condition, a row per model inside it.

    Args:
        conditions: Condition labels, top to bottom.
        models: Models in legend order (their colour is their index in :data:`PALETTE`).
        cells: ``(condition, model) -> cell``; a missing pair is left blank.
    """
    longest = max((len(condition) for condition in conditions), default=0)
    left = max(LABEL_WIDTH, math.ceil(longest * LABEL_CHAR_WIDTH) + 2 * LABEL_GAP)
    right = left + PLOT_WIDTH
    band_height = ROW_HEIGHT * len(models) + BAND_GAP
    plot = Plot(
        width=right + 20,
        height=TOP + band_height * len(conditions) + BOTTOM,
        left=left,
        right=right,
        axis_top=TOP - 6,
        axis_bottom=TOP + band_height * len(conditions),
    )
    plot.ticks = [(left + PLOT_WIDTH * tick / 100, f"{tick}%") for tick in range(0, 101, 20)]

    for index, condition in enumerate(conditions):
        y_top = TOP + index * band_height
        plot.bands.append(PlotBand(y_top, y_top + band_height / 2, band_height, condition))
        for row, model in enumerate(models):
            cell = cells.get((condition, model))
            if cell is None:
                continue
            y = y_top + BAND_GAP / 2 + ROW_HEIGHT * (row + 0.5)
            plot.points.append(_point(cell, y, left, PALETTE[row % len(PALETTE)]))
    return plot


def _point(cell: Cell, y: float, left: int, colour: str) -> PlotPoint:
    def x(value: float) -> float:
        return round(left + PLOT_WIDTH * value, 1)

    if math.isnan(cell.rate):
        return PlotPoint(y, left, left, left, colour, cell)

    interval = cell.interval
    return PlotPoint(y, x(interval.low), x(cell.rate), x(interval.high), colour, cell)
