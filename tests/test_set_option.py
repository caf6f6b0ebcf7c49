"""``carecap run --set PATH=VALUE``: parsed as YAML 1.2, applied after the file's own ``set:``,
recorded in the manifest, part of the run's identity; bad input is a usage error naming --set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from carecap.sim.cli.main import main
from carecap.sim.errors import UsageError
from carecap.sim.scenario.loader import load_scenario
from carecap.sim.scenario.set_options import apply_set_options, parse_set_options

SMALL = Path(__file__).parent / "data" / "small.yaml"
CG = "caregivers.city.shifts.0.count"


@pytest.fixture
def short_small(tmp_path) -> Path:
    data = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    data["calendar"]["horizon_days"] = 20
    data["calendar"]["warmup_days"] = 5
    data["set"] = {CG: 2}  # the file's own set:, which --set must override
    path = tmp_path / "short.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_values_are_yaml_1_2_and_the_last_of_a_repeated_path_wins():
    sets = parse_set_options(
        [
            f"{CG}=6",
            "a.b=yes",
            "a.c=017",
            "a.d=[1, 2]",
            "a.e={dist: fixed, value: 3}",
            "a.f=",
            f"{CG}=7",
        ]
    )
    assert sets == {
        "a.b": "yes",  # YAML 1.2: text, not true
        "a.c": 17,
        "a.d": [1, 2],
        "a.e": {"dist": "fixed", "value": 3},
        "a.f": None,
        CG: 7,
    }


@pytest.mark.parametrize(
    ("texts", "words"),
    [
        ([CG], ["expected PATH=VALUE"]),
        (["a..b=1"], ["not a dotted field path"]),
        ([f"{CG}=[1,"], [CG, "not one YAML value"]),
        ([f"{CG}=!!python/object:os.system x"], [CG, "tags are not allowed"]),
        (
            ["calendar.start_date=2022-02-30"],
            ["calendar.start_date: got '2022-02-30' (day is out of range", "YYYY-MM-DD"],
        ),
    ],
)
def test_unparsable_settings_are_usage_errors_naming_set(texts, words):
    with pytest.raises(UsageError) as err:
        parse_set_options(texts)
    assert err.value.option == "--set"
    for word in words:
        assert word in str(err.value)


@pytest.mark.parametrize(
    ("sets", "words"),
    [
        ({"caregivers.cty.shifts.0.count": 1}, ["caregivers.cty", "did you mean 'city'?"]),
        ({"bathing_centre.statons": 1}, ["bathing_centre.statons", "did you mean 'stations'?"]),
        ({CG: -1}, [f"{CG}=-1", "caregivers.0.shifts.0.count", "at least 0"]),
        ({"routing.prefer": "hom"}, ["routing.prefer='hom'", "did you mean 'home'?"]),
    ],
)
def test_a_setting_the_scenario_cannot_take_is_a_usage_error_naming_the_path(sets, words):
    scenario = load_scenario(SMALL)
    with pytest.raises(UsageError) as err:
        apply_set_options(scenario, sets, SMALL)
    assert err.value.option == "--set"
    for word in words:
        assert word in str(err.value)


def test_run_applies_set_after_the_files_set_and_records_it(short_small, tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["run", str(short_small), "--reps", "1", "--out", str(out), "--workers", "1"]
    assert main([*argv, "--set", f"{CG}=5", "--set", "bathing_centre.stations=3"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["set"] == {CG: 5, "bathing_centre.stations": 3}
    assert manifest["run"]["set"] == manifest["set"]
    assert manifest["scenario"]["caregivers"][0]["shifts"][0]["count"] == 5  # not the file's 2
    assert manifest["scenario"]["bathing_centre"]["stations"] == 3

    # the same --set: the same run, redone in place
    assert main([*argv, "--set", f"{CG}=5", "--set", "bathing_centre.stations=3"]) == 0
    # other --set values: a different run, refused without --overwrite, naming both settings
    capsys.readouterr()
    assert main([*argv, "--set", f"{CG}=4"]) == 2
    err = capsys.readouterr().err
    assert "another carecap run" in err and f"--set {CG}=4" in err
    # no --set at all: the file's own set: (count 2), also a different run
    assert main(argv) == 2
    assert main([*argv, "--overwrite"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["set"] == {}
    assert manifest["scenario"]["caregivers"][0]["shifts"][0]["count"] == 2


def test_bad_set_on_the_command_line_exits_2_without_traceback(short_small, tmp_path, capsys):
    code = main(["run", str(short_small), "--out", str(tmp_path / "o"), "--set", "caregivers.x=1"])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("carecap: error: --set: caregivers.x")
    assert "Traceback" not in err and err.count("\n") == 1
    assert not (tmp_path / "o").exists()  # refused before anything was created


def test_null_removes_a_centre_and_its_waiting_list():
    # (the message that refuses a centre's waiting list without a centre says to remove it)
    base = load_scenario(SMALL)
    assert base.initial_backlog["centre_bath"] and base.bathing_centre is not None
    sets = parse_set_options(["bathing_centre=null", "initial_backlog.centre_bath=null"])
    changed = apply_set_options(base, sets, SMALL)
    assert changed.bathing_centre is None
    assert changed.initial_backlog == {"home_bath": base.initial_backlog["home_bath"]}
    with_overrides = base.with_overrides(
        {"bathing_centre": None, "initial_backlog.centre_bath": None}
    )
    assert with_overrides == changed  # (sweeps and Scenario.with_overrides: the same rule)


def test_a_files_set_block_removes_them_with_null_too(tmp_path):
    child = tmp_path / "child.yaml"
    child.write_text(
        f"extends: {SMALL}\nname: no-centre\n"
        "set: {bathing_centre: null, initial_backlog.centre_bath: null}\n",
        encoding="utf-8",
    )
    scenario = load_scenario(child)
    assert scenario.bathing_centre is None and "centre_bath" not in scenario.initial_backlog
