"""Utilisation by hour of the week, per resource pool (for the heat-map).

As the ``utilisation`` metric (:mod:`carecap.sim.metrics.resources`), but per hour of the week
instead of over the whole window: for each pool, the unit-minutes busy (``[start_min,
end_min)`` of each request its units started; travel included) divided by the unit-minutes on
shift (the ``shifts`` spans), both inside the observation window ``[warm-up, horizon)``, summed
over every week of the window and every replication. The centre's vans are one pool more
(``vans``, kind ``van``), as their ``utilisation`` metric: van busy time (each pick-up and return
run, from leaving the centre to being back) over van hours x vans. An hour with no one on shift
and no work has no utilisation (NaN); work begun before a shift's end and finished after it
counts as busy, so an hour can exceed 100 % (as the metric can), and an hour with work but no
one on shift (a van's return run after van hours) is infinitely over (``inf``).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from carecap.sim.engine.records import ReplicationRecords
from carecap.sim.metrics.common import STARTED
from carecap.sim.metrics.resources import van_runs, van_spans
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


def _replication_hours(records: ReplicationRecords, scenario: Scenario) -> pd.DataFrame:
    first_weekday = scenario.calendar.start_date.weekday()
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
    vans = _van_parts(records, scenario, edges)
    if vans is not None:
        parts.append(
            pd.DataFrame({"pool": "vans", "kind": "van", "weekday": weekday, "hour": hour}).assign(
                busy_hours=vans[0] / 60, on_shift_hours=vans[1] / 60
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=HOUR_COLUMNS)


def _van_parts(
    records: ReplicationRecords, scenario: Scenario, edges: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """The centre's vans' busy and van-hour minutes per bin (``None`` without vans), as
    :func:`carecap.sim.metrics.resources.van_metrics` counts them: each run once (a trip's rows
    share its times), van hours x the number of vans."""
    centre = scenario.bathing_centre
    if centre is None or centre.vans is None:
        return None
    busy = binned_minutes(*van_runs(records), edges)
    spans = van_spans(scenario, float(edges[-1]))
    van_hours = binned_minutes(spans[:, 0], spans[:, 1], edges) * centre.vans.count
    return busy, van_hours


def hour_of_week_utilisation(
    records: Iterable[ReplicationRecords], scenario: Scenario
) -> pd.DataFrame:
    """Per pool and hour of the week: :data:`HOUR_COLUMNS` (``weekday`` 0 = Monday, ``hour``
    0-23; the hours summed over weeks and replications; ``utilisation`` = busy / on shift, NaN
    with no one on shift and no work, ``inf`` with work but no one on shift). Pools in the
    order of the units table, then the vans."""
    per_rep = pd.concat([_replication_hours(r, scenario) for r in records], ignore_index=True)
    keys = ["pool", "kind", "weekday", "hour"]
    out = per_rep.groupby(keys, sort=False)[["busy_hours", "on_shift_hours"]].sum().reset_index()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["utilisation"] = np.where(
            out["on_shift_hours"] > 0,
            out["busy_hours"] / out["on_shift_hours"],
            np.where(out["busy_hours"] > 0, np.inf, np.nan),
        )
    return out.sort_values(keys, kind="stable", key=_pool_order(out)).reset_index(drop=True)[
        HOUR_COLUMNS
    ]


def _pool_order(frame: pd.DataFrame):
    pools = {p: i for i, p in enumerate(dict.fromkeys(frame["pool"]))}
    return lambda col: col.map(pools) if col.name == "pool" else col
