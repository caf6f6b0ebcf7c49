"""The central bathing centre: stations, opening hours, transport and vans; the centre-bath
service (its draws, pool and target; requests are made by the bath demand, see ``bathing``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import numpy as np
from pydantic import Field, TypeAdapter, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from carecap.sim.scenario import limits
from carecap.sim.scenario.base import (
    DatedCapacity,
    Frozen,
    Name,
    ShiftName,
    UnitCount,
    Window,
    clip_to_window,
    within,
)
from carecap.sim.scenario.distributions import DistOrNumber
from carecap.sim.scenario.schedule import WeeklySchedule
from carecap.sim.services.home_bath import Booking
from carecap.sim.services.spec import PoolSpec, Service, Target
from carecap.sim.units import DAY_MIN

if TYPE_CHECKING:
    from carecap.sim.engine.demand import DemandPlan, ElderSequence
    from carecap.sim.scenario.model import Scenario


class Vans(DatedCapacity):
    """The centre's vans: vehicles, each in one place at a time (:mod:`carecap.sim.engine.vans`).

    Their cost is ``costs.van_per_hour`` (vehicle and driver, per van hour), the one place for it.
    """

    CAPACITY_WORD = "fleet"

    count: Annotated[int, Field(ge=0, le=limits.MAX_VANS)]
    seats: Annotated[int, Field(gt=0, le=limits.MAX_VANS)]
    hours: WeeklySchedule | None = None
    """When a van may leave on a pick-up run (return runs go whenever baths end); default: the
    centre's opening hours."""
    per_stop_min: Annotated[float, Field(ge=0, le=limits.MAX_VAN_STOP_MIN)] = 0.0
    """Minutes the van stops at each elder's home (to help them aboard, or off on the way back)."""
    from_date: dt.date | None = None
    """First day the vans run (pick-up runs on ``[from_date, to_date)`` only); None: from the
    start."""
    to_date: dt.date | None = None
    """Day the vans stop leaving on pick-up runs (exclusive; return runs still bring home the
    elders at the centre); None: to the end."""


_STATION_COUNT: TypeAdapter[int] = TypeAdapter(UnitCount)


class StationGroup(DatedCapacity):
    """Stations that work only on ``[from_date, to_date)`` (the centre's opening hours)."""

    CAPACITY_WORD = "group"

    name: ShiftName | None = None
    count: UnitCount
    from_date: dt.date | None = None
    """First day the group's stations work; None: from the start (or the centre's opening)."""
    to_date: dt.date | None = None
    """Day they stop (exclusive); None: to the end."""


class BathingCentre(Frozen):
    district: Name
    stations: UnitCount | Annotated[list[StationGroup], Field(min_length=1)]
    """A number of stations, or a list of dated groups ``{count, from_date, to_date}`` (e.g.
    more stations from July)."""

    @field_validator("stations", mode="before")
    @classmethod
    def _station_count(cls, value):
        """A value that is not a list is a plain count, and its error says so (not the union's
        two complaints)."""
        if isinstance(value, list):
            return value
        try:
            return _STATION_COUNT.validate_python(value)
        except ValidationError as exc:
            err = exc.errors()[0]
            raise PydanticCustomError(err["type"], err["msg"], err.get("ctx")) from None

    hours: WeeklySchedule
    bath_duration_min: DistOrNumber
    transport_min: dict[Name, DistOrNumber]
    """One-way transport from the elder's district. Without vans the elder comes by their own
    means and the station is held from their departure; with vans, the van drives this (the k-th
    draw of the first elder picked) out and back, and the station is held from arrival."""
    vans: Vans | None = None
    """``None``: elders come by their own means (transport time, no vehicle limit)."""
    opens_on: dt.date | None = None
    """The day the centre opens (None: open from the start). Its stations and vans work from
    then on; baths made before it are routed home where a home-bathing team serves the district,
    else (and the centre's own initial waiting list) they wait for the opening."""

    booking: Booking | None = None
    """Book each centre bath into a station slot when it falls due (absent: it queues); with
    ``vans``, together with a van run that arrives at the slot (see
    :mod:`carecap.sim.engine.booked_runs`)."""

    def station_groups(self) -> list[StationGroup]:
        """The stations as dated groups (a plain count is one group without dates)."""
        if isinstance(self.stations, int):
            return [StationGroup(count=self.stations)]
        return list(self.stations)

    def van_intervals(self, start_date: dt.date, end_min: float) -> list[tuple[float, float]]:
        """When pick-up runs may leave, in simulation minutes up to ``end_min``: van hours inside
        the vans' dates, from the day the centre opens (``opens_on``: no run before it, so the
        van hours, their cost and utilisation start there, as the stations' do)."""
        spans = self.van_hours().intervals(start_date.weekday(), end_min)
        van_dates = (None, None) if self.vans is None else (self.vans.from_date, self.vans.to_date)
        return clip_to_window(spans, within((self.opens_on, None), van_dates), start_date)

    def van_hours(self) -> WeeklySchedule:
        """When vans may start pick-up runs: ``vans.hours``, else the centre's opening hours."""
        if self.vans is None or self.vans.hours is None:
            return self.hours
        return self.vans.hours

    def open_min(self, start_date: dt.date) -> float:
        """Simulation minute at which the centre opens (0 when open from the start)."""
        if self.opens_on is None:
            return 0.0
        return max(0.0, (self.opens_on - start_date).days * DAY_MIN)


