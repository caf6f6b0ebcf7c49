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
from typing import Literal

from pydantic import (
    Field,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    model_validator,
)

from carecap.sim.scenario.base import ALL, Frozen, Name, Probability, check_shares
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
    "CareVisitService",
    "CaregiverPool",
    "CaregiverShift",
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
    horizon_days: PositiveFloat
    warmup_days: NonNegativeFloat = 0.0
    drain_days: NonNegativeFloat = 0.0
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

    can_go_to_centre: bool = True
    label: str | None = None


class District(Frozen):
    label: str | None = None
    residents: NonNegativeInt | None = None


# --- population ------------------------------------------------------------------------------


class EnrolmentPeriod(Frozen):
    """New elders in need arriving as a Poisson stream between ``from_day`` and ``to_day``."""

    from_day: NonNegativeFloat
    to_day: PositiveFloat
    elders_per_day: NonNegativeFloat

    @model_validator(mode="after")
    def _ordered(self):
        if self.to_day <= self.from_day:
            raise ValueError(f"to_day ({self.to_day:g}) must be after from_day ({self.from_day:g})")
        return self


class Population(Frozen):
    """Elders in need, by district x care level x priority tier.

    Care level and tier are drawn independently for each elder from the given shares.
    """

    elders_by_district: dict[Name, NonNegativeInt]
    care_level_shares: dict[Name, Probability]
    tier_shares: dict[Name, Probability]
    family_bed_share_by_level: dict[Name, Probability] = Field(default_factory=dict)
    """Share of elders of each level holding a family care bed; levels not listed: 1.0."""
    enrolment: list[EnrolmentPeriod] = Field(default_factory=list)
    enrolment_district_shares: dict[Name, Probability] | None = None
    """District of newly enrolled elders; default: in proportion to ``elders_by_district``."""
    exit_rate_per_year: NonNegativeFloat = 0.0
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


class Costs(Frozen):
    currency: str = "CNY"
    caregiver_per_hour: NonNegativeFloat = 0.0
    bath_team_per_hour: NonNegativeFloat = 0.0
    station_per_open_hour: NonNegativeFloat = 0.0
    per_service: dict[
        Literal["care_visit", "alarm", "centre_bath", "home_bath"], NonNegativeFloat
    ] = Field(default_factory=dict)


# --- the scenario ----------------------------------------------------------------------------


class Scenario(Frozen):
    """One complete, validated scenario."""

    name: Name
    description: str = ""
    calendar: Calendar
    replications: PositiveInt = 10
    seed: NonNegativeInt = 0
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
        Literal["care_visit", "centre_bath", "home_bath"], dict[Name, NonNegativeInt]
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
    """Set dotted paths (``caregivers.0.shifts.1.count``) in a scenario mapping, in place.

    Raises ``KeyError`` naming the path when it does not lead to an existing field (a typo, a
    list index out of range, or a section that is absent in this scenario).
    """
    for path, value in overrides.items():
        node: object = data
        *parents, last = path.split(".")
        for depth, key in enumerate([*parents, last]):
            here = ".".join([*parents, last][: depth + 1])
            if isinstance(node, list):
                if not key.isdigit() or int(key) >= len(node):
                    raise KeyError(f"{here}: no list item {key!r} (the list has {len(node)})")
                key = int(key)
            elif not isinstance(node, dict) or key not in node:
                absent = (
                    "the section is absent in this scenario" if node is None else "no such field"
                )
                raise KeyError(f"{here}: {absent}")
            if depth < len(parents):
                node = node[key]
            else:
                node[key] = value
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
