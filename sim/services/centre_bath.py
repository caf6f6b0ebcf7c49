"""The central bathing centre: stations, opening hours, transport and vans."""

from __future__ import annotations

from pydantic import NonNegativeInt, PositiveInt

from carecap.sim.scenario.base import Frozen, Name
from carecap.sim.scenario.distributions import DistOrNumber
from carecap.sim.scenario.schedule import WeeklySchedule


class Vans(Frozen):
    count: NonNegativeInt
    seats: PositiveInt


class BathingCentre(Frozen):
    district: Name
    stations: NonNegativeInt
    hours: WeeklySchedule
    bath_duration_min: DistOrNumber
    transport_min: dict[Name, DistOrNumber]
    """One-way transport from the elder's district; the station is booked from pick-up."""
    vans: Vans | None = None
    """``None``: transport is not a constraint."""
