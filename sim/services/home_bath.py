"""In-home bathing teams: configuration."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from carecap.sim.scenario.base import ALL, Frozen, Name, Shift
from carecap.sim.scenario.distributions import DistOrNumber


class BathTeamPool(Frozen):
    name: Name
    base_district: Name
    districts: Literal["all"] | list[Name] = ALL
    shifts: list[Shift] = Field(min_length=1)
    travel_min: dict[Name, DistOrNumber]


class HomeBathing(Frozen):
    teams: list[BathTeamPool] = Field(min_length=1)
    setup_min: DistOrNumber
    bath_min: DistOrNumber
    packup_min: DistOrNumber
