"""Automatic replication count: analysis/precision.py and `carecap run --precision`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carecap.analysis.precision import (
    DEFAULT_MAX_REPS,
    PrecisionOutcome,
    PrecisionRule,
    batch_size,
    format_precision,
    is_precise,
    precision_json,
    precision_status,
    run_to_precision,
)
from carecap.sim.cli.main import main
from carecap.sim.errors import UsageError
from carecap.sim.scenario.loader import load_scenario

SMALL_SCENARIO = Path(__file__).parent / "data" / "small.yaml"


def tidy(values, service="centre_bath", metric="wait_mean", unit="days", slice_="all"):
    return pd.DataFrame(
        {
            "scenario": "x",
            "replication": np.arange(len(values)),
            "seed": 1,
            "service": service,
            "slice": slice_,
            "slice_value": "all",
            "metric": metric,
            "value": np.asarray(values, dtype=np.float64),
            "unit": unit,
        }
    )


# --- the rule ----------------------------------------------------------------------------------


def test_is_precise():
    assert is_precise(10.0, 0.5, 0.05)
    assert not is_precise(10.0, 0.51, 0.05)
    assert is_precise(-10.0, 0.5, 0.05)  # relative to |mean|
    assert is_precise(0.0, 0.0, 0.05)  # nothing varies: met
    assert not is_precise(0.0, 0.1, 0.05)
    assert not is_precise(10.0, float("nan"), 0.05)  # one replication: no interval yet


def test_status_per_named_metric_slice_all_only():
    frame = pd.concat(
        [
            tidy([10.0, 10.2, 9.8, 10.1]),  # half-width ~0.28: 2.8 % of the mean
            tidy([1.0, 3.0, 2.0, 6.0], service="home_bath"),
            tidy([0.0, 0.0, 0.0, 0.0], service="alarm", metric="unmet", unit="requests"),
            tidy([99.0, 1.0, 50.0, 3.0], slice_="tier"),  # not slice all: ignored
        ]
    )
    status, unknown = precision_status(frame, ["wait_mean", "alarm.unmet", "nope.x"], 0.05)
    assert unknown == ["nope.x"]
    got = status.set_index("service")
    assert list(got.index) == ["centre_bath", "home_bath", "alarm"]
    assert bool(got.loc["centre_bath", "met"]) and not bool(got.loc["home_bath", "met"])
    assert bool(got.loc["alarm", "met"]) and got.loc["alarm", "relative"] == 0
    assert (got["n"] == 4).all()


def test_batches_are_one_per_worker_at_least_two():
    assert batch_size(1) == 2 and batch_size(2) == 2 and batch_size(8) == 8


# --- the command -------------------------------------------------------------------------------


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["run", str(SMALL_SCENARIO), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_stops_as_soon_as_precise_and_equals_a_plain_run(tmp_path, capsys):
    target = "centre_bath.wait_mean"
    code, out, _ = run_cli(
        capsys,
        *("--reps", "3", "--workers", "1", "--out", str(tmp_path / "auto")),
        *("--precision", "0.1", "--precision-metrics", target),
    )
    assert code == 0
    assert "Precision reached" in out
    auto = pd.read_parquet(tmp_path / "auto" / "metrics.parquet")
    n = auto["replication"].nunique()
    assert sorted(auto["replication"].unique()) == list(range(n))
    # Met at n; not met at the previous check (n - 2 with one worker), unless nothing was added.
    assert precision_status(auto, [target], 0.1)[0]["met"].all()
    if n > 3:
        assert (n - 3) % 2 == 0
        earlier = auto[auto["replication"] < n - 2]
        assert not precision_status(earlier, [target], 0.1)[0]["met"].all()
    # Same results as a plain run with that many replications (on another worker count).
    code, _, _ = run_cli(
        capsys, "--reps", str(n), "--workers", "2", "--out", str(tmp_path / "plain")
    )
    assert code == 0
    plain = pd.read_parquet(tmp_path / "plain" / "metrics.parquet")
    pd.testing.assert_frame_equal(auto, plain)
    manifest = json.loads((tmp_path / "auto" / "manifest.json").read_text())
    assert manifest["status"] == "complete"


def test_stops_at_the_cap_and_says_so(tmp_path, capsys):
    code, out, _ = run_cli(
        capsys,
        *("--reps", "2", "--workers", "1", "--out", str(tmp_path)),
        *("--precision", "0.001", "--precision-metrics", "care_visit.wait_mean", "--max-reps", "4"),
    )
    assert code == 0
    assert "PRECISION NOT REACHED" in out and "cap of 4" in out
    assert pd.read_parquet(tmp_path / "metrics.parquet")["replication"].nunique() == 4


def test_json_carries_the_precision_outcome(tmp_path, capsys):
    code, out, _ = run_cli(
        capsys,
        *("--reps", "2", "--workers", "1", "--out", str(tmp_path), "--json"),
        *("--precision", "0.001", "--precision-metrics", "alarm.wait_mean", "--max-reps", "2"),
    )
    assert code == 0
    data = json.loads(out)["precision"]
    assert data["capped"] and not data["reached"] and data["replications"] == 2
    assert data["metrics"][0]["service"] == "alarm"


@pytest.mark.parametrize(
    "args",
    [
        ["--max-reps", "5"],  # without --precision
        ["--precision-metrics", "care_visit.wait_mean"],
        ["--precision", "1.5"],
        ["--precision", "0"],
        ["--precision", "0.05", "--precision-metrics", "care visit"],
    ],
)
def test_bad_precision_options_exit_2(args, tmp_path, capsys):
    code, _, _ = run_cli(capsys, "--reps", "1", "--out", str(tmp_path), *args)
    assert code == 2


@pytest.mark.parametrize(
    ("args", "start", "where"),
    [
        (["--max-reps", "2"], 3, "the scenario's replications: 3"),  # small.yaml has 3
        (["--reps", "5", "--max-reps", "3"], 5, "--reps 5"),
    ],
)
def test_a_cap_below_the_starting_replications_is_refused_before_anything_runs(
    args, start, where, tmp_path, capsys
):
    """The run must never hold more than --max-reps: a start above it is refused, not run."""
    out = tmp_path / "run"
    code, stdout, err = run_cli(
        capsys, "--workers", "1", "--out", str(out), "--precision", "0.05", *args
    )
    assert code == 2
    assert "Traceback" not in err and not stdout
    cap = args[args.index("--max-reps") + 1]
    assert f"--max-reps: {cap} is below the {start} replications" in err
    assert where in err and f"--max-reps {start} or more" in err and "--reps" in err
    assert not out.exists()  # refused before anything was created


def test_run_to_precision_refuses_a_cap_below_its_initial_replications(tmp_path):
    scenario = load_scenario(SMALL_SCENARIO)
    with pytest.raises(UsageError, match="--max-reps"):
        run_to_precision(scenario, [0, 1, 2], 1, tmp_path, 1, lambda r: None, 0.05, max_reps=2)
    assert not any(tmp_path.iterdir())


def test_unknown_precision_metric_exits_2_after_writing_a_complete_run(tmp_path, capsys):
    code, _, err = run_cli(
        capsys,
        *("--reps", "2", "--workers", "1", "--out", str(tmp_path)),
        *("--precision", "0.05", "--precision-metrics", "care_visit.no_such_metric"),
    )
    assert code == 2
    assert "no_such_metric" in err
    assert json.loads((tmp_path / "manifest.json").read_text())["status"] == "complete"


def test_a_metric_named_twice_is_watched_once():
    frame = pd.concat([tidy([1.0, 1.1, 0.9]), tidy([2.0, 2.2, 1.8], service="alarm")])
    status, _ = precision_status(frame, ["centre_bath.wait_mean", "wait_mean"], 0.05)
    assert list(status["service"]) == ["centre_bath", "alarm"]
    assert (status["n"] == 3).all()


def _capped_outcome(max_reps: int, cap_given: bool):
    status = pd.DataFrame(
        {
            "service": ["care_visit"],
            "metric": ["wait_mean"],
            "unit": ["days"],
            "n": [max_reps],
            "mean": [1.0],
            "half_width": [0.2],
            "relative": [0.2],
            "met": [False],
        }
    )
    return PrecisionOutcome(0.05, status, max_reps, max_reps, max_reps, True, (), cap_given)


@pytest.mark.parametrize(
    ("max_reps", "given", "says", "never"),
    [
        (4, True, "the cap of 4 replications (--max-reps)", "default"),
        (200, False, "the default cap of 200 replications (--max-reps N allows more)", "raised"),
        (210, False, "default cap, raised to the 210 replications the run started with", "cap of"),
    ],
)
def test_the_cap_message_says_which_cap_stopped_the_run(max_reps, given, says, never):
    """Without --max-reps the run stopped at the default cap (or at its own starting count,
    above that cap): the message must not name an option the user never gave."""
    text = " ".join(format_precision(_capped_outcome(max_reps, given)).split())
    assert "PRECISION NOT REACHED" in text and says in text and never not in text
    assert precision_json(_capped_outcome(max_reps, given))["max_reps_given"] is given


def test_a_rule_without_max_reps_reports_the_default_cap():
    assert PrecisionRule(0.05).outcome().cap_given is False
    assert PrecisionRule(0.05).outcome().max_reps == DEFAULT_MAX_REPS
    assert PrecisionRule(0.05, max_reps=7).outcome().cap_given is True
