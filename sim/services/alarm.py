"""Alarms from the bed monitoring platform answered by caregivers: configuration, demand and
request handler.

Each bed raises alarms as a Poisson stream (seasonal factors warp its time); a share of them need
a caregiver at the home. Their times, travel and duration are all drawn before the run (the
tape), so capacity never changes them. Caregiver pools serve them at rank 0 (before planned
visits).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Literal

import numpy as np
from pydantic import Field, model_validator

from carecap.sim.scenario import limits
from carecap.sim.scenario.base import Frozen, Name, PositiveMinutes, Probability, SeasonalFactors
from carecap.sim.scenario.distributions import DistOrNumber, PatienceDist
from carecap.sim.services.caregivers import caregiver_pool, travel_by_district
from carecap.sim.services.spec import Demand, Handler, Patience, Service, TapeRows, Target
from carecap.sim.units import DAY_MIN, MONTH_DAYS

if TYPE_CHECKING:
    from carecap.sim.engine.demand import DemandPlan
    from carecap.sim.engine.kernel import CareSystem
    from carecap.sim.scenario.model import Scenario


SINGLE_CLASS = "any"
"""The class of every alarm when the scenario lists no ``classes``."""


class AlarmClass(Frozen):
    """One urgency class of alarms (e.g. ``urgent``: a fall or health event; ``routine``: a
    check or false alarm). Fields left out take the service's value."""

    share: Probability
    """Share of all alarms in this class (the shares add up to 1)."""
    target_min: PositiveMinutes
    target_min_by_district: dict[Name, PositiveMinutes] | None = None
    """Districts whose target for this class differs (the service's own apply to no class)."""
    visit_share: Probability | None = None
    duration_min: DistOrNumber | None = None


class AlarmService(Frozen):
    """Alarms from the monitoring platform: a Poisson stream per bed."""

    rate_per_bed_month: Annotated[
        float, Field(ge=0, le=limits.MAX_ALARM_RATE_PER_BED_MONTH, allow_inf_nan=False)
    ]
    visit_share: Probability
    """Share of alarms that need a caregiver at the home (the rest are handled remotely)."""
    duration_min: DistOrNumber
    target_min: PositiveMinutes
    target_min_by_district: dict[Name, PositiveMinutes] = Field(default_factory=dict)
    """Districts whose target differs from ``target_min`` (e.g. 60 min in the counties)."""
    give_up_min: PatienceDist | None = None
    seasonal_factor_by_month: SeasonalFactors = Field(default_factory=dict)
    report_within_min: list[PositiveMinutes] = Field(default_factory=list)
    """Common thresholds (minutes, e.g. ``[15, 30, 60]``) reported as ``within_<threshold>``
    shares beside the service's own target, so that districts with different targets compare on
    one ruler."""
    classes: dict[Name, AlarmClass] | None = Field(default=None, min_length=1)
    """Urgency classes, most urgent first (None: one class, ``any``, with the service's target).
    Each alarm's class is drawn from its own draw (common random numbers)."""
    priority: Literal["urgency", "tier", "fifo"] = "urgency"
    opens_on: dt.date | None = None
    """The day the service starts (None: from the start): no request of it before that day
    (see the README, "Capacity that changes on dates")."""
    """Queue order of alarms: ``urgency`` (class in listing order, then arrival), ``tier``
    (welfare tier, then arrival), ``fifo`` (arrival only). Alarms always come before planned
    work of the same caregivers."""

    @model_validator(mode="after")
    def _shares(self):
        if self.classes is not None:
            total = sum(c.share for c in self.classes.values())
            if abs(total - 1.0) > 1e-6:
                raise ValueError(
                    f"classes: the shares add up to {total:g}; they must add up to 1 (each is "
                    "the share of all alarms in that class)"
                )
        return self

    def class_list(self) -> list[tuple[str, AlarmClass]]:
        """The classes, most urgent first, with every field filled in from the service."""
        if self.classes is None:
            only = AlarmClass(
                share=1.0,
                target_min=self.target_min,
                target_min_by_district=self.target_min_by_district,
            )
            return [(SINGLE_CLASS, self._filled(only))]
        return [(name, self._filled(c)) for name, c in self.classes.items()]

    def _filled(self, c: AlarmClass) -> AlarmClass:
        return c.model_copy(
            update={
                "target_min_by_district": c.target_min_by_district or {},
                "visit_share": self.visit_share if c.visit_share is None else c.visit_share,
                "duration_min": self.duration_min if c.duration_min is None else c.duration_min,
            }
        )


