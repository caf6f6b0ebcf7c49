"""``carecap size`` keeps its runs like a sweep: Ctrl-C (exit 130) keeps the finished
replications, ``carecap status`` reads the folder, a rerun reuses every finished replication and
gives the same answer as an uninterrupted search, whatever the number of workers."""

from __future__ import annotations

import pytest
from size_helpers import SERVERS_PATH, mmc_data, write

from carecap.analysis.sizing.size import size_scenario
from carecap.sim.cli.main import main
from carecap.sim.experiments import sweep_run
from carecap.sim.experiments.sweep_store import store_at

ARGS = ([f"{SERVERS_PATH}=3:12"], ["care_visit.on_time_rate>=0.9"])


def test_ctrl_c_keeps_finished_runs_and_a_rerun_reuses_them(tmp_path, monkeypatch, capsys):
    scenario = write(mmc_data(0.5, 10.0, 5.0), tmp_path / "mmc.yaml")
    fresh = size_scenario(scenario, *ARGS, max_reps=8, workers=1, out=tmp_path / "fresh")

    real = sweep_run.run_task
    calls = {"n": 0}

    def interrupted_on_the_seventh_run(task):
        calls["n"] += 1
        if calls["n"] == 7:
            raise KeyboardInterrupt
        return real(task)

    monkeypatch.setattr(sweep_run, "run_task", interrupted_on_the_seventh_run)
    out = tmp_path / "resumed"
    argv = ["size", str(scenario), "--vary", ARGS[0][0], "--target", ARGS[1][0]]
    argv += ["--max-reps", "8", "--workers", "1", "--out", str(out)]
    assert main(argv) == 130
    assert "interrupted" in capsys.readouterr().err
    monkeypatch.undo()
    assert store_at(out).status().done == 6

    assert main(["status", str(out)]) == 0
    assert "done 6 /" in capsys.readouterr().out

    resumed = size_scenario(scenario, *ARGS, max_reps=8, workers=2, out=out)
    assert resumed.answer == fresh.answer
    assert resumed.runs_simulated == fresh.runs_simulated - 6
    again = size_scenario(scenario, *ARGS, max_reps=8, workers=1, out=out)
    assert again.runs_simulated == 0 and again.answer == fresh.answer


def test_json_output_has_the_documented_keys(sized):
    """(The session's shared search, ``carecap size --json`` on an M/M/c scenario: conftest.py.)"""
    data = sized[2]
    for key in ("feasible", "answer", "targets", "cost_per_year", "candidates"):
        assert key in data
    assert data["feasible"] is True
    assert list(data["answer"]) == [SERVERS_PATH]
    assert data["targets"][0]["meets"] is True
    stages = {c["stage"] for c in data["candidates"]}
    assert stages == {"pilot", "confirm"}


def test_an_infeasible_search_exits_1_and_names_the_binding_target(tmp_path, capsys):
    scenario = write(mmc_data(0.5, 10.0, 5.0), tmp_path / "mmc.yaml")
    argv = ["size", str(scenario), "--vary", f"{SERVERS_PATH}=3:5", "--target", ARGS[1][0]]
    assert main([*argv, "--max-reps", "4", "--workers", "1", "--out", str(tmp_path / "o")]) == 1
    out = capsys.readouterr().out
    assert "NOT FEASIBLE" in out
    assert "binding target at the best candidate found: care_visit.on_time_rate>=0.9" in out


@pytest.mark.parametrize("workers", [2])
def test_results_do_not_depend_on_the_number_of_workers(tmp_path, workers):
    scenario = write(mmc_data(0.5, 10.0, 5.0), tmp_path / "mmc.yaml")
    one = size_scenario(scenario, *ARGS, max_reps=6, workers=1, out=tmp_path / "one")
    many = size_scenario(scenario, *ARGS, max_reps=6, workers=workers, out=tmp_path / "many")
    assert one.answer == many.answer
    means = [[j.mean for j in e.judgements] for e in one.pilots]
    assert means == [[j.mean for j in e.judgements] for e in many.pilots]
