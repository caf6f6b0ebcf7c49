"""The results folder of a sweep: one file pair per run, written atomically, resumable.

Layout (``results/sweeps/<name>/`` by default)::

    sweep.json                     the sweep: content hash, spec, points (ids, labels, parameters,
                                   overrides, scenario hashes), replications, seed, versions
    runs/<point_id>/r0003.parquet  replication 3's metrics (tidy, as ``metrics.parquet`` of
                                   ``carecap run``) with columns point_id and the parameters
    runs/<point_id>/r0003.json     its manifest row: point_id, parameters, replication, seed,
                                   status (ok | failed), duration_s, error, finished_at, worker
    runs/<point_id>/records/...    with ``--records`` only: the record tables, Hive-partitioned
                                   (``pd.read_parquet(".../records/requests")``)
    summary.parquet                per point, across replications: n, mean, sd, 95 % interval

A run is *done* when its JSON row exists with status ``ok`` and its Parquet file is whole: the
Parquet is written first, the JSON last, both atomically, so a crash at any moment leaves either a
done run or one that will be rerun (plus, at worst, a ``.tmp-*`` file that readers ignore and the
next session removes). Failed runs are rerun when the sweep is resumed; so are *damaged* runs (a
row or Parquet file that is empty or truncated — copied badly, a full disk): ``status`` lists them
and readers skip them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from carecap.sim.errors import ResultsError
from carecap.sim.experiments.atomic import write_atomic, write_json_atomic, write_parquet_atomic
from carecap.sim.experiments.manifest import package_versions

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


# --- the store --------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class RunStatus:
    """Counts of a sweep's runs, the failed ones' manifest rows, and the damaged files.

    ``pending`` counts every run not done and not failed, the damaged ones included (a resume
    redoes them); ``damaged`` names each damaged file (relative to the folder) and what is wrong.
    """

    total: int
    done: int
    failed: int
    pending: int
    failed_rows: list[dict[str, Any]] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)


class SweepStore:
    """A sweep's results folder, as described by its ``sweep.json``."""

    def __init__(self, directory: Path, info: dict[str, Any]) -> None:
        self.dir = Path(directory)
        self.info = info

    @property
    def point_ids(self) -> list[str]:
        return [p["point_id"] for p in self.info["points"]]

    @property
    def replications(self) -> int:
        return int(self.info["replications"])

    def points(self) -> list[dict[str, Any]]:
        return list(self.info["points"])

    def all_runs(self) -> list[tuple[str, int]]:
        """Every (point_id, replication), replication-major: all points of replication 0 come
        first, so an interrupted sweep has results for every point."""
        return [(p, r) for r in range(self.replications) for p in self.point_ids]

    def rows(self) -> Iterator[dict[str, Any]]:
        """The readable manifest rows present (done or failed), point by point."""
        for row, _ in self._scan():
            if row is not None:
                yield row

    def _scan(self) -> Iterator[tuple[dict[str, Any] | None, str | None]]:
        """``(row, None)`` for each readable row of a wanted run, ``(None, problem)`` for each
        damaged row file (empty, truncated, not a row of this sweep)."""
        wanted = set(self.point_ids)
        for point_id in self.point_ids:
            folder = self.dir / RUNS / point_id
            if not folder.is_dir():
                continue
            for path in sorted(folder.glob("r[0-9][0-9][0-9][0-9].json")):
                rel = f"{RUNS}/{point_id}/{path.name}"
                row = _read_row(path)
                if row is None or not isinstance(row, dict):
                    yield None, f"{rel}: empty or truncated manifest row"
                    continue
                try:
                    key = (str(row["point_id"]), int(row["replication"]))
                except (KeyError, TypeError, ValueError):
                    yield None, f"{rel}: not a manifest row (no point_id/replication)"
                    continue
                if key[0] not in wanted or rel != row_relpath(*key):
                    yield None, f"{rel}: the row says {key[0]} r{key[1]:04d}"
                    continue
                yield row, None

    def _is_done(self, row: dict[str, Any]) -> bool:
        key = (row["point_id"], int(row["replication"]))
        return row.get("status") == "ok" and parquet_ok(self.dir / metrics_relpath(*key))

    def done_runs(self) -> set[tuple[str, int]]:
        """Runs whose manifest row says ``ok`` and whose metrics file is whole."""
        return {(r["point_id"], int(r["replication"])) for r in self.rows() if self._is_done(r)}

    def pending_runs(self) -> list[tuple[str, int]]:
        """Runs still to do (never run, unfinished, failed or damaged), replication-major."""
        done = self.done_runs()
        return [run for run in self.all_runs() if run not in done]

    def status(self) -> RunStatus:
        done = failed = 0
        failed_rows: list[dict[str, Any]] = []
        damaged: list[str] = []
        wanted = set(self.all_runs())
        for row, problem in self._scan():
            if row is None:
                assert problem is not None  # _scan names the problem of each row it cannot read
                damaged.append(problem)
                continue
            key = (row["point_id"], int(row["replication"]))
            if key not in wanted:
                continue
            if self._is_done(row):
                done += 1
            elif row.get("status") == "ok":
                damaged.append(f"{metrics_relpath(*key)}: missing, empty or truncated")
            elif row.get("status") == "failed":
                failed += 1
                failed_rows.append(row)
        total = len(wanted)
        return RunStatus(total, done, failed, total - done - failed, failed_rows, damaged)

    def remove_temporaries(self) -> int:
        """Delete ``.tmp-*`` files left by a killed writer; returns how many."""
        removed = 0
        for path in self.dir.rglob(".tmp-*"):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed += 1
        return removed

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the folder's lock: one sweep session writes into a folder at a time.

        The lock is released by the operating system when the process ends, however it ends.
        """
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock, as before
            yield
            return
        fd = os.open(self.dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
                raise ResultsError(
                    self.dir,
                    f"another carecap sweep (process {holder}) is writing into this folder; "
                    "wait for it to finish, or stop it, then run the command again",
                ) from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
            yield
        finally:
            os.close(fd)


def _read_row(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # vanished, or not written by us: treated as not done
        return None


def sweep_document(sweep) -> dict[str, Any]:
    """The content of ``sweep.json`` for a loaded
    :class:`~carecap.sim.experiments.sweep_spec.Sweep`."""
    return {
        "carecap_sweep": FORMAT,
        "name": sweep.name,
        "description": sweep.spec.description,
        "content_hash": sweep.content_hash,
        "created": now(),
        "sweep_file": str(sweep.file),
        "base_files": [str(p) for p in sweep.base_files],
        "base_scenario": sweep.base.name,
        "replications": sweep.replications,
        "seed": sweep.seed,
        "antithetic": sweep.antithetic,
        "parameters": sweep.parameter_names,
        "spec": sweep.spec.model_dump(mode="json", by_alias=True),
        "points": [
            {
                "point_id": p.point_id,
                "label": p.label,
                "parameters": p.parameters,
                "overrides": p.overrides,
                "scenario_hash": p.scenario_hash,
            }
            for p in sweep.points
        ],
        "versions": package_versions(),
    }


def open_store(directory: str | os.PathLike[str], sweep) -> SweepStore:
    """Create the results folder of ``sweep``, or reopen it to resume.

    Raises:
        ResultsError: the folder holds the results of a different sweep (another content hash),
            or files that are not a sweep's.
    """
    directory = Path(directory)
    path = directory / SWEEP_JSON
    if path.is_file():
        info = load_info(directory)
        if info.get("content_hash") != sweep.content_hash:
            raise ResultsError(
                directory,
                f"this folder holds the results of sweep '{info.get('name')}' (content hash "
                f"{str(info.get('content_hash'))[:12]}, from {info.get('sweep_file')}), but "
                f"{sweep.file} is sweep '{sweep.name}' (content hash {sweep.content_hash[:12]}): "
                "their base scenario, points, replications, seed or antithetic setting differ, "
                "so their runs cannot be mixed. Give another folder with --out, or delete this "
                "one to start again",
            )
        return SweepStore(directory, info)
    if directory.exists() and any(p.name != LOCK for p in directory.iterdir()):
        raise ResultsError(
            directory,
            f"the folder exists and is not a sweep's results folder (no {SWEEP_JSON}); "
            "give an empty or new folder with --out",
        )
    info = sweep_document(sweep)
    write_json_atomic(path, info)
    return SweepStore(directory, info)


def load_info(directory: str | os.PathLike[str]) -> dict[str, Any]:
    """The ``sweep.json`` of a results folder.

    Raises:
        ResultsError: the folder is not a sweep's results folder (or its sweep.json is damaged).
    """
    path = Path(directory) / SWEEP_JSON
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultsError(
            directory, f"not a sweep's results folder (no {SWEEP_JSON} in it)"
        ) from None
    except (OSError, ValueError) as exc:
        raise ResultsError(path, f"cannot read it (damaged or unreadable): {exc}") from None
    if not isinstance(info, dict) or info.get("carecap_sweep") != FORMAT:
        raise ResultsError(path, "not written by this version of carecap sweep")
    return info


def store_at(directory: str | os.PathLike[str]) -> SweepStore:
    """An existing results folder (for reading: status, metrics, summaries)."""
    return SweepStore(Path(directory), load_info(directory))


# --- reading results --------------------------------------------------------------------------


def read_point_metrics(directory: str | os.PathLike[str], point_id: str) -> pd.DataFrame:
    """All finished replications of one point: the tidy metrics (columns ``point_id``, the
    parameters, then ``scenario, replication, seed, service, slice, slice_value, metric, value,
    unit``), in replication order. Empty (no rows) if none has finished.

    Raises:
        ResultsError: ``directory`` is not a sweep's results folder.
        KeyError: the sweep has no point ``point_id``.
    """
    store = store_at(directory)
    if point_id not in store.point_ids:
        raise KeyError(f"the sweep has no point {point_id!r} (points: {store.point_ids[0]}...)")
    frames = []
    for rep in range(store.replications):
        row = _read_row(store.dir / row_relpath(point_id, rep))
        path = store.dir / metrics_relpath(point_id, rep)
        if isinstance(row, dict) and row.get("status") == "ok" and parquet_ok(path):
            frames.append(pd.read_parquet(path))
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)


def read_all_metrics(directory: str | os.PathLike[str]) -> Iterator[tuple[str, pd.DataFrame]]:
    """``(point_id, metrics)`` for each point in turn (one point in memory at a time)."""
    for point_id in store_at(directory).point_ids:
        yield point_id, read_point_metrics(directory, point_id)


def pair_means(metrics: pd.DataFrame) -> pd.DataFrame:
    """Antithetic replications (0, 1), (2, 3), ... averaged pairwise: one observation per pair
    (numbered 0, 1, ... in ``replication``); incomplete pairs are dropped."""
    keys = [c for c in metrics.columns if c not in ("replication", "seed", "value")]
    m = metrics.assign(pair=metrics["replication"] // 2)
    complete = m.groupby("pair")["replication"].transform("nunique") == 2
    m = m[complete]
    out = m.groupby([*keys, "pair"], sort=False, dropna=False, observed=True).agg(
        value=("value", "mean"), seed=("seed", "first")
    )
    return out.reset_index().rename(columns={"pair": "replication"})


def point_summary(
    directory: str | os.PathLike[str], point_id: str, antithetic: bool = False
) -> pd.DataFrame:
    """:func:`carecap.analysis.stats.summarise` of one point's finished replications, computed with
    one replication in memory at a time (the values are kept as a metrics x replications
    array), so that its memory does not grow with the number of replications.

    Same columns and meaning as ``summarise``: per metric, ``n`` (replications with a value),
    ``mean``, ``sd``, and the Student-t 95 % interval. With ``antithetic``, each complete pair
    of replications (2k, 2k+1) is averaged first and counts as one observation.
    """
    from carecap.sim.metrics.summary import KEYS, SUMMARY_COLUMNS, t_half_width

    store = store_at(directory)
    index: pd.MultiIndex | None = None
    columns: dict[int, np.ndarray] = {}
    for rep in range(store.replications):
        row = _read_row(store.dir / row_relpath(point_id, rep))
        path = store.dir / metrics_relpath(point_id, rep)
        if not isinstance(row, dict) or row.get("status") != "ok" or not parquet_ok(path):
            continue
        frame = pd.read_parquet(path, columns=[*KEYS, "value"])
        keys = pd.MultiIndex.from_frame(frame[KEYS])
        if index is None:
            index = keys
        elif not keys.equals(index):
            index = index.append(keys[~keys.isin(index)])
        column = np.full(len(index), np.nan)
        column[index.get_indexer(keys)] = frame["value"].to_numpy(np.float64)
        columns[rep] = column
    if index is None:
        return pd.DataFrame(columns=[*KEYS, *SUMMARY_COLUMNS])
    if antithetic:
        columns = {
            k: (columns[2 * k] + columns[2 * k + 1]) / 2
            for k in range(store.replications // 2)
            if 2 * k in columns and 2 * k + 1 in columns
        }
    values = np.full((len(index), len(columns)), np.nan)
    for j, column in enumerate(columns.values()):
        values[: len(column), j] = column
    n = (~np.isnan(values)).sum(axis=1)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows: mean NaN, n 0
        mean = np.nanmean(values, axis=1) if values.shape[1] else np.full(len(index), np.nan)
        sd = np.where(n >= 2, np.nanstd(values, axis=1, ddof=1), np.nan) if n.any() else mean
    half = t_half_width(sd, n)
    out = index.to_frame(index=False)
    out["n"] = n.astype(np.int64)
    out["mean"], out["sd"] = mean, sd
    out["ci_low"], out["ci_high"], out["half_width"] = mean - half, mean + half, half
    return out[[*KEYS, *SUMMARY_COLUMNS]]


def write_summary(directory: str | os.PathLike[str]) -> Path | None:
    """Write ``summary.parquet``: per point, per metric, across finished replications, the
    Student-t 95 % interval (as :func:`carecap.analysis.stats.summarise`; see
    :func:`point_summary`),
    with ``point_id``, ``label`` and the parameter columns in front. Antithetic pairs count as
    one observation each. Returns the path, or None when no run has finished."""
    store = store_at(directory)
    parts = []
    for point in store.points():
        summary = point_summary(directory, point["point_id"], bool(store.info.get("antithetic")))
        if summary.empty:
            continue
        summary = with_point_columns(summary, point["point_id"], point["parameters"])
        summary.insert(1, "label", point["label"])
        parts.append(summary)
    if not parts:
        return None
    path = store.dir / SUMMARY
    write_parquet_atomic(path, pd.concat(parts, ignore_index=True))
    return path
