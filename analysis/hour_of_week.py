"""Utilisation by hour of the week, per resource pool (for the heat-map).

As the ``utilisation`` metric (:mod:`carecap.sim.metrics.resources`), but per hour of the week
instead of over the whole window: for each pool, the unit-minutes busy (``[start_min,
end_min)`` of each request its units started; travel included) divided by the unit-minutes on
shift (the ``shifts`` spans), both inside the observation window ``[warm-up, horizon)``, summed
over every week of the window and every replication. An hour with no one on shift has no
utilisation (NaN); work begun before a shift's end and finished after it counts as busy, so an
hour can exceed 100 % (as the metric can).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from carecap.sim.engine.records import ReplicationRecords
from carecap.sim.metrics.common import STARTED
from carecap.sim.scenario.model import Scenario

HOUR_COLUMNS = ["pool", "kind", "weekday", "hour", "busy_hours", "on_shift_hours", "utilisation"]


def binned_minutes(start: np.ndarray, end: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Minutes covered by the spans ``[start, end)`` (counted with multiplicity) inside each
    bin ``[edges[k], edges[k + 1])``; spans with a NaN end are left out."""
    start, end = np.asarray(start, np.float64), np.asarray(end, np.float64)
    ok = ~np.isnan(start) & ~np.isnan(end) & (end > start)
    times = np.concatenate([start[ok], end[ok]])
    if len(times) == 0:
        return np.zeros(len(edges) - 1)
    deltas = np.concatenate([np.ones(ok.sum()), -np.ones(ok.sum())])
    order = np.argsort(times, kind="stable")
    t, level = times[order], np.cumsum(deltas[order])
    area = np.concatenate([[0.0], np.cumsum(level[:-1] * np.diff(t))])
    return np.diff(np.interp(edges, t, area, left=0.0, right=area[-1]))


def _replication_hours(records: ReplicationRecords, first_weekday: int) -> pd.DataFrame:
    lo, hi = float(records.warmup_min), float(records.horizon_min)
    edges = np.arange(np.ceil(lo / 60) * 60, hi + 1e-9, 60.0)
    if len(edges) < 2:
        return pd.DataFrame(columns=HOUR_COLUMNS)
    hour_index = (edges[:-1] // 60).astype(np.int64)
    weekday = (first_weekday + hour_index // 24) % 7
    hour = hour_index % 24
    units, req, shifts = records.units, records.requests, records.shifts
    started = req["outcome"].astype(str).isin(STARTED).to_numpy()
    parts = []
    for (pool, kind), mine in units.groupby(["pool", "kind"], sort=False, observed=True):
        ids = mine["unit_id"].to_numpy()
        served = started & np.isin(req["unit_id"].to_numpy(), ids)
        on = np.isin(shifts["unit_id"].to_numpy(), ids)
        busy = binned_minutes(
            req["start_min"].to_numpy()[served], req["end_min"].to_numpy()[served], edges
        )
        shift = binned_minutes(
            shifts["start_min"].to_numpy()[on], shifts["end_min"].to_numpy()[on], edges
        )
        parts.append(
            pd.DataFrame(
                {
                    "pool": str(pool),
                    "kind": str(kind),
                    "weekday": weekday,
                    "hour": hour,
                    "busy_hours": busy / 60,
                    "on_shift_hours": shift / 60,
                }
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=HOUR_COLUMNS)


def hour_of_week_utilisation(
    records: Iterable[ReplicationRecords], scenario: Scenario
) -> pd.DataFrame:
    """Per pool and hour of the week: :data:`HOUR_COLUMNS` (``weekday`` 0 = Monday, ``hour``
    0-23; the hours summed over weeks and replications; ``utilisation`` = busy / on shift, NaN
    with no one on shift). Pools in the order of the units table."""
    first = scenario.calendar.start_date.weekday()
    per_rep = pd.concat([_replication_hours(r, first) for r in records], ignore_index=True)
    keys = ["pool", "kind", "weekday", "hour"]
    out = per_rep.groupby(keys, sort=False)[["busy_hours", "on_shift_hours"]].sum().reset_index()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["utilisation"] = np.where(
            out["on_shift_hours"] > 0, out["busy_hours"] / out["on_shift_hours"], np.nan
        )
    return out.sort_values(keys, kind="stable", key=_pool_order(out)).reset_index(drop=True)[
        HOUR_COLUMNS
    ]


def _pool_order(frame: pd.DataFrame):
    pools = {p: i for i, p in enumerate(dict.fromkeys(frame["pool"]))}
    return lambda col: col.map(pools) if col.name == "pool" else col
