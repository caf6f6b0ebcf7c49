"""The demand tape made a window of time at a time (``DemandPlan.tape_windows``, what the kernel
feeds) is the whole-horizon tape (``DemandPlan.tape``) cut into consecutive pieces: the same rows,
values and order, whatever the window size, with seasonal time changes (including a month at
factor 0), services that open later, waiting lists and ``after_delivery`` demands.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from carecap.sim.engine.demand import DemandPlan
from carecap.sim.engine.population import draw_elders
from carecap.sim.engine.streams import Streams
from carecap.sim.scenario.loader import load_scenario
from carecap.sim.scenario.set_options import apply_set_options
from carecap.sim.validation.mmc import mmc_scenario
from tests.test_engine_demand import scenario as demand_scenario

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = ("time_min", "kind", "elder", "index", "route", "travel_min", "dur_min")


def plan_of(scenario, seed: int = 5) -> DemandPlan:
    streams = Streams(seed, 0)
    return DemandPlan(scenario, draw_elders(scenario, streams), streams)


def shipped(name: str, days: float, **more):
    path = ROOT / "scenarios" / name
    return apply_set_options(load_scenario(path), {"calendar.horizon_days": days, **more}, path)


CASES = {
    "taiyuan": lambda: shipped("taiyuan-2022.yaml", 40),
    "summer-peak": lambda: shipped(
        "taiyuan-2022-summer-peak.yaml", 200, **{"calendar.start_date": "2022-05-20"}
    ),
    "centre-opens": lambda: shipped("taiyuan-2023-centre-opens.yaml", 110),
    "ten-year": lambda: shipped("taiyuan-2022-2031.yaml", 400),
    "month-at-zero": lambda: demand_scenario(
        **{"services.care_visit.seasonal_factor_by_month": {2: 0.0, 3: 3.0}}
    ),
    "after-delivery": lambda: demand_scenario(**{"services.care_visit.mode": "after_delivery"}),
    "mmc": lambda: mmc_scenario(1.0, 9.0, 10, horizon_days=4, warmup_days=1, elders=20),
}


@pytest.mark.parametrize("rows_per_window", [20, 400])
@pytest.mark.parametrize("case", list(CASES))
def test_windows_concatenate_to_the_whole_tape(case, rows_per_window):
    scenario = CASES[case]()
    whole = plan_of(scenario).tape()
    assert len(whole.time_min) > 100  # enough rows to cut into many windows
    windows = list(plan_of(scenario).tape_windows(rows_per_window))
    assert len(windows) > (3 if rows_per_window < 400 else 0)
    for column in COLUMNS:
        got = np.concatenate([getattr(w, column) for w in windows])
        expected = getattr(whole, column)
        assert got.dtype == expected.dtype, column
        np.testing.assert_array_equal(got, expected, err_msg=column, strict=True)


def test_windows_are_consecutive_in_time():
    windows = list(plan_of(CASES["summer-peak"]()).tape_windows(20))
    ends = [(w.time_min.min(), w.time_min.max()) for w in windows if len(w.time_min)]
    for (_, last), (first, _) in itertools.pairwise(ends):
        assert last < first  # a time never spans two windows (ties are ordered by kind, elder)


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("seed", range(5))
def test_time_order_is_the_four_key_lexsort(ties: bool, seed: int) -> None:
    """The tape's order (``_time_order``: one sort of the times when none tie) is exactly
    ``np.lexsort`` by (time, kind, elder, index), with and without equal times (and NaN)."""
    from carecap.sim.engine.demand import _time_order

    rng = np.random.default_rng(seed)
    n = 2_000
    time = rng.exponential(10.0, n).cumsum()[rng.permutation(n)]
    if ties:
        time = np.round(time / 20.0) * 20.0
        time[rng.integers(0, n, 5)] = np.nan
    kind, elder, index = (rng.integers(0, m, n) for m in (3, 50, 40))
    order = _time_order(time, kind, elder, index)
    np.testing.assert_array_equal(order, np.lexsort((index, elder, kind, time)))
