"""Token prices a user supplies (``--prices prices.toml``), to estimate what a run cost.

The file gives US dollars per million tokens for each model, by its Inspect name::

    ["openai/gpt-4.1"]
    input = 2.00
    output = 8.00
    cache_read = 0.50   # optional: price of cached input tokens

    ["anthropic/claude-opus-4-1"]
    input = 15.00
    output = 75.00

A model with no entry gets no cost (shown as "no price"), never a guessed one.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ModelPrice", "PricesError", "load_prices"]


class PricesError(ValueError):
    """The prices file cannot be read; the message names the file and the entry."""


@dataclass(frozen=True)
class ModelPrice:
    """Dollars per million tokens for one model."""

    input: float
    output: float
    cache_read: float | None = None

    def cost(self, input_tokens: int, output_tokens: int, cache_read_tokens: int = 0) -> float:
        """Dollars for the given token counts (cached input at full price if no cache price)."""
        cached = self.cache_read if self.cache_read is not None else self.input
        return (
            input_tokens * self.input + output_tokens * self.output + cache_read_tokens * cached
        ) / 1_000_000


def load_prices(path: str | Path) -> dict[str, ModelPrice]:
    """Read a prices file (see the module docstring).

    Raises:
        PricesError: For unreadable TOML, a missing ``input``/``output`` price, or a price that
            is not a non-negative number.
    """
    try:
        raw = tomllib.loads(Path(path).read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PricesError(f"{path}: cannot read prices ({exc})") from exc

    prices: dict[str, ModelPrice] = {}
    for model, entry in raw.items():
        if not isinstance(entry, dict) or not {"input", "output"} <= set(entry):
            raise PricesError(
                f'{path}: ["{model}"] needs input and output prices in dollars per million '
                "tokens, e.g. input = 2.0 and output = 8.0"
            )
        values = {key: entry.get(key) for key in ("input", "output", "cache_read")}
        for key, value in values.items():
            if value is not None and (not isinstance(value, int | float) or value < 0):
                raise PricesError(f'{path}: ["{model}"] {key} = {value!r} is not a price')
        prices[model] = ModelPrice(
            float(entry["input"]),
            float(entry["output"]),
            None if values["cache_read"] is None else float(values["cache_read"]),
        )
    return prices
