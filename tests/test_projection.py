"""``population.projection``: the drawn elders follow the closed form of the stated rates.

The expected number of elders by care level solves the linear ODE of the projection
(docs/model-demography.md). The test solves it itself, numerically (``solve_ivp``), with each
year's enrolment rate found by root-finding so that the year's end meets the target: an
independent computation of the engine's matrix-exponential closed form. Counts drawn over many
replications must agree within their sampling interval.
"""

from __future__ import annotations

import copy
import datetime as dt

import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

from carecap.sim.engine.population import draw_elders
from carecap.sim.engine.streams import Streams
from carecap.sim.scenario.model import Scenario

LEVELS = ["semi", "dis", "bed"]
YEAR = 365.25

BASE = {
    "name": "proj",
    "calendar": {"start_date": "2024-01-01", "horizon_days": 4 * 365 + 1},
    "care_levels": {"semi": {}, "dis": {}, "bed": {"can_go_to_centre": False}},
    "districts": {"a": {}, "b": {}},
    "population": {
        "elders_by_district": {"a": 600, "b": 400},
        "care_level_shares": {"semi": 0.5, "dis": 0.3, "bed": 0.2},
        "tier_shares": {"tekun": 0.2, "dibao": 0.3, "other": 0.5},
        "exit_rate_per_year": 0.1,
        "projection": {
            "growth_per_year": 0.05,
            "growth_per_year_by_district": {"b": 0.10},
            "transitions_per_year": {"semi": {"dis": 0.2, "bed": 0.05}, "dis": {"bed": 0.3}},
            "exit_rate_per_year_by_level": {"semi": 0.05, "bed": 0.4},
            "new_level_shares": {"semi": 0.8, "dis": 0.2},
        },
    },
    "services": {},
}


def scenario(**projection) -> Scenario:
    data = copy.deepcopy(BASE)
    data["population"]["projection"].update(projection)
    return Scenario.model_validate(data)


def generator(move: np.ndarray, exit_: np.ndarray) -> np.ndarray:
    return move.T - np.diag(move.sum(axis=1) + exit_)


RATES = np.array([[0, 0.2, 0.05], [0, 0, 0.3], [0, 0, 0]]) / YEAR, np.array([0.05, 0.1, 0.4]) / YEAR
P0 = np.array([0.5, 0.3, 0.2])
P_NEW = np.array([0.8, 0.2, 0.0])


def ode_path(n0: np.ndarray, targets: list[float], days: list[float]) -> list[np.ndarray]:
    """Expected elders by level at each year's end, the year's constant enrolment rate chosen
    (by root-finding) so that the total meets that year's target; negative rates -> 0."""
    a = generator(*RATES)

    def run(n, lam, h):
        sol = solve_ivp(lambda _t, x: a @ x + lam * P_NEW, (0, h), n, rtol=1e-10, atol=1e-8)
        return sol.y[:, -1]

    out, n = [], n0
    for target, h in zip(targets, days, strict=True):
        gap = lambda lam, n=n, h=h, target=target: run(n, lam, h).sum() - target  # noqa: E731
        lam = 0.0 if gap(0.0) >= 0 else brentq(gap, 0.0, 100.0, xtol=1e-10)
        n = run(n, lam, h)
        out.append(n)
    return out


def year_lengths(start_year: int, years: int) -> list[float]:
    return [
        (dt.date(start_year + k + 1, 1, 1) - dt.date(start_year + k, 1, 1)).days
        for k in range(years)
    ]


def drawn_counts(s: Scenario, district: int, times_days: list[float], reps: int) -> np.ndarray:
    """Elders of ``district`` present at each time, by level: reps x times x levels."""
    out = np.zeros((reps, len(times_days), len(LEVELS)))
    for r in range(reps):
        e = draw_elders(s, Streams(11, r))
        mine = e.district == district
        for i, t in enumerate(times_days):
            here = mine & (e.enrol_min <= t * 1440) & (e.exit_min > t * 1440)
            out[r, i] = np.bincount(e.level[here], minlength=len(LEVELS))
    return out


def assert_within(drawn: np.ndarray, expected: np.ndarray) -> None:
    """Mean of the replications within 4.5 standard errors (plus 0.5 elder) of the expected."""
    mean = drawn.mean(axis=0)
    se = drawn.std(axis=0, ddof=1) / np.sqrt(len(drawn))
    assert np.all(np.abs(mean - expected) <= 4.5 * se + 0.5), (mean, expected, se)


