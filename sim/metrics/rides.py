"""The ride home from the bathing centre: what the elders fetched by van wait for, and for how long
they are away from home (scenarios with ``bathing_centre.vans`` only).

A van takes a pick-up group home only when the group's last bath has ended and a van is free
(:mod:`carecap.sim.engine.vans`), so elders may sit at the centre after their bath; no wait metric
of the centre-bath request shows it (the request's wait ends when the bath starts). Times come from
``van_trips`` (one row per elder aboard each run) and the bath's ``end_min``.

Per served centre bath whose bath ended in the window ``[warm-up, horizon)`` and whose return run
is recorded (a bath ending just before following stopped may have none: it is left out):

==============================  =====  =============================================================
metric                          unit   meaning (service ``centre_bath``; slices ``all``, ``tier``,
                                       ``district``, ``care_level``)
==============================  =====  =============================================================
ride_home_wait_mean_min,        min    wait for the ride home: the departure of the elder's return
ride_home_wait_p90_min                 run minus the end of the bath (mean; 90th percentile,
                                       numpy's ``inverted_cdf``)
door_to_door_mean_min,          min    time away from home: set down at home by the return run
door_to_door_p90_min                   minus boarding the pick-up run (``van_trips.home_min``) =
                                       ride to the centre + bath + wait for the ride home + ride
                                       home
rides_home                      baths  the baths counted
==============================  =====  =============================================================

and, per van run (service ``transport``, slice ``pool``, value ``vans``):

=========================  =====  ==================================================================
return_after_close_share   share  return runs that left in the window while the centre was closed
                                  (after its closing hour, the night included: outside
                                  ``bathing_centre.hours``) / return runs that left in the window;
                                  NaN when none left
=========================  =====  ==================================================================

No rows without vans, or when the scenario reports no centre baths.
"""

from __future__ import annotations

from bisect import bisect_right

import numpy as np
import pandas as pd

from carecap.sim.engine.records import ReplicationRecords
from carecap.sim.engine.vans import TRIP_KINDS
from carecap.sim.metrics.common import (
    ALL,
    SLICE_KINDS,
    Window,
    as_codes,
    block,
    first_rows,
    service_targets,
    slice_values,
    to_frame,
)
from carecap.sim.scenario.model import Scenario
from carecap.sim.units import DAY_MIN

RIDE_METRICS = {
    "ride_home_wait_mean_min": "min",
    "ride_home_wait_p90_min": "min",
    "door_to_door_mean_min": "min",
    "door_to_door_p90_min": "min",
    "rides_home": "baths",
}


def ride_times(records: ReplicationRecords, window: Window) -> pd.DataFrame:
    """One row per served centre bath that ended in the window and has a recorded return run:
    ``request_id``, the slices, ``ride_home_wait_min`` and ``door_to_door_min`` (NaN when the
    records have no ``home_min``)."""
    trips, r = records.van_trips, records.requests
    cols = ["request_id", *SLICE_KINDS, "ride_home_wait_min", "door_to_door_min"]
    if trips is None or len(trips) == 0:
        return pd.DataFrame(columns=cols)
    # (codes, not strings: the names of a ten-year run's outcomes alone cost ~30 MB)
    kind = as_codes(trips["kind"], list(TRIP_KINDS))
    trip_rid = trips["request_id"].to_numpy()
    pick, back = (_first_rows_by_id(trip_rid, kind == TRIP_KINDS.index(k)) for k in TRIP_KINDS)
    end = r["end_min"].to_numpy(np.float64)
    rows = np.flatnonzero(
        (as_codes(r["service"], ["centre_bath"]) == 0)
        & (as_codes(r["outcome"], ["served"]) == 0)
        & (end >= window.start_min)
        & (end < window.end_min)
    )
    rid = r["request_id"].to_numpy()[rows]
    has = np.isin(rid, trip_rid[back]) & np.isin(rid, trip_rid[pick])
    rows, rid = rows[has], rid[has]
    out = r[["request_id", *SLICE_KINDS]].iloc[rows].reset_index(drop=True)
    back_of = back[np.searchsorted(trip_rid[back], rid)]  # (its first return run)
    out["ride_home_wait_min"] = trips["depart_min"].to_numpy()[back_of] - end[rows]
    if "home_min" in trips:
        home = trips["home_min"].to_numpy()
        d2d = home[back_of] - home[pick[np.searchsorted(trip_rid[pick], rid)]]
    else:
        d2d = np.full(len(rid), np.nan)
    out["door_to_door_min"] = d2d
    return out


