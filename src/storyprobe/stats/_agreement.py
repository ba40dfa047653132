"""Agreement between two raters (the offline rules and the LLM judge): a confusion table and
Cohen's kappa."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Agreement", "cohen_kappa"]

LABELS: tuple[str, ...] = ("harmful", "benign", "unsure")


@dataclass(frozen=True)
class Agreement:
    """How often two raters gave the same label, beyond what chance would give.

    Attributes:
        labels: The categories, in table order.
        table: ``table[i][j]`` counts items rater A put in ``labels[i]`` and rater B in
            ``labels[j]``.
        n: Items rated by both.
        observed: Share of items on which the raters agree.
        expected: Agreement expected by chance from each rater's label shares.
        kappa: Cohen's kappa, ``(observed - expected) / (1 - expected)``; NaN when
            ``expected`` is 1 (both raters used one and the same label for everything) or
            there are no items.
    """

    labels: tuple[str, ...]
    table: tuple[tuple[int, ...], ...]
    n: int
    observed: float
    expected: float
    kappa: float

    def to_dict(self) -> dict[str, object]:
        """JSON-safe form (NaN becomes None)."""
        clean = lambda x: None if math.isnan(x) else round(x, 4)  # noqa: E731
        return {
            "labels": list(self.labels),
            "table": [list(row) for row in self.table],
            "n": self.n,
            "observed": clean(self.observed),
            "expected": clean(self.expected),
            "kappa": clean(self.kappa),
        }


def cohen_kappa(pairs: Iterable[tuple[str, str]], labels: tuple[str, ...] = LABELS) -> Agreement:
    """Cohen's kappa and the confusion table of paired labels ``(rater A, rater B)``.

    Raises:
        ValueError: For a label outside ``labels``.
    """
    index = {label: i for i, label in enumerate(labels)}
    table = [[0] * len(labels) for _ in labels]
    for a, b in pairs:
        if a not in index or b not in index:
            raise ValueError(f"label pair ({a!r}, {b!r}) not in {labels}")
        table[index[a]][index[b]] += 1

    n = sum(map(sum, table))
    if n == 0:
        return Agreement(labels, tuple(map(tuple, table)), 0, math.nan, math.nan, math.nan)

    observed = sum(table[i][i] for i in range(len(labels))) / n
    rows = [sum(row) / n for row in table]
    columns = [sum(row[j] for row in table) / n for j in range(len(labels))]
    expected = sum(r * c for r, c in zip(rows, columns, strict=True))
    kappa = math.nan if math.isclose(expected, 1.0) else (observed - expected) / (1 - expected)
    return Agreement(labels, tuple(map(tuple, table)), n, observed, expected, kappa)
