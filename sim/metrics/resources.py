"""Resource metrics: utilisation per pool, staff-hours and cost per year.

Utilisation (slice ``pool``, slice value = pool name, metric ``utilisation``, unit ``share``):
busy time / on-shift time inside the window, per pool of ``records.units``. Busy time is the
overlap with the window of ``[start_min, end_min)`` of every request served or in service by a
unit of the pool (start is dispatch, so outbound travel counts as busy); on-shift time is the
overlap of the units' ``shifts`` spans with the window. A unit finishes the job it started after
its shift ends, so utilisation may slightly exceed 1; it is reported as is. NaN when the pool has
no on-shift time in the window. The pool's service is named by its units' kind: ``caregiver`` ->
``care``, ``station`` -> ``centre_bath``, ``team`` -> ``home_bath``.

=================  =========  ===========================================================
pool (service)     unit       utilisation = numerator / denominator, both in the window
=================  =========  ===========================================================
caregivers (care)  share      travel + visit time of started visits and alarms / the
                              caregivers' on-shift time (``shifts``)
stations           share      station time (pick-up, transport, bath) / the stations' open
(centre_bath)                 time (each station's ``shifts`` span = the centre's hours)
teams (home_bath)  share      travel + set-up + bath + pack-up / the teams' on-shift time
vans (transport)   share      seat time from pick-up to back home / (seats x the centre's
                              opening time): vans run while the centre is open
=================  =========  ===========================================================

Cost (only when the scenario has ``costs``; service ``all``, slice ``all``), every figure scaled
from the window to a year (x 365 / window days):

=============================  ==============  ====================================================
metric                         unit            meaning
=============================  ==============  ====================================================
caregiver_hours_per_year       hours/year      on-shift hours of all caregivers
bath_team_hours_per_year       hours/year      on-shift hours of all bathing teams (team-hours)
station_open_hours_per_year    hours/year      open hours summed over the centre's stations
cost_per_year_caregivers       <currency>/year caregiver hours x ``caregiver_per_hour``
cost_per_year_bath_teams       <currency>/year team hours x ``bath_team_per_hour``
cost_per_year_stations         <currency>/year station open hours x ``station_per_open_hour``
cost_per_year_services         <currency>/year sum over services of ``per_service`` x requests
                                               whose service started in the window
cost_per_year                  <currency>/year the four above together
=============================  ==============  ====================================================
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carecap.sim.engine.records import OUTCOMES, UNIT_KINDS, ReplicationRecords
from carecap.sim.metrics.common import (
    ALL,
    STARTED,
    Window,
    as_codes,
    block,
    isin_codes,
    to_frame,
)
from carecap.sim.scenario.model import SERVICES, Scenario
from carecap.sim.units import ANNUAL_DAYS

KIND_SERVICE = {
    "caregiver": "care",
    "station": "centre_bath",
    "team": "home_bath",
}
"""The service a pool is reported under, by the kind of its units."""


def _on_shift_min_by_unit(records: ReplicationRecords, window: Window) -> np.ndarray:
    """On-shift minutes inside the window, per row of ``records.units``."""
    shifts = records.shifts
    pos = pd.Index(records.units["unit_id"]).get_indexer(shifts["unit_id"].to_numpy())
    minutes = window.overlap_min(shifts["start_min"].to_numpy(), shifts["end_min"].to_numpy())
    return np.bincount(pos[pos >= 0], weights=minutes[pos >= 0], minlength=len(records.units))


def _started(requests: pd.DataFrame) -> np.ndarray:
    return isin_codes(requests["outcome"], list(OUTCOMES), STARTED)


def utilisation_metrics(records: ReplicationRecords, window: Window) -> pd.DataFrame:
    """``utilisation`` (share) per resource pool; see the module docstring."""
    units = records.units
    if len(units) == 0:
        return to_frame([])
    pools = list(dict.fromkeys(units["pool"].astype(str)))
    unit_pool = as_codes(units["pool"], pools)
    kinds = units.groupby(unit_pool)["kind"].first().astype(str).reindex(range(len(pools)))

    req = records.requests
    pos = pd.Index(units["unit_id"]).get_indexer(req["unit_id"].to_numpy())
    mine = _started(req) & (pos >= 0)
    pool = unit_pool[pos[mine]]
    span = window.overlap_min(req["start_min"].to_numpy()[mine], req["end_min"].to_numpy()[mine])
    busy = np.bincount(pool, weights=span, minlength=len(pools))
    on_shift = np.bincount(
        unit_pool, weights=_on_shift_min_by_unit(records, window), minlength=len(pools)
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        util = np.where(on_shift > 0, busy / on_shift, np.nan)
    service = [KIND_SERVICE.get(k, k) for k in kinds]
    return to_frame([block(service, "pool", pools, "utilisation", util, "share")])


def cost_metrics(records: ReplicationRecords, scenario: Scenario, window: Window) -> pd.DataFrame:
    """Staff-hours and costs per year (see the module docstring); empty without ``costs``."""
    costs = scenario.costs
    if costs is None or window.days <= 0:
        return to_frame([])
    per_year = ANNUAL_DAYS / window.days
    kind = as_codes(records.units["kind"], list(UNIT_KINDS))
    hours_by_kind = np.bincount(
        kind[kind >= 0],
        weights=_on_shift_min_by_unit(records, window)[kind >= 0] / 60.0,
        minlength=len(UNIT_KINDS),
    )
    hours = dict(zip(UNIT_KINDS, hours_by_kind * per_year, strict=True))

    req = records.requests
    start = req["start_min"].to_numpy(np.float64)
    delivered = _started(req) & (start >= window.start_min) & (start < window.end_min)
    svc = as_codes(req["service"], list(SERVICES))
    counts = np.bincount(svc[delivered & (svc >= 0)], minlength=len(SERVICES))
    services = sum(rate * counts[SERVICES.index(s)] for s, rate in costs.per_service.items())

    parts = {
        "cost_per_year_caregivers": hours["caregiver"] * costs.caregiver_per_hour,
        "cost_per_year_bath_teams": hours["team"] * costs.bath_team_per_hour,
        "cost_per_year_stations": hours["station"] * costs.station_per_open_hour,
        "cost_per_year_services": float(services) * per_year,
    }
    money = f"{costs.currency}/year"
    metrics = [
        ("caregiver_hours_per_year", hours["caregiver"], "hours/year"),
        ("bath_team_hours_per_year", hours["team"], "hours/year"),
        ("station_open_hours_per_year", hours["station"], "hours/year"),
        *((name, value, money) for name, value in parts.items()),
        ("cost_per_year", sum(parts.values()), money),
    ]
    name, value, unit = zip(*metrics, strict=True)
    return to_frame([block(ALL, ALL, ALL, list(name), list(value), list(unit))])


def van_seat_metrics(
    records: ReplicationRecords, scenario: Scenario, window: Window
) -> pd.DataFrame:
    """``utilisation`` of the centre's van seats (service ``transport``, pool ``vans``).

    Seat time in use (from pick-up until the elder is back home, clipped to the window) divided
    by seats x the centre's opening minutes in the window (``bathing_centre.hours``): vans run
    only while the centre is open. A van still bringing elders home after closing time counts as
    busy, so it may slightly exceed 1. NaN when the centre has no opening hours in the window."""
    centre = scenario.bathing_centre
    if centre is None or centre.vans is None:
        return to_frame([])
    req = records.requests
    mine = (req["service"] == "centre_bath").to_numpy() & _started(req)
    start = req["start_min"].to_numpy()[mine]
    back = (req["end_min"] + req["travel_min"]).to_numpy()[mine]
    seats = centre.vans.count * centre.vans.seats
    open_spans = np.array(
        centre.hours.intervals(scenario.calendar.start_date.weekday(), window.end_min)
    ).reshape(-1, 2)
    open_min = window.overlap_min(open_spans[:, 0], open_spans[:, 1]).sum()
    capacity = seats * open_min
    util = window.overlap_min(start, back).sum() / capacity if capacity > 0 else np.nan
    return to_frame(
        [block(["transport"], "pool", ["vans"], "utilisation", np.array([util]), "share")]
    )
