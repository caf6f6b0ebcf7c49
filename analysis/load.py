"""Open a results folder for analysis: :func:`load` returns one :class:`Results`.

A results folder is what ``carecap run`` writes (``manifest.json``, ``metrics.parquet``,
``summary.parquet``, the record tables ``requests/``, ``elders/``, ``units/``, ``shifts/``,
``van_trips/``) or what ``carecap sweep`` writes (``sweep.json``, ``runs/<point_id>/r0003.parquet``
+ ``.json``, ``summary.parquet``, the record tables under ``runs/<point_id>/records/`` with
``--records``), or what ``carecap size`` writes: a sweep's files whose points are the candidates
evaluated, plus the answer in ``size.json`` (kind ``size``; without ``size.json``, e.g. a search
interrupted before writing it, the folder opens as a plain sweep). This module only reads
them, with the writers' own helpers (:mod:`carecap.sim.experiments`); nothing here writes.

Frames are read when first asked for (a year of Taiyuan's requests is large) and then kept.
Every record frame carries ``replication`` (int) and, for a sweep, ``point_id`` in front; the
other columns are those of :class:`~carecap.sim.engine.records.ReplicationRecords` (see the
README, "Analysis in Python and plots").
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from carecap.analysis.load_files import (
    concat_keeping_categories,
    followed_until,
    read_parquet,
    read_run_manifest,
    read_size_answer,
)
from carecap.analysis.load_sweep import rebuild_point_scenario, sweep_metrics, sweep_summary
from carecap.sim.engine.records import ReplicationRecords
from carecap.sim.errors import ResultsError, ScenarioError
from carecap.sim.experiments.replications import RECORD_TABLES, record_path
from carecap.sim.experiments.run_target import MANIFEST
from carecap.sim.experiments.sweep_files import (
    SUMMARY,
    SWEEP_JSON,
    metrics_relpath,
    records_relpath,
    with_point_columns,
)
from carecap.sim.experiments.sweep_store import load_info, store_at
from carecap.sim.scenario.loader import validate_scenario_data
from carecap.sim.scenario.model import Scenario
from carecap.sim.units import DAY_MIN

RUN, SWEEP, SIZE = "run", "sweep", "size"


def load(path: str | os.PathLike[str]) -> Results:
    """Open the results folder at ``path`` (a run's, a sweep's or a sizing search's).

    Reads the manifest (``manifest.json`` or ``sweep.json``, and a sizing search's
    ``size.json``) at once; frames on first use.

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
        return Results(folder, RUN, read_run_manifest(folder))
    if (folder / SWEEP_JSON).exists():
        info = load_info(folder)  # ResultsError when damaged
        sizing = read_size_answer(folder) if _is_size(info) else None
        return Results(folder, SWEEP if sizing is None else SIZE, info, sizing)
    raise ResultsError(
        folder,
        f"not a carecap results folder: it holds neither {MANIFEST} (written by carecap run) "
        f"nor {SWEEP_JSON} (written by carecap sweep); give the folder a run or sweep wrote",
    )


def _is_size(info: dict[str, Any]) -> bool:
    spec = info.get("spec")
    return isinstance(spec, dict) and spec.get("kind") == "size"


@dataclass
class Results:
    """One results folder, read on demand.

    Attributes:
        folder: where it is.
        kind: ``"run"`` (``carecap run``), ``"sweep"`` (``carecap sweep``) or ``"size"``
            (``carecap size``: a sweep whose points are the candidates evaluated; every sweep
            attribute works on it).
        manifest: ``manifest.json`` of a run, ``sweep.json`` of a sweep or sizing search, as
            plain data.
        sizing: a sizing search's answer (``size.json``, the data of ``carecap size --json``:
            ``status``, ``feasible``, ``answer``, ``targets``, ``neighbours``, ``candidates``,
            ``options``, ...); None for any other kind.
    """

    folder: Path
    kind: str
    manifest: dict[str, Any] = field(repr=False)
    sizing: dict[str, Any] | None = field(default=None, repr=False)

    # --- what was run ----------------------------------------------------------------------

    @property
    def status(self) -> str:
        """A run's ``status`` (``complete``, ``interrupted``, ``failed``); a sizing search's
        (``complete`` or ``interrupted``, from ``size.json``); for a sweep, ``complete`` when
        every run is done, else ``partial``."""
        if self.kind == RUN:
            return str(self.manifest.get("status", "unknown"))
        if self.sizing is not None:
            return str(self.sizing.get("status", "unknown"))
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
        return rebuild_point_scenario(self.folder, self.manifest, self.point(point_id))

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
        return sweep_metrics(self.folder, self.point_ids)

    @cached_property
    def summary(self) -> pd.DataFrame:
        """Across replications: keys, ``n, mean, sd, ci_low, ci_high, half_width`` (Student-t
        95 %). A sweep: one block per point with ``point_id``, ``label`` and the parameters in
        front (its ``summary.parquet``, or computed from the finished runs when absent)."""
        path = self.folder / SUMMARY
        if self.kind == RUN or path.exists():
            return self._parquet(path)
        return sweep_summary(self.folder, self.manifest)

    def _parquet(self, path: Path) -> pd.DataFrame:
        return read_parquet(self.folder, path)

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
        if self.kind != RUN:
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
