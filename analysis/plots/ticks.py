"""Tick labels with as many decimals as their ticks need: ticks 0.25 % apart read ``99.25%``,
``99.50%``, not ``99%``, ``100%``, ``100%``; adjacent labels always differ.

The decimals are chosen when matplotlib hands a formatter the tick values
(:meth:`~matplotlib.ticker.Formatter.set_locs`), so they follow the locator's step at any zoom.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable

from matplotlib.ticker import Formatter, PercentFormatter

MOST_DECIMALS = 6
"""Ticks closer than 10**-6 (of the shown unit) are written with six decimals all the same."""


def tick_decimals(values: Iterable[float], most: int = MOST_DECIMALS) -> int:
    """The fewest decimals (0 to ``most``) that write every tick value exactly: 99, 99.25, 99.5
    need 2; 0, 20, 40 need none. Exact labels of distinct ticks are distinct."""
    finite = sorted({float(v) for v in values if math.isfinite(v)})
    gaps = [b - a for a, b in itertools.pairwise(finite) if b > a]
    spacing = min(gaps) if gaps else max((abs(v) for v in finite), default=1.0) or 1.0
    tolerance = spacing * 1e-3  # well below the step, well above float noise (99.25000000000001)
    for decimals in range(most + 1):
        if all(abs(round(v, decimals) - v) <= tolerance for v in finite):
            return decimals
    return most


class StepPercentFormatter(PercentFormatter):
    """Shares (0-1) as percentages, with the decimals the ticks' step needs."""

    def __init__(self) -> None:
        super().__init__(xmax=1.0, decimals=0)

    def set_locs(self, locs) -> None:
        super().set_locs(locs)
        self.decimals = tick_decimals(self.convert_to_pct(v) for v in locs)


class StepNumberFormatter(Formatter):
    """Numbers with thousands separators (``12,500``), with the decimals the ticks' step
    needs."""

    def __init__(self) -> None:
        self.decimals = 0

    def set_locs(self, locs) -> None:
        super().set_locs(locs)
        self.decimals = tick_decimals(locs)

    def __call__(self, x, pos=None) -> str:
        return self.fix_minus(f"{x:,.{self.decimals}f}")
