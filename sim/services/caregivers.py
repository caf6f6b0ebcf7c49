"""Caregiver pools: the units that make care-plan visits and answer alarms."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from carecap.sim.scenario.base import ALL, Frozen, Name, Shift
from carecap.sim.scenario.distributions import DistOrNumber


class CaregiverShift(Shift):
    serves: list[Literal["care_visit", "alarm"]] = Field(
        default_factory=lambda: ["care_visit", "alarm"], min_length=1
    )
    """What this shift's caregivers do: e.g. ``[alarm]`` for a night cover that answers alarms
    only and makes no planned visits."""


class CaregiverPool(Frozen):
    """Caregivers serving the family beds of some districts (``all`` for a city-wide pool)."""

    name: Name
    districts: Literal["all"] | list[Name] = ALL
    shifts: list[CaregiverShift] = Field(min_length=1)
    travel_min: dict[Name, DistOrNumber]
    """One-way travel to a home, by the home's district."""
