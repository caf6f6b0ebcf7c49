"""On-shift hours and the capacity cost per year of a scenario, from its schedules alone.

The same quantities as the cost metrics of :mod:`carecap.sim.metrics.resources` (on-shift hours
of each shift group, open hours of the centre's stations, van hours; over the observation window
``[warm-up, horizon)``, annualised to 365 days), computed without simulating: capacity is fixed
by the scenario, so two candidates' costs differ by exactly these amounts. (A helper of the
sizing search; ``sim/metrics`` computes the same figures from a replication's shift records, and
``tests/test_size_rough_cut.py`` checks that the two agree.)
"""

from __future__ import annotations

from dataclasses import dataclass

from carecap.sim.metrics.common import Window
from carecap.sim.metrics.resources import van_hours_min
from carecap.sim.scenario.base import clip_to_window
from carecap.sim.scenario.model import Scenario
from carecap.sim.services.registry import pool_specs
from carecap.sim.units import ANNUAL_DAYS, DAY_MIN, HOUR_MIN

RATE_FIELD = {
    "caregiver": "caregiver_per_hour",
    "team": "bath_team_per_hour",
    "station": "station_per_open_hour",
    "van": "van_per_hour",
}
"""The ``costs`` field that prices an hour of each kind of unit."""


@dataclass(frozen=True)
class GroupHours:
    """One shift group of a pool (or the centre's vans): units and hours per unit per year."""

    pool: str
    kind: str
    """``caregiver``, ``team``, ``station`` or ``van``."""
    group: int
    count: int
    hours_per_unit_per_year: float


def window_of(scenario: Scenario) -> Window:
    cal = scenario.calendar
    return Window(cal.warmup_days * DAY_MIN, cal.horizon_days * DAY_MIN)


def group_hours(scenario: Scenario) -> list[GroupHours]:
    """Every shift group of every pool, and the vans (pool ``vans``, group 0)."""
    window = window_of(scenario)
    per_year = ANNUAL_DAYS / window.days if window.days > 0 else 0.0
    start = scenario.calendar.start_date
    out = []
    for spec in pool_specs(scenario):
        for g, (count, hours, _serves) in enumerate(spec.shifts):
            spans = hours.intervals(start.weekday(), window.end_min)
            if spec.dates:
                spans = clip_to_window(spans, spec.dates[g], start)
            minutes = sum(
                max(0.0, min(hi, window.end_min) - max(lo, window.start_min)) for lo, hi in spans
            )
            out.append(GroupHours(spec.name, spec.kind, g, count, minutes / HOUR_MIN * per_year))
    centre = scenario.bathing_centre
    if centre is not None and centre.vans is not None and centre.vans.count > 0:
        total = van_hours_min(scenario, window) / HOUR_MIN * per_year
        count = centre.vans.count
        out.append(GroupHours("vans", "van", 0, count, total / count))
    return out


def hours_by_kind(scenario: Scenario) -> dict[str, float]:
    """On-shift (or open) hours per year by kind of unit, all groups together."""
    out = dict.fromkeys(RATE_FIELD, 0.0)
    for g in group_hours(scenario):
        out[g.kind] += g.count * g.hours_per_unit_per_year
    return out


def capacity_cost_per_year(scenario: Scenario) -> float | None:
    """Caregivers + bathing teams + stations + vans, per year, at the scenario's unit costs
    (``cost_per_year_caregivers + ..._bath_teams + ..._stations + ..._vans`` of the cost
    metrics); None without ``costs``. Per-service and capital costs are left out: they do not
    depend on the capacity bought (per-service costs follow the services delivered)."""
    costs = scenario.costs
    if costs is None:
        return None
    hours = hours_by_kind(scenario)
    return sum(hours[kind] * float(getattr(costs, field)) for kind, field in RATE_FIELD.items())


def staff_fte(scenario: Scenario) -> dict[str, float] | None:
    """Caregiver FTE and bathing team-FTE (hours / ``costs.hours_per_fte_year``); None without
    ``costs`` (which holds the hours of one FTE)."""
    costs = scenario.costs
    if costs is None:
        return None
    hours = hours_by_kind(scenario)
    fte = costs.hours_per_fte_year
    return {"caregiver_fte": hours["caregiver"] / fte, "bath_team_fte": hours["team"] / fte}
