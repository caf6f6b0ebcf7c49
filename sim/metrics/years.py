"""The ``year`` slice: every metric of one calendar year of a run that spans several.

A year's metrics are the run's metrics with the observation window narrowed to the year's part
of it, ``[max(warm-up end, 1 Jan), min(horizon, 1 Jan next year))``: the same definitions
(MODEL.md §3), the same records. So a request belongs to the year it was made in and is followed
to its start, give-up or the end of observation (the horizon or the drain: a request made in
December and served in January is a December request, not censored at the year's end); backlog,
utilisation, coverage and costs are over the year's days (costs and staff-hours per year, as
always). Rows of slice ``all`` become slice ``year`` with the year as slice value (``"2030"``);
per-pool rows (slice ``pool``) become slice ``pool_year`` with value ``<pool>/<year>``.

The slice is present only when the observation window meets more than one calendar year: for a
run within one year it would repeat slice ``all`` row for row, and leaving it out keeps such runs'
metrics (and the golden back-test) exactly as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd

from carecap.sim.engine.projection import calendar_years
from carecap.sim.engine.records import ReplicationRecords
from carecap.sim.metrics.common import ALL, Window
from carecap.sim.scenario.model import Scenario

YEAR_SLICE = "year"
POOL_YEAR_SLICE = "pool_year"


def years_of(scenario: Scenario, window: Window) -> list[tuple[int, float, float]]:
    """The calendar years of the observation window, each ``(year, start_min, end_min)``."""
    return calendar_years(scenario.calendar.start_date, window.start_min, window.end_min)


def year_metrics(
    records: ReplicationRecords,
    scenario: Scenario,
    window: Window,
    metrics_of: Callable[[Window, ReplicationRecords], pd.DataFrame],
) -> pd.DataFrame | None:
    """The ``year`` and ``pool_year`` rows (None when the window is within one year);
    ``metrics_of(window, made)`` computes the tidy metrics of a window, its request metrics
    from ``made``: the records with only the requests made in the window (the same values, a
    tenth of the work for a ten-year run)."""
    years = years_of(scenario, window)
    if len(years) < 2:
        return None
    requests = records.requests
    request_min = requests["request_min"].to_numpy()
    # The engine makes every request at the clock's time, so its rows are in request order and
    # a year's requests are one run of rows: a slice, not a copy of the table (records read
    # back or built by hand may be in any order: then a mask).
    in_order = bool(np.all(request_min[1:] >= request_min[:-1]))
    frames = []
    for year, lo, hi in years:
        if in_order:
            first, last = np.searchsorted(request_min, [lo, hi], side="left")
            rows = requests.iloc[first:last]
        else:
            rows = requests[(request_min >= lo) & (request_min < hi)]
        made = replace(records, requests=rows.reset_index(drop=True))
        frame = metrics_of(Window(lo, hi), made)
        whole = frame["slice"] == ALL
        pool = frame["slice"] == "pool"
        frame = frame[whole | pool].copy()
        label = str(year)
        frame["slice"] = np.where(whole[whole | pool], YEAR_SLICE, POOL_YEAR_SLICE)
        frame["slice_value"] = np.where(
            whole[whole | pool], label, frame["slice_value"].astype(str) + "/" + label
        )
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)
