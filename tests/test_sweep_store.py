"""The sweep results folder: layout, resume, refusal of another sweep, status, summaries."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from sweep_helpers import stray_files, write_sweep

from carecap.sim.cli.main import main
from carecap.sim.errors import ResultsError
from carecap.sim.experiments.executors import LocalExecutor
from carecap.sim.experiments.sweep_files import SUMMARY, row_relpath
from carecap.sim.experiments.sweep_results import (
    pair_means,
    read_all_metrics,
    read_point_metrics,
    write_summary,
)
from carecap.sim.experiments.sweep_run import run_sweep
from carecap.sim.experiments.sweep_spec import load_sweep
from carecap.sim.experiments.sweep_store import open_store, store_at

CG = "caregivers.0.shifts.0.count"
ST = "bathing_centre.stations"


@pytest.fixture
def three_points(tmp_path):
    """Three points x 2 replications, 20 days each."""
    return load_sweep(write_sweep(tmp_path / "spec", grid={CG: [1, 2, 3]}, replications=2))


def _run(sweep, out):
    store = open_store(out, sweep)
    return store, run_sweep(sweep, store, LocalExecutor(1))


def test_layout_rows_and_metrics(three_points, tmp_path):
    out = tmp_path / "out"
    _, outcome = _run(three_points, out)
    assert (outcome.ran, outcome.ok, outcome.failed) == (6, 6, 0)
    info = json.loads((out / "sweep.json").read_text())
    assert info["content_hash"] == three_points.content_hash
    assert [p["point_id"] for p in info["points"]] == ["p0000", "p0001", "p0002"]
    assert info["points"][1]["parameters"] == {CG: 2}
    row = json.loads((out / row_relpath("p0001", 1)).read_text())
    assert row["status"] == "ok" and row["error"] is None
    assert (row["point_id"], row["replication"], row["seed"]) == ("p0001", 1, three_points.seed)
    assert row["parameters"] == {CG: 2} and row["duration_s"] > 0
    assert {"host", "pid"} <= set(row["worker"]) and row["finished_at"]
    metrics = read_point_metrics(out, "p0001")
    assert list(metrics.columns[:2]) == ["point_id", CG]
    assert set(metrics["replication"]) == {0, 1} and (metrics[CG] == 2).all()
    assert not (out / "runs" / "p0000" / "records").exists()  # metrics only by default
    assert stray_files(out) == []
    assert [pid for pid, _ in read_all_metrics(out)] == ["p0000", "p0001", "p0002"]


def test_summary_has_point_and_parameter_columns(three_points, tmp_path):
    store, _ = _run(three_points, tmp_path / "out")
    path = write_summary(store.dir)
    summary = pd.read_parquet(path)
    assert path.name == SUMMARY
    assert list(summary.columns[:3]) == ["point_id", "label", CG]
    one = summary[(summary["metric"] == "requests") & (summary["slice"] == "all")]
    assert set(one["n"]) == {2}
    assert len(one) == 3 * one["service"].nunique()


def test_resume_runs_only_what_is_missing(three_points, tmp_path):
    out = tmp_path / "out"
    store, _ = _run(three_points, out)
    before = {p: p.stat().st_mtime_ns for p in out.glob("runs/*/*.parquet")}
    (out / row_relpath("p0002", 0)).unlink()  # as if killed between its Parquet and its row
    (out / row_relpath("p0000", 1)).unlink()
    (out / "runs" / "p0001" / ".tmp-abc.parquet").write_bytes(b"half a file")
    assert store.pending_runs() == [("p0002", 0), ("p0000", 1)]
    assert len(read_point_metrics(out, "p0002")["replication"].unique()) == 1  # tmp ignored
    store = open_store(out, three_points)
    assert store.remove_temporaries() == 1
    outcome = run_sweep(three_points, store, LocalExecutor(1))
    assert outcome.ran == 2 and store.pending_runs() == []
    after = {p: p.stat().st_mtime_ns for p in out.glob("runs/*/*.parquet")}
    rerun = {p.relative_to(out).as_posix() for p in before if before[p] != after[p]}
    assert rerun == {"runs/p0002/r0000.parquet", "runs/p0000/r0001.parquet"}


def test_another_sweep_is_refused(three_points, tmp_path):
    out = tmp_path / "out"
    open_store(out, three_points)
    other = load_sweep(write_sweep(tmp_path / "other", name="other.yaml", seed=99))
    with pytest.raises(ResultsError) as err:
        open_store(out, other)
    text = str(err.value)
    assert "sweep-small" in text and other.content_hash[:12] in text
    assert three_points.content_hash[:12] in text and "--out" in text
    # the same sweep from another file (same content) is welcome
    copy = write_sweep(tmp_path / "same", name="copy.yaml", grid={CG: [1, 2, 3]}, replications=2)
    same = load_sweep(copy)
    assert open_store(out, same).dir == out


def test_a_folder_that_is_not_a_sweep_is_refused(three_points, tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    with pytest.raises(ResultsError, match="not a sweep's results folder"):
        open_store(tmp_path / "busy", three_points)
    with pytest.raises(ResultsError, match=r"no sweep\.json"):
        store_at(tmp_path / "busy")


def test_one_session_at_a_time(three_points, tmp_path):
    store = open_store(tmp_path / "out", three_points)
    other = open_store(tmp_path / "out", three_points)
    with store.locked(), pytest.raises(ResultsError, match="another carecap sweep"):  # noqa: SIM117
        with other.locked():
            pass
    with store.locked():  # released
        pass


def test_status_command(three_points, tmp_path, capsys):
    out = tmp_path / "out"
    _run(three_points, out)
    (out / row_relpath("p0001", 0)).unlink()
    row = json.loads((out / row_relpath("p0002", 1)).read_text())
    row.update(status="failed", error={"message": "boom\nmore", "type": "ValueError"})
    (out / row_relpath("p0002", 1)).write_text(json.dumps(row))
    assert main(["status", str(out)]) == 0
    text = capsys.readouterr().out
    assert "done 4 / 6" in text and "pending 1" in text and "failed 1" in text
    assert "failed  p0002 r0001" in text and "boom" in text and "more" not in text
    assert main(["status", str(tmp_path)]) == 2


def test_antithetic_pairs_are_averaged():
    per_rep = pd.DataFrame(
        {
            "scenario": "s",
            "replication": [0, 1, 2, 3, 4],
            "seed": 1,
            "service": "alarm",
            "slice": "all",
            "slice_value": "all",
            "metric": "wait_mean",
            "value": [1.0, 3.0, 2.0, 6.0, 9.0],
            "unit": "min",
        }
    )
    pairs = pair_means(per_rep)
    assert pairs["replication"].tolist() == [0, 1]  # (4, 5) is incomplete: dropped
    assert pairs["value"].tolist() == [2.0, 4.0]


def test_point_summary_equals_summarise_of_all_replications(three_points, tmp_path):
    from carecap.analysis.stats import summarise
    from carecap.sim.experiments.sweep_results import point_summary

    store, _ = _run(three_points, tmp_path / "out")
    (store.dir / row_relpath("p0001", 1)).unlink()  # an unfinished run is left out of both
    for point_id in store.point_ids:
        expected = summarise(read_point_metrics(store.dir, point_id))
        got = point_summary(store.dir, point_id)
        pd.testing.assert_frame_equal(got, expected, check_dtype=False, rtol=1e-12)
