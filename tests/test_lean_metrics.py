"""The memory-lean metric paths (issue 12, item 4) compute exactly what the whole-table formulas
give, bit for bit.

* Kaplan–Meier computed in place equals the textbook product-limit formulas on the same curve;
* the backlog maximum from sorted joins and leaves (``queue_peak``) equals the grouped sweep;
* request flags taken one service at a time equal the whole table's rows of that service;
* codes of some rows equal the rows of all codes; the distinct values of a column;
* van trips kept as typed columns give the ``van_trips`` table's dtypes;
* Poisson counts drawn with two scipy.special functions equal ``scipy.stats.poisson.ppf``.
"""

from __future__ import annotations

from pathlib import Path
from unittest.mock import patch

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from carecap.sim.engine.kernel import run_replication
from carecap.sim.engine.streams import Streams
from carecap.sim.engine.vans import TripLog, empty_trips
from carecap.sim.metrics.backlog import queue_peak, step_stats
from carecap.sim.metrics.common import (
    CHUNK_ROWS,
    Window,
    as_codes,
    first_rows,
    isin_codes,
    row_chunks,
    service_targets,
    values_present,
)
from carecap.sim.metrics.replication import request_flags
from carecap.sim.metrics.waits import QUANTILES, km_curve, km_stats
from carecap.sim.scenario.loader import load_scenario
from carecap.sim.scenario.set_options import apply_set_options

ROOT = Path(__file__).resolve().parents[1]

waits = st.lists(
    st.tuples(st.sampled_from([0.0, 0.5, 1.0, 2.5, 7.0]) | st.floats(0, 50), st.booleans()),
    min_size=1,
    max_size=40,
)


@settings(max_examples=80, deadline=None)
@given(waits)
def test_km_in_place_equals_the_textbook_formulas(pairs):
    time = np.array([p[0] for p in pairs])
    observed = np.array([p[1] for p in pairs])
    times, surv = km_curve(time, observed)  # S = cumprod(1 - d_i / n_i) at each distinct time
    before = np.concatenate([[1.0], surv[:-1]])
    mean = float(np.sum(before * np.diff(np.concatenate([[0.0], times]))))
    hit = np.searchsorted(-surv, -(1.0 - np.array(QUANTILES) + 1e-9), side="left")
    quantiles = times[np.minimum(hit, len(times) - 1)]
    got = km_stats(time, observed)
    assert got[0] == mean  # the same sum of the same products: bit for bit
    assert list(got[1:]) == list(quantiles)


events = st.lists(
    st.tuples(st.integers(-5, 40).map(float) | st.floats(-5, 40), st.sampled_from([1, -1])),
    max_size=40,
)


@settings(max_examples=80, deadline=None)
@given(events, events)
def test_queue_peak_equals_the_grouped_sweep(first, second):
    """Two step functions swept together (``step_stats``) and each alone from its joins (+1)
    and leaves (-1) sorted apart (``queue_peak``): any events, ties, times before and after the
    window, leaves before joins, blocks of one join."""
    window = Window(0.0, 30.0)
    times = np.array([t for t, _ in first + second], dtype=np.float64)
    deltas = np.array([d for _, d in first + second], dtype=np.int8)
    group = np.array([0] * len(first) + [1] * len(second), dtype=np.int64)
    _, peak = step_stats(times, deltas, group, 2, window)
    for g in (0, 1):
        mine = group == g
        joins, leaves = times[mine & (deltas > 0)], times[mine & (deltas < 0)]
        assert queue_peak(joins, leaves, window) == peak[g]
        with patch("carecap.sim.metrics.backlog.PEAK_BLOCK", 1):
            assert queue_peak(joins, leaves, window) == peak[g]


@pytest.fixture(
    scope="module", params=[("taiyuan-2022.yaml", 60), ("taiyuan-2022-alarm-cover.yaml", 0)]
)
def records(request):
    """Six weeks of all four services, with the baseline's 60-day drain, and without a drain
    (requests still waiting at the horizon: censored); the alarm-cover variant has urgency
    classes with their own targets."""
    name, drain_days = request.param
    path = ROOT / "scenarios" / name
    sets = {"calendar.horizon_days": 42, "calendar.drain_days": drain_days}
    return drain_days, apply_set_options(load_scenario(path), sets, path)