# --- plugging into the engine ----------------------------------------------------------------

POOL = "centre"


@dataclass(frozen=True)
class CentreDraws:
    """The k-th bath of an elder, if routed to the centre, takes these k-th draws."""

    transport: ElderSequence
    duration: ElderSequence


def draws(plan: DemandPlan, levels: list[int], width: int) -> CentreDraws | None:
    """Per-elder transport and bath duration (``levels``: the levels entitled to bathing)."""
    centre = plan.s.bathing_centre
    if centre is None:
        return None
    transport = plan.seq(
        "centre_bath.transport", plan.e.district, plan.by_district(centre.transport_min), width
    )
    duration = plan.seq(
        "centre_bath.duration", plan.e.level, dict.fromkeys(levels, centre.bath_duration_min), width
    )
    return CentreDraws(transport, duration)


def centre_levels(plan: DemandPlan) -> list[int]:
    """Care-level codes that may go to the centre (``routing.centre_care_levels``, by default
    the levels with ``can_go_to_centre``)."""
    s = plan.s
    names = s.routing.centre_care_levels
    if names is None:
        names = [n for n, lv in s.care_levels.items() if lv.can_go_to_centre]
    return [plan.level_index[n] for n in names]


def _eligible(plan: DemandPlan) -> np.ndarray:
    """Elders entitled to bathing whose level may go to the centre and whose district is near
    enough (``routing.max_centre_transport_min``)."""
    s, e = plan.s, plan.e
    ok = plan.demand_eligible("bath") & np.isin(e.level, centre_levels(plan))
    centre, limit = s.bathing_centre, s.routing.max_centre_transport_min
    if centre is not None and limit is not None:
        near = [
            plan.district_index[d] for d, x in centre.transport_min.items() if x.mean() <= limit
        ]
        ok &= np.isin(e.district, near)
    return ok


def _pool(scenario: Scenario, _district: str) -> str | None:
    return POOL if scenario.bathing_centre is not None else None


def _target(scenario: Scenario) -> Target | None:
    bath = scenario.services.bath
    return None if bath is None else Target(bath.target_days * DAY_MIN, "days")


def pool_specs(scenario: Scenario) -> list[PoolSpec]:
    c = scenario.bathing_centre
    if c is None:
        return []
    # Vans are vehicles run by carecap.sim.engine.vans, not a limit on this pool.
    groups = c.station_groups()
    shifts: list[tuple[int, WeeklySchedule, Sequence[str]]] = [
        (g.count, c.hours, ["centre_bath"]) for g in groups
    ]
    dates: list[Window] = [within((c.opens_on, None), (g.from_date, g.to_date)) for g in groups]
    return [PoolSpec(POOL, "station", shifts, dates=dates)]


SERVICE = Service("centre_bath", 0, "station", "bath", _pool, _target, _eligible)
