"""Bad input through the command line: exit code 2, one readable paragraph, no traceback.

Each case starts from the valid tests/data/small.yaml, breaks one thing, runs ``carecap check``,
and checks that the message names the file, the field path and what is allowed.
"""

from __future__ import annotations

import json
import os
import sys
import types
from pathlib import Path

import pytest
import yaml

from carecap.sim.cli.main import main
from carecap.sim.errors import ScenarioError

SMALL_SCENARIO = Path(__file__).parent / "data" / "small.yaml"


def check(capsys, *files: Path) -> tuple[int, str, str]:
    """Run ``carecap check FILES``; return (exit code, stdout, stderr)."""
    code = main(["check", *map(str, files)])
    out, err = capsys.readouterr()
    return code, out, err


def assert_bad_input(code: int, err: str, file: Path, *fragments: str) -> None:
    assert code == 2
    assert err.startswith("carecap: error: ")
    assert "Traceback" not in err
    assert file.name in err
    for fragment in fragments:
        assert fragment in err, f"{fragment!r} not in {err!r}"


# --- values the scenario model rejects --------------------------------------------------------


DELETE = object()
"""As a value in BAD_VALUES: remove the key."""


def _set(data: dict, dotted: str, value: object) -> None:
    *parents, last = dotted.split(".")
    for key in parents:
        data = data[int(key)] if isinstance(data, list) else data[key]
    if value is DELETE:
        del data[last]
    elif isinstance(data, list):
        data[int(last)] = value
    else:
        data[last] = value


BAD_VALUES = {
    "unknown key (typo)": (
        "bathing_centre.statons",
        1,
        ["bathing_centre.statons", "unknown key 'statons'", "did you mean 'stations'?"],
    ),
    "unknown top-level key": (
        "replicatons",
        5,
        ["replicatons", "did you mean 'replications'?", "Allowed keys here: name,"],
    ),
    "wrong type": (
        "bathing_centre.stations",
        "two",
        ["bathing_centre.stations", "got 'two'", "expected a whole number"],
    ),
    "list where a mapping is needed": (
        "districts",
        ["a", "b"],
        ["districts", "expected a mapping"],
    ),
    "negative count": (
        "bathing_centre.stations",
        -1,
        ["bathing_centre.stations", "got -1", "must be at least 0"],
    ),
    "zero horizon": (
        "calendar.horizon_days",
        0,
        ["calendar.horizon_days", "got 0", "must be greater than 0"],
    ),
    "zero replications": (
        "replications",
        0,
        ["replications", "got 0", "must be greater than 0"],
    ),
    "fractional count": (
        "caregivers.0.shifts.0.count",
        2.5,
        ["caregivers.0.shifts.0.count", "got 2.5", "whole number"],
    ),
    "probability above 1": (
        "services.alarm.visit_share",
        1.5,
        ["services.alarm.visit_share", "got 1.5", "at most 1"],
    ),
    "shares not summing to 1": (
        "population.tier_shares.other",
        0.5,
        ["population.tier_shares", "must sum to 1", "sum to 0.9"],
    ),
    "district referenced but not defined": (
        "population.elders_by_district.c",
        5,
        ["population.elders_by_district", "district 'c'", "not defined", "defined districts: a, b"],
    ),
    "pool travel missing a district": (
        "home_bathing.teams.0.travel_min",
        {"a": 20},
        ["home_bathing.teams.0.travel_min", "no entry for district(s) b"],
    ),
    "shift ending before it starts": (
        "caregivers.0.shifts.1.hours",
        {"mon": ["17:00-08:00"]},
        ["caregivers.0.shifts.1.hours", "'17:00-08:00'", "ends before it starts"],
    ),
    "internal-form span ending before it starts": (
        "caregivers.0.shifts.1.hours",
        {"spans": [[9960, 360]]},
        ["caregivers.0.shifts.1.hours", "bad span [9960, 360]", "end after the start", "HH:MM"],
    ),
    "unknown day in a schedule": (
        "bathing_centre.hours",
        {"monday": ["09:00-17:00"]},
        ["bathing_centre.hours", "unknown day 'monday'", "mon-fri"],
    ),
    "warm-up as long as the horizon": (
        "calendar.warmup_days",
        60,
        ["calendar.warmup_days", "must be less than horizon_days (60)"],
    ),
    "unknown distribution": (
        "bathing_centre.bath_duration_min",
        {"dist": "lognorm", "mean": 50, "sd": 10},
        [
            "bathing_centre.bath_duration_min",
            "unknown distribution 'lognorm'",
            "did you mean 'lognormal'?",
            "fixed, exponential, uniform, triangular, normal, lognormal, gamma, empirical",
        ],
    ),
    "distribution without dist": (
        "services.alarm.duration_min",
        {"mean": 30},
        ["services.alarm.duration_min", "needs a 'dist' key", "bare number"],
    ),
    "unknown key in a distribution": (
        "bathing_centre.bath_duration_min",
        {"dist": "uniform", "low": 30, "hi": 60},
        ["bathing_centre.bath_duration_min.hi", "did you mean 'high'?", "high' is missing"],
    ),
    "bad choice": (
        "routing.prefer",
        "centr",
        ["routing.prefer", "got 'centr'", "did you mean 'centre'?", "Allowed: centre, home"],
    ),
    "bad name as a key": (
        "districts",
        {"a": {}, "b": {}, "new district": {}},
        ["districts.new district", "letters, digits"],
    ),
    "month out of range": (
        "services.bath.seasonal_factor_by_month",
        {13: 1.5},
        ["services.bath.seasonal_factor_by_month.13", "at most 12"],
    ),
    "missing required key": (
        "bathing_centre.hours",
        DELETE,
        ["bathing_centre.hours", "the required key 'hours' is missing"],
    ),
    "missing required keys": (
        "bathing_centre",
        {"district": "a", "stations": 1},
        ["bathing_centre: the required keys 'hours', 'bath_duration_min' and 'transport_min'"],
    ),
    "neither 'all' nor a list": (
        "caregivers.0.districts",
        "everywhere",
        ["caregivers.0.districts", "got 'everywhere'", "expected 'all' or a list"],
    ),
}


