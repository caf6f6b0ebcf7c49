"""Reading the files of a results folder for :mod:`carecap.analysis.load`: a run's manifest, a
whole Parquet file, record tables of several replications, and the end of observation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from carecap.sim.errors import ResultsError
from carecap.sim.experiments.run_target import MANIFEST, MARKER
from carecap.sim.experiments.sweep_files import parquet_ok


def read_run_manifest(folder: Path) -> dict[str, Any]:
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


SIZE_JSON = "size.json"  # as carecap.analysis.sizing.answer_file writes it


def read_size_answer(folder: Path) -> dict[str, Any] | None:
    """A sizing search's ``size.json`` as plain data; None when the folder has none (a search
    interrupted before it could write one, or run by a carecap older than the file)."""
    path = folder / SIZE_JSON
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ResultsError(
            folder,
            f"{SIZE_JSON} is damaged or unreadable ({exc}); run the same carecap size command "
            "again to rewrite it (it reuses every finished replication)",
        ) from None
    if not isinstance(data, dict) or "status" not in data or "answer" not in data:
        raise ResultsError(
            folder,
            f"{SIZE_JSON} was not written by carecap size (it lacks the 'status' and 'answer' "
            "keys); remove it, or run the same carecap size command again to rewrite it",
        )
    return data


def read_parquet(folder: Path, path: Path) -> pd.DataFrame:
    """``path`` (inside ``folder``) as a frame; ResultsError naming it when it is missing,
    empty or truncated."""
    if not parquet_ok(path):
        what = "missing" if not path.exists() else "empty or truncated"
        raise ResultsError(
            folder,
            f"{path.relative_to(folder)} is {what}: the folder is damaged or was "
            "copied in part; rerun the command that wrote it",
        )
    return pd.read_parquet(path)


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
