"""Open a results folder for analysis: :func:`load` returns one :class:`Results`.

A results folder is what ``carecap run`` writes (``manifest.json``, ``metrics.parquet``,
``summary.parquet``, the record tables ``requests/``, ``elders/``, ``units/``, ``shifts/``,
``van_trips/``) or what ``carecap sweep`` (and any command that writes like it, e.g. a sizing
search) writes (``sweep.json``, ``runs/<point_id>/r0003.parquet`` + ``.json``, ``summary.parquet``,
the record tables under ``runs/<point_id>/records/`` with ``--records``). This module only reads
them, with the writers' own helpers (:mod:`carecap.sim.experiments`); nothing here writes.

Frames are read when first asked for (a year of Taiyuan's requests is large) and then kept.
Every record frame carries ``replication`` (int) and, for a sweep, ``point_id`` in front; the
other columns are those of :class:`~carecap.sim.engine.records.ReplicationRecords` (see the
README, "Analysis in Python and plots").
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from carecap.sim.engine.records import ReplicationRecords
from carecap.sim.errors import ResultsError, ScenarioError
from carecap.sim.experiments.manifest import scenario_hash
from carecap.sim.experiments.replications import RECORD_TABLES, record_path
from carecap.sim.experiments.run_target import MANIFEST, MARKER
from carecap.sim.experiments.sweep_files import (
    SUMMARY,
    SWEEP_JSON,
    metrics_relpath,
    parquet_ok,
    records_relpath,
    with_point_columns,
)
from carecap.sim.experiments.sweep_results import point_summary, read_point_metrics
from carecap.sim.experiments.sweep_store import load_info, store_at
from carecap.sim.scenario.loader import load_scenario_with_sources, validate_scenario_data
from carecap.sim.scenario.model import Scenario, apply_overrides
from carecap.sim.units import DAY_MIN

RUN, SWEEP = "run", "sweep"


def load(path: str | os.PathLike[str]) -> Results:
    """Open the results folder at ``path`` (a run's or a sweep's).

    Reads the manifest (``manifest.json`` or ``sweep.json``) at once; frames on first use.

    Raises:
        ResultsError: ``path`` does not exist, is not a folder, holds neither carecap file, or
            its manifest is damaged (the message names the folder and what is wrong).
    """
    folder = Path(path)
    if not folder.exists():
        raise ResultsError(folder, "no such results folder")
    if not folder.is_dir():
        raise ResultsError(folder, "it is a file, not a results folder")
    if (folder / MANIFEST).exists():
        return Results(folder, RUN, _read_run_manifest(folder))
    if (folder / SWEEP_JSON).exists():
        return Results(folder, SWEEP, load_info(folder))  # ResultsError when damaged
    raise ResultsError(
        folder,
        f"not a carecap results folder: it holds neither {MANIFEST} (written by carecap run) "
        f"nor {SWEEP_JSON} (written by carecap sweep); give the folder a run or sweep wrote",
    )


def _read_run_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ResultsError(
            folder, f"{MANIFEST} is damaged or unreadable ({exc}); rerun carecap run into it"
        ) from None
    if not isinstance(manifest, dict) or MARKER not in manifest:
        raise ResultsError(
            folder, f"{MANIFEST} was not written by carecap run (no {MARKER!r} key in it)"
        )
    for key in ("scenario", "seed", "replications_finished"):
        if key not in manifest:
            raise ResultsError(folder, f"{MANIFEST} is damaged: it lacks {key!r}")
    return manifest


@dataclass
class Results:
    """One results folder, read on demand.

    Attributes:
        folder: where it is.
        kind: ``"run"`` (``carecap run``) or ``"sweep"`` (``carecap sweep``, sizing search).
        manifest: ``manifest.json`` of a run, ``sweep.json`` of a sweep, as plain data.
    """

    folder: Path
    kind: str
    manifest: dict[str, Any] = field(repr=False)

    # --- what was run ----------------------------------------------------------------------

    @property
    def status(self) -> str:
        """A run's ``status`` (``complete``, ``interrupted``, ``failed``); for a sweep,
        ``complete`` when every run is done, else ``partial``."""
        if self.kind == RUN:
            return str(self.manifest.get("status", "unknown"))
        return "complete" if store_at(self.folder).status().pending == 0 else "partial"

    @property
    def seed(self) -> int:
        return int(self.manifest["seed"])

    @property
    def replications(self) -> list[int]:
        """Replication numbers with results (a run's finished ones; a sweep's asked for)."""
        if self.kind == RUN:
            return [int(r) for r in self.manifest["replications_finished"]]
        return list(range(int(self.manifest["replications"])))

    @cached_property
    def scenario(self) -> Scenario:
        """The resolved scenario: a run's, from its manifest; a sweep's first point's (the
        base with the sweep's overrides and that point's values; see :meth:`point_scenario`)."""
        if self.kind == RUN:
            try:
                return validate_scenario_data(self.manifest["scenario"], self.folder / MANIFEST)
            except ScenarioError as exc:
                raise ResultsError(
                    self.folder, f"the scenario in {MANIFEST} is not valid any more: {exc}"
                ) from None
        return self.point_scenario(self.point_ids[0])

    @property
    def point_ids(self) -> list[str]:
        """A sweep's points (``p0000``, ...); ``[]`` for a run."""
        if self.kind == RUN:
            return []
        return [str(p["point_id"]) for p in self.manifest["points"]]

    @cached_property
    def points(self) -> pd.DataFrame:
        """A sweep's points: ``point_id``, ``label``, one column per varied parameter (named by
        its dotted path, as in the summary), ``replications_done``. Empty for a run."""
        if self.kind == RUN:
            return pd.DataFrame(columns=["point_id", "label", "replications_done"])
        done = store_at(self.folder).done_runs()
        rows = []
        for p in self.manifest["points"]:
            row = with_point_columns(pd.DataFrame(index=[0]), p["point_id"], p["parameters"])
            row.insert(1, "label", p["label"])
            row["replications_done"] = sum(1 for pid, _ in done if pid == p["point_id"])
            rows.append(row)
        return pd.concat(rows, ignore_index=True)

    @property
    def parameters(self) -> list[str]:
        """A sweep's varied parameters (dotted paths, ``variant`` first if any); ``[]`` for a
        run."""
        return [] if self.kind == RUN else list(self.manifest.get("parameters", []))

    def point_scenario(self, point_id: str) -> Scenario:
        """The scenario of one sweep point, rebuilt from the base file named in ``sweep.json``
        and the point's overrides, and checked against the point's recorded scenario hash.

        Raises:
            ResultsError: not a sweep, no such point, or the base file is gone or has changed
                since the sweep ran (the rebuilt scenario's hash differs).
        """
        point = self.point(point_id)
        base_files = self.manifest.get("base_files") or []
        if not base_files:
            raise ResultsError(self.folder, f"{SWEEP_JSON} names no base scenario file")
        base_file = Path(base_files[0])
        try:
            base, _ = load_scenario_with_sources(base_file)
        except ScenarioError as exc:
            raise ResultsError(
                self.folder,
                f"cannot rebuild the scenario of point {point_id}: its base scenario "
                f"{base_file} cannot be read now ({exc})",
            ) from None
        data = base.model_dump(mode="json", by_alias=True)
        apply_overrides(data, point["overrides"])
        scenario = validate_scenario_data(data, f"{base_file} point {point_id}")
        if point.get("scenario_hash") and scenario_hash(scenario) != point["scenario_hash"]:
            raise ResultsError(
                self.folder,
                f"cannot rebuild the scenario of point {point_id}: its base scenario "
                f"{base_file} has changed since the sweep ran (scenario hash differs); "
                "restore the file as it was, or rerun the sweep",
            )
        return scenario

    def point(self, point_id: str | None) -> dict[str, Any]:
        """A sweep point's entry of ``sweep.json`` (``point_id``, ``label``, ``parameters``,
        ``overrides``, ``scenario_hash``); ResultsError for a run or an unknown point."""
        if self.kind == RUN:
            raise ResultsError(self.folder, "a run folder has no sweep points")
        for p in self.manifest["points"]:
            if p["point_id"] == point_id:
                return p
        raise ResultsError(
            self.folder,
            f"the sweep has no point {point_id!r}; its points are "
            f"{', '.join(self.point_ids[:5])}{', ...' if len(self.point_ids) > 5 else ''}",
        )

    # --- metrics -----------------------------------------------------------------------------

    @cached_property
    def metrics(self) -> pd.DataFrame:
        """Per-replication metrics, tidy: ``scenario, replication, seed, service, slice,
        slice_value, metric, value, unit`` (a sweep: ``point_id`` and the parameters in front;
        finished runs only)."""
        if self.kind == RUN:
            return self._parquet(self.folder / "metrics.parquet")
        frames = []
        for pid in self.point_ids:
            try:
                frames.append(read_point_metrics(self.folder, pid))
            except (OSError, ValueError) as exc:
                raise ResultsError(
                    self.folder, f"cannot read point {pid}'s metrics: {exc}"
                ) from None
        frames = [f for f in frames if len(f)]
        if not frames:
            raise ResultsError(self.folder, "no run of this sweep has finished yet")
        return pd.concat(frames, ignore_index=True)

    @cached_property
    def summary(self) -> pd.DataFrame:
        """Across replications: keys, ``n, mean, sd, ci_low, ci_high, half_width`` (Student-t
        95 %). A sweep: one block per point with ``point_id``, ``label`` and the parameters in
        front (its ``summary.parquet``, or computed from the finished runs when absent)."""
        path = self.folder / SUMMARY
        if self.kind == RUN or path.exists():
            return self._parquet(path)
        parts = []
        antithetic = bool(self.manifest.get("antithetic"))
        for p in self.manifest["points"]:
            part = point_summary(self.folder, p["point_id"], antithetic)
            if len(part):
                part = with_point_columns(part, p["point_id"], p["parameters"])
                part.insert(1, "label", p["label"])
                parts.append(part)
        if not parts:
            raise ResultsError(self.folder, "no run of this sweep has finished yet")
        return pd.concat(parts, ignore_index=True)

    def _parquet(self, path: Path) -> pd.DataFrame:
        if not parquet_ok(path):
            what = "missing" if not path.exists() else "empty or truncated"
            raise ResultsError(
                self.folder,
                f"{path.relative_to(self.folder)} is {what}: the folder is damaged or was "
                "copied in part; rerun the command that wrote it",
            )
        return pd.read_parquet(path)

    # --- records -----------------------------------------------------------------------------

    @property
    def has_records(self) -> bool:
        """Whether the record tables were written (always by ``carecap run``; by a sweep only
        with ``--records``)."""
        if self.kind == RUN:
            return (self.folder / "requests").is_dir()
        return any((self.folder / "runs" / pid / "records").is_dir() for pid in self.point_ids)

    @cached_property
    def requests(self) -> pd.DataFrame:
        """One row per request, every replication (and point)."""
        return self._table("requests")

    @cached_property
    def elders(self) -> pd.DataFrame:
        return self._table("elders")

    @cached_property
    def units(self) -> pd.DataFrame:
        return self._table("units")

    @cached_property
    def shifts(self) -> pd.DataFrame:
        return self._table("shifts")

    @cached_property
    def van_trips(self) -> pd.DataFrame:
        return self._table("van_trips")

    def _table(self, table: str) -> pd.DataFrame:
        if not self.has_records:
            raise ResultsError(
                self.folder,
                "this sweep kept no record tables (requests, elders, ...); rerun it with "
                "--records to keep them, or use its metrics and summary",
            )
        frames = []
        if self.kind == RUN:
            for rep in self.replications:
                frames.append(self._record_file(self._record_path(table, rep, None), rep))
        else:
            for pid in self.point_ids:
                for rep in self.replications:
                    path = self._record_path(table, rep, pid)
                    if path.exists() or (self.folder / metrics_relpath(pid, rep)).exists():
                        frame = self._record_file(path, rep)
                        frame.insert(0, "point_id", pid)
                        frames.append(frame)
        return concat_keeping_categories(frames)

    def _record_path(self, table: str, rep: int, point_id: str | None) -> Path:
        if point_id is None:
            return record_path(self.folder, table, rep)
        return self.folder / records_relpath(point_id, table, rep)

    def _record_file(self, path: Path, rep: int) -> pd.DataFrame:
        frame = self._parquet(path)
        frame.insert(1 if "scenario" in frame.columns else 0, "replication", rep)
        return frame

    def records(self, replication: int, point_id: str | None = None) -> ReplicationRecords:
        """The :class:`~carecap.sim.engine.records.ReplicationRecords` of one replication (of
        one point, for a sweep), read from its record files: what
        :func:`carecap.sim.metrics.replication.replication_metrics` and the invariants take.

        ``followed_until_min`` is not in the files; it is rebuilt: the horizon without a drain;
        with a drain, the drain's end when requests are still waiting (the only case in which
        the metrics use it), else the last start or drop at or after the horizon.

        Raises:
            ResultsError: no such replication or point, no records kept, or a file damaged.
        """
        if self.kind == SWEEP:
            if point_id is None:
                raise ResultsError(self.folder, "a sweep folder: name the point (point_id=...)")
            self.point(point_id)
            scenario = self.point_scenario(point_id)
        else:
            scenario = self.scenario
        if replication not in self.replications:
            raise ResultsError(
                self.folder,
                f"no replication {replication} here (replications: "
                f"{', '.join(map(str, self.replications[:10]))})",
            )
        if not self.has_records:
            self._table("requests")  # raises the explanation
        tables = {}
        for table in RECORD_TABLES:
            frame = self._parquet(self._record_path(table, replication, point_id))
            tables[table] = frame.drop(columns=["scenario"], errors="ignore")
        cal = scenario.calendar
        horizon = cal.horizon_days * DAY_MIN
        return ReplicationRecords(
            scenario=scenario.name,
            replication=replication,
            seed=self.seed,
            horizon_min=horizon,
            warmup_min=cal.warmup_days * DAY_MIN,
            requests=tables["requests"],
            elders=tables["elders"],
            units=tables["units"],
            shifts=tables["shifts"],
            followed_until_min=followed_until(
                tables["requests"], horizon, getattr(cal, "drain_days", 0) * DAY_MIN
            ),
            van_trips=tables["van_trips"],
        )