@pytest.mark.parametrize(
    ("dotted", "value", "fragments"), BAD_VALUES.values(), ids=list(BAD_VALUES)
)
def test_bad_value(capsys, write_scenario, small_scenario_data, dotted, value, fragments):
    _set(small_scenario_data, dotted, value)
    path = write_scenario(small_scenario_data)
    code, out, err = check(capsys, path)
    assert out == ""
    assert_bad_input(code, err, path, *fragments)


def test_error_names_the_line(capsys, write_scenario):
    text = SMALL_SCENARIO.read_text(encoding="utf-8").replace("stations: 1", "stations: -1")
    path = write_scenario(text)
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "stations: -1" in s)
    code, _, err = check(capsys, path)
    assert_bad_input(code, err, path, f"{path.name}:{line}:", "bathing_centre.stations")


# --- files that are not a scenario at all -----------------------------------------------------


def test_missing_file(capsys, tmp_path):
    path = tmp_path / "nowhere.yaml"
    code, _, err = check(capsys, path)
    assert_bad_input(code, err, path, "cannot read the scenario file", "no such file")


def test_directory_instead_of_file(capsys, tmp_path):
    code, _, err = check(capsys, tmp_path)
    assert_bad_input(code, err, tmp_path, "is a directory")


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file"
)
def test_unreadable_file(capsys, write_scenario):
    path = write_scenario("name: x\n")
    path.chmod(0)
    try:
        code, _, err = check(capsys, path)
    finally:
        path.chmod(0o644)
    assert_bad_input(code, err, path, "permission denied")


