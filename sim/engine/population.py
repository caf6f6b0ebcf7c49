"""The elders in need: who they are, where they live, when they enrol and leave.

Drawn once per replication from the ``population.*`` streams, before any service runs, so that
capacity never changes who is in need (common random numbers). Elder ids are assigned in order:
the elders present at time 0 (district by district, in scenario order), then new enrolments in
time order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from carecap.sim.engine.streams import RandomStream, Streams
from carecap.sim.scenario.model import Scenario
from carecap.sim.units import DAY_MIN, YEAR_DAYS


@dataclass(frozen=True)
class Elders:
    """Columns of the elder table; categorical attributes as integer codes into the scenario."""

    district: np.ndarray  # int16, index into scenario.districts
    level: np.ndarray  # int16, index into scenario.care_levels
    tier: np.ndarray  # int16, index into scenario.tiers (0 = highest priority)
    has_bed: np.ndarray  # bool
    enrol_min: np.ndarray  # float64
    exit_min: np.ndarray  # float64, inf when the elder stays past the horizon (and the drain)
    moves_on: np.ndarray | None = None
    """bool: the elder's ``exit_min`` is a move to another care level (a projection's
    transition: the same person goes on as a new elder row), not a departure; None: none is."""

    def withdrawing(self) -> np.ndarray:
        """Elders whose exit withdraws the requests they still wait for (a departure; after a
        move to another level the requests already made are still served)."""
        leaving = np.isfinite(self.exit_min)
        return leaving if self.moves_on is None else leaving & ~self.moves_on

    def __len__(self) -> int:
        return len(self.district)

    def frame(self, scenario: Scenario) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "elder_id": np.arange(len(self), dtype=np.int32),
                "district": pd.Categorical.from_codes(
                    self.district, pd.Index(list(scenario.districts))
                ),
                "care_level": pd.Categorical.from_codes(
                    self.level, pd.Index(list(scenario.care_levels))
                ),
                "tier": pd.Categorical.from_codes(
                    self.tier, pd.Index(scenario.tiers), ordered=True
                ),
                "has_bed": self.has_bed,
                "enrol_min": self.enrol_min,
                "exit_min": self.exit_min,
            }
        )


def _codes(shares: dict[str, float], names: list[str]) -> np.ndarray:
    p = np.array([shares.get(n, 0.0) for n in names], dtype=np.float64)
    return p / p.sum()


def enrolment_times(scenario: Scenario, rng: RandomStream, until_min: float) -> np.ndarray:
    """Sorted enrolment times of the ``population.enrolment`` periods before ``until_min``: a
    Poisson count per period, uniform times."""
    times = []
    for period in scenario.population.enrolment:
        lo, hi = period.from_day * DAY_MIN, min(period.to_day * DAY_MIN, until_min)
        if hi <= lo:
            continue
        n = int(rng.poisson(period.elders_per_day * (hi - lo) / DAY_MIN))
        times.append(rng.uniform(lo, hi, n))
    return np.sort(np.concatenate(times)) if times else np.zeros(0)


def draw_elders(scenario: Scenario, streams: Streams) -> Elders:
    """All elders of one replication: initial population, enrolments and exit times (with a
    ``population.projection``: :func:`carecap.sim.engine.life.draw_projected_elders`)."""
    if scenario.population.projection is not None:
        from carecap.sim.engine.life import draw_projected_elders

        return draw_projected_elders(scenario, streams)
    pop = scenario.population
    districts, levels = list(scenario.districts), list(scenario.care_levels)
    horizon_min = scenario.calendar.horizon_days * DAY_MIN
    followed_min = horizon_min + scenario.calendar.drain_days * DAY_MIN  # exits go on in the drain

    rng = streams.get("population.initial")
    district = np.repeat(
        np.arange(len(districts), dtype=np.int16),
        [pop.elders_by_district.get(d, 0) for d in districts],
    )
    enrol = np.zeros(len(district))

    rng_new = streams.get("population.enrolment")
    new_enrol = enrolment_times(scenario, rng_new, horizon_min)
    if pop.enrolment_district_shares is not None:
        p_district = _codes(pop.enrolment_district_shares, districts)
    else:
        counts = np.array([pop.elders_by_district.get(d, 0) for d in districts], dtype=float)
        p_district = (
            counts / counts.sum() if counts.sum() > 0 else np.full(len(counts), 1 / len(counts))
        )
    new_district = rng_new.choice(p_district, len(new_enrol)).astype(np.int16)

    district = np.concatenate([district, new_district])
    enrol = np.concatenate([enrol, new_enrol])
    n = len(district)
    level = rng.choice(_codes(pop.care_level_shares, levels), n).astype(np.int16)
    tier = rng.choice(_codes(pop.tier_shares, scenario.tiers), n)
    bed_share = np.array([pop.family_bed_share_by_level.get(lv, 1.0) for lv in levels])
    has_bed = rng.random(n) < bed_share[level]

    rng_exit = streams.get("population.exit")
    if pop.exit_rate_per_year > 0:
        with np.errstate(over="ignore"):  # a vanishing rate: stays beyond any float are inf
            stay = rng_exit.exponential(YEAR_DAYS * DAY_MIN / pop.exit_rate_per_year, n)
        exit_min = enrol + stay
        exit_min[exit_min >= followed_min] = math.inf
    else:
        exit_min = np.full(n, math.inf)
    return Elders(district, level, tier.astype(np.int16), has_bed, enrol, exit_min)
