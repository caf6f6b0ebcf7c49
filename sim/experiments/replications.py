"""Running replications: one at a time (a pure function) or many on local processes.

:func:`simulate` is the seam for every executor: a validated scenario, a replication and a seed
in; the record tables and the metrics out. :func:`run_and_store` also writes the replication's
records to a results folder (atomically) and returns only the compact metrics, so that a parent
process never holds every replication's records at once.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from carecap.sim.engine.kernel import run_replication
from carecap.sim.engine.records import ReplicationRecords
from carecap.sim.experiments.atomic import write_parquet_atomic
from carecap.sim.metrics.replication import replication_metrics
from carecap.sim.scenario.model import Scenario

RECORD_TABLES = ("requests", "elders", "units", "shifts")


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
    for table in RECORD_TABLES:
        frame = getattr(records, table).copy()
        frame.insert(0, "scenario", pd.Categorical([records.scenario] * len(frame)))
        write_parquet_atomic(record_path(out_dir, table, records.replication), frame)


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


def run_replications(
    scenario: Scenario,
    replications: list[int],
    seed: int,
    out_dir: Path | None,
    workers: int,
    on_done: Callable[[ReplicationResult], None] = lambda result: None,
) -> list[ReplicationResult]:
    """Run the given replications on up to ``workers`` processes; results in replication order.

    ``on_done`` is called in the parent as each one finishes (in completion order). On Ctrl-C the
    pending ones are cancelled and the exception propagates; what finished was already passed to
    ``on_done`` and its records written.
    """
    results = []
    for result in _results(scenario, replications, seed, out_dir, workers):
        on_done(result)
        results.append(result)
    return sorted(results, key=lambda r: r.replication)


def _results(scenario, replications, seed, out_dir, workers) -> Iterator[ReplicationResult]:
    if workers <= 1 or len(replications) <= 1:
        for rep in replications:
            yield run_and_store(scenario, rep, seed, out_dir)
        return
    pool = ProcessPoolExecutor(max_workers=min(workers, len(replications)))
    try:
        pending: set[Future] = {
            pool.submit(run_and_store, scenario, rep, seed, out_dir) for rep in replications
        }
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
