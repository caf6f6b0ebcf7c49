"""The central bathing centre: stations, opening hours, transport and vans."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from carecap.sim.scenario import limits
from carecap.sim.scenario.base import Frozen, Name, UnitCount
from carecap.sim.scenario.distributions import DistOrNumber
from carecap.sim.scenario.schedule import WeeklySchedule


class Vans(Frozen):
    count: Annotated[int, Field(ge=0, le=limits.MAX_VANS)]
    seats: Annotated[int, Field(gt=0, le=limits.MAX_VANS)]


class BathingCentre(Frozen):
    district: Name
    stations: UnitCount
    hours: WeeklySchedule
    bath_duration_min: DistOrNumber
    transport_min: dict[Name, DistOrNumber]
    """One-way transport from the elder's district; the station is booked from pick-up."""
    vans: Vans | None = None
    """``None``: transport is not a constraint."""