# --- plugging into the engine ----------------------------------------------------------------


@dataclass(frozen=True)
class AlarmDraws:
    """Alarms that need a visit: times, elders, travel and duration of each."""

    time_min: np.ndarray
    elder: np.ndarray
    duration_min: np.ndarray
    travel_min: np.ndarray
    alarms_total: int  # with the alarms handled remotely
    patience_min: np.ndarray | None = None  # give-up time of each, if alarms give up
    class_code: np.ndarray | None = None  # urgency class of each (index in class_list)


def _draws(plan: DemandPlan) -> AlarmDraws | None:
    alarm = plan.s.services.alarm
    if alarm is None or alarm.rate_per_bed_month == 0:
        return None
    e, streams = plan.e, plan.streams
    warp = plan.warp(alarm.seasonal_factor_by_month)
    rng = streams.get("alarm.times")
    beds = np.flatnonzero(e.has_bed & (e.enrol_min < plan.horizon_min))
    lo = warp.to_operational(e.enrol_min[beds])
    hi = warp.to_operational(plan.end_min[beds])
    rate_per_min = alarm.rate_per_bed_month / (MONTH_DAYS * DAY_MIN)
    counts = rng.poisson(rate_per_min * np.maximum(hi - lo, 0))
    elder = np.repeat(beds, counts)
    tau = np.repeat(lo, counts) + rng.random(counts.sum()) * np.repeat(hi - lo, counts)
    time_min = warp.to_calendar(tau)
    rng_attr = streams.get("alarm.attributes")
    classes = [c for _, c in alarm.class_list()]
    if alarm.classes is None:  # one class: the draws of the single-class form, unchanged
        class_code = np.zeros(len(elder), dtype=np.int64)
        needs_visit = rng_attr.random(len(elder)) < alarm.visit_share
        duration = alarm.duration_min.sample(rng_attr, len(elder))
    else:  # each alarm's class, need of a visit and duration from its own draws (streams)
        shares = np.array([c.share for c in classes])
        class_code = streams.get("alarm.class").choice(shares, len(elder))
        visit_share = np.array([c.visit_share for c in classes])
        needs_visit = rng_attr.random(len(elder)) < visit_share[class_code]
        duration = np.zeros(len(elder))
        for i, c in enumerate(classes):
            mask = class_code == i
            class_dist = c.duration_min
            assert class_dist is not None  # class_list fills it in from the service
            drawn = class_dist.sample(streams.get("alarm.duration", i), len(elder))
            duration[mask] = drawn[mask]
    travel = np.zeros(len(elder))
    alarm_district = e.district[elder]
    for code, dist in travel_by_district(plan).items():
        mask = alarm_district == code
        travel[mask] = dist.sample(streams.get("alarm.travel", code), int(mask.sum()))
    keep = needs_visit
    patience = None
    if alarm.give_up_min is not None:  # its own stream: adding give-ups shifts no other draw
        patience = alarm.give_up_min.sample(streams.get("alarm.patience"), len(elder))[keep]
    return AlarmDraws(
        time_min[keep],
        elder[keep],
        duration[keep],
        travel[keep],
        len(elder),
        patience,
        class_code[keep],
    )


def _tape(_plan: DemandPlan, d: AlarmDraws) -> TapeRows:
    return TapeRows(
        d.time_min,
        d.elder,
        np.arange(len(d.elder)),
        travel_min=d.travel_min,
        dur_min=d.duration_min,
    )


def _bind(kernel: CareSystem, _d: AlarmDraws) -> Handler:
    return kernel.requester("alarm")  # every alarm is on the tape with its draws


def _target(scenario: Scenario) -> Target | None:
    a = scenario.services.alarm
    return None if a is None else Target(a.target_min, "min", a.target_min_by_district)


def _patience_min(scenario: Scenario) -> Patience | None:
    a = scenario.services.alarm
    return None if a is None or a.give_up_min is None else Patience(a.give_up_min, 1.0)


SERVICE = Service(
    "alarm", 0, "caregiver", "alarm", caregiver_pool, _target, wait_includes_travel=True
)
DEMAND = Demand(
    "alarm",
    _draws,
    _tape,
    _bind,
    lambda _d: None,
    _patience_min,
    patience_by_index=lambda _plan, d, _p: d.patience_min,
    classes=lambda s: [n for n, _ in s.services.alarm.class_list()] if s.services.alarm else [],
    class_by_index=lambda d: d.class_code,
)
