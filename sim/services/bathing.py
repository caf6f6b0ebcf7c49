"""The bathing entitlement and the routing of each bath request to the centre or home: the bath
demand, which makes ``centre_bath`` and ``home_bath`` requests.

The k-th bath of an elder takes the k-th draws of the route it is sent on (transport and bath at
the centre, or travel and set-up + bath + pack-up at home), whatever the route of the others.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field, model_validator

from carecap.sim.scenario.base import (
    Count,
    Frozen,
    Name,
    PositiveDays,
    PositiveMinutes,
    SeasonalFactors,
    positive_interval,
)
from carecap.sim.scenario.distributions import DistOrNumber, PatienceDist
from carecap.sim.scenario.schedule import WeeklySchedule
from carecap.sim.services import centre_bath, home_bath
from carecap.sim.services.spec import Demand, Handler, Patience, TapeRows
from carecap.sim.units import DAY_MIN

if TYPE_CHECKING:
    from carecap.sim.engine.demand import DemandPlan, Sequences
    from carecap.sim.engine.kernel import CareSystem
    from carecap.sim.scenario.model import Scenario


class BathService(Frozen):
    """Bathing entitlement; each request is routed to the centre or a home team."""

    mode: Literal["after_delivery", "calendar"] = "after_delivery"
    interval_days_by_level: dict[Name, DistOrNumber]
    """Levels not listed are not entitled to bathing."""

    @model_validator(mode="after")
    def _intervals(self):
        for level, dist in self.interval_days_by_level.items():
            positive_interval(dist, f"interval_days_by_level.{level}")
        return self

    target_days: PositiveDays
    give_up_days: PatienceDist | None = None
    priority: Literal["tier", "fifo"] = "tier"
    """Queue order: ``tier`` (welfare tier, then the earliest request) or ``fifo`` (the
    earliest request)."""
    opens_on: dt.date | None = None
    """The day the service starts (None: from the start): no request of it before that day
    (see the README, "Capacity that changes on dates")."""
    hours: WeeklySchedule | None = None
    """When a bath may be started (bathing hours, separate from the teams' shifts and the
    centre's opening hours; None: whenever a team or station is on shift): a home team sets off,
    an elder coming by their own means sets off, or a van brings the elder (the station is held
    from the arrival), only inside them. A bath under way at closing time is finished."""
    seasonal_factor_by_month: SeasonalFactors = Field(default_factory=dict)
    report_within_days: list[PositiveDays] = Field(default_factory=list)
    """Common thresholds (days, e.g. ``[3, 7, 14]``) reported as ``within_<threshold>``
    shares beside the service's own target, so that districts with different targets compare on
    one ruler."""


class Routing(Frozen):
    """Where a bath request goes, decided when it is made."""

    prefer: Literal["centre", "home"] = "centre"
    centre_care_levels: list[Name] | None = None
    """Levels that may go to the centre; default: levels with ``can_go_to_centre``."""
    max_centre_transport_min: PositiveMinutes | None = None
    """Districts whose mean transport time exceeds this are served at home."""
    overflow_to_home_when_centre_queue_over: Count | None = None
    overflow_to_centre_when_home_queue_over: Count | None = None


# --- plugging into the engine ----------------------------------------------------------------

ROUTE_ANY, ROUTE_CENTRE, ROUTE_HOME = 0, 1, 2
"""Forced routes on the tape (baths of the initial waiting lists)."""


@dataclass(frozen=True)
class BathDraws:
    seq: Sequences
    centre: centre_bath.CentreDraws | None
    home: home_bath.HomeDraws | None
    after_delivery: bool


def entitled(plan: DemandPlan) -> np.ndarray:
    """Elders whose care level is entitled to bathing (on either route)."""
    bath = plan.s.services.bath
    levels = list(plan.by_level(bath.interval_days_by_level)) if bath else []
    return np.isin(plan.e.level, levels)


def _draws(plan: DemandPlan) -> BathDraws | None:
    bath = plan.s.services.bath
    if bath is None:
        return None
    intervals = plan.by_level(bath.interval_days_by_level)
    seq = plan.sequences(
        "bath",
        intervals,
        bath.seasonal_factor_by_month,
        entitled(plan),
        plan.waiting_list("bath"),
    )
    levels, width = list(intervals), seq.interval_days.width
    return BathDraws(
        seq,
        centre_bath.draws(plan, levels, width),
        home_bath.draws(plan, levels, width),
        bath.mode == "after_delivery",
    )


def _tape(plan: DemandPlan, d: BathDraws) -> TapeRows:
    if d.after_delivery:
        time, elder, k = plan.first_requests(d.seq)
    else:
        time, elder, k = plan.calendar_requests(d.seq)
    route = np.zeros(len(time), dtype=np.int8)
    listed = (k == 0) & (time == 0)
    route[listed & plan.backlog_elders["centre_bath"][elder]] = ROUTE_CENTRE
    route[listed & plan.backlog_elders["home_bath"][elder]] = ROUTE_HOME
    return TapeRows(time, elder, k, route=route)


def _bind(kernel: CareSystem, d: BathDraws) -> Handler:
    """The handler: route the k-th bath (see the scenario's ``routing``), then request it."""
    s = kernel.s
    centre_request = kernel.requester("centre_bath")
    home_request = kernel.requester("home_bath")
    home_pools, nowhere = kernel.pools_serving("home_bath"), kernel.nowhere
    centre_pool = kernel.pools_serving("centre_bath")[0] if kernel.district_names else None
    district_of, level_of = kernel.district_of, kernel.level_of
    r = s.routing
    centre_level = [False] * len(s.care_levels)
    for code in centre_bath.centre_levels(kernel.plan):
        centre_level[code] = True
    near = [False] * len(kernel.district_names)
    if s.bathing_centre is not None:
        limit = r.max_centre_transport_min
        for name, dist in s.bathing_centre.transport_min.items():
            near[kernel.district_names.index(name)] = limit is None or dist.mean() <= limit
    has_centre = s.bathing_centre is not None
    prefer_centre = r.prefer == "centre"
    to_home_over = r.overflow_to_home_when_centre_queue_over
    to_centre_over = r.overflow_to_centre_when_home_queue_over

    opens_min = s.bathing_centre.open_min(s.calendar.start_date) if s.bathing_centre else 0.0

    def to_centre(elder: int, forced: int, now: float) -> bool:
        district = district_of[elder]
        # before the centre opens: home where a home service is, else wait for the opening
        may_go = has_centre and centre_level[level_of[elder]] and near[district]
        centre_ok = may_go and now >= opens_min
        home_pool = home_pools[district]
        home_ok = home_pool is not nowhere
        if forced == ROUTE_CENTRE or (forced == ROUTE_ANY and may_go and not home_ok):
            return True
        if forced == ROUTE_HOME or not centre_ok:
            return False
        if prefer_centre:
            assert centre_pool is not None  # centre_ok: the elder has a district, hence the pool
            return not (to_home_over is not None and centre_pool.live > to_home_over)
        return to_centre_over is not None and home_pool.live > to_centre_over

    centre, home = d.centre, d.home

    def make(
        elder: int, k: int, now: float, _travel: float = math.nan, _dur: float = math.nan, route=0
    ) -> None:
        if to_centre(elder, route, now):
            assert centre is not None  # to_centre holds only with a bathing centre, hence draws
            centre_request(
                elder, k, now, centre.transport.get(elder, k), centre.duration.get(elder, k)
            )
        elif home is None:
            home_request(elder, k, now, 0.0, 0.0)  # no team can ever come: the request stays unmet
        else:
            home_request(elder, k, now, home.travel.get(elder, k), home.duration.get(elder, k))

    return make


def _patience_min(scenario: Scenario) -> Patience | None:
    bath = scenario.services.bath
    return (
        None if bath is None or bath.give_up_days is None else Patience(bath.give_up_days, DAY_MIN)
    )


DEMAND = Demand(
    "bath",
    _draws,
    _tape,
    _bind,
    lambda d: d.seq if d.after_delivery else None,
    _patience_min,
    entitled,
)
