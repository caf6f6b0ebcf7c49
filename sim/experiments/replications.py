"""Running replications: one at a time (a pure function) or many on local processes.

:func:`simulate` is the seam for every executor: a validated scenario, a replication and a seed
in; the record tables and the metrics out. :func:`run_and_store` also writes the replication's
records to a results folder (atomically) and returns only the compact metrics, so that a parent
process never holds every replication's records at once.

:func:`map_replications` is the one way replications run on several processes (``carecap run``,
``compare``, ``warmup``, ``--precision``): the crash-safe
:class:`~carecap.sim.experiments.executors.LocalExecutor` (a killed worker is replaced and its
replication rerun; workers ignore Ctrl-C and exit when the parent dies). Results never depend on
the number of workers: a replication carries its own number and seed.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from carecap.sim.engine.kernel import run_replication
from carecap.sim.engine.records import ReplicationRecords
from carecap.sim.experiments.executors import LocalExecutor
from carecap.sim.experiments.record_parquet import write_record_parquet
from carecap.sim.metrics.replication import replication_metrics
from carecap.sim.scenario.model import Scenario

RECORD_TABLES = ("requests", "elders", "units", "shifts", "van_trips")


@dataclass(frozen=True)
class ReplicationResult:
    replication: int
    metrics: pd.DataFrame
    timings: dict[str, float]


def simulate(
    scenario: Scenario, replication: int, seed: int, antithetic: bool = False
) -> tuple[ReplicationRecords, pd.DataFrame]:
    """One replication's records and metrics (pure: same inputs, same outputs). With
    ``antithetic``, odd replications mirror the even one before them
    (:mod:`carecap.sim.engine.streams`)."""
    records = run_replication(scenario, replication, seed, antithetic)
    t0 = time.perf_counter()
    metrics = replication_metrics(records, scenario)
    records.timings["metrics_s"] = time.perf_counter() - t0
    return records, metrics


def record_path(out_dir: Path, table: str, replication: int) -> Path:
    """Where a replication's table goes: a Hive-partitioned Parquet dataset per table, so that
    ``pandas.read_parquet(out_dir / "requests")`` loads every replication with its number."""
    return Path(out_dir) / table / f"replication={replication}" / "part-0.parquet"


def store_records(out_dir: Path, records: ReplicationRecords) -> None:
    """Write each record table, with its ``scenario`` column, in row groups
    (:mod:`carecap.sim.experiments.record_parquet`: no whole copy of a table)."""
    for table in RECORD_TABLES:
        path = record_path(out_dir, table, records.replication)
        write_record_parquet(path, getattr(records, table), records.scenario)


def run_and_store(
    scenario: Scenario, replication: int, seed: int, out_dir: Path | None
) -> ReplicationResult:
    """Simulate one replication, write its records under ``out_dir`` (if given), return metrics."""
    t0 = time.perf_counter()
    records, metrics = simulate(scenario, replication, seed)
    if out_dir is not None:
        t1 = time.perf_counter()
        store_records(out_dir, records)
        records.timings["write_s"] = time.perf_counter() - t1
    records.timings["total_s"] = time.perf_counter() - t0
    return ReplicationResult(replication, metrics, dict(records.timings))


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


T = TypeVar("T")


@dataclass(frozen=True)
class _Call:
    """One replication as a picklable task: ``fn(scenario, replication, seed, *extra)``."""

    fn: Callable[..., Any]
    scenario: Scenario
    replication: int
    seed: int
    extra: tuple[Any, ...] = ()


def _call(call: _Call) -> Any:
    return call.fn(call.scenario, call.replication, call.seed, *call.extra)


def map_replications(
    fn: Callable[..., T],
    scenario: Scenario,
    replications: list[int],
    seed: int,
    workers: int,
    *extra: Any,
) -> Generator[tuple[int, T], None, None]:
    """``(replication, fn(scenario, replication, seed, *extra))`` for each replication, in
    completion order, on up to ``workers`` local processes (one: in this process).

    ``fn`` must be a module-level function (workers import it by name). The first replication
    that raises stops the others and its exception propagates; so does Ctrl-C. Either way the
    workers are stopped before the exception leaves, and what was yielded before stays valid.
    """
    n = max(1, min(int(workers), len(replications)))
    calls = (_Call(fn, scenario, rep, seed, tuple(extra)) for rep in replications)
    with contextlib.closing(LocalExecutor(n).map_unordered(_call, calls)) as results:
        for call, result in results:
            if isinstance(result, BaseException):
                raise result
            yield call.replication, result


def run_replications(
    scenario: Scenario,
    replications: list[int],
    seed: int,
    out_dir: Path | None,
    workers: int,
    on_done: Callable[[ReplicationResult], None] = lambda result: None,
) -> list[ReplicationResult]:
    """Run the given replications on up to ``workers`` processes; results in replication order.

    ``on_done`` is called in the parent as each one finishes (in completion order). On Ctrl-C or
    an error the workers are stopped and the exception propagates; what finished was already
    passed to ``on_done`` and its records written.
    """
    results = []
    runs = map_replications(run_and_store, scenario, replications, seed, workers, out_dir)
    with contextlib.closing(runs):
        for _, result in runs:
            on_done(result)
            results.append(result)
    return sorted(results, key=lambda r: r.replication)
