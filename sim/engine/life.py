"""Elders of a scenario with ``population.projection``: enrolment by projected year, and each
elder's life as a continuous-time Markov chain over care levels until exit.

Drawn once per replication, before any service runs (common random numbers), from streams of
their own: ``population.initial`` (district, level, tier, bed, as without a projection),
``population.enrolment`` (the periods of ``population.enrolment`` before the projection),
``population.projection`` (the projected years' enrolments, year by year, district by district)
and ``population.life`` (sojourns and moves).

An elder who moves to another care level goes on as a new row of the elder table (a new
``elder_id``, the same district, tier and bed, ``enrol_min`` = the move), so that every row has
one care level and the services, routing and metrics work on it unchanged; the old row's
``exit_min`` is the move, flagged in :attr:`Elders.moves_on` (its requests already made are still
served, it makes no new ones). Ids: the elders present at time 0, then the enrolled ones in time
order (as without a projection), then the rows made by moves, in the order drawn.
"""

from __future__ import annotations

import math

import numpy as np

from carecap.sim.engine.population import Elders, enrolment_times
from carecap.sim.engine.projection import (
    LevelRates,
    district_shares,
    new_level_shares,
    projection_start_min,
    shares,
    year_rates,
)
from carecap.sim.engine.streams import RandomStream, Streams
from carecap.sim.scenario.model import Scenario
from carecap.sim.units import DAY_MIN


def draw_projected_elders(scenario: Scenario, streams: Streams) -> Elders:
    """All elders (rows: one per elder and care level held) of one replication."""
    pop, cal = scenario.population, scenario.calendar
    districts, levels = list(scenario.districts), list(scenario.care_levels)
    horizon_min = cal.horizon_days * DAY_MIN
    followed_min = horizon_min + cal.drain_days * DAY_MIN

    rng = streams.get("population.initial")
    district0 = np.repeat(
        np.arange(len(districts), dtype=np.int16),
        [pop.elders_by_district.get(d, 0) for d in districts],
    )
    t_p = projection_start_min(scenario)
    times, where = _enrolled_before(scenario, streams.get("population.enrolment"), t_p)
    proj_times, proj_where = _projected(scenario, streams.get("population.projection"))
    new_t = np.concatenate([times, proj_times])
    order = np.argsort(new_t, kind="stable")
    district = np.concatenate([district0, np.concatenate([where, proj_where])[order]])
    enrol = np.concatenate([np.zeros(len(district0)), new_t[order]])
    n0, n = len(district0), len(district)
    level = np.concatenate(
        [
            rng.choice(shares(pop.care_level_shares, levels), n0),
            rng.choice(new_level_shares(scenario), n - n0),
        ]
    ).astype(np.int16)
    tier = rng.choice(shares(pop.tier_shares, scenario.tiers), n).astype(np.int16)
    bed_share = np.array([pop.family_bed_share_by_level.get(lv, 1.0) for lv in levels])
    has_bed = rng.random(n) < bed_share[level]
    life = streams.get("population.life")
    rates = LevelRates.of(scenario)
    parent, lv, start, end, moved = _lives(rates, level, enrol, followed_min, life)
    return Elders(
        district[parent].astype(np.int16),
        lv.astype(np.int16),
        tier[parent],
        has_bed[parent],
        start,
        end,
        moved,
    )


def _enrolled_before(
    scenario: Scenario, rng: RandomStream, t_p: float
) -> tuple[np.ndarray, np.ndarray]:
    """Enrolments of the ``population.enrolment`` periods, cut at the projection's start."""
    times = enrolment_times(scenario, rng, min(t_p, scenario.calendar.horizon_days * DAY_MIN))
    return times, rng.choice(district_shares(scenario), len(times)).astype(np.int16)


def _projected(scenario: Scenario, rng: RandomStream) -> tuple[np.ndarray, np.ndarray]:
    """Enrolments of the projected years: a Poisson stream per year and district."""
    times, where = [], []
    for year in year_rates(scenario):
        counts = rng.poisson(year.per_day * (year.hi_min - year.lo_min) / DAY_MIN)
        for d, k in enumerate(counts.tolist()):
            times.append(rng.uniform(year.lo_min, year.hi_min, k))
            where.append(np.full(k, d, dtype=np.int16))
    if not times:
        return np.zeros(0), np.zeros(0, dtype=np.int16)
    return np.concatenate(times), np.concatenate(where)


def _lives(
    rates: LevelRates,
    level: np.ndarray,
    enrol: np.ndarray,
    followed_min: float,
    rng: RandomStream,
) -> tuple[np.ndarray, ...]:
    """Each elder's care levels until exit: rows ``(parent, level, start, end, moved)``, the
    first row of elder ``i`` at position ``i``. A row lasts an exponential time at its level's
    total hazard, then ends by exit or by a move (chosen in proportion to the hazards); rows
    still open at ``followed_min`` end at ``inf``."""
    total = rates.total / DAY_MIN  # per minute
    with np.errstate(divide="ignore", invalid="ignore"):
        cum = np.cumsum(np.column_stack([rates.move, rates.exit]), axis=1) / rates.total[:, None]
    out_parent, out_level, out_start, out_end, out_moved = [], [], [], [], []
    parent = np.arange(len(level))
    lv, start = level.astype(np.int64), enrol.astype(np.float64)
    while parent.size:
        h = total[lv]
        with np.errstate(divide="ignore"):
            stay = np.where(h > 0, -np.log1p(-rng.random(len(lv))) / h, math.inf)
        end = start + stay
        ends = end < followed_min
        pick = rng.random(len(lv))
        # the move (a level) or the exit (column L) whose share of the hazard holds the uniform
        nxt = np.minimum((cum[lv] <= pick[:, None]).sum(axis=1), len(total))
        moves = ends & (nxt < len(total))
        out_parent.append(parent)
        out_level.append(lv)
        out_start.append(start)
        out_end.append(np.where(ends, end, math.inf))
        out_moved.append(moves)
        parent, lv, start = parent[moves], nxt[moves], end[moves]
    return tuple(np.concatenate(c) for c in (out_parent, out_level, out_start, out_end, out_moved))
