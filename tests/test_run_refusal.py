"""`carecap run` refusing a folder that holds a different run names the option(s) that differ,
with this run's value and the folder's (the user must know what to change or --overwrite)."""

from __future__ import annotations

from pathlib import Path

import pytest

from carecap.sim.cli.main import main
from carecap.sim.experiments.run_differences import differences

KEY = {
    "scenario_hash": "a" * 64,
    "seed": 1,
    "replications": 2,
    "more": None,
    "set": {},
}
PRECISE = {"precision": 0.05, "metrics": ["wait_mean"], "max_reps": 200}


@pytest.fixture
def scenario(small_scenario_data, write_scenario) -> Path:
    """small.yaml over 30 days (a fraction of a second a replication)."""
    small_scenario_data["calendar"]["horizon_days"] = 30
    return write_scenario(small_scenario_data, "short.yaml")


def _refusal(capsys, argv: list[str]) -> str:
    capsys.readouterr()
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("carecap: error:") == 1 and "--overwrite" in err, err
    return err


def test_a_precision_run_then_a_plain_one_names_precision(tmp_path, scenario, capsys):
    argv = ["run", str(scenario), "--out", str(tmp_path / "out"), "--reps", "2", "--workers", "1"]
    assert main([*argv, "--precision", "0.05", "--max-reps", "2"]) == 0
    err = _refusal(capsys, argv)
    assert "--precision not given (the folder's run: 0.05)" in err
    err = _refusal(capsys, [*argv, "--precision", "0.1", "--max-reps", "2"])
    assert "--precision 0.1 (the folder's run: 0.05)" in err
    assert "--max-reps" not in err and "--seed" not in err and "--reps" not in err


@pytest.mark.parametrize(
    ("change", "phrase"),
    [
        ({"seed": 7}, "--seed 7 (the folder's run: 1)"),
        ({"replications": 3}, "--reps 3 (the folder's run: 2)"),
        ({"more": PRECISE}, "--precision 0.05 (the folder's run: not given)"),
        ({"set": {"a.b": 4}}, "--set a.b=4 (the folder's run: not given)"),
        ({"records": False}, "--no-records (the folder's run: --records)"),
        ({"scenario_hash": "b" * 64}, "the scenario (hash bbbbbbbbbbbb; the folder's run: aaaa"),
    ],
)
def test_each_part_of_a_run_is_named_as_its_option(change, phrase):
    (found,) = differences(KEY, KEY | change)
    assert found.startswith(phrase), found


def test_precision_settings_are_named_one_by_one():
    old = KEY | {"more": PRECISE}
    new = KEY | {"more": PRECISE | {"max_reps": 8, "metrics": ["wait_p90", "wait_mean"]}}
    assert differences(old, new) == [
        "--precision-metrics wait_p90,wait_mean (the folder's run: wait_mean)",
        "--max-reps 8 (the folder's run: 200)",
    ]


def test_a_set_that_changes_the_scenario_is_named_as_the_set_alone():
    new = KEY | {"set": {"a.b": 4}, "scenario_hash": "b" * 64}
    assert differences(KEY, new) == ["--set a.b=4 (the folder's run: not given)"]
    assert differences(KEY, KEY) == []