def test_not_utf8(capsys, tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: Taiyuan\ndescription: caf\xe9\n".encode("latin-1"))
    code, _, err = check(capsys, path)
    assert_bad_input(code, err, path, "not UTF-8 text")


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        ("name: x\ncalendar: {start_date: 2022-01-01, horizon_days: 60\n", ":3:", "invalid YAML"),
        ("name: x\n  seed: 1\n", ":2:7:", "check the indentation"),
        ("name: x\n\tseed: 1\n", ":2:1:", "spaces, not tabs"),
        ("name: x\n---\nname: y\n", ":2:", "more than one YAML document"),
    ],
    ids=["unclosed flow mapping", "bad indentation", "tab", "two documents"],
)
def test_invalid_yaml_names_line_and_column(capsys, write_scenario, text, where, fragment):
    path = write_scenario(text)
    code, _, err = check(capsys, path)
    assert_bad_input(code, err, path, f"{path.name}{where}", fragment)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2022-02-30", "day is out of range for month"),
        ("2022-13-01", "month must be in 1..12"),
        ("'2022-02-30'", "day is out of range for month"),
        ("next spring", "not written as YYYY-MM-DD"),
        ("2022-1-5", "not written as YYYY-MM-DD"),
    ],
    ids=["30 February", "month 13", "quoted 30 February", "words", "no leading zeros"],
)
def test_a_bad_date_names_file_line_field_value_and_the_form(
    capsys, small_scenario_data, write_scenario, value, reason
):
    """Unquoted impossible dates are refused while reading the YAML, quoted ones and other text
    by the model: either way the message is the same, at the field."""
    small_scenario_data.pop("name")
    small_scenario_data.pop("calendar")
    text = yaml.safe_dump(small_scenario_data, sort_keys=False)
    path = write_scenario(f"name: x\ncalendar: {{start_date: {value}, horizon_days: 60}}\n{text}")
    code, _, err = check(capsys, path)
    shown = value.strip("'")
    assert_bad_input(code, err, path, f"{path.name}:2:", f"calendar.start_date: got '{shown}'")
    assert f"({reason}); expected a date written as YYYY-MM-DD" in err


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("- a\n- b\n", "holds a list"), ("just text\n", "holds a single value ('just text')")],
    ids=["list", "scalar"],
)
def test_top_level_not_a_mapping(capsys, write_scenario, text, fragment):
    path = write_scenario(text)
    code, _, err = check(capsys, path)
    assert_bad_input(code, err, path, "top level of a scenario must be a mapping", fragment)


@pytest.mark.parametrize(
    "text", ["", "\n\n", "# only a comment\n"], ids=["empty", "blank", "comment"]
)
def test_empty_file(capsys, write_scenario, text):
    path = write_scenario(text)
    code, _, err = check(capsys, path)
    assert_bad_input(code, err, path, "the file is empty")


def test_python_object_tag(capsys, write_scenario):
    path = write_scenario("name: !!python/object:os.system {}\n")
    code, _, err = check(capsys, path)
    assert_bad_input(
        code, err, path, f"{path.name}:1:7:", "!!python/object:os.system", "plain data"
    )


def test_extends_cycle(capsys, write_scenario):
    a = write_scenario("extends: b.yaml\nname: a\n", "a.yaml")
    write_scenario("extends: a.yaml\n", "b.yaml")
    code, _, err = check(capsys, a)
    assert_bad_input(code, err, a, "b.yaml:1:1: extends:", "a.yaml -> b.yaml -> a.yaml")


def test_extends_missing_base(capsys, write_scenario):
    child = write_scenario("extends: base.yaml\nname: a\n")
    code, _, err = check(capsys, child)
    assert_bad_input(code, err, child, "extends:", "cannot read 'base.yaml'", "no such file")


# --- carecap check and schema -----------------------------------------------------------------


def test_check_valid_file(capsys):
    code, out, err = check(capsys, SMALL_SCENARIO)
    assert (code, err) == (0, "")
    assert out == f"ok  {SMALL_SCENARIO} (name: small)\n"


def test_check_reports_every_file(capsys, tmp_path):
    missing = tmp_path / "missing.yaml"
    code, out, err = check(capsys, SMALL_SCENARIO, missing, SMALL_SCENARIO)
    assert code == 2
    assert out.count("ok  ") == 2
    assert_bad_input(code, err, missing, "no such file")


