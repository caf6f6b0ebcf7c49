"""The results folder of a sizing search: a sweep store whose points are the candidates evaluated.

The folder has the layout of a sweep's (:mod:`carecap.sim.experiments.sweep_store`): ``sweep.json``
(``spec.kind: size``), ``runs/<point>/rNNNN.parquet|json`` written atomically by the worker that
ran them, ``summary.parquet``; so ``carecap status DIR`` reads it and the sweep readers
(``read_point_metrics``, ``point_summary``) work on it. A candidate's point id is made of its
values (``c12-4``), so the same candidate is the same point in every session. The folder's
identity (its content hash) is the scenario as given (after ``--set``), the varied fields and the
seed, not the ranges, targets, confidence or ``--max-reps``: a rerun with other targets reuses
every replication already run. Points are added to ``sweep.json`` as the search reaches them, and
its ``replications`` grows to the highest replication index used; in ``carecap status``, a
candidate's *pending* runs are replications the search did not need there.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carecap.sim.errors import ResultsError
from carecap.sim.experiments.atomic import write_json_atomic
from carecap.sim.experiments.manifest import package_versions, scenario_hash
from carecap.sim.experiments.sweep_files import FORMAT, LOCK, SWEEP_JSON, now
from carecap.sim.experiments.sweep_points import Point
from carecap.sim.experiments.sweep_run import make_executor, run_sweep
from carecap.sim.experiments.sweep_store import SweepStore, load_info
from carecap.sim.scenario.model import Scenario

RESULTS_ROOT = Path("results") / "size"


def point_id(candidate: tuple[int, ...]) -> str:
    """``(12, 4)`` -> ``c12-4``."""
    return "c" + "-".join(str(int(x)) for x in candidate)


def content_hash(scenario: Scenario, paths: list[str], seed: int) -> str:
    payload = {"kind": "size", "scenario": scenario_hash(scenario), "vary": paths, "seed": seed}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class _Runs:
    """What :func:`carecap.sim.experiments.sweep_run.run_sweep` needs of a sweep."""

    points: tuple[Point, ...]
    content_hash: str
    seed: int
    antithetic: bool = False


class _Wanted(SweepStore):
    """The store, seen as holding only the runs asked for (so that ``run_sweep`` runs those)."""

    def __init__(self, store: SweepStore, runs: list[tuple[str, int]]) -> None:
        super().__init__(store.dir, store.info)
        self._runs = runs

    def all_runs(self) -> list[tuple[str, int]]:
        return list(self._runs)


class SizeStore:
    """A sizing search's folder: add candidates, run their replications, remember them."""

    def __init__(self, directory: Path, info: dict[str, Any], seed: int) -> None:
        self.store = SweepStore(directory, info)
        self.seed = seed
        self._points: dict[str, Point] = {}

    @property
    def dir(self) -> Path:
        return self.store.dir

    def add(self, candidate: tuple[int, ...], label: str, params: dict, scenario: Scenario) -> str:
        """Register a candidate as a point (once); returns its point id."""
        pid = point_id(candidate)
        if pid not in self._points:
            self._points[pid] = Point(pid, label, params, params, scenario, scenario_hash(scenario))
        return pid

    def run(
        self,
        runs: list[tuple[str, int]],
        workers: int | None,
        on_row: Callable[[dict[str, Any]], None] | None = None,
    ) -> int:
        """Run those of ``runs`` (point id, replication) not yet done; returns how many ran.
        Ctrl-C propagates (``KeyboardInterrupt``); finished runs are on disk."""
        self._write_info(max((r for _, r in runs), default=-1) + 1)
        view = _Wanted(self.store, runs)
        pending = view.pending_runs()
        if not pending:
            return 0
        sweep = _Runs(tuple(self._points.values()), self.store.info["content_hash"], self.seed)
        from carecap.sim.experiments.sweep_progress import QuietProgress

        class _Rows(QuietProgress):
            def update(self, row: dict[str, Any]) -> None:
                super().update(row)
                if on_row is not None:
                    on_row(row)

        progress = _Rows(len(runs), len(runs) - len(pending))
        with make_executor("local", workers, None, len(pending)) as executor:
            run_sweep(sweep, view, executor, progress=progress)  # type: ignore[arg-type]
        return len(pending)

    def _write_info(self, replications: int) -> None:
        info = self.store.info
        known = {p["point_id"] for p in info["points"]}
        new = [p for pid, p in self._points.items() if pid not in known]
        if not new and replications <= int(info["replications"]):
            return
        info["points"] = info["points"] + [
            {
                "point_id": p.point_id,
                "label": p.label,
                "parameters": p.parameters,
                "overrides": p.overrides,
                "scenario_hash": p.scenario_hash,
            }
            for p in new
        ]
        info["replications"] = max(int(info["replications"]), replications)
        write_json_atomic(self.dir / SWEEP_JSON, info)
        self.store = SweepStore(self.dir, info)


def open_size_store(
    directory: str | os.PathLike[str],
    scenario: Scenario,
    scenario_file: str,
    paths: list[str],
    sets: dict[str, Any],
    seed: int,
) -> SizeStore:
    """Create the folder of a sizing search, or reopen it to reuse its finished runs.

    Raises:
        ResultsError: the folder holds another search or sweep (another scenario, varied fields
            or seed), or files that are not a sweep's.
    """
    directory = Path(directory)
    digest = content_hash(scenario, paths, seed)
    if (directory / SWEEP_JSON).is_file():
        info = load_info(directory)
        if info.get("content_hash") != digest:
            raise ResultsError(
                directory,
                f"this folder holds the runs of '{info.get('name')}' (content hash "
                f"{str(info.get('content_hash'))[:12]}); this search (scenario "
                f"'{scenario.name}', varying {', '.join(paths)}, seed {seed}) has content hash "
                f"{digest[:12]}: their runs cannot be mixed. Give another folder with --out, or "
                "delete this one to start again",
            )
        return SizeStore(directory, info, seed)
    if directory.exists() and any(p.name != LOCK for p in directory.iterdir()):
        raise ResultsError(
            directory,
            f"the folder exists and is not a results folder of carecap size or sweep (no "
            f"{SWEEP_JSON}); give an empty or new folder with --out",
        )
    info = {
        "carecap_sweep": FORMAT,
        "name": f"size-{scenario.name}",
        "description": f"carecap size {scenario_file}",
        "content_hash": digest,
        "created": now(),
        "sweep_file": str(scenario_file),
        "base_files": [str(scenario_file)],
        "base_scenario": scenario.name,
        "replications": 0,
        "seed": seed,
        "antithetic": False,
        "set": sets,  # read back by analysis.load_sweep.rebuild_point_scenario, as in sweep.json
        "parameters": paths,
        "spec": {"kind": "size", "scenario": str(scenario_file), "set": sets, "vary": paths},
        "points": [],
        "versions": package_versions(),
    }
    directory.mkdir(parents=True, exist_ok=True)
    write_json_atomic(directory / SWEEP_JSON, info)
    return SizeStore(directory, info, seed)
