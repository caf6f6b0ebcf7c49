"""In-home bathing teams: configuration; the home-bath service (its draws, pool and target;
requests are made by the bath demand, see ``bathing``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from carecap.sim.scenario import limits
from carecap.sim.scenario.base import ALL, DatedCapacity, Frozen, Name, Shift, within
from carecap.sim.scenario.distributions import DistOrNumber
from carecap.sim.services.spec import PoolSpec, Service, Target
from carecap.sim.units import DAY_MIN

if TYPE_CHECKING:
    from carecap.sim.engine.demand import DemandPlan, ElderSequence
    from carecap.sim.scenario.model import Scenario


class BathTeamPool(DatedCapacity):
    CAPACITY_WORD = "pool"

    name: Name
    base_district: Name
    districts: Literal["all"] | list[Name] = ALL
    shifts: list[Shift] = Field(min_length=1)
    travel_min: dict[Name, DistOrNumber]
    from_date: dt.date | None = None
    """First day the whole pool works (each shift group also within its own dates); None: from
    the start."""
    to_date: dt.date | None = None
    """Day the whole pool stops (exclusive); None: to the end."""


class Booking(Frozen):
    """Booked slots (see :mod:`carecap.sim.engine.booking`)."""

    slot_min: float = Field(ge=limits.MIN_SLOT_MIN, le=limits.MAX_MIN, allow_inf_nan=False)
    """Slots start every this many minutes from the start of each shift of a team."""
    book_ahead_days: float = Field(gt=0, le=limits.MAX_BOOK_AHEAD_DAYS, allow_inf_nan=False)
    """A slot is searched from the due time to this many days after it; none free: it queues."""


class HomeBathing(Frozen):
    teams: list[BathTeamPool] = Field(min_length=1)
    setup_min: DistOrNumber
    bath_min: DistOrNumber
    packup_min: DistOrNumber
    booking: Booking | None = None
    """Book each bath into a slot when it falls due (absent: it queues)."""


# --- plugging into the engine ----------------------------------------------------------------


@dataclass(frozen=True)
class HomeDraws:
    """The k-th bath of an elder, if routed home, takes these k-th draws."""

    travel: ElderSequence
    duration: ElderSequence  # set-up + bath + pack-up


def draws(plan: DemandPlan, levels: list[int], width: int) -> HomeDraws | None:
    """Per-elder travel and set-up + bath + pack-up (``levels``: those entitled to bathing)."""
    home = plan.s.home_bathing
    if home is None:
        return None
    travel = {}
    for team in home.teams:
        travel.update(plan.by_district(team.travel_min))
    parts = [
        plan.seq(
            f"home_bath.{part}", plan.e.level, dict.fromkeys(levels, getattr(home, part)), width
        )
        for part in ("setup_min", "bath_min", "packup_min")
    ]
    return HomeDraws(
        plan.seq("home_bath.travel", plan.e.district, travel, width), plan.sum_seq(parts)
    )


def _pool(scenario: Scenario, district: str) -> str | None:
    name = None
    for team in scenario.home_bathing.teams if scenario.home_bathing else []:
        if team.districts == ALL or district in team.districts:
            name = team.name
    return name


def _target(scenario: Scenario) -> Target | None:
    bath = scenario.services.bath
    return None if bath is None else Target(bath.target_days * DAY_MIN, "days")


def pool_specs(scenario: Scenario) -> list[PoolSpec]:
    teams = scenario.home_bathing.teams if scenario.home_bathing else []
    return [
        PoolSpec(
            t.name,
            "team",
            [(x.count, x.hours, ["home_bath"]) for x in t.shifts],
            dates=[within((t.from_date, t.to_date), (x.from_date, x.to_date)) for x in t.shifts],
        )
        for t in teams
    ]


SERVICE = Service(
    "home_bath", 0, "team", "bath", _pool, _target, lambda plan: plan.demand_eligible("bath")
)