def test_schema_is_json_with_the_top_level_keys(capsys):
    assert main(["schema"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    schema = json.loads(out)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["title"]
    assert schema["additionalProperties"] is False
    expected = {"extends", "name", "calendar", "care_levels", "districts", "population"}
    expected |= {"services", "caregivers", "bathing_centre", "home_bathing", "routing"}
    assert expected <= set(schema["properties"])
    assert schema["properties"]["extends"]["type"] == "string"
    assert {"name", "calendar", "population", "services"} <= set(schema["required"])


# --- carecap run: argument wiring and error handling ------------------------------------------


@pytest.fixture
def fake_run_command(monkeypatch):
    """Install a stand-in ``carecap.sim.cli.run_command`` whose ``run`` calls
    ``fake.behaviour(args)``."""
    fake = types.ModuleType("carecap.sim.cli.run_command")
    fake.calls = []

    def run(args):
        fake.calls.append(args)
        return fake.behaviour(args)

    fake.run = run
    fake.behaviour = lambda args: 0
    monkeypatch.setitem(sys.modules, "carecap.sim.cli.run_command", fake)
    return fake


def test_run_passes_its_arguments(fake_run_command, tmp_path):
    argv = ["run", "s.yaml", "--reps", "4", "--seed", "0", "--out", str(tmp_path)]
    assert main([*argv, "--json", "--workers", "2"]) == 0
    (args,) = fake_run_command.calls
    assert args.scenario == Path("s.yaml")
    assert (args.reps, args.seed, args.out, args.json, args.workers) == (4, 0, tmp_path, True, 2)


def test_run_defaults_leave_choices_to_the_scenario(fake_run_command):
    assert main(["run", "s.yaml"]) == 0
    (args,) = fake_run_command.calls
    assert (args.reps, args.seed, args.out, args.json, args.workers) == (
        None,
        None,
        None,
        False,
        None,
    )


@pytest.mark.parametrize(
    "extra",
    [["--reps", "0"], ["--reps", "two"], ["--seed", "-1"], ["--workers", "0"]],
    ids=["zero reps", "text reps", "negative seed", "zero workers"],
)
def test_run_rejects_bad_arguments(capsys, fake_run_command, extra):
    assert main(["run", "s.yaml", *extra]) == 2
    assert fake_run_command.calls == []
    assert "carecap run: error: argument" in capsys.readouterr().err


def test_run_reports_scenario_errors_without_traceback(capsys, fake_run_command, tmp_path):
    def load(args):
        from carecap.sim.scenario.loader import load_scenario

        load_scenario(args.scenario)
        return 0

    fake_run_command.behaviour = load
    path = tmp_path / "missing.yaml"
    assert main(["run", str(path)]) == 2
    assert_bad_input(2, capsys.readouterr().err, path, "no such file")


def test_interrupt_exits_130(capsys, fake_run_command):
    def interrupted(args):
        raise KeyboardInterrupt

    fake_run_command.behaviour = interrupted
    assert main(["run", "s.yaml"]) == 130
    assert capsys.readouterr().err == "carecap: interrupted\n"


def test_bugs_keep_their_traceback(fake_run_command):
    def broken(args):
        raise ZeroDivisionError("a bug")

    fake_run_command.behaviour = broken
    with pytest.raises(ZeroDivisionError):
        main(["run", "s.yaml"])


def test_scenario_error_from_run_is_one_paragraph(capsys, fake_run_command):
    def fails(args):
        raise ScenarioError(Path("x.yaml"), "seed", "got -1, but it must be at least 0", line=3)

    fake_run_command.behaviour = fails
    assert main(["run", "x.yaml"]) == 2
    assert capsys.readouterr().err == (
        "carecap: error: x.yaml:3: seed: got -1, but it must be at least 0\n"
    )


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    assert "usage: carecap" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["run", "x.yaml", "--bogus"], "run"),
        (["check", "x.yaml", "--reps", "2"], "check"),
        (["plot", "waits", "results/x", "--colour", "red"], "plot"),
        (["--bogus"], None),
    ],
)
def test_an_unknown_option_is_reported_with_its_commands_usage(argv, command, capsys):
    """``carecap run x.yaml --bogus`` shows ``carecap run``'s usage (the options it does take),
    not the top level's ``COMMAND ...``; an unknown option before any command gets the top
    level's."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    prog = "carecap" if command is None else f"carecap {command}"
    assert err.startswith(f"usage: {prog} ")
    assert f"{prog}: error: unrecognized arguments: " in err
    assert argv[-1] in err.splitlines()[-1]