def _first_rows_by_id(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Positions of the first row with each id among the rows in ``mask``, in order of id."""
    rows = np.flatnonzero(mask)
    _, first = np.unique(ids[rows], return_index=True)  # (first occurrences)
    return rows[first]


def after_close(depart_min: np.ndarray, open_spans: list[tuple[float, float]]) -> np.ndarray:
    """Whether each departure falls outside the open spans (sorted, disjoint ``[lo, hi)``)."""
    starts = [lo for lo, _ in open_spans]
    out = np.ones(len(depart_min), dtype=bool)
    for i, t in enumerate(depart_min.tolist()):
        j = bisect_right(starts, t) - 1
        out[i] = not (j >= 0 and t < open_spans[j][1])
    return out


def _stats(wait: np.ndarray, d2d: np.ndarray) -> list[float]:
    def mean(x):
        x = x[~np.isnan(x)]
        return float(x.mean()) if len(x) else np.nan

    def p90(x):
        x = x[~np.isnan(x)]
        return float(np.quantile(x, 0.9, method="inverted_cdf")) if len(x) else np.nan

    return [mean(wait), p90(wait), mean(d2d), p90(d2d), float(len(wait))]


def ride_metrics(records: ReplicationRecords, scenario: Scenario, window: Window) -> pd.DataFrame:
    """The metrics of the module docstring; empty without vans or centre baths."""
    centre = scenario.bathing_centre
    reported = {t.service for t in service_targets(records, scenario)}
    if centre is None or centre.vans is None or "centre_bath" not in reported:
        return to_frame([])
    rides = ride_times(records, window)
    names, units = list(RIDE_METRICS), list(RIDE_METRICS.values())
    wait = rides["ride_home_wait_min"].to_numpy(np.float64)
    d2d = rides["door_to_door_min"].to_numpy(np.float64)
    blocks = [block("centre_bath", ALL, ALL, names, _stats(wait, d2d), units)]
    for kind in SLICE_KINDS:
        values = slice_values(scenario, records.requests, kind)
        codes = as_codes(rides[kind], values)
        for i, value in enumerate(values):
            mine = codes == i
            stats = _stats(wait[mine], d2d[mine])
            blocks.append(block("centre_bath", kind, value, names, stats, units))
    blocks.append(
        block(
            "transport",
            "pool",
            "vans",
            "return_after_close_share",
            _late_share(records, scenario, window),
            "share",
        )
    )
    return to_frame(blocks)


def _late_share(records: ReplicationRecords, scenario: Scenario, window: Window) -> float:
    trips = records.van_trips
    if trips is None or len(trips) == 0:
        return np.nan
    is_return = as_codes(trips["kind"], list(TRIP_KINDS)) == TRIP_KINDS.index("return")
    runs = first_rows(trips["trip_id"].to_numpy())  # (in the table's order)
    runs = runs[is_return[runs]]  # (a trip's rows are all of its kind)
    depart = trips["depart_min"].to_numpy(np.float64)[runs]
    depart = depart[(depart >= window.start_min) & (depart < window.end_min)]
    if len(depart) == 0:
        return np.nan
    centre = scenario.bathing_centre
    assert centre is not None
    spans = centre.hours.intervals(scenario.calendar.start_date.weekday(), window.end_min + DAY_MIN)
    return float(after_close(depart, spans).mean())
