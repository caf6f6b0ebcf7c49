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

File names and paths are in :mod:`carecap.sim.experiments.sweep_files`; reading finished runs'
metrics and writing ``summary.parquet`` in :mod:`carecap.sim.experiments.sweep_results`.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from carecap.sim.errors import ResultsError
from carecap.sim.experiments.atomic import write_json_atomic
from carecap.sim.experiments.folder_lock import exclusive_lock
from carecap.sim.experiments.manifest import package_versions
from carecap.sim.experiments.sweep_files import (
    FORMAT,
    LOCK,
    RUNS,
    SWEEP_JSON,
    metrics_relpath,
    now,
    parquet_ok,
    read_row,
    row_relpath,
)
from carecap.sim.scenario.set_options import jsonable_sets


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
                row = read_row(path)
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

    def locked(self) -> contextlib.AbstractContextManager[None]:
        """Hold the folder's lock: one sweep session writes into a folder at a time (released by
        the operating system when the process ends, however it ends)."""
        return exclusive_lock(
            self.dir / LOCK,
            lambda holder: ResultsError(
                self.dir,
                f"another carecap sweep (process {holder}) is writing into this folder; "
                "wait for it to finish, or stop it, then run the command again",
            ),
        )


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
        "set": jsonable_sets(sweep.sets),
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
