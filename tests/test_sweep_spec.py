"""Sweep files: expansion into points, validation errors, content hash, common random numbers."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sweep_helpers import SWEEP_SMALL, write_sweep

from carecap.sim.engine.kernel import run_replication
from carecap.sim.errors import ScenarioError
from carecap.sim.experiments.sweep_points import short_names
from carecap.sim.experiments.sweep_spec import load_sweep

SHIPPED = sorted((Path(__file__).parents[1] / "scenarios" / "sweeps").glob("*.yaml"))
CG = "caregivers.0.shifts.0.count"
ST = "bathing_centre.stations"
TARGET, SHARE = "services.alarm.target_min", "services.alarm.visit_share"
INT = {"integer": True}


def test_grid_is_the_cartesian_product_in_order():
    sweep = load_sweep(SWEEP_SMALL)
    assert [p.point_id for p in sweep.points] == [f"p{i:04d}" for i in range(6)]
    assert [(p.parameters[CG], p.parameters[ST]) for p in sweep.points] == [
        (1, 1), (1, 2), (2, 1), (2, 2), (3, 1), (3, 2)
    ]  # fmt: skip
    first = sweep.points[0]
    # the pool is given by index in the sweep file and labelled by its name ("city")
    assert first.label == "city.shifts.0.count=1, stations=1"
    assert first.overrides == {
        "calendar.horizon_days": 20,
        "calendar.warmup_days": 5,
        CG: 1,
        ST: 1,
    }
    assert first.scenario.calendar.horizon_days == 20
    assert first.scenario.caregivers[0].shifts[0].count == 1
    assert (sweep.replications, sweep.seed, sweep.n_runs()) == (4, 11, 24)


def test_variants_grid_zip_and_sample_combine(tmp_path):
    path = write_sweep(
        tmp_path,
        variants={"base": {}, "night": {"caregivers.0.shifts.1.count": 2}},
        grid={ST: [1, 2]},
        zip={TARGET: [20, 40, 60], SHARE: [0.1, 0.2, 0.3]},
        sample={"method": "lhs", "n": 2, "seed": 3, "ranges": {CG: {"low": 1, "high": 5, **INT}}},
    )
    points = load_sweep(path).points
    assert len(points) == 2 * 2 * 3 * 2
    assert list(points[0].parameters) == ["variant", ST, TARGET, SHARE, CG]
    assert [p.parameters["variant"] for p in points] == ["base"] * 12 + ["night"] * 12
    # zip values move together; the first factor varies slowest, the last fastest
    pairs = {(p.parameters[TARGET], p.parameters[SHARE]) for p in points}
    assert pairs == {(20, 0.1), (40, 0.2), (60, 0.3)}
    assert points[0].parameters[CG] != points[1].parameters[CG]
    night = points[12]
    assert night.scenario.caregivers[0].shifts[1].count == 2
    assert "caregivers.0.shifts.1.count" not in night.parameters  # a variant is named, not listed
    assert night.label.startswith(
        "night, stations=1, target_min=20, visit_share=0.1, city.shifts.0.count="
    )


def test_latin_hypercube_is_reproducible_and_integer_aware(tmp_path):
    ranges = {CG: {"low": 1, "high": 6, "integer": True}, TARGET: {"low": 10, "high": 50}}
    sample = {"method": "lhs", "n": 6, "seed": 5, "ranges": ranges}
    a = load_sweep(write_sweep(tmp_path / "a", grid=None, sample=sample)).points
    b = load_sweep(write_sweep(tmp_path / "b", grid=None, sample=sample)).points
    assert [p.parameters for p in a] == [p.parameters for p in b]
    counts = [p.parameters[CG] for p in a]
    assert all(isinstance(c, int) for c in counts)
    assert sorted(counts) == [1, 2, 3, 4, 5, 6]  # n strata over 6 whole numbers: each once
    targets = [p.parameters[TARGET] for p in a]
    assert all(10 <= t <= 50 for t in targets)
    assert sorted(int((t - 10) // (40 / 6)) for t in targets) == list(range(6))
    c = load_sweep(write_sweep(tmp_path / "c", grid=None, sample={**sample, "seed": 6})).points
    assert [p.parameters for p in c] != [p.parameters for p in a]


def test_sobol_needs_a_power_of_two(tmp_path):
    ranges = {CG: {"low": 1, "high": 4, "integer": True}}
    ok = write_sweep(tmp_path, grid=None, sample={"method": "sobol", "n": 8, "ranges": ranges})
    assert len(load_sweep(ok).points) == 8
    bad = write_sweep(tmp_path, grid=None, sample={"method": "sobol", "n": 10, "ranges": ranges})
    with pytest.raises(ScenarioError) as err:
        load_sweep(bad)
    assert "powers of 2" in str(err.value) and "use 8 or 16" in str(err.value)


def test_nonexistent_path_is_reported_once_with_file_path_and_point(tmp_path):
    path = write_sweep(tmp_path, grid={"bathing_centre.stationz": [1, 2, 3], CG: [1, 2]})
    with pytest.raises(ScenarioError) as err:
        load_sweep(path)
    text = str(err.value)
    assert len(err.value.problems) == 1
    assert "sweep.yaml:" in text and "grid.bathing_centre.stationz" in text
    assert "did you mean 'stations'?" in text
    assert "at all 6 points" in text


def test_path_missing_at_some_points_names_the_first(tmp_path):
    no_centre = {
        "bathing_centre": None,
        "routing.overflow_to_home_when_centre_queue_over": None,
        "initial_backlog.centre_bath": {},
    }
    variants = {"centre": {}, "no_centre": no_centre}
    path = write_sweep(tmp_path, variants=variants, grid={ST: [1, 2]})
    with pytest.raises(ScenarioError) as err:
        load_sweep(path)
    text = str(err.value)
    assert "grid.bathing_centre.stations" in text and "absent" in text
    assert "at point p0002 (no_centre, stations=1) and 1 other point(s)" in text


def test_rejected_value_names_file_point_parameters_and_path(tmp_path):
    path = write_sweep(tmp_path, grid={ST: [1, -1], CG: [1, 2]})
    with pytest.raises(ScenarioError) as err:
        load_sweep(path)
    text = str(err.value)
    assert len(err.value.problems) == 1  # the same problem at two points is reported once
    assert "sweep.yaml point p0002 (stations=-1, city.shifts.0.count=1)" in text
    assert "bathing_centre.stations: got -1, but it must be at least 0" in text
    assert "also at 1 other point(s)" in text


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"replicatons": 3}, "unknown key 'replicatons'; did you mean 'replications'?"),
        ({"zip": {ST: [1, 2], CG: [1]}}, "zip: the lists are varied together"),
        ({"grid": {ST: []}}, "grid.bathing_centre.stations"),
        ({"overrides": {ST: 3}}, "overrides: bathing_centre.stations is set here and varied"),
        ({"grid": {"seed": [1, 2]}}, "seed is set by the sweep itself"),
        ({"grid": {"not a path": [1]}}, "is not a dotted field path"),
        ({"antithetic": True, "replications": 3}, "must be even"),
        ({"base": "missing.yaml"}, "cannot read 'missing.yaml'"),
    ],
)
def test_sweep_file_errors(tmp_path, changes, expected):
    with pytest.raises(ScenarioError) as err:
        load_sweep(write_sweep(tmp_path, **changes))
    assert expected in str(err.value)
    assert "sweep.yaml" in str(err.value)


def test_content_hash_ignores_formatting_but_not_content(tmp_path):
    a = write_sweep(tmp_path / "a")
    b = tmp_path / "a" / "commented.yaml"
    b.write_text("# a comment\n" + a.read_text().replace("seed: 11", "seed: 11   # same"))
    assert load_sweep(a).content_hash == load_sweep(b).content_hash
    assert (
        load_sweep(a).content_hash != load_sweep(write_sweep(tmp_path / "c", seed=12)).content_hash
    )
    more = write_sweep(tmp_path / "d", replications=5)
    assert load_sweep(a).content_hash != load_sweep(more).content_hash


def test_short_names_tell_paths_apart():
    paths = [ST, "caregivers.0.shifts.1.count", "home_bathing.teams.0.shifts.0.count", "a.stations"]
    assert short_names(paths) == {
        "bathing_centre.stations": "bathing_centre.stations",
        "caregivers.0.shifts.1.count": "caregivers.0.shifts.1.count",
        "home_bathing.teams.0.shifts.0.count": "teams.0.shifts.0.count",
        "a.stations": "a.stations",
    }
    assert short_names(["bathing_centre.stations"]) == {"bathing_centre.stations": "stations"}


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_sweeps_validate(path):
    sweep = load_sweep(path)
    assert sweep.points and sweep.replications >= 2
    assert len({p.scenario_hash for p in sweep.points}) == len(sweep.points)  # no duplicates


def test_there_are_shipped_sweeps():
    names = {p.name for p in SHIPPED}
    assert names >= {"bathing-capacity.yaml", "caregiver-alarm.yaml", "bed-growth.yaml"}


# --- common random numbers ----------------------------------------------------------------------


def _demand(points, rep: int, seed: int, services=("care_visit", "alarm")) -> list[pd.DataFrame]:
    out = []
    for p in points:
        r = run_replication(p.scenario, rep, seed).requests
        r = r[r["service"].isin(services)].copy()
        r["service_min"] = r["end_min"] - r["start_min"] - r["travel_min"]
        out.append(r.sort_values(["service", "elder_id", "request_min"]).reset_index(drop=True))
    return out


def test_capacity_changes_leave_demand_unchanged(tmp_path):
    """Common random numbers: every point of replication r draws the same demand. Care visits
    (calendar mode) and alarms are capacity-independent: request times and the elders making
    them are identical, and so are the durations and travel times drawn for each request."""
    path = write_sweep(tmp_path, grid={CG: [1, 4], ST: [1, 3]})
    sweep = load_sweep(path)
    assert sweep.points[0].scenario.services.care_visit.mode == "calendar"
    frames = _demand(sweep.points, rep=2, seed=sweep.seed)
    keys = ["service", "elder_id", "request_min"]
    for other in frames[1:]:
        pd.testing.assert_frame_equal(frames[0][keys], other[keys])
        both = frames[0]["outcome"].eq("served") & other["outcome"].eq("served")
        assert both.sum() > 50
        for col in ("service_min", "travel_min"):
            np.testing.assert_allclose(frames[0].loc[both, col], other.loc[both, col])
    # the capacity change did change what happened: waits differ
    assert not np.allclose(frames[0]["wait_min"].fillna(-1), frames[-1]["wait_min"].fillna(-1))
    # and another replication is different demand
    rep3 = _demand(sweep.points[:1], rep=3, seed=sweep.seed)[0]
    assert Counter(map(tuple, rep3[keys].to_numpy())) != Counter(
        map(tuple, frames[0][keys].to_numpy())
    )


def test_the_readme_counts_the_shipped_sweeps_points_right():
    # README "Shipped in scenarios/sweeps/": points x replications of each sweep, as loaded
    import re

    root = Path(__file__).resolve().parents[1]
    readme = " ".join(root.joinpath("README.md").read_text(encoding="utf-8").split())
    for name in ("bathing-capacity", "caregiver-alarm", "bed-growth"):
        sweep = load_sweep(root / "scenarios" / "sweeps" / f"{name}.yaml")
        said = re.search(rf"`{name}\.yaml` \([^)]*?(\d+)(?: points)? × (\d+)", readme)
        assert said, name
        assert (int(said[1]), int(said[2])) == (len(sweep.points), sweep.replications), name
