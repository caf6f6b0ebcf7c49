"""The scenario: a frozen, fully validated description of one city's care services.

Each service's own configuration model lives with the service (:mod:`carecap.sim.services`);
this module assembles them with the calendar, the population and the costs. A YAML file becomes
a :class:`Scenario` (via :mod:`carecap.sim.scenario.loader`) before anything runs. Unknown keys
are errors; every cross-reference (districts, care levels, tiers) is checked here, so the engine
can trust what it receives. Field names carry their units (``_min``, ``_days``, ``_per_month``).
Variants are made with :meth:`Scenario.with_overrides`, never by mutation.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, StrictBool, field_validator, model_validator

from carecap.sim.scenario import limits
from carecap.sim.scenario.base import (
    ALL,
    Cost,
    Count,
    Frozen,
    Name,
    NonNegativeDays,
    PositiveDays,
    Probability,
    check_shares,
)
from carecap.sim.scenario.paths import set_path
from carecap.sim.scenario.projection import Projection, check_projection
from carecap.sim.scenario.references import References
from carecap.sim.services.alarm import AlarmService
from carecap.sim.services.bathing import BathService, Routing
from carecap.sim.services.care_visit import CareVisitService, LevelVisitPlan
from carecap.sim.services.caregivers import CaregiverPool, CaregiverShift
from carecap.sim.services.centre_bath import BathingCentre, Vans
from carecap.sim.services.home_bath import BathTeamPool, HomeBathing
from carecap.sim.services.registry import CODES as SERVICES

__all__ = [
    "ALL",
    "SERVICES",
    "AlarmService",
    "BathService",
    "BathTeamPool",
    "BathingCentre",
    "Capital",
    "CareVisitService",
    "CaregiverPool",
    "CaregiverShift",
    "Costs",
    "HomeBathing",
    "LevelVisitPlan",
    "Name",
    "Probability",
    "Routing",
    "Scenario",
    "Vans",
]


# --- calendar and run -----------------------------------------------------------------------


class Calendar(Frozen):
    """Simulated calendar: time 0 is ``start_date`` 00:00."""

    start_date: dt.date
    horizon_days: PositiveDays
    warmup_days: NonNegativeDays = 0.0
    drain_days: NonNegativeDays = 0.0
    """After the horizon, follow the requests made before it for at most this many days (no
    new demand; capacity and hours as scheduled) until each has started or been abandoned; those
    still waiting then are right-censored. 0: observation ends at the horizon."""

    @model_validator(mode="after")
    def _warmup_before_horizon(self):
        if self.warmup_days >= self.horizon_days:
            raise ValueError(
                f"warmup_days ({self.warmup_days:g}) must be less than horizon_days "
                f"({self.horizon_days:g}): nothing would be observed"
            )
        return self


class CareLevel(Frozen):
    """A care level (e.g. semi-disabled, bedridden) and what it allows."""

    can_go_to_centre: StrictBool = True
    """``true`` or ``false`` only (text such as ``no`` is refused, not read as false)."""
    label: str | None = None


class District(Frozen):
    label: str | None = None
    residents: Count | None = None


# --- population ------------------------------------------------------------------------------


class EnrolmentPeriod(Frozen):
    """New elders in need arriving as a Poisson stream between ``from_day`` and ``to_day``."""

    from_day: NonNegativeDays
    to_day: PositiveDays
    elders_per_day: Annotated[float, Field(ge=0, le=limits.MAX_ELDERS_PER_DAY, allow_inf_nan=False)]

    @model_validator(mode="after")
    def _ordered(self):
        if self.to_day <= self.from_day:
            raise ValueError(f"to_day ({self.to_day:g}) must be after from_day ({self.from_day:g})")
        return self


class Population(Frozen):
    """Elders in need, by district x care level x priority tier.

    Care level and tier are drawn independently for each elder from the given shares.
    """

    elders_by_district: dict[Name, Annotated[int, Field(ge=0, le=limits.MAX_ELDERS)]]
    care_level_shares: dict[Name, Probability]
    tier_shares: dict[Name, Probability]
    family_bed_share_by_level: dict[Name, Probability] = Field(default_factory=dict)
    """Share of elders of each level holding a family care bed; levels not listed: 1.0."""
    enrolment: list[EnrolmentPeriod] = Field(default_factory=list)
    enrolment_district_shares: dict[Name, Probability] | None = None
    """District of newly enrolled elders; default: in proportion to ``elders_by_district``."""
    exit_rate_per_year: Annotated[
        float, Field(ge=0, le=limits.MAX_EXIT_RATE_PER_YEAR, allow_inf_nan=False)
    ] = 0.0
    """Hazard of leaving (death, moving to an institution); stays are exponential."""
    projection: Projection | None = None
    """Multi-year demography: growth or yearly targets, care-level transitions, exits by level
    (:mod:`carecap.sim.scenario.projection`); absent: the population process above, unchanged."""

    @model_validator(mode="after")
    def _shares(self):
        check_shares(self.care_level_shares, "care_level_shares")
        check_shares(self.tier_shares, "tier_shares")
        if self.enrolment_district_shares is not None:
            check_shares(self.enrolment_district_shares, "enrolment_district_shares")
        return self


# --- demand ----------------------------------------------------------------------------------


class Services(Frozen):
    care_visit: CareVisitService | None = None
    alarm: AlarmService | None = None
    bath: BathService | None = None


class Capital(Frozen):
    """Capital costs, annualised (depreciation plus financing, per year), in ``currency``."""

    centre_per_year: Cost = 0.0
    """The bathing centre (building or lease, fit-out, bathing equipment; the vans are in
    ``van_per_hour``), per year; counted only when the scenario has a ``bathing_centre``."""
    bed_fitout_per_bed_year: Cost = 0.0
    """Fitting a home as a family care bed (care bed, grab bars, alarm sensors), per bed-year:
    times the mean number of bed holders present in the window."""
    platform_per_bed_year: Cost = 0.0
    """The monitoring platform (software, call centre, sensor connectivity), per bed-year: times
    the mean number of bed holders present in the window."""


class Costs(Frozen):
    """Unit costs; every cost metric is per year (see :mod:`carecap.sim.metrics.resources`)."""

    currency: str = "CNY"
    caregiver_per_hour: Cost = 0.0
    """Per on-shift caregiver hour."""
    bath_team_per_hour: Cost = 0.0
    """Per on-shift home-bathing team hour (the whole team)."""
    station_per_open_hour: Cost = 0.0
    """Per open hour of each centre station."""
    van_per_hour: Cost = 0.0
    """Per van operating hour, vehicle and driver: a van operates while the centre is open
    (``bathing_centre.hours`` x ``vans.count``); nothing without ``vans``."""
    per_service: dict[Literal["care_visit", "alarm", "centre_bath", "home_bath"], Cost] = Field(
        default_factory=dict
    )
    """Per service started in the window."""
    capital: Capital = Field(default_factory=Capital)
    hours_per_fte_year: Annotated[
        float, Field(gt=0, le=limits.MAX_HOURS_PER_FTE_YEAR, allow_inf_nan=False)
    ] = 1920.0
    """Paid hours of one full-time equivalent (FTE) a year, to report staff as FTE per pool.
    Default 1,920 h = 48 weeks x 40 h (ASSUMPTION: after leave and public holidays)."""


# --- the scenario ----------------------------------------------------------------------------


class Scenario(Frozen):
    """One complete, validated scenario."""

    name: Name
    description: str = ""
    calendar: Calendar
    replications: Annotated[int, Field(gt=0, le=limits.MAX_REPLICATIONS)] = 10
    seed: Annotated[int, Field(ge=0, le=limits.MAX_SEED)] = 0
    tiers: list[Name] = Field(default_factory=lambda: ["tekun", "dibao", "other"], min_length=1)
    """Priority tiers, highest priority first."""
    care_levels: dict[Name, CareLevel] = Field(min_length=1)
    districts: dict[Name, District] = Field(min_length=1)
    population: Population
    services: Services
    caregivers: list[CaregiverPool] = Field(default_factory=list)
    bathing_centre: BathingCentre | None = None
    home_bathing: HomeBathing | None = None
    routing: Routing = Field(default_factory=Routing)
    initial_backlog: dict[
        Literal["care_visit", "centre_bath", "home_bath"],
        dict[Name, Annotated[int, Field(ge=0, le=limits.MAX_BACKLOG)]],
    ] = Field(default_factory=dict)
    """Requests already waiting at time 0, by service and tier; a service given ``null`` has
    none (as if left out: ``--set initial_backlog.centre_bath=null`` with no centre)."""
    costs: Costs | None = None

    @field_validator("initial_backlog", mode="before")
    @classmethod
    def _null_is_no_waiting_list(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: v for k, v in value.items() if v is not None}
        return value

    @model_validator(mode="after")
    def _references(self):
        References(self).check()
        check_projection(self)
        return self

    def with_overrides(self, overrides: dict[str, object]) -> Scenario:
        """A validated copy with dotted-path overrides, e.g. ``{"bathing_centre.stations": 6}``."""
        return Scenario.model_validate(
            apply_overrides(self.model_dump(mode="json", by_alias=True), overrides)
        )


def apply_overrides(data: dict, overrides: dict[str, object]) -> dict:
    """Set dotted paths in a scenario mapping, in place, in order; returns ``data``.

    A list item is named by its index or, for lists of named things (caregiver pools,
    home-bathing teams, named shift groups), by its name: ``caregivers.0.shifts.1.count`` and
    ``caregivers.cg_xiaodian.shifts.cover.count`` are the same field in the Taiyuan baseline
    (:mod:`carecap.sim.scenario.paths`).

    Raises :class:`~carecap.sim.scenario.paths.PathError` (a ``KeyError``) naming the path when
    it does not lead to an existing field (a typo, a list index out of range, an unknown name, or
    a section that is absent in this scenario), with the nearest names.
    """
    for path, value in overrides.items():
        set_path(data, path, value)
    return data
