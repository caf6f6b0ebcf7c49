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

from pydantic import Field, StrictBool, model_validator

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
from carecap.sim.services.alarm import AlarmService
from carecap.sim.services.bathing import BathService, Routing
from carecap.sim.services.care_visit import CareVisitService, LevelVisitPlan
from carecap.sim.services.caregivers import CaregiverPool, CaregiverShift
from carecap.sim.services.centre_bath import POOL as CENTRE_POOL
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
    """Requests already waiting at time 0, by service and tier."""
    costs: Costs | None = None

    @model_validator(mode="after")
    def _references(self):
        _References(self).check()
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


class _References:
    """Cross-field checks: every name used is defined, every needed entry is present."""

    def __init__(self, s: Scenario):
        self.s = s

    def _known(self, names, defined, where: str, kind: str) -> None:
        for name in names:
            if name not in defined:
                raise ValueError(
                    f"{where} refers to {kind} {name!r}, which is not defined; "
                    f"defined {kind}s: {', '.join(sorted(defined))}"
                )

    def _pool_districts(self, pool) -> list[str]:
        return list(self.s.districts) if pool.districts == ALL else pool.districts

    def check(self) -> None:
        s, pop = self.s, self.s.population
        districts, levels, tiers = s.districts, s.care_levels, s.tiers
        if len(set(tiers)) != len(tiers):
            raise ValueError("tiers: each tier may appear only once")
        self._sizes()
        self._pool_names()
        self._known(pop.elders_by_district, districts, "population.elders_by_district", "district")
        self._known(pop.care_level_shares, levels, "population.care_level_shares", "care level")
        self._known(pop.tier_shares, tiers, "population.tier_shares", "tier")
        self._known(
            pop.family_bed_share_by_level,
            levels,
            "population.family_bed_share_by_level",
            "care level",
        )
        if pop.enrolment_district_shares:
            self._known(
                pop.enrolment_district_shares,
                districts,
                "population.enrolment_district_shares",
                "district",
            )
        sv = s.services
        if sv.care_visit:
            self._known(
                sv.care_visit.by_care_level,
                levels,
                "services.care_visit.by_care_level",
                "care level",
            )
        if sv.alarm:
            self._known(
                sv.alarm.target_min_by_district,
                districts,
                "services.alarm.target_min_by_district",
                "district",
            )
        if sv.bath:
            self._known(
                sv.bath.interval_days_by_level,
                levels,
                "services.bath.interval_days_by_level",
                "care level",
            )
        for i, pool in enumerate(s.caregivers):
            self._pool(pool, f"caregivers.{i}")
        if s.bathing_centre:
            c = s.bathing_centre
            self._known([c.district], districts, "bathing_centre.district", "district")
            self._known(c.transport_min, districts, "bathing_centre.transport_min", "district")
            self._covers(c.transport_min, self._served(), "bathing_centre.transport_min")
        if s.home_bathing:
            for i, team in enumerate(s.home_bathing.teams):
                self._known(
                    [team.base_district],
                    districts,
                    f"home_bathing.teams.{i}.base_district",
                    "district",
                )
                self._pool(team, f"home_bathing.teams.{i}")
        if s.routing.centre_care_levels is not None:
            self._known(
                s.routing.centre_care_levels, levels, "routing.centre_care_levels", "care level"
            )
        for service, by_tier in s.initial_backlog.items():
            self._known(by_tier, tiers, f"initial_backlog.{service}", "tier")
            needs = {
                "care_visit": ("services.care_visit", sv.care_visit),
                "centre_bath": ("bathing_centre", s.bathing_centre),
                "home_bath": ("home_bathing", s.home_bathing),
            }[service]
            if needs[1] is None and any(by_tier.values()):
                raise ValueError(
                    f"initial_backlog.{service} lists waiting requests, but the scenario has no "
                    f"{needs[0]}; remove the waiting list or add the service"
                )
            if service != "care_visit" and sv.bath is None and any(by_tier.values()):
                raise ValueError(
                    f"initial_backlog.{service} lists waiting baths, but services.bath is absent"
                )
        self._one_pool_per_district(s.caregivers, "caregivers")
        if s.home_bathing:
            self._one_pool_per_district(s.home_bathing.teams, "home_bathing.teams")

    def _sizes(self) -> None:
        """Elders and units within :mod:`~carecap.sim.scenario.limits`."""
        s, pop = self.s, self.s.population
        initial = sum(pop.elders_by_district.values())
        horizon = s.calendar.horizon_days
        enrolled = sum(
            p.elders_per_day * max(0.0, min(p.to_day, horizon) - p.from_day) for p in pop.enrolment
        )
        if initial + enrolled > limits.MAX_ELDERS:
            where = (
                "population.elders_by_district"
                if initial > limits.MAX_ELDERS or not pop.enrolment
                else "population.enrolment"
            )
            raise ValueError(
                f"{where}: {initial:,} elders at time 0 plus about {enrolled:,.0f} expected to "
                f"enrol make more than the {limits.MAX_ELDERS:,} elders a scenario may have; "
                "simulate a large city district by district"
            )
        counts: list[tuple[str, int]] = []
        for i, pool in enumerate(s.caregivers):
            counts += [
                (f"caregivers.{i}.shifts.{j}.count", sh.count) for j, sh in enumerate(pool.shifts)
            ]
        if s.home_bathing:
            for i, team in enumerate(s.home_bathing.teams):
                counts += [
                    (f"home_bathing.teams.{i}.shifts.{j}.count", sh.count)
                    for j, sh in enumerate(team.shifts)
                ]
        if s.bathing_centre:
            counts.append(("bathing_centre.stations", s.bathing_centre.stations))
        total = sum(n for _, n in counts)
        if total > limits.MAX_UNITS:
            where, most = max(counts, key=lambda c: c[1])
            raise ValueError(
                f"{where}: the scenario has {total:,} caregivers, stations and teams in all (the "
                f"largest count, {most:,}, is here), but at most {limits.MAX_UNITS:,} are allowed"
            )

    def _pool_names(self) -> None:
        """Pool names are unique (they label utilisation rows); ``centre`` is the centre's."""
        s = self.s
        named = [(f"caregivers.{i}.name", p.name) for i, p in enumerate(s.caregivers)]
        if s.home_bathing:
            named += [
                (f"home_bathing.teams.{i}.name", t.name) for i, t in enumerate(s.home_bathing.teams)
            ]
        first: dict[str, str] = {}
        for where, name in named:
            if name == CENTRE_POOL:
                raise ValueError(
                    f"{where}: the name {name!r} is reserved for the bathing centre's stations; "
                    "choose another name"
                )
            if name in first:
                raise ValueError(
                    f"{where}: the name {name!r} is already used by {first[name]}; pool and team "
                    "names must be unique across the scenario (each names one utilisation row)"
                )
            first[name] = where

    def _served(self) -> list[str]:
        """Districts where elders in need can live."""
        pop = self.s.population
        if pop.enrolment and pop.enrolment_district_shares is None:
            return [d for d, n in pop.elders_by_district.items() if n > 0] or list(
                pop.elders_by_district
            )
        names = {d for d, n in pop.elders_by_district.items() if n > 0}
        names |= {d for d, p in (pop.enrolment_district_shares or {}).items() if p > 0}
        return sorted(names)

    def _covers(self, mapping, needed, where: str) -> None:
        missing = [d for d in needed if d not in mapping]
        if missing:
            raise ValueError(
                f"{where} has no entry for district(s) {', '.join(missing)}, where elders live; "
                "give a travel-time distribution for each"
            )

    def _pool(self, pool, where: str) -> None:
        seen: dict[str, int] = {}
        for j, shift in enumerate(pool.shifts):
            if shift.name is None:
                continue
            if shift.name in seen:
                raise ValueError(
                    f"{where}.shifts.{j}.name: the name {shift.name!r} is already used by "
                    f"{where}.shifts.{seen[shift.name]}; shift names must be unique within a pool "
                    "(they name the shift group in dotted paths)"
                )
            seen[shift.name] = j
        if pool.districts != ALL and not pool.districts:
            raise ValueError(
                f"{where}.districts: the list is empty, so this pool would be paid for but serve "
                "no one; list the districts it serves, write 'all', or remove the pool"
            )
        if pool.districts != ALL:
            self._known(pool.districts, self.s.districts, f"{where}.districts", "district")
        self._known(pool.travel_min, self.s.districts, f"{where}.travel_min", "district")
        served = set(self._served())
        self._covers(
            pool.travel_min,
            [d for d in self._pool_districts(pool) if d in served],
            f"{where}.travel_min",
        )

    def _one_pool_per_district(self, pools, where: str) -> None:
        owner: dict[str, str] = {}
        self._every_district_served(pools, where)
        for pool in pools:
            for d in self._pool_districts(pool):
                if d in owner:
                    raise ValueError(
                        f"{where}: district {d!r} is served by both {owner[d]!r} and "
                        f"{pool.name!r}; each district must be served by exactly one pool"
                    )
                owner[d] = pool.name

    def _every_district_served(self, pools, where: str) -> None:
        if not pools:
            return  # no pool at all is a (degenerate) choice: nothing is served
        covered = {d for pool in pools for d in self._pool_districts(pool)}
        missing = [d for d in self._served() if d not in covered]
        if missing:
            raise ValueError(
                f"{where}: district(s) {', '.join(missing)} have elders but no pool serves them; "
                "add them to a pool's districts (or use districts: all)"
            )