@pytest.mark.parametrize("district, n0, growth", [(0, 600, 0.05), (1, 400, 0.10)])
def test_growth_path_by_level_matches_the_ode(district, n0, growth):
    s = scenario()
    days = year_lengths(2024, 4)
    ends = np.cumsum(days)
    targets = [n0 * (1 + growth) ** (e / YEAR) for e in ends]
    expected = np.array(ode_path(n0 * P0, targets, days))
    drawn = drawn_counts(s, district, list(ends - 1e-6), reps=60)
    assert_within(drawn, expected)
    # the totals follow the growth rate itself
    assert np.allclose(expected.sum(axis=1), targets, rtol=1e-6)


def test_targets_path_by_level_matches_the_ode():
    # city targets 1,200 at the end of 2025 and 900 at the end of 2027 (a cut: no enrolment
    # while the survivors alone exceed it); shared among districts like the initial elders
    s = scenario(targets=[{"year": 2025, "elders": 1200}, {"year": 2027, "elders": 900}])
    days = year_lengths(2024, 4)
    ends = np.cumsum(days)
    w = 0.6  # district a's share of new elders (in proportion to elders_by_district)
    t1, t3 = 1200 * w, 900 * w
    targets = [600 + (t1 - 600) * ends[0] / ends[1], t1, t1 + (t3 - t1) * days[2] / sum(days[2:])]
    targets.append(t3)
    expected = np.array(ode_path(600 * P0, targets, days))
    drawn = drawn_counts(s, 0, list(ends - 1e-6), reps=60)
    assert_within(drawn, expected)


def test_enrolment_list_applies_before_from_year_then_the_projection():
    s = scenario(from_year=2025)
    data = s.model_dump(mode="json")
    data["population"]["enrolment"] = [{"from_day": 0, "to_day": 1000, "elders_per_day": 0.5}]
    s = Scenario.model_validate(data)
    days = year_lengths(2024, 4)
    a = generator(*RATES)
    # 2024: 0.5 a day for the city, 60 % to district a (cut at 1 Jan 2025, day 366)
    sol = solve_ivp(
        lambda _t, x: a @ x + 0.5 * 0.6 * P_NEW, (0, days[0]), 600 * P0, rtol=1e-10, atol=1e-8
    )
    base = sol.y[:, -1]
    ends = np.cumsum(days[1:])
    targets = [base.sum() * 1.05 ** (e / YEAR) for e in ends]
    expected = np.array(ode_path(base, targets, days[1:]))
    times = [days[0] - 1e-6, *(days[0] + ends - 1e-6)]
    drawn = drawn_counts(s, 0, times, reps=60)
    assert_within(drawn, np.vstack([base, expected]))


def test_a_move_keeps_the_person_and_its_requests():
    """A move to another level ends the row (flagged ``moves_on``) and starts a row at the new
    level, same district, tier and bed; a departure is not flagged."""
    s = scenario()
    e = draw_elders(s, Streams(3, 0))
    moved = np.flatnonzero(e.moves_on)
    assert moved.size > 100
    starts = {t: i for i, t in enumerate(e.enrol_min.tolist())}
    for i in moved[:200].tolist():
        j = starts[e.exit_min[i]]
        assert j > i and e.level[j] != e.level[i]
        assert (e.district[j], e.tier[j], e.has_bed[j]) == (e.district[i], e.tier[i], e.has_bed[i])
    assert not e.withdrawing()[moved].any()
    assert e.withdrawing().sum() == (np.isfinite(e.exit_min) & ~e.moves_on).sum() > 0
    # nothing moves from the level with no transitions listed
    assert not e.moves_on[e.level == LEVELS.index("bed")].any()


def test_same_seed_same_elders_and_streams_are_named():
    s = scenario()
    a, b = draw_elders(s, Streams(5, 2)), draw_elders(s, Streams(5, 2))
    for name in ("district", "level", "tier", "has_bed", "enrol_min", "exit_min", "moves_on"):
        assert np.array_equal(getattr(a, name), getattr(b, name))
    c = draw_elders(s, Streams(5, 3))
    assert not np.array_equal(a.exit_min[:50], c.exit_min[:50])
