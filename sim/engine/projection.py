"""The demography of ``population.projection``: level hazards, calendar years, and the yearly
enrolment rates that make the expected population follow its growth or targets.

Expected numbers of elders by care level in one district follow the linear ODE

    dn/dt = A n + lambda(t) p,     A = Q^T - diag(exit)

where ``Q`` holds the transition hazards between levels (diagonal: minus their sum), ``exit``
the exit hazard of each level, ``p`` the care-level shares of new elders and ``lambda`` the
enrolment rate (elders a day). Over a span of ``h`` days with a constant ``lambda`` it has the
closed form ``n(h) = e^{Ah} n(0) + (int_0^h e^{As} ds) p lambda``, computed at once as the matrix
exponential of the augmented matrix ``[[A, p lambda], [0, 0]]``. Each projected year's rate is
the one whose expected total at the year's end meets the year's target (never below 0): exits
are compensated, as the 2022 calibration of the Taiyuan baseline does by hand within a year.
The model is written down in ``docs/model-demography.md``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import numpy as np

from carecap.sim.scenario.model import Scenario
from carecap.sim.scenario.projection import projection_start_year
from carecap.sim.units import DAY_MIN, YEAR_DAYS


def calendar_years(start: dt.date, lo_min: float, hi_min: float) -> list[tuple[int, float, float]]:
    """The calendar years met by ``[lo_min, hi_min)`` (minutes from ``start`` 00:00), each as
    ``(year, lo, hi)`` cut to the span; empty spans are left out."""
    out: list[tuple[int, float, float]] = []
    year = (start + dt.timedelta(minutes=max(lo_min, 0.0))).year
    while True:
        begin = _minutes_to(start, dt.date(year, 1, 1))
        end = _minutes_to(start, dt.date(year + 1, 1, 1))
        lo, hi = max(begin, lo_min), min(end, hi_min)
        if lo >= hi_min:
            return out
        if hi > lo:
            out.append((year, lo, hi))
        year += 1


def _minutes_to(start: dt.date, day: dt.date) -> float:
    return (day - start).days * DAY_MIN


@dataclass(frozen=True)
class LevelRates:
    """Hazards per day between care levels (``move[i, j]``, from i to j) and of exit."""

    move: np.ndarray
    exit: np.ndarray

    @classmethod
    def of(cls, scenario: Scenario) -> LevelRates:
        pop, levels = scenario.population, list(scenario.care_levels)
        p = pop.projection
        move = np.zeros((len(levels), len(levels)))
        exit_ = np.full(len(levels), pop.exit_rate_per_year)
        if p is not None:
            for src, moves in p.transitions_per_year.items():
                for dst, rate in moves.items():
                    move[levels.index(src), levels.index(dst)] = rate
            for lv, rate in p.exit_rate_per_year_by_level.items():
                exit_[levels.index(lv)] = rate
        return cls(move / YEAR_DAYS, exit_ / YEAR_DAYS)

    @property
    def total(self) -> np.ndarray:
        """Hazard of leaving each level (moves plus exit), per day."""
        return self.move.sum(axis=1) + self.exit

    def generator(self) -> np.ndarray:
        """``A`` of the module's ODE (per day)."""
        return self.move.T - np.diag(self.total)


def advance(a: np.ndarray, n0: np.ndarray, inflow: np.ndarray, days: float) -> np.ndarray:
    """Expected elders by level after ``days`` from ``n0``, with a constant ``inflow`` (elders a
    day by level): the closed form of the module's ODE."""
    k = len(n0)
    m = np.zeros((k + 1, k + 1))
    m[:k, :k], m[:k, k] = a, inflow
    from scipy.linalg import expm  # here: only projected runs need it (14 MB, 0.15 s to import)

    return (expm(m * days) @ np.append(n0, 1.0))[:k]


def shares(mapping: dict[str, float], names: list[str]) -> np.ndarray:
    p = np.array([mapping.get(n, 0.0) for n in names], dtype=np.float64)
    return p / p.sum() if p.sum() > 0 else np.full(len(names), 1.0 / len(names))


@dataclass(frozen=True)
class YearRates:
    """One projected year: enrolment at ``per_day[d]`` elders a day into district ``d`` on
    ``[lo_min, hi_min)`` (cut to the horizon), and the expected elders by district x level at
    the end of the whole calendar year."""

    year: int
    lo_min: float
    hi_min: float
    per_day: np.ndarray
    expected_end: np.ndarray


