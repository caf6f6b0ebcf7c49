"""Reading a sweep's results: finished runs' metrics, point by point, and ``summary.parquet``.

Only runs that are done (manifest row ``ok``, whole Parquet file) are read; a point's summary is
computed with one replication in memory at a time; antithetic pairs count as one observation.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from carecap.sim.experiments.atomic import write_parquet_atomic
from carecap.sim.experiments.sweep_files import (
    SUMMARY,
    metrics_relpath,
    parquet_ok,
    read_row,
    row_relpath,
    with_point_columns,
)
from carecap.sim.experiments.sweep_store import store_at


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
        row = read_row(store.dir / row_relpath(point_id, rep))
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
    ``mean``, ``sd``, and the Student-t 95 % interval (cut at the metric's range, as
    ``summarise`` does: :func:`carecap.sim.metrics.summary.clip_interval`). With
    ``antithetic``, each complete pair of replications (2k, 2k+1) is averaged first and counts
    as one observation.
    """
    from carecap.sim.metrics.summary import (
        KEYS,
        SUMMARY_COLUMNS,
        t_half_width,
        with_clipped_interval,
    )

    store = store_at(directory)
    index: pd.MultiIndex | None = None
    columns: dict[int, np.ndarray] = {}
    for rep in range(store.replications):
        row = read_row(store.dir / row_relpath(point_id, rep))
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
    out["half_width"] = half
    return with_clipped_interval(out)[[*KEYS, *SUMMARY_COLUMNS]]


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