def test_request_flags_of_one_service_are_its_rows_of_the_whole_table(records):
    drain_days, scenario = records
    rec = run_replication(scenario, 0, 5)
    targets = service_targets(rec, scenario)
    window = Window.of(rec)
    whole = request_flags(rec, targets, window)
    assert drain_days or (~whole["observed"]).any(), "a case with censored requests"
    for code in range(len(targets)):
        one = request_flags(rec, targets, window, code)
        mine = whole["svc"] == code
        assert mine.sum() > 0
        for name, column in whole.items():
            expected = column[mine]
            got = np.broadcast_to(one[name], expected.shape)  # (a target shared by all: 0-d)
            np.testing.assert_array_equal(got, expected, strict=False, err_msg=name)
            if name == "queue_min":
                assert got.tobytes() == expected.tobytes()


def test_codes_of_some_rows_and_values_present(records):
    rec = run_replication(records[1], 0, 5)
    rows = np.arange(0, len(rec.requests), 3)
    for column in ("service", "district", "tier", "outcome"):
        values = rec.requests[column]
        names = sorted(values_present(values))
        assert names == sorted({str(v) for v in values.dropna().unique()})
        plain = values.astype(str)  # the non-categorical path
        for series, listed in ((values, names[:-1]), (plain, names)):
            np.testing.assert_array_equal(
                as_codes(series, listed, rows), as_codes(series, listed)[rows]
            )
            narrow = as_codes(series, listed, rows, narrow=True)
            assert narrow.dtype == np.int8
            np.testing.assert_array_equal(narrow, as_codes(series, listed, rows))
            for wanted in (tuple(listed[:1]), tuple(listed[1:3]), ()):
                np.testing.assert_array_equal(
                    isin_codes(series, listed, wanted),
                    np.isin(series.astype(str).to_numpy(), list(wanted)),
                )


def test_trip_log_table_has_the_van_trips_columns():
    log = TripLog()
    pickup = log.new_trip(2, 0, 10.0, 40.0)
    log.append(pickup, 7, 22.5)
    log.append(pickup, 8, 25.0)
    back = log.new_trip(0, 1, 50.0, 90.0)
    log.append(back, 7, 70.0)
    frame = log.frame()
    pd.testing.assert_frame_equal(frame.iloc[:0], empty_trips(), check_index_type=False)
    assert frame["kind"].astype(str).tolist() == ["pickup", "pickup", "return"]
    assert frame[["trip_id", "van", "request_id"]].to_numpy().tolist() == [
        [0, 2, 7],
        [0, 2, 8],
        [1, 0, 7],
    ]
    assert frame[["depart_min", "back_min"]].to_numpy().tolist() == [[10, 40], [10, 40], [50, 90]]
    assert frame["home_min"].tolist() == [22.5, 25.0, 70.0]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0, 1e6) | st.sampled_from([0.0, 1e-12, 0.5, 30.0]), min_size=1, max_size=20),
    st.integers(0, 2**31),
)
def test_poisson_counts_equal_scipy_stats(means, seed):
    lam = np.array(means)
    got = Streams(seed, 0).get("x").poisson(lam)
    u = Streams(seed, 0).get("x").random(lam.shape)  # the same uniforms
    np.testing.assert_array_equal(got, stats.poisson.ppf(u, lam).astype(np.int64))
    one = Streams(seed, 1).get("y").poisson(float(lam[0]))
    u0 = Streams(seed, 1).get("y").random(())
    assert one == stats.poisson.ppf(u0, lam[0]).astype(np.int64)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 6), max_size=40), st.booleans())
def test_first_rows_are_where_drop_duplicates_keeps(ids, in_runs):
    """The first row of each id, in the table's order, whether the ids come in sorted runs (a
    trip's rows) or in any order."""
    values = np.array(sorted(ids) if in_runs else ids, dtype=np.int32)
    want = pd.Series(values).drop_duplicates().index.to_numpy()
    assert first_rows(values).tolist() == want.tolist()


@pytest.mark.parametrize("n_rows", [0, 1, CHUNK_ROWS - 1, CHUNK_ROWS, 2 * CHUNK_ROWS + 3])
def test_row_chunks_cover_every_row_once_in_order(n_rows):
    chunks = list(row_chunks(n_rows))
    covered = [i for s in chunks for i in range(n_rows)[s]]
    assert covered == list(range(n_rows))
    assert all(s.stop - s.start <= CHUNK_ROWS for s in chunks)
