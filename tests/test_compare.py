"""Paired comparison under common random numbers: analysis/compare.py and `carecap compare`."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

from carecap.analysis.compare import (
    NOTE_CONSTANT,
    NOTE_IDENTICAL,
    compare_metrics,
    crn_problems,
    format_comparison,
)
from carecap.analysis.stats import paired_difference
from carecap.sim.cli.main import main
from carecap.sim.experiments.replications import run_replications
from carecap.sim.scenario.loader import load_scenario

SMALL_SCENARIO = Path(__file__).parent / "data" / "small.yaml"


def tidy(values, metric: str = "wait_mean", unit: str = "days", service: str = "care_visit"):
    """A per-replication table of one metric (slice all), replications 0..n-1."""
    n = len(values)
    return pd.DataFrame(
        {
            "scenario": "x",
            "replication": np.arange(n),
            "seed": 1,
            "service": service,
            "slice": "all",
            "slice_value": "all",
            "metric": metric,
            "value": np.asarray(values, dtype=np.float64),
            "unit": unit,
        }
    )


def one(a, b, **kw) -> pd.Series:
    out = compare_metrics(tidy(a), tidy(b), metrics=None, **kw)
    assert len(out) == 1
    return out.iloc[0]


# --- the statistics against scipy, computed by hand --------------------------------------------


def test_paired_interval_matches_scipy_paired_t_test():
    a = np.array([3.1, 2.7, 4.0, 3.3, 2.9, 3.8, 3.5, 2.6])
    b = a + np.array([0.4, 0.1, 0.6, 0.3, 0.2, 0.5, 0.2, 0.3])
    row = one(a, b)
    d = b - a
    n = len(d)
    hw = stats.t.ppf(0.975, n - 1) * d.std(ddof=1) / math.sqrt(n)
    assert row["n"] == n
    assert row["diff"] == pytest.approx(d.mean())
    assert row["half_width"] == pytest.approx(hw)
    ci = stats.ttest_rel(b, a).confidence_interval(0.95)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((ci.low, ci.high))
    assert row["significant"]
    # The same as carecap.analysis.stats.paired_difference (which computes a - b).
    ref = paired_difference(b, a)
    assert row["half_width"] == pytest.approx(ref.half_width)


def test_welch_half_width_matches_scipy():
    a = np.array([3.1, 2.7, 4.0, 3.3, 2.9, 3.8])
    b = np.array([3.9, 3.0, 5.1, 3.4, 3.6, 4.9])
    row = one(a, b)
    ci = stats.ttest_ind(b, a, equal_var=False).confidence_interval(0.95)
    assert row["welch_half_width"] == pytest.approx((ci.high - ci.low) / 2)
    assert row["variance_reduction"] == pytest.approx(
        (a.var(ddof=1) + b.var(ddof=1)) / (b - a).var(ddof=1)
    )


def test_variance_reduction_matches_theory_on_correlated_samples():
    # A = Z + e1, B = Z + e2 + 1 with var Z = 9, var e = 1: var(A) = var(B) = 10,
    # var(B - A) = 2, so VR = 20 / 2 = 10 and the paired interval is ~sqrt(10) narrower.
    rng = np.random.default_rng(12345)
    n = 4000
    z = rng.normal(0.0, 3.0, n)
    a = z + rng.normal(0.0, 1.0, n)
    b = z + rng.normal(0.0, 1.0, n) + 1.0
    row = one(a, b)
    assert row["variance_reduction"] > 1
    assert row["variance_reduction"] == pytest.approx(10.0, rel=0.12)
    assert row["welch_half_width"] / row["half_width"] == pytest.approx(math.sqrt(10), rel=0.08)


def test_identical_results_give_no_variance_reduction_and_say_why():
    a = [1.0, 2.0, 3.0, 4.0]
    row = one(a, a)
    assert row["diff"] == 0 and row["half_width"] == 0
    assert math.isnan(row["variance_reduction"])
    assert row["note"] == NOTE_IDENTICAL
    assert not row["significant"]


def test_constant_difference_gives_infinite_variance_reduction():
    a = np.array([1.0, 2.0, 3.0, 4.0])
    row = one(a, a + 0.5)
    assert math.isinf(row["variance_reduction"])
    assert row["note"] == NOTE_CONSTANT
    assert row["significant"]  # an interval of width 0 around 0.5


def test_a_difference_of_rounding_alone_is_no_difference():
    # the same utilisation summed in another order: B - A a few ulps in every replication
    a = np.array([0.26, 0.31, 0.29, 0.27])
    b = a + np.spacing(a)
    assert (b != a).all()
    row = one(a, b)
    assert row["diff"] == 0 and row["half_width"] == 0 and not row["significant"]
    assert row["note"] == NOTE_IDENTICAL
    # a real constant difference, however small against the values, is still one
    row = one(a, a + 1e-9)
    assert row["significant"] and row["note"] == NOTE_CONSTANT


def test_pairs_with_a_missing_value_are_dropped_on_both_sides():
    a = [1.0, np.nan, 3.0, 4.0]
    b = [2.0, 5.0, np.nan, 4.5]
    row = one(a, b)
    assert row["n"] == 2
    assert row["mean_a"] == pytest.approx(2.5) and row["mean_b"] == pytest.approx(3.25)


def test_pairing_is_by_replication_number_not_position():
    a = tidy([1.0, 2.0, 3.0])
    b = tidy([1.5, 2.5, 3.5]).iloc[::-1]  # same replications, reversed rows
    row = compare_metrics(a, b, metrics=None).iloc[0]
    assert row["var_diff"] == pytest.approx(0.0) and row["diff"] == pytest.approx(0.5)


def test_crn_problems_flags_different_seeds_and_replications():
    a = tidy([1.0, 2.0, 3.0])
    b = tidy([1.0, 2.0]).assign(seed=2)
    problems = crn_problems(a, b)
    assert any("replications differ" in p for p in problems)
    assert any("seeds differ" in p for p in problems)
    assert crn_problems(a, a) == []


def test_metric_selection_bare_and_qualified():
    frame = pd.concat(
        [tidy([1, 2, 3], service="care_visit"), tidy([4, 5, 6], service="alarm", unit="min")]
    )
    both = compare_metrics(frame, frame, metrics=["wait_mean"])
    assert list(both["service"]) == ["care_visit", "alarm"]
    only = compare_metrics(frame, frame, metrics=["alarm.wait_mean"])
    assert list(only["service"]) == ["alarm"]


def test_table_fits_in_100_columns_and_marks_significance():
    a = np.array([3.1, 2.7, 4.0, 3.3])
    frame_a = pd.concat([tidy(a), tidy(a / 10, "on_time_rate", "share")])
    frame_b = pd.concat([tidy(a + 0.5), tidy(a / 10, "on_time_rate", "share")])
    text = format_comparison(compare_metrics(frame_a, frame_b), "A-name", "B-name")
    assert max(len(line) for line in text.splitlines()) <= 100
    wait_line = next(line for line in text.splitlines() if line.startswith("care_visit  wait"))
    assert " * " in wait_line
    assert "B = A in every replication" in text


def test_long_metric_labels_are_never_cut_and_the_columns_stay_aligned():
    a = np.array([14.0, 15.0, 13.5, 14.2])
    long_name = "ride_home_wait_mean_min_of_a_very_long_name"
    frame_a = pd.concat([tidy(a, long_name, "min"), tidy(a / 10, "on_time_rate", "share")])
    frame_b = pd.concat([tidy(a + 80, long_name, "min"), tidy(a / 10, "on_time_rate", "share")])
    compare = compare_metrics(frame_a, frame_b, metrics=None)
    lines = format_comparison(compare, "A", "B").splitlines()
    long_line = next(line for line in lines if long_name in line)
    short_line = next(line for line in lines if "on_time_rate" in line)
    header = next(line for line in lines if line.startswith("service"))
    a_end = header.index(" A ") + 2  # the A column ends at the same place in every row
    assert long_line[:a_end].endswith(f"{a.mean():.1f}")  # 14.2: one decimal from 10 up
    assert short_line[:a_end].endswith("%")
    assert "+80.0 ± 0.0" in long_line or "+80.00" in long_line


# --- a real comparison under common random numbers ---------------------------------------------


@pytest.fixture(scope="module")
def more_caregivers(tmp_path_factory) -> Path:
    """tests/data/small.yaml with 5 instead of 3 day-shift caregivers."""
    data = yaml.safe_load(SMALL_SCENARIO.read_text(encoding="utf-8"))
    data["name"] = "small-more-caregivers"
    data["caregivers"][0]["shifts"][0]["count"] = 5
    path = tmp_path_factory.mktemp("compare") / "more.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_crn_makes_the_paired_interval_narrower_than_independent_sampling(more_caregivers):
    reps = list(range(4))
    runs = [
        pd.concat(
            [r.metrics for r in run_replications(load_scenario(p), reps, 1, None, 1)],
            ignore_index=True,
        )
        for p in (SMALL_SCENARIO, more_caregivers)
    ]
    table = compare_metrics(*runs)
    util = table[(table["slice"] == "pool") & (table["slice_value"] == "city")].iloc[0]
    # More caregivers for the same work: lower utilisation (directional), and CRN pays off.
    assert util["diff"] < 0 and util["significant"]
    assert util["variance_reduction"] > 1
    assert util["half_width"] < util["welch_half_width"]


def test_compare_command_prints_a_table_and_json(more_caregivers, capsys):
    args = [str(SMALL_SCENARIO), str(more_caregivers), "--reps", "2", "--workers", "1"]
    assert main(["compare", *args]) == 0
    out = capsys.readouterr().out
    assert "Paired comparison B - A" in out
    assert max(len(line) for line in out.splitlines()) <= 100
    assert main(["compare", *args, "--json", "--metrics", "care.utilisation"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["replications"] == [0, 1]
    assert [row["metric"] for row in data["comparison"]] == ["utilisation"]


@pytest.mark.parametrize(
    "argv",
    [
        ["compare", "no/such/sweep:p0001", str(SMALL_SCENARIO)],
        ["compare", str(SMALL_SCENARIO), "missing.yaml"],
        ["compare", str(SMALL_SCENARIO), str(SMALL_SCENARIO), "--metrics", "no_such_metric"],
        ["compare", str(SMALL_SCENARIO), str(SMALL_SCENARIO), "--metrics", "bad name!"],
    ],
)
def test_compare_bad_input_exits_2(argv, capsys):
    assert main([*argv, "--reps", "1", "--workers", "1"]) == 2
    assert "Traceback" not in capsys.readouterr().err


# --- sweep points (only when the sweep store exists) -------------------------------------------


def test_compare_sweep_points(tmp_path, capsys):
    pytest.importorskip("carecap.sim.experiments.sweep_store")
    sweep_file = tmp_path / "caregivers.yaml"
    sweep_file.write_text(
        yaml.safe_dump(
            {
                "name": "caregivers",
                "base": str(SMALL_SCENARIO),
                "replications": 3,
                "seed": 1,
                "grid": {"caregivers.0.shifts.0.count": [3, 5]},
            }
        ),
        encoding="utf-8",
    )
    out_dir = tmp_path / "sweep"
    assert main(["sweep", str(sweep_file), "--out", str(out_dir), "--workers", "1", "--quiet"]) == 0
    capsys.readouterr()
    p0, p1 = f"{out_dir}:p0000", f"{out_dir}:p0001"
    assert main(["compare", p0, p1, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["replications"] == [0, 1, 2] and data["seed"] == 1
    assert "city.shifts.0.count=3" in data["a"]
    util = next(r for r in data["comparison"] if r["slice_value"] == "city")
    assert util["diff"] < 0 and util["significant"]
    # The base scenario against the point equal to it: run here with the point's seed and
    # replications, identical results.
    assert main(["compare", str(SMALL_SCENARIO), p0, "--json", "--workers", "1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert all(r["diff"] == 0 for r in data["comparison"])
    assert main(["compare", p0, f"{out_dir}:p9999"]) == 2
    assert main(["compare", p0, f"{tmp_path}:p0000"]) == 2  # a folder that is not a sweep


def test_antithetic_points_are_paired_by_pair_or_by_even_replications():
    pytest.importorskip("carecap.sim.experiments.sweep_store")
    from carecap.analysis.compare_run import (
        Alternative,
        Side,
        plan_replications,
        point_observations,
    )

    metrics = tidy([1.0, 3.0, 2.0, 4.0, 9.0])  # replications 0..4; 4 has no partner
    anti = Side(Alternative("s:p0"), "p0", metrics=metrics, antithetic=True)
    plain = Side(Alternative("t:p1"), "p1", metrics=metrics, antithetic=False)
    reps, seed, notes = plan_replications([anti, anti])
    assert reps == [0, 2] and seed == 1 and "averaged" in notes[0]
    pairs = point_observations(anti, reps, pairs=True)
    assert sorted(pairs["replication"]) == [0, 1]
    assert sorted(pairs["value"]) == [2.0, 3.0]  # (1 + 3) / 2, (2 + 4) / 2
    reps, _, notes = plan_replications([anti, plain])
    assert reps == [0, 2, 4] and "even replications" in notes[0]
