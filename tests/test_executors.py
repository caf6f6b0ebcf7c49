"""Executors: same results whatever runs them; errors returned; dead workers replaced."""

from __future__ import annotations

import sys

import pytest
from sweep_helpers import assert_same_results, die_always, die_once, square_or_fail, write_sweep

from carecap.sim.experiments.executors import (
    DaskExecutor,
    ExecutorUnavailable,
    LocalExecutor,
    WorkerLost,
)
from carecap.sim.experiments.sweep_run import run_sweep
from carecap.sim.experiments.sweep_spec import load_sweep
from carecap.sim.experiments.sweep_store import open_store


def test_one_worker_two_workers_and_dask_give_identical_results(tmp_path):
    path = write_sweep(tmp_path, grid={"bathing_centre.stations": [1, 2]}, replications=3)
    sweep = load_sweep(path)

    def run(name: str, executor) -> None:
        outcome = run_sweep(sweep, open_store(tmp_path / name, sweep), executor)
        assert (outcome.ran, outcome.failed) == (6, 0), name

    run("local1", LocalExecutor(1))
    run("local2", LocalExecutor(2))
    with DaskExecutor(None, workers=2) as dask:
        run("dask", dask)
        dask.shares_filesystem = False  # as on a remote cluster: the files travel back
        run("dask-remote", dask)
    for other in ("local2", "dask", "dask-remote"):
        assert_same_results(tmp_path / "local1", tmp_path / other)


@pytest.mark.parametrize("workers", [1, 2])
def test_errors_are_returned_not_raised(workers):
    results = dict(LocalExecutor(workers).map_unordered(square_or_fail, range(6)))
    assert {k: v for k, v in results.items() if not isinstance(v, Exception)} == {
        0: 0,
        2: 4,
        4: 16,
    }
    assert all(isinstance(results[k], ValueError) for k in (1, 3, 5))


def test_a_killed_worker_is_replaced_and_its_run_redone(tmp_path):
    executor = LocalExecutor(2)
    marker = str(tmp_path / "died")
    results = dict(executor.map_unordered(die_once, [(marker, x) for x in range(8)]))
    assert {task[1]: r for task, r in results.items()} == {x: x for x in range(8)}
    assert executor.restarts >= 1


def test_a_run_that_always_kills_its_worker_is_reported(tmp_path):
    executor = LocalExecutor(2, max_retries=1)
    results = dict(executor.map_unordered(die_always, range(6)))
    assert isinstance(results.pop(3), WorkerLost)
    assert results == {x: x for x in (0, 1, 2, 4, 5)}


def test_only_a_window_of_tasks_is_taken_at_a_time():
    taken = []

    def tasks():
        for x in range(200):
            taken.append(x)
            yield x

    executor = LocalExecutor(2, window=4)
    for n, _ in enumerate(executor.map_unordered(square_or_fail, tasks()), start=1):
        assert len(taken) <= n + 4


def test_missing_dask_is_explained(monkeypatch):
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # import fails
    with pytest.raises(ExecutorUnavailable, match=r"carecap\[dask\]"):
        DaskExecutor()
