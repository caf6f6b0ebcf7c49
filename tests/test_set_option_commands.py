"""``--set PATH=VALUE`` on ``carecap compare``, ``carecap warmup`` and ``carecap sweep``: the same
settings as on ``carecap run`` (applied after the file's ``extends:`` and ``set:``), recorded in
``sweep.json`` for a sweep, and bad input is a usage error naming --set and the path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import report_helpers
from sweep_helpers import write_sweep

from carecap.analysis import load
from carecap.sim.cli.main import main
from carecap.sim.experiments.sweep_spec import load_sweep

SMALL = Path(__file__).parent / "data" / "small.yaml"
CG = "caregivers.city.shifts.0.count"
small_sweep = report_helpers.small_sweep  # session fixture
QUICK = ["--reps", "2", "--workers", "1"]


def _compare_json(capsys, *extra: str) -> dict:
    assert main(["compare", str(SMALL), str(SMALL), *QUICK, "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def _row(data: dict, service: str, metric: str, slice_value: str = "all") -> dict:
    return next(
        r
        for r in data["comparison"]
        if r["service"] == service and r["metric"] == metric and r["slice_value"] == slice_value
    )


def test_compare_applies_the_settings_to_both_scenarios(capsys):
    """A shorter horizon set on both sides: fewer requests on each side than without it, the
    same on both (B - A = 0), and both labels say so."""
    metrics = ["--metrics", "care_visit.requests"]
    plain = _compare_json(capsys, *metrics)
    short = _compare_json(capsys, *metrics, "--set", "calendar.horizon_days=20")
    a_plain = _row(plain, "care_visit", "requests")["mean_a"]
    row = _row(short, "care_visit", "requests")
    assert row["mean_a"] == row["mean_b"] < a_plain
    assert row["diff"] == 0
    assert short["a"].endswith("with --set") and short["b"].endswith("with --set")


def test_warmup_applies_the_settings(capsys, tmp_path):
    plot = str(tmp_path / "w.png")
    args = ["warmup", str(SMALL), *QUICK, "--plot", plot, "--json"]
    assert (
        main([*args, "--set", "calendar.warmup_days=3", "--set", "calendar.horizon_days=30"]) == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["current_warmup_days"] == 3
    assert max(r["days"] for r in data["series"]) == 30  # daily series of a 30-day horizon


def test_sweep_applies_the_settings_to_the_base_and_records_them(tmp_path, capsys):
    sweep_file = write_sweep(tmp_path / "in")
    out = tmp_path / "out"
    argv = ["sweep", str(sweep_file), "--out", str(out), "--workers", "1", "--quiet"]
    assert main([*argv, "--set", "bathing_centre.vans.seats=2", "--set", f"{CG}=9"]) == 0
    info = json.loads((out / "sweep.json").read_text(encoding="utf-8"))
    assert info["set"] == {"bathing_centre.vans.seats": 2, CG: 9}
    sweep = load_sweep(sweep_file, {"bathing_centre.vans.seats": 2, CG: 9})
    assert info["content_hash"] == sweep.content_hash
    # every point has the setting, and a point's own value of a path wins over --set
    assert all(p.scenario.bathing_centre.vans.seats == 2 for p in sweep.points)
    assert {p.scenario.caregivers[0].shifts[0].count for p in sweep.points} == {1, 2, 3}
    # the folder reopens: each point's scenario is rebuilt with the settings (its hash checked)
    results = load(out)
    for p in sweep.points:
        rebuilt = results.point_scenario(p.point_id)
        assert rebuilt.bathing_centre.vans.seats == 2
        assert rebuilt == p.scenario
    # the settings are part of the sweep's identity: without them it is another sweep
    capsys.readouterr()
    assert main(argv) == 2
    assert "content hash" in capsys.readouterr().err


BAD = {
    "unknown field": ("bathing_centre.statons=3", ["--set", "bathing_centre.statons", "stations"]),
    "unknown pool": (f"{CG.replace('city', 'citty')}=3", ["--set", "citty", "city"]),
    "refused value": ("bathing_centre.stations=-1", ["--set", "stations", "at least 0"]),
    "not PATH=VALUE": ("bathing_centre.stations", ["--set", "expected PATH=VALUE"]),
    "not a path": ("a..b=1", ["--set", "not a dotted field path"]),
}  # fmt: skip


def _commands(tmp_path: Path) -> dict[str, list[str]]:
    sweep_file = write_sweep(tmp_path / "in")
    return {
        "compare": ["compare", str(SMALL), str(SMALL), *QUICK],
        "warmup": ["warmup", str(SMALL), *QUICK, "--plot", str(tmp_path / "w.png")],
        "sweep": ["sweep", str(sweep_file), "--out", str(tmp_path / "out"), "--workers", "1"],
    }


@pytest.mark.parametrize("case", BAD)
@pytest.mark.parametrize("command", ["compare", "warmup", "sweep"])
def test_bad_settings_are_usage_errors_naming_set_and_the_path(command, case, tmp_path, capsys):
    setting, fragments = BAD[case]
    argv = _commands(tmp_path)[command]
    assert main([*argv, "--set", setting]) == 2
    err = capsys.readouterr().err
    assert err.startswith("carecap: error: --set") and "Traceback" not in err
    assert err.count("\n") == 1, err
    for fragment in fragments:
        assert fragment in err
    assert not (tmp_path / "out").exists()  # nothing ran, nothing was written


def test_compare_refuses_settings_for_a_sweep_point(small_sweep, capsys):
    out = small_sweep  # (the session's sweep: a real point p0000)
    assert (out / "runs" / "p0000").is_dir()
    argv = ["compare", f"{out}:p0000", str(SMALL), "--set", f"{CG}=2"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--set" in err and "sweep point" in err and "Traceback" not in err