def district_shares(scenario: Scenario) -> np.ndarray:
    """Districts of newly enrolled elders (as :func:`carecap.sim.engine.population.draw_elders`)."""
    pop, names = scenario.population, list(scenario.districts)
    if pop.enrolment_district_shares is not None:
        return shares(pop.enrolment_district_shares, names)
    return shares({d: float(n) for d, n in pop.elders_by_district.items()}, names)


def new_level_shares(scenario: Scenario) -> np.ndarray:
    pop, levels = scenario.population, list(scenario.care_levels)
    p = pop.projection
    mix = p.new_level_shares if p is not None and p.new_level_shares else pop.care_level_shares
    return shares(mix, levels)


def projection_start_min(scenario: Scenario) -> float:
    """Time the projection's enrolment takes over (1 January of ``from_year``, or time 0)."""
    start = scenario.calendar.start_date
    return max(0.0, _minutes_to(start, dt.date(projection_start_year(scenario), 1, 1)))


def year_rates(scenario: Scenario) -> list[YearRates]:
    """The projected years' enrolment rates, in order (empty without a projection)."""
    pop = scenario.population
    p = pop.projection
    if p is None:
        return []
    districts, levels = list(scenario.districts), list(scenario.care_levels)
    a = LevelRates.of(scenario).generator()
    horizon_min = scenario.calendar.horizon_days * DAY_MIN
    t_p = projection_start_min(scenario)
    n = _expected_before(scenario, a, t_p)  # districts x levels at the projection's start
    base = n.sum(axis=1)
    w = district_shares(scenario)
    p_new = new_level_shares(scenario)
    growth = np.array([p.growth_per_year_by_district.get(d, p.growth_per_year) for d in districts])
    points = [(t_p, None)] + [
        (_minutes_to(scenario.calendar.start_date, dt.date(t.year + 1, 1, 1)), t.elders)
        for t in p.targets
    ]
    out = []
    for year, lo, hi in calendar_years(scenario.calendar.start_date, t_p, horizon_min):
        year_end = _minutes_to(scenario.calendar.start_date, dt.date(year + 1, 1, 1))
        days = (year_end - lo) / DAY_MIN
        target = _target(year_end, points, base, w, growth)
        per_day = np.zeros(len(districts))
        for d in range(len(districts)):
            stay = advance(a, n[d], np.zeros(len(levels)), days).sum()
            unit = advance(a, np.zeros(len(levels)), p_new, days).sum()
            per_day[d] = max(0.0, (target[d] - stay) / unit) if unit > 0 else 0.0
            n[d] = advance(a, n[d], p_new * per_day[d], days)
        out.append(YearRates(year, lo, hi, per_day, n.copy()))
    return out


def _target(t_min, points, base: np.ndarray, w: np.ndarray, growth: np.ndarray) -> np.ndarray:
    """Expected elders by district wanted at ``t_min``: linear between the projection's start
    (``base``) and the targets, compounded growth after the last one (or from the start)."""
    (t0, _), targets = points[0], points[1:]
    if targets and t_min <= targets[-1][0]:
        prev_t, prev = t0, base
        for t_k, total in targets:
            here = total * w
            if t_min <= t_k:
                frac = (t_min - prev_t) / (t_k - prev_t)
                return prev + frac * (here - prev)
            prev_t, prev = t_k, here
    last_t, last = (targets[-1][0], targets[-1][1] * w) if targets else (t0, base)
    return last * (1.0 + growth) ** ((t_min - last_t) / (YEAR_DAYS * DAY_MIN))


def _expected_before(scenario: Scenario, a: np.ndarray, t_p: float) -> np.ndarray:
    """Expected elders by district x level at ``t_p``, from the initial elders and the
    ``population.enrolment`` periods before it."""
    pop = scenario.population
    districts, levels = list(scenario.districts), list(scenario.care_levels)
    p0 = shares(pop.care_level_shares, levels)
    p_new = new_level_shares(scenario)
    w = district_shares(scenario)
    n = np.array([pop.elders_by_district.get(d, 0) * p0 for d in districts], dtype=np.float64)
    cuts = sorted(
        {0.0, t_p} | {min(x * DAY_MIN, t_p) for e in pop.enrolment for x in (e.from_day, e.to_day)}
    )
    for lo, hi in itertools.pairwise(cuts):
        rate = sum(
            e.elders_per_day
            for e in pop.enrolment
            if e.from_day * DAY_MIN <= lo and hi <= e.to_day * DAY_MIN
        )
        for d in range(len(districts)):
            n[d] = advance(a, n[d], p_new * rate * w[d], (hi - lo) / DAY_MIN)
    return n