def followed_until(requests: pd.DataFrame, horizon_min: float, drain_min: float) -> float:
    """When a run stopped following its requests, from its records (see
    :meth:`Results.records`)."""
    if drain_min <= 0:
        return horizon_min
    if (requests["outcome"] == "waiting").any():
        return horizon_min + drain_min
    start = requests["start_min"].to_numpy()
    dropped = requests["end_min"].where(requests["outcome"] == "abandoned").to_numpy()
    times = pd.Series([*start, *dropped]).dropna()
    times = times[(times >= horizon_min) & (times <= horizon_min + drain_min)]
    return float(max(horizon_min, times.max())) if len(times) else horizon_min


def concat_keeping_categories(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """``pd.concat`` that keeps categorical columns categorical (their categories united, in
    order of first appearance; ordered ones, e.g. ``tier``, stay ordered) even when the
    replications saw different categories."""
    if not frames:
        return pd.DataFrame()
    for column in frames[0].columns:
        first = frames[0][column]
        if not isinstance(first.dtype, pd.CategoricalDtype):
            continue
        cats: dict[Any, None] = {}
        for frame in frames:
            if column in frame.columns and isinstance(frame[column].dtype, pd.CategoricalDtype):
                cats.update(dict.fromkeys(frame[column].cat.categories))
        dtype = pd.CategoricalDtype(list(cats), ordered=first.cat.ordered)
        frames = [f.astype({column: dtype}) if column in f.columns else f for f in frames]
    return pd.concat(frames, ignore_index=True)
