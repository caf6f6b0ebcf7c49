"""The loader (analysis/load.py): one object for a run's or a sweep's results folder, its
frames checked against independent computations from the same files, and damaged folders
refused with a results error naming the folder."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from results_helpers import (
    DISTRICT_LABELS,
    RUN_REPS,
    copy_folder,
    small_run_folder,
    small_scenario,
    small_sweep_folder,
)

from carecap.analysis import Results, load
from carecap.analysis.load import concat_keeping_categories, followed_until
from carecap.sim.errors import ResultsError
from carecap.sim.experiments.manifest import scenario_hash
from carecap.sim.experiments.run_folder import run_to_folder
from carecap.sim.metrics.replication import replication_metrics
from carecap.sim.metrics.summary import summarise
from carecap.sim.units import DAY_MIN


@pytest.fixture(scope="session")
def small_run(tmp_path_factory) -> Path:
    return small_run_folder(tmp_path_factory)


@pytest.fixture(scope="session")
def small_sweep(tmp_path_factory) -> Path:
    return small_sweep_folder(tmp_path_factory)


def same_metrics(computed: pd.DataFrame, stored: pd.DataFrame) -> None:
    cols = ["service", "slice", "slice_value", "metric", "value", "unit"]
    a = computed[cols].astype({c: str for c in cols if c != "value"}).reset_index(drop=True)
    b = stored[cols].astype({c: str for c in cols if c != "value"}).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)


def test_run_folder_frames_and_records(small_run):
    res = load(small_run)
    assert isinstance(res, Results) and res.kind == "run" and res.status == "complete"
    assert res.replications == list(range(RUN_REPS))
    assert {n: d.label for n, d in res.scenario.districts.items()} == DISTRICT_LABELS
    assert res.manifest["scenario_hash"] == scenario_hash(res.scenario)
    for table in ("requests", "elders", "units", "shifts"):
        frame = getattr(res, table)
        assert sorted(frame["replication"].unique()) == res.replications, table
    assert res.requests["tier"].cat.ordered
    assert list(res.requests["tier"].cat.categories) == list(res.scenario.tiers)
    assert res.points.empty and res.parameters == [] and res.has_records
    # each replication's records give back exactly its stored metrics
    for rep in res.replications:
        rec = res.records(rep)
        assert rec.replication == rep and rec.seed == 5
        assert rec.horizon_min == res.scenario.calendar.horizon_days * DAY_MIN
        assert len(rec.requests) == (res.requests["replication"] == rep).sum()
        same_metrics(
            replication_metrics(rec, res.scenario), res.metrics[res.metrics["replication"] == rep]
        )
    # the summary is the Student-t summary of the metrics
    pd.testing.assert_frame_equal(
        summarise(res.metrics).reset_index(drop=True), res.summary.reset_index(drop=True)
    )


def test_sweep_folder_points_metrics_and_records(small_sweep):
    res = load(small_sweep)
    info = json.loads((small_sweep / "sweep.json").read_text())
    assert res.kind == "sweep" and res.status == "complete"
    assert res.parameters == info["parameters"]
    assert res.point_ids == [p["point_id"] for p in info["points"]]
    points = res.points
    assert list(points["point_id"]) == res.point_ids
    assert (points["replications_done"] == 3).all()
    for p, row in zip(info["points"], points.itertuples(index=False), strict=True):
        for name, value in p["parameters"].items():
            assert points.loc[points["point_id"] == row.point_id, name].item() == value
    assert set(res.metrics["point_id"]) == set(res.point_ids)
    assert set(res.summary["point_id"]) == set(res.point_ids)
    assert set(res.requests["point_id"]) == set(res.point_ids)
    for pid in ("p0000", "p0005"):
        scenario = res.point_scenario(pid)
        assert scenario_hash(scenario) == info["points"][int(pid[1:])]["scenario_hash"]
        stored = res.metrics[(res.metrics["point_id"] == pid) & (res.metrics["replication"] == 2)]
        same_metrics(replication_metrics(res.records(2, pid), scenario), stored)


def test_sweep_summary_is_computed_when_the_file_is_absent(small_sweep, tmp_path):
    stored = load(small_sweep).summary
    folder = copy_folder(small_sweep, tmp_path / "copy")
    (folder / "summary.parquet").unlink()
    computed = load(folder).summary
    pd.testing.assert_frame_equal(computed, stored, check_dtype=False)


def test_drain_end_is_rebuilt_from_the_records(tmp_path):
    scenario = small_scenario(tmp_path)
    text = scenario.read_text(encoding="utf-8")
    text = text.replace("warmup_days: 7", "warmup_days: 7\n  drain_days: 2")
    scenario.write_text(text, encoding="utf-8")
    out = tmp_path / "drained"
    run_to_folder(scenario, reps=1, seed=3, out=out, workers=1)
    res = load(out)
    assert res.scenario.calendar.drain_days == 2
    same_metrics(replication_metrics(res.records(0), res.scenario), res.metrics)


def test_followed_until_against_the_rule():
    h = 100.0
    req = pd.DataFrame(
        {
            "outcome": pd.Categorical(["served", "abandoned", "served"]),
            "start_min": [50.0, np.nan, 130.0],
            "end_min": [60.0, 140.0, 150.0],
        }
    )
    assert followed_until(req, h, 0.0) == h  # no drain: the horizon
    assert followed_until(req, h, 100.0) == 140.0  # the last start or drop after the horizon
    waiting = req.assign(outcome=pd.Categorical(["served", "waiting", "served"]))
    assert followed_until(waiting, h, 100.0) == 200.0  # still waiting: the drain's end


def test_concat_unites_categories_and_keeps_order():
    a = pd.DataFrame({"t": pd.Categorical(["x"], categories=["x", "y"], ordered=True)})
    b = pd.DataFrame({"t": pd.Categorical(["z"], categories=["x", "z"], ordered=True)})
    out = concat_keeping_categories([a, b])
    assert list(out["t"].cat.categories) == ["x", "y", "z"] and out["t"].cat.ordered


# --- bad folders ------------------------------------------------------------------------------


def refused(path: Path, *fragments: str, attr: str | None = None) -> str:
    with pytest.raises(ResultsError) as info:
        res = load(path)
        if attr:
            getattr(res, attr)
    text = str(info.value)
    assert str(path.name) in text and "\n" not in text
    for fragment in fragments:
        assert fragment in text, text
    return text


def test_missing_file_and_foreign_folders_are_refused(tmp_path):
    refused(tmp_path / "nowhere", "no such results folder")
    (tmp_path / "notes.txt").write_text("hello")
    refused(tmp_path / "notes.txt", "a file, not a results folder")
    (tmp_path / "mine").mkdir()
    refused(tmp_path / "mine", "not a carecap results folder", "manifest.json", "sweep.json")


@pytest.mark.parametrize(
    ("damage", "fragments", "attr"),
    [
        (lambda f: (f / "manifest.json").write_text("{trunc"), ("manifest.json", "damaged"), None),
        (lambda f: (f / "manifest.json").write_text("{}"), ("not written by carecap run",), None),
        (lambda f: (f / "metrics.parquet").write_bytes(b"PAR1xx"), ("metrics.parquet",), "metrics"),
        (lambda f: (f / "summary.parquet").unlink(), ("summary.parquet is missing",), "summary"),
        (
            lambda f: (f / "requests" / "replication=1" / "part-0.parquet").unlink(),
            ("requests/replication=1/part-0.parquet is missing",),
            "requests",
        ),
    ],
)
def test_damaged_run_folder_is_refused(small_run, tmp_path, damage, fragments, attr):
    folder = copy_folder(small_run, tmp_path / "damaged")
    damage(folder)
    refused(folder, *fragments, attr=attr)


def test_damaged_sweep_folder_and_missing_records_are_refused(small_sweep, tmp_path):
    folder = copy_folder(small_sweep, tmp_path / "sweep-damaged")
    (folder / "sweep.json").write_text("[1, 2")
    with pytest.raises(ResultsError, match=r"sweep\.json"):
        load(folder)
    bare = copy_folder(small_sweep, tmp_path / "no-records")
    for records in bare.glob("runs/*/records"):
        for path in sorted(records.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        records.rmdir()
    refused(bare, "--records", attr="requests")
    res = load(bare)
    assert len(res.metrics) and not res.has_records


def test_bad_replication_or_point_names_what_exists(small_run, small_sweep):
    with pytest.raises(ResultsError, match="no replication 7"):
        load(small_run).records(7)
    with pytest.raises(ResultsError, match="name the point"):
        load(small_sweep).records(0)
    with pytest.raises(ResultsError, match=r"no point 'p9999'.*p0000"):
        load(small_sweep).records(0, "p9999")
    with pytest.raises(ResultsError, match="no sweep points"):
        load(small_run).point_scenario("p0000")


def test_changed_base_scenario_is_detected(small_sweep, tmp_path):
    folder = copy_folder(small_sweep, tmp_path / "moved")
    info = json.loads((folder / "sweep.json").read_text())
    base = Path(info["base_files"][0])
    changed = tmp_path / "small.yaml"
    changed.write_text(base.read_text().replace("seed: 1", "seed: 2"))
    info["base_files"] = [str(changed)]
    (folder / "sweep.json").write_text(json.dumps(info))
    with pytest.raises(ResultsError, match="has changed since the sweep ran"):
        load(folder).point_scenario("p0001")
