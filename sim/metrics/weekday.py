"""The weekday profile of service starts: how evenly a service's work spreads over the week.

=================  ======  =========================================================================
metric             unit    meaning (service ``centre_bath``, ``home_bath``, ``care_visit``; slice
                           ``all``)
=================  ======  =========================================================================
starts_weekday_cv  ratio   coefficient of variation (population sd / mean) across the working
                           weekdays of the service's starts per day: the requests started in the
                           window ``[warm-up, horizon)`` (whenever made) on each calendar weekday,
                           divided by the days of that weekday in the window. Working weekdays are
                           those on which a unit that may serve the service is on shift in the
                           window (``shifts``): a centre closed on Sundays is not "uneven" for
                           it. 0 = the same number of starts every working day; bunching on
                           Mondays raises it. NaN when nothing started or no unit ever works.
=================  ======  =========================================================================

Booked slots (``booking``) are meant to flatten this profile; ``carecap compare`` of queueing
against booking shows the paired difference.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carecap.sim.engine.records import ReplicationRecords
from carecap.sim.metrics.common import ALL, Window, as_codes, block, service_targets, to_frame
from carecap.sim.scenario.model import Scenario
from carecap.sim.services.registry import SERVICES
from carecap.sim.units import DAY_MIN

WEEKDAY_SERVICES = ("centre_bath", "home_bath", "care_visit")
"""The planned services whose weekday profile is reported."""
UNIT_KIND = {s.code: s.unit_kind for s in SERVICES}


def weekday_days(window: Window, start_weekday: int) -> np.ndarray:
    """Days (fractional at the window's ends) of each calendar weekday, Monday = 0, in the
    window; simulation day 0 is weekday ``start_weekday``."""
    days = np.zeros(7)
    first, last = int(window.start_min // DAY_MIN), int(np.ceil(window.end_min / DAY_MIN))
    for d in range(first, last):
        lo, hi = max(d * DAY_MIN, window.start_min), min((d + 1) * DAY_MIN, window.end_min)
        if hi > lo:
            days[(start_weekday + d) % 7] += (hi - lo) / DAY_MIN
    return days


def working_weekdays(spans: pd.DataFrame, window: Window, start_weekday: int) -> np.ndarray:
    """Which weekdays (Monday = 0) some span ``[start_min, end_min)`` covers inside the window."""
    on = np.zeros(7, dtype=bool)
    lo = np.maximum(spans.start_min.to_numpy(dtype=np.float64), window.start_min)
    hi = np.minimum(spans.end_min.to_numpy(dtype=np.float64), window.end_min)
    keep = hi > lo
    for a, b in set(zip(lo[keep].tolist(), hi[keep].tolist(), strict=True)):
        first, last = int(a // DAY_MIN), int(np.ceil(b / DAY_MIN))
        for d in range(first, min(last, first + 7)):
            on[(start_weekday + d) % 7] = True
        if on.all():
            break
    return on


def starts_weekday_cv(
    starts_min: np.ndarray, working: np.ndarray, days: np.ndarray, start_weekday: int
) -> float:
    """The coefficient of variation of starts per day across the ``working`` weekdays."""
    if not working.any() or len(starts_min) == 0:
        return float("nan")
    weekday = (start_weekday + (np.asarray(starts_min) // DAY_MIN).astype(np.int64)) % 7
    per_day = np.bincount(weekday, minlength=7)[working] / days[working]
    mean = per_day.mean()
    return float(per_day.std() / mean) if mean > 0 else float("nan")


def weekday_metrics(
    records: ReplicationRecords, scenario: Scenario, window: Window
) -> pd.DataFrame:
    """``starts_weekday_cv`` of each service of :data:`WEEKDAY_SERVICES` the scenario has."""
    r, units, shifts = records.requests, records.units, records.shifts
    start_weekday = scenario.calendar.start_date.weekday()
    days = weekday_days(window, start_weekday)
    kind = units.kind.astype(str)
    serves = units.serves.astype(str).str.split(",") if "serves" in units else None
    blocks = []
    reported = {t.service for t in service_targets(records, scenario)}
    svc = as_codes(r["service"], list(WEEKDAY_SERVICES), narrow=True)
    start_all = r["start_min"].to_numpy(dtype=np.float64)
    for code, service in enumerate(WEEKDAY_SERVICES):
        if service not in reported:
            continue
        may = kind == UNIT_KIND[service]
        if serves is not None:  # e.g. an alarm-only cover shift makes no planned visits
            may &= serves.map(lambda codes, code=service: code in codes)
        unit_ids = units.unit_id[may]
        working = working_weekdays(shifts[shifts.unit_id.isin(unit_ids)], window, start_weekday)
        start = start_all[svc == code]
        start = start[(start >= window.start_min) & (start < window.end_min)]
        cv = starts_weekday_cv(start, working, days, start_weekday)
        blocks.append(block([service], ALL, [ALL], "starts_weekday_cv", np.array([cv]), "ratio"))
    return to_frame(blocks)
