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
vans (transport)   share      van busy time (pick-up and return runs, centre to centre) /
                              (vans x van hours: ``vans.hours``, default the centre's hours)
=================  =========  ===========================================================

Cost (only when the scenario has ``costs``), every figure over the window ``[warm-up, horizon)``
and scaled to a budget year (x 365 / window days). Service ``all``, slice ``all``:

=============================  ==============  ====================================================
metric                         unit            meaning
=============================  ==============  ====================================================
caregiver_hours_per_year       hours/year      on-shift hours of all caregivers
caregiver_fte                  FTE             caregiver hours / ``hours_per_fte_year``
bath_team_hours_per_year       hours/year      on-shift hours of all bathing teams (team-hours)
bath_team_fte                  team-FTE        team hours / ``hours_per_fte_year`` (whole teams:
                                               times the team size for staff)
station_open_hours_per_year    hours/year      open hours summed over the centre's stations
van_hours_per_year             hours/year      van operating hours: ``vans.hours`` (default the
                                               centre's opening hours) x ``vans.count`` (0
                                               without vans)
beds_mean                      beds            mean number of bed holders present in the window
                                               (time-weighted: bed-days in the window / its days)
elders_served                  elders          distinct elders with at least one request (any
                                               service) started in the window
cost_per_year_caregivers       <currency>/year caregiver hours x ``caregiver_per_hour``
cost_per_year_bath_teams       <currency>/year team hours x ``bath_team_per_hour``
cost_per_year_stations         <currency>/year station open hours x ``station_per_open_hour``
cost_per_year_vans             <currency>/year van hours x ``van_per_hour``
cost_per_year_services         <currency>/year sum over services of ``per_service`` x requests
                                               whose service started in the window
cost_per_year_capital          <currency>/year ``capital.centre_per_year`` (with a centre) +
                                               (``capital.bed_fitout_per_bed_year`` +
                                               ``capital.platform_per_bed_year``) x beds_mean
cost_per_year                  <currency>/year the six above together
cost_per_bed_year              <currency>/bed- cost_per_year / beds_mean (NaN with no beds)
                               year
cost_per_elder_served          <currency>/     the window's cost / elders_served, i.e.
                               elder           cost_per_year x (window days / 365) /
                                               elders_served (NaN when none was served); for a
                                               one-year window: cost_per_year / elders_served
=============================  ==============  ====================================================

Per staff pool (slice ``pool``, service as for utilisation: caregiver pools ``care``, team
pools ``home_bath``): ``hours_per_year`` (on-shift hours, hours/year) and ``fte`` (those hours /
``hours_per_fte_year``; unit ``FTE`` for caregivers, ``team-FTE`` for bathing teams).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carecap.sim.engine.records import OUTCOMES, UNIT_KINDS, ReplicationRecords, code_dtype
from carecap.sim.metrics.common import (
    ALL,
    STARTED,
    Block,
    Window,
    as_codes,
    block,
    first_rows,
    isin_codes,
    row_chunks,
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
    shifts, units = records.shifts, pd.Index(records.units["unit_id"])
    unit_id, start, end = (shifts[c].to_numpy() for c in ("unit_id", "start_min", "end_min"))
    out = np.zeros(len(units))
    for rows in row_chunks(len(shifts)):
        pos = units.get_indexer(unit_id[rows])
        minutes = window.overlap_min(start[rows], end[rows])
        out += np.bincount(pos[pos >= 0], weights=minutes[pos >= 0], minlength=len(units))
    return out


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
    # Each request's pool, through a lookup by unit id (a byte a request, not an int64 position)
    ids = units["unit_id"].to_numpy(np.int64)
    ids_ok = (ids >= 0) & (ids < 1 << 15)  # (unit ids are int16 in the records; -1: none)
    lookup = np.full(1 << 16, -1, dtype=code_dtype(len(pools) + 1))  # by unit id as uint16
    lookup[ids[ids_ok]] = unit_pool[ids_ok]
    unit_id = req["unit_id"].to_numpy(np.int16).view(np.uint16)
    started = _started(req)
    start, end = req["start_min"].to_numpy(), req["end_min"].to_numpy()
    busy = np.zeros(len(pools))
    for rows in row_chunks(len(req)):  # (temporaries of a chunk's size, not the table's)
        pool_of = lookup[unit_id[rows]]
        mine = started[rows] & (pool_of >= 0)
        span = window.overlap_min(start[rows][mine], end[rows][mine])
        busy += np.bincount(pool_of[mine], weights=span, minlength=len(pools))
    on_shift = np.bincount(
        unit_pool, weights=_on_shift_min_by_unit(records, window), minlength=len(pools)
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        util = np.where(on_shift > 0, busy / on_shift, np.nan)
    service = [KIND_SERVICE.get(k, k) for k in kinds]
    return to_frame([block(service, "pool", pools, "utilisation", util, "share")])


def bed_mean(records: ReplicationRecords, window: Window) -> float:
    """Mean number of bed holders present in the window: the overlap of each bed holder's stay
    ``[enrol_min, exit_min)`` with the window, summed, over the window's length."""
    elders = records.elders
    if window.length_min <= 0 or len(elders) == 0:
        return 0.0
    bed = elders["has_bed"].to_numpy(bool)
    stay = window.overlap_min(
        elders["enrol_min"].to_numpy(np.float64)[bed], elders["exit_min"].to_numpy(np.float64)[bed]
    )
    return float(stay.sum() / window.length_min)


def centre_open_min(scenario: Scenario, window: Window) -> float:
    """Minutes the bathing centre is open inside the window (0 without a centre)."""
    centre = scenario.bathing_centre
    if centre is None:
        return 0.0
    spans = np.array(
        centre.hours.intervals(scenario.calendar.start_date.weekday(), window.end_min)
    ).reshape(-1, 2)
    return float(window.overlap_min(spans[:, 0], spans[:, 1]).sum())


STAFF_KINDS = {"caregiver": "FTE", "team": "team-FTE"}
"""Unit kinds reported as staff (hours and FTE per pool), with the unit of their FTE."""


def cost_metrics(records: ReplicationRecords, scenario: Scenario, window: Window) -> pd.DataFrame:
    """Staff-hours, FTE, beds, elders served and costs per year (see the module docstring);
    empty without ``costs``."""
    costs = scenario.costs
    if costs is None or window.days <= 0:
        return to_frame([])
    per_year = ANNUAL_DAYS / window.days
    units = records.units
    unit_hours = _on_shift_min_by_unit(records, window) / 60.0 * per_year
    kind = as_codes(units["kind"], list(UNIT_KINDS))
    hours_by_kind = np.bincount(
        kind[kind >= 0], weights=unit_hours[kind >= 0], minlength=len(UNIT_KINDS)
    )
    hours = dict(zip(UNIT_KINDS, hours_by_kind, strict=True))

    req = records.requests
    start, elder = req["start_min"].to_numpy(np.float64), req["elder_id"].to_numpy()
    started, svc = _started(req), as_codes(req["service"], list(SERVICES), narrow=True)
    counts = np.zeros(len(SERVICES), dtype=np.int64)
    served = np.zeros(int(elder.max(initial=-1)) + 1, dtype=bool)  # by elder id
    for rows in row_chunks(len(req)):
        delivered = (
            started[rows] & (start[rows] >= window.start_min) & (start[rows] < window.end_min)
        )
        counts += np.bincount(svc[rows][delivered & (svc[rows] >= 0)], minlength=len(SERVICES))
        served[elder[rows][delivered]] = True
    services = sum(rate * counts[SERVICES.index(s)] for s, rate in costs.per_service.items())
    elders_served = int(np.count_nonzero(served))

    centre = scenario.bathing_centre
    van_hours = van_hours_min(scenario, window) / 60.0 * per_year
    beds = bed_mean(records, window)
    capital = costs.capital
    centre_capital = capital.centre_per_year if centre is not None else 0.0
    per_bed = capital.bed_fitout_per_bed_year + capital.platform_per_bed_year

    parts = {
        "cost_per_year_caregivers": hours["caregiver"] * costs.caregiver_per_hour,
        "cost_per_year_bath_teams": hours["team"] * costs.bath_team_per_hour,
        "cost_per_year_stations": hours["station"] * costs.station_per_open_hour,
        "cost_per_year_vans": van_hours * costs.van_per_hour,
        "cost_per_year_services": float(services) * per_year,
        "cost_per_year_capital": centre_capital + per_bed * beds,
    }
    total = sum(parts.values())
    money = f"{costs.currency}/year"
    fte = costs.hours_per_fte_year
    metrics = [
        ("caregiver_hours_per_year", hours["caregiver"], "hours/year"),
        ("caregiver_fte", hours["caregiver"] / fte, "FTE"),
        ("bath_team_hours_per_year", hours["team"], "hours/year"),
        ("bath_team_fte", hours["team"] / fte, "team-FTE"),
        ("station_open_hours_per_year", hours["station"], "hours/year"),
        ("van_hours_per_year", van_hours, "hours/year"),
        ("beds_mean", beds, "beds"),
        ("elders_served", float(elders_served), "elders"),
        *((name, value, money) for name, value in parts.items()),
        ("cost_per_year", total, money),
        ("cost_per_bed_year", total / beds if beds > 0 else np.nan, f"{costs.currency}/bed-year"),
        (
            "cost_per_elder_served",
            total / per_year / elders_served if elders_served else np.nan,
            f"{costs.currency}/elder",
        ),
    ]
    name, value, unit = zip(*metrics, strict=True)
    blocks = [block(ALL, ALL, ALL, list(name), list(value), list(unit))]
    blocks += _staff_blocks(units, unit_hours, fte)
    return to_frame(blocks)


def _staff_blocks(units: pd.DataFrame, unit_hours: np.ndarray, fte: float) -> list:
    """``hours_per_year`` and ``fte`` per caregiver or team pool (slice ``pool``)."""
    if len(units) == 0:
        return []
    pools = list(dict.fromkeys(units["pool"].astype(str)))
    unit_pool = as_codes(units["pool"], pools)
    kinds = units.groupby(unit_pool)["kind"].first().astype(str).reindex(range(len(pools)))
    pool_hours = np.bincount(unit_pool, weights=unit_hours, minlength=len(pools))
    staff = [i for i, k in enumerate(kinds) if k in STAFF_KINDS]
    if not staff:
        return []
    names = [pools[i] for i in staff]
    service = [KIND_SERVICE[kinds[i]] for i in staff]
    h = pool_hours[staff]
    return [
        block(service, "pool", names, "hours_per_year", h, "hours/year"),
        block(service, "pool", names, "fte", h / fte, [STAFF_KINDS[kinds[i]] for i in staff]),
    ]


def van_hours_min(scenario: Scenario, window: Window) -> float:
    """Van operating minutes inside the window: ``vans.count`` x the minutes of van hours
    (``vans.hours``, default the centre's opening hours) inside the vans' dates; 0 without
    vans."""
    centre = scenario.bathing_centre
    if centre is None or centre.vans is None:
        return 0.0
    return _fleet_min(van_spans(scenario, window.end_min), window, centre.vans.count)


def van_spans(scenario: Scenario, end_min: float) -> np.ndarray:
    """The van hours up to ``end_min``, rows ``[from, to)`` in time order (a centre with
    vans)."""
    centre = scenario.bathing_centre
    assert centre is not None
    spans = centre.van_intervals(scenario.calendar.start_date, end_min)
    return np.array(spans, dtype=np.float64).reshape(-1, 2)


def van_runs(records: ReplicationRecords) -> tuple[np.ndarray, np.ndarray]:
    """``(depart_min, back_min)`` of each van run (pick-up or return) once: a trip's rows, one
    per elder carried, share its times."""
    trips = records.van_trips
    if trips is None or len(trips) == 0:
        return np.empty(0), np.empty(0)
    runs = first_rows(trips["trip_id"].to_numpy())
    return trips["depart_min"].to_numpy()[runs], trips["back_min"].to_numpy()[runs]


def _fleet_min(spans: np.ndarray, window: Window, vans: int) -> float:
    """Van minutes of ``vans`` vans over the van hours ``spans`` inside the window."""
    return float(window.overlap_min(spans[:, 0], spans[:, 1]).sum()) * vans


def van_metrics(records: ReplicationRecords, scenario: Scenario, window: Window) -> pd.DataFrame:
    """The centre's vans (service ``transport``, pool ``vans``): ``utilisation`` (share) = van busy
    time (every pick-up and return run, from leaving the centre to being back, clipped to the
    window) / van hours in the window (:func:`van_hours_min`), and ``busy_hours_per_year``. A
    return run may go on after van hours, so utilisation may slightly exceed 1. NaN when there
    are no van hours in the window. ``busy_hours_outside_van_hours_per_year``: the part of the
    busy time outside van hours (the return runs after the last pick-up hour, the night): time
    the drivers work that the van hours, and so ``cost_per_year_vans``, do not count."""
    centre = scenario.bathing_centre
    if centre is None or centre.vans is None:
        return to_frame([])
    spans = van_spans(scenario, window.end_min)  # (once: the capacity and the busy time outside it)
    depart, back = van_runs(records)
    busy = float(window.overlap_min(depart, back).sum())
    outside = busy - _covered_min(depart, back, spans, window)
    capacity = _fleet_min(spans, window, centre.vans.count)
    util = busy / capacity if capacity > 0 else np.nan
    per_year = ANNUAL_DAYS / window.days if window.days > 0 else np.nan

    def per_pool(metric: str, value: float, unit: str) -> Block:
        return block(["transport"], "pool", ["vans"], metric, np.array([value]), unit)

    return to_frame(
        [
            per_pool("utilisation", util, "share"),
            per_pool("busy_hours_per_year", busy / 60.0 * per_year, "hours/year"),
            per_pool(
                "busy_hours_outside_van_hours_per_year", outside / 60.0 * per_year, "hours/year"
            ),
        ]
    )


def _covered_min(start: np.ndarray, end: np.ndarray, spans: np.ndarray, window: Window) -> float:
    """Minutes of the spans ``[start, end)`` (clipped to the window) that fall inside ``spans``
    (rows ``[from, to)``, in time order, not overlapping: a weekly schedule's intervals), summed.
    ``F(t)``, the minutes of ``spans`` before ``t``, is piecewise linear (slope 1 inside a span,
    flat between), so each span's covered minutes are ``F(end) - F(start)``."""
    if len(spans) == 0:
        return 0.0
    lo = np.clip(start, window.start_min, window.end_min)
    hi = np.clip(end, window.start_min, window.end_min)
    length = spans[:, 1] - spans[:, 0]
    before = np.concatenate([[0.0], np.cumsum(length)[:-1]])
    edges = spans.ravel()  # from_0, to_0, from_1, to_1, ...
    minutes = np.column_stack([before, before + length]).ravel()
    return float(np.sum(np.interp(hi, edges, minutes) - np.interp(lo, edges, minutes)))
