"""Care-plan visits by caregivers to family beds: configuration, demand and request handler.

Each elder with a bed and a plan for their care level makes visits at the plan's interval (from a
stationary phase at enrolment), in ``calendar`` mode on due dates fixed in advance, in
``after_delivery`` mode an interval after the previous visit closed. The k-th visit of an elder
always takes the k-th draws of its travel and duration. Caregiver pools serve it, at rank 1
(after alarms).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field, model_validator

from carecap.sim.scenario.base import (
    Frozen,
    Name,
    PositiveDays,
    Probability,
    SeasonalFactors,
    positive_interval,
)
from carecap.sim.scenario.distributions import DistOrNumber, PatienceDist
from carecap.sim.scenario.schedule import WeeklySchedule
from carecap.sim.services.caregivers import caregiver_pool, travel_by_district
from carecap.sim.services.spec import Demand, Handler, Patience, Service, TapeRows, Target
from carecap.sim.units import DAY_MIN

if TYPE_CHECKING:
    from carecap.sim.engine.demand import DemandPlan, ElderSequence, Sequences
    from carecap.sim.engine.kernel import CareSystem
    from carecap.sim.scenario.model import Scenario


class LevelVisitPlan(Frozen):
    interval_days: DistOrNumber
    duration_min: DistOrNumber

    @model_validator(mode="after")
    def _interval(self):
        positive_interval(self.interval_days, "interval_days")
        return self


class CareVisitService(Frozen):
    """Care-plan visits to family beds by caregivers."""

    mode: Literal["after_delivery", "calendar"] = "calendar"
    """``calendar``: due dates follow one another by the interval (an exponential interval makes
    a Poisson stream); ``after_delivery``: the next visit falls due an interval after the last one
    ended."""
    by_care_level: dict[Name, LevelVisitPlan]
    """Levels not listed have no care-plan visits."""
    target_days: PositiveDays
    give_up_days: PatienceDist | None = None
    priority: Literal["tier", "fifo"] = "tier"
    opens_on: dt.date | None = None
    """The day the service starts (None: from the start): no request of it before that day
    (see the README, "Capacity that changes on dates")."""
    hours: WeeklySchedule | None = None
    """When a visit may be started (visiting hours, separate from the caregivers' shifts; None:
    whenever a caregiver is on shift). A visit under way at closing time is finished."""
    """Queue order: ``tier`` (welfare tier, then the earliest request) or ``fifo`` (the
    earliest request)."""
    seasonal_factor_by_month: SeasonalFactors = Field(default_factory=dict)
    report_within_days: list[PositiveDays] = Field(default_factory=list)
    """Common thresholds (days, e.g. ``[3, 7, 14]``) reported as ``within_<threshold>``
    shares beside the service's own target, so that districts with different targets compare on
    one ruler."""
    elder_coverage_share: Probability = 0.9
    """An elder is covered when served at least this share of the visits the plan entitles."""


# --- plugging into the engine ----------------------------------------------------------------


@dataclass(frozen=True)
class CareDraws:
    seq: Sequences
    travel: ElderSequence
    duration: ElderSequence
    after_delivery: bool


def _eligible(plan: DemandPlan) -> np.ndarray:
    """Elders with a family bed and a visit plan for their care level."""
    cv = plan.s.services.care_visit
    levels = plan.by_level(cv.by_care_level) if cv else {}
    return plan.e.has_bed & np.isin(plan.e.level, list(levels))


def _draws(plan: DemandPlan) -> CareDraws | None:
    cv = plan.s.services.care_visit
    if cv is None:
        return None
    intervals = plan.by_level(cv.by_care_level, "interval_days")
    seq = plan.sequences(
        "care_visit",
        intervals,
        cv.seasonal_factor_by_month,
        _eligible(plan),
        plan.waiting_list("care_visit"),
    )
    width = seq.interval_days.width
    duration = plan.seq(
        "care_visit.duration",
        plan.e.level,
        plan.by_level(cv.by_care_level, "duration_min"),
        width,
    )
    travel = plan.seq("care_visit.travel", plan.e.district, travel_by_district(plan), width)
    return CareDraws(seq, travel, duration, cv.mode == "after_delivery")


def _tape(plan: DemandPlan, d: CareDraws) -> TapeRows:
    if d.after_delivery:
        time, elder, k = plan.first_requests(d.seq)
    else:
        time, elder, k = plan.calendar_requests(d.seq)
    return TapeRows(
        time, elder, k, travel_min=d.travel.take(elder, k), dur_min=d.duration.take(elder, k)
    )


def _bind(kernel: CareSystem, d: CareDraws) -> Handler:
    request = kernel.requester("care_visit")
    travel_of, duration_of = d.travel.get, d.duration.get

    def make(
        elder: int, k: int, now: float, travel: float = math.nan, dur: float = math.nan, _route=0
    ) -> None:
        if travel != travel:  # NaN: not drawn on the tape (a follow-up of an earlier delivery)
            travel, dur = travel_of(elder, k), duration_of(elder, k)
        request(elder, k, now, travel, dur)

    return make


def _target(scenario: Scenario) -> Target | None:
    cv = scenario.services.care_visit
    return None if cv is None else Target(cv.target_days * DAY_MIN, "days")


def _patience_min(scenario: Scenario) -> Patience | None:
    cv = scenario.services.care_visit
    return None if cv is None or cv.give_up_days is None else Patience(cv.give_up_days, DAY_MIN)


SERVICE = Service("care_visit", 1, "caregiver", "care_visit", caregiver_pool, _target, _eligible)
DEMAND = Demand(
    "care_visit",
    _draws,
    _tape,
    _bind,
    lambda d: d.seq if d.after_delivery else None,
    _patience_min,
    _eligible,
)
