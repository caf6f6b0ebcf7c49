"""One run of a sweep — a (point, replication) — as a picklable task for any executor.

:func:`run_task` runs in the worker: it simulates, writes the run's metrics Parquet (and record
tables if asked) and then its manifest row, each atomically, and returns only the small row. A run
that raises is caught and recorded as ``failed`` with its error; the sweep carries on. When the
worker cannot see the results folder (a remote Dask cluster), the files travel back to the parent,
which writes them (:attr:`RunTask.out_dir` is None).
"""

from __future__ import annotations

import io
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from carecap.sim.experiments.atomic import dumps
from carecap.sim.experiments.replications import RECORD_TABLES, simulate
from carecap.sim.experiments.sweep_files import (
    metrics_relpath,
    now,
    records_relpath,
    row_relpath,
    with_point_columns,
    worker_identity,
    write_files,
)
from carecap.sim.scenario.model import Scenario


@dataclass(frozen=True)
class RunTask:
    """Everything a worker needs for one run (small: the scenario pickles to ~16 kB)."""

    sweep_hash: str
    point_id: str
    label: str
    parameters: dict[str, Any]
    scenario: Scenario = field(repr=False)
    scenario_hash: str
    replication: int
    seed: int
    antithetic: bool = False
    """The sweep uses antithetic pairs: odd replications mirror the one before."""
    out_dir: str | None = None
    """Write the files here, in the worker; None: return them to the caller to write."""
    records: bool = False
    """Also store the record tables (requests, elders, units, shifts)."""

    @property
    def key(self) -> tuple[str, int]:
        return self.point_id, self.replication


@dataclass(frozen=True)
class RunOutcome:
    """What a worker sends back: the manifest row, and the files if it did not write them."""

    row: dict[str, Any]
    files: list[tuple[str, bytes]] | None = None
    """``(path relative to the results folder, content)``, manifest row last."""

    @property
    def ok(self) -> bool:
        return self.row.get("status") == "ok"


def base_row(task: RunTask) -> dict[str, Any]:
    return {
        "point_id": task.point_id,
        "label": task.label,
        "parameters": task.parameters,
        "replication": task.replication,
        "seed": task.seed,
        "antithetic": task.antithetic,
        "scenario_hash": task.scenario_hash,
        "sweep_hash": task.sweep_hash,
    }


def failed_row(task: RunTask, exc: BaseException, duration_s: float = 0.0) -> dict[str, Any]:
    """The manifest row of a run that raised ``exc`` (or whose worker died)."""
    text = "".join(traceback.format_exception(exc))
    return {
        **base_row(task),
        "status": "failed",
        "duration_s": round(duration_s, 4),
        "error": {
            "type": type(exc).__name__,
            "message": str(exc) or type(exc).__name__,
            "traceback": text,
        },
        "finished_at": now(),
        "worker": worker_identity(),
    }


def row_bytes(row: dict[str, Any]) -> bytes:
    """A manifest row as strict JSON (non-finite numbers as ``null``)."""
    return (dumps(row) + "\n").encode("utf-8")


def run_task(task: RunTask) -> RunOutcome:
    """Simulate one (point, replication), store it, return its manifest row.

    Never raises for a failing simulation: the error is recorded in a ``failed`` row.
    """
    t0 = time.perf_counter()
    try:
        files = _simulate_to_files(task)
        row = {
            **base_row(task),
            "status": "ok",
            "duration_s": round(time.perf_counter() - t0, 4),
            "error": None,
            "finished_at": now(),
            "worker": worker_identity(),
        }
    except Exception as exc:  # recorded, not raised: the sweep carries on
        files = []
        row = failed_row(task, exc, time.perf_counter() - t0)
    files.append((row_relpath(task.point_id, task.replication), row_bytes(row)))
    if task.out_dir is None:
        return RunOutcome(row, files)
    write_files(Path(task.out_dir), files)
    return RunOutcome(row)


def _simulate_to_files(task: RunTask) -> list[tuple[str, bytes]]:
    # In antithetic mode replication 2k + 1 mirrors 2k (the streams pair them up).
    records, metrics = simulate(
        task.scenario, task.replication, task.seed, antithetic=task.antithetic
    )
    files = []
    if task.records:
        for table in RECORD_TABLES:
            frame = getattr(records, table).copy()
            frame.insert(0, "scenario", pd.Categorical([records.scenario] * len(frame)))
            path = records_relpath(task.point_id, table, task.replication)
            files.append((path, _parquet(frame)))
    del records  # keep the worker's peak low: the record tables are not needed any more
    tidy = with_point_columns(metrics, task.point_id, task.parameters)
    files.append((metrics_relpath(task.point_id, task.replication), _parquet(tidy)))
    return files


def _parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()
