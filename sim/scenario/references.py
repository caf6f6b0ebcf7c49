"""Cross-field checks of a scenario: every name used is defined, every needed entry is present,
names are unique, and the scenario's totals stay within :mod:`carecap.sim.scenario.limits`.

Run by :class:`carecap.sim.scenario.model.Scenario`'s validator after each section validated on
its own; each problem is a ``ValueError`` naming the field path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from carecap.sim.scenario import limits
from carecap.sim.scenario.base import ALL
from carecap.sim.services.centre_bath import POOL as CENTRE_POOL

if TYPE_CHECKING:
    from carecap.sim.scenario.model import Scenario


class References:
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
                    f"{needs[0]}; remove the waiting list (initial_backlog.{service}: null) or add "
                    "the service"
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
            counts += [
                (
                    "bathing_centre.stations"
                    + ("" if isinstance(s.bathing_centre.stations, int) else f".{j}.count"),
                    g.count,
                )
                for j, g in enumerate(s.bathing_centre.station_groups())
            ]
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
