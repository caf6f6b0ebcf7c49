"""Caregiver pools: the units that make care-plan visits and answer alarms."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from carecap.sim.scenario.base import ALL, DatedCapacity, Name, Shift, within
from carecap.sim.scenario.distributions import DistOrNumber
from carecap.sim.services.spec import PoolSpec

if TYPE_CHECKING:
    from carecap.sim.engine.demand import DemandPlan
    from carecap.sim.scenario.model import Scenario


def _all_tasks() -> list[Literal["care_visit", "alarm"]]:
    return ["care_visit", "alarm"]


class CaregiverShift(Shift):
    serves: list[Literal["care_visit", "alarm"]] = Field(default_factory=_all_tasks, min_length=1)
    """What this shift's caregivers do: e.g. ``[alarm]`` for a night cover that answers alarms
    only and makes no planned visits."""


class CaregiverPool(DatedCapacity):
    """Caregivers serving the family beds of some districts (``all`` for a city-wide pool)."""

    CAPACITY_WORD = "pool"

    name: Name
    districts: Literal["all"] | list[Name] = ALL
    shifts: list[CaregiverShift] = Field(min_length=1)
    travel_min: dict[Name, DistOrNumber]
    """One-way travel to a home, by the home's district."""
    from_date: dt.date | None = None
    """First day the whole pool works (each shift group also within its own dates); None: from
    the start."""
    to_date: dt.date | None = None
    """Day the whole pool stops (exclusive); None: to the end."""


# --- plugging into the engine ----------------------------------------------------------------


def caregiver_pool(scenario: Scenario, district: str) -> str | None:
    """Name of the caregiver pool serving the family beds of ``district`` (None: no pool)."""
    name = None
    for pool in scenario.caregivers:
        if pool.districts == ALL or district in pool.districts:
            name = pool.name
    return name


def travel_by_district(plan: DemandPlan) -> dict[int, DistOrNumber]:
    """Caregivers' one-way travel to a home, by the home's district code (from the pool that
    serves the district)."""
    return {
        plan.district_index[d]: dist
        for pool in plan.s.caregivers
        for d, dist in pool.travel_min.items()
        if pool.districts == ALL or d in pool.districts
    }


def pool_specs(scenario: Scenario) -> list[PoolSpec]:
    return [
        PoolSpec(
            p.name,
            "caregiver",
            [(x.count, x.hours, x.serves) for x in p.shifts],
            dates=[within((p.from_date, p.to_date), (x.from_date, x.to_date)) for x in p.shifts],
        )
        for p in scenario.caregivers
    ]
