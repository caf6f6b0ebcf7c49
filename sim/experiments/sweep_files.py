"""The files of a sweep's results folder, one by one: their names and paths, how a run's files
are written, and whether one that is there is whole.

The layout and the rules that make it resumable are in :mod:`carecap.sim.experiments.sweep_store`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from carecap.sim.experiments.atomic import write_atomic

SWEEP_JSON = "sweep.json"
SUMMARY = "summary.parquet"
RUNS = "runs"
LOCK = ".lock"
FORMAT = 1
"""Version of this folder layout (``carecap_sweep`` in ``sweep.json``)."""


def run_stem(replication: int) -> str:
    return f"r{replication:04d}"


def run_files(replication: int) -> tuple[str, str]:
    """File names of a run's metrics and manifest row, inside ``runs/<point_id>/``."""
    stem = run_stem(replication)
    return f"{stem}.parquet", f"{stem}.json"


def metrics_relpath(point_id: str, replication: int) -> str:
    return f"{RUNS}/{point_id}/{run_files(replication)[0]}"


def row_relpath(point_id: str, replication: int) -> str:
    return f"{RUNS}/{point_id}/{run_files(replication)[1]}"


def records_relpath(point_id: str, table: str, replication: int) -> str:
    return f"{RUNS}/{point_id}/records/{table}/replication={replication}/part-0.parquet"


def parameter_value(value: Any) -> Any:
    """A parameter as a table cell: scalars as they are, anything else as JSON text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)


def with_point_columns(frame: pd.DataFrame, point_id: str, parameters: dict) -> pd.DataFrame:
    """``frame`` with ``point_id`` and one column per parameter in front (self-describing)."""
    out = frame.copy()
    for i, (name, value) in enumerate([("point_id", point_id), *parameters.items()]):
        out.insert(i, name, [parameter_value(value)] * len(out))
    return out


def write_files(out_dir: Path, files: list[tuple[str, bytes]]) -> None:
    """Write ``(relative path, content)`` pairs in order, each atomically (manifest row last)."""
    for rel, content in files:
        write_atomic(Path(out_dir) / rel, partial(Path.write_bytes, data=content))


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def worker_identity() -> dict[str, Any]:
    return {"host": socket.gethostname(), "pid": os.getpid()}


def parquet_ok(path: Path) -> bool:
    """Whether ``path`` looks like a whole Parquet file: the ``PAR1`` magic at both ends (an
    empty or truncated file lacks the one at the end)."""
    try:
        size = path.stat().st_size
        if size < 12:
            return False
        with open(path, "rb") as fh:
            head = fh.read(4)
            fh.seek(-4, os.SEEK_END)
            return head == b"PAR1" and fh.read(4) == b"PAR1"
    except OSError:
        return False


def read_row(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # vanished, or not written by us: treated as not done
        return None
