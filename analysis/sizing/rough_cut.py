"""Rough-cut capacity: offered busy hours per year ÷ on-shift hours per unit, at a target
utilisation.

For a pool, the *offered busy hours* are the hours its units spend on the work asked of them in a
year, travel included: utilisation (busy ÷ on-shift, :mod:`carecap.sim.metrics.resources`) times
the pool's on-shift hours, measured where the pool has ample capacity (the top of the search
range), so that the work served is the work offered. The number of units a varied shift group
needs is then ``(offered / target utilisation - hours of the pool's other groups) / hours per
unit``, rounded up. It ignores queueing (how much slack a wait target needs) and so is only the
first probe of the search, never its answer. When the pool is saturated even at the top of the
range (utilisation >= 0.98), the offered hours are a lower bound, and :attr:`RoughCut.saturated`
says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from carecap.analysis.sizing.capacity_hours import group_hours
from carecap.analysis.sizing.vary import Varied
from carecap.sim.scenario.model import Scenario

SATURATED = 0.98
"""Utilisation from which the busy hours measured no longer show the whole offered work."""


@dataclass(frozen=True)
class PoolLoad:
    """A pool's offered busy hours and on-shift hours per year."""

    pool: str
    on_shift_hours_per_year: float
    utilisation: float

    @property
    def offered_busy_hours_per_year(self) -> float:
        return self.utilisation * self.on_shift_hours_per_year

    @property
    def saturated(self) -> bool:
        return self.utilisation >= SATURATED


@dataclass(frozen=True)
class RoughCut:
    """The rough-cut number of units for one varied shift group (or stations, vans)."""

    path: str
    load: PoolLoad
    hours_per_unit_per_year: float
    other_hours_per_year: float
    target_utilisation: float

    @property
    def units(self) -> int:
        if self.hours_per_unit_per_year <= 0:
            return 0
        need = self.load.offered_busy_hours_per_year / self.target_utilisation
        return max(0, math.ceil((need - self.other_hours_per_year) / self.hours_per_unit_per_year))


def pool_loads(scenario: Scenario, utilisation_by_pool: dict[str, float]) -> dict[str, PoolLoad]:
    """Each pool's load, from its utilisation (e.g. the mean over replications) in
    ``scenario``."""
    hours: dict[str, float] = {}
    for g in group_hours(scenario):
        hours[g.pool] = hours.get(g.pool, 0.0) + g.count * g.hours_per_unit_per_year
    return {
        pool: PoolLoad(pool, on_shift, utilisation_by_pool[pool])
        for pool, on_shift in hours.items()
        if pool in utilisation_by_pool and not math.isnan(utilisation_by_pool[pool])
    }


def rough_cut(
    scenario: Scenario,
    varied: list[Varied],
    utilisation_by_pool: dict[str, float],
    target_utilisation: float = 0.85,
) -> list[RoughCut | None]:
    """The rough-cut for each varied path (None for a path that sizes no pool, or a pool with
    no utilisation), from the utilisation measured in ``scenario``."""
    if not 0 < target_utilisation <= 1:
        raise ValueError(f"target_utilisation must be in (0, 1], got {target_utilisation}")
    loads = pool_loads(scenario, utilisation_by_pool)
    groups = group_hours(scenario)
    out: list[RoughCut | None] = []
    for v in varied:
        if v.pool is None or v.pool not in loads:
            out.append(None)
            continue
        mine = [g for g in groups if g.pool == v.pool]
        unit = next((g for g in mine if g.group == v.group), None)
        if unit is None:
            out.append(None)
            continue
        others = sum(g.count * g.hours_per_unit_per_year for g in mine if g.group != v.group)
        hours = unit.hours_per_unit_per_year
        out.append(RoughCut(v.path, loads[v.pool], hours, others, target_utilisation))
    return out
