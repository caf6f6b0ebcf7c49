"""Reading a sweep's folder for :mod:`carecap.analysis.load`: its finished runs' metrics, its
summary (computed when ``summary.parquet`` is absent), a point's scenario rebuilt."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from carecap.sim.errors import ResultsError, ScenarioError, UsageError
from carecap.sim.experiments.manifest import scenario_hash
from carecap.sim.experiments.sweep_files import SWEEP_JSON, with_point_columns
from carecap.sim.experiments.sweep_results import point_summary, read_point_metrics
from carecap.sim.scenario.loader import load_scenario_with_sources, validate_scenario_data
from carecap.sim.scenario.model import Scenario, apply_overrides
from carecap.sim.scenario.set_options import apply_set_options


def sweep_metrics(folder: Path, point_ids: list[str]) -> pd.DataFrame:
    """Every finished run's metrics, point by point (``point_id`` and parameters in front)."""
    frames = []
    for pid in point_ids:
        try:
            frames.append(read_point_metrics(folder, pid))
        except (OSError, ValueError) as exc:
            raise ResultsError(folder, f"cannot read point {pid}'s metrics: {exc}") from None
    frames = [f for f in frames if len(f)]
    if not frames:
        raise ResultsError(folder, "no run of this sweep has finished yet")
    return pd.concat(frames, ignore_index=True)


def sweep_summary(folder: Path, info: dict[str, Any]) -> pd.DataFrame:
    """What ``summary.parquet`` would hold, computed from the finished runs (nothing written)."""
    parts = []
    antithetic = bool(info.get("antithetic"))
    for p in info["points"]:
        part = point_summary(folder, p["point_id"], antithetic)
        if len(part):
            part = with_point_columns(part, p["point_id"], p["parameters"])
            part.insert(1, "label", p["label"])
            parts.append(part)
    if not parts:
        raise ResultsError(folder, "no run of this sweep has finished yet")
    return pd.concat(parts, ignore_index=True)


def sweep_set_options(info: dict[str, Any]) -> dict[str, Any]:
    """The ``--set`` settings a sweep or sizing search ran with: ``set`` in ``sweep.json``, or,
    in a sizing folder written before it had that key, ``spec.set``."""
    if info.get("set") is not None:
        return dict(info["set"])
    return dict((info.get("spec") or {}).get("set") or {})


def rebuild_point_scenario(folder: Path, info: dict[str, Any], point: dict[str, Any]) -> Scenario:
    """The scenario of a sweep point: the base file named in ``sweep.json`` with the sweep's
    ``--set`` settings (``set`` in ``sweep.json``) and the point's overrides, checked against
    the point's recorded scenario hash (ResultsError when the base file is gone or has changed
    since the sweep ran)."""
    point_id = point["point_id"]
    base_files = info.get("base_files") or []
    if not base_files:
        raise ResultsError(folder, f"{SWEEP_JSON} names no base scenario file")
    base_file = Path(base_files[0])
    try:
        base, _ = load_scenario_with_sources(base_file)
        base = apply_set_options(base, sweep_set_options(info), base_file)
    except (ScenarioError, UsageError) as exc:
        raise ResultsError(
            folder,
            f"cannot rebuild the scenario of point {point_id}: its base scenario "
            f"{base_file} cannot be read now ({exc})",
        ) from None
    data = base.model_dump(mode="json", by_alias=True)
    apply_overrides(data, point["overrides"])
    scenario = validate_scenario_data(data, f"{base_file} point {point_id}")
    if point.get("scenario_hash") and scenario_hash(scenario) != point["scenario_hash"]:
        raise ResultsError(
            folder,
            f"cannot rebuild the scenario of point {point_id}: its base scenario "
            f"{base_file} has changed since the sweep ran (scenario hash differs); "
            "restore the file as it was, or rerun the sweep",
        )
    return scenario
