"""Checks of MODEL.md §4 invariants 1-5 on the records of one replication.

Each check is an independent reading of the records (it does not reuse the engine's queues), and
returns a list of human-readable violations; an empty list means the invariant holds. The tests
run them on many random scenarios; ``carecap run --check`` runs them on a real one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carecap.sim.engine.records import ReplicationRecords
from carecap.sim.metrics.resources import van_spans
from carecap.sim.scenario.model import Scenario
from carecap.sim.scenario.schedule import is_open_at
from carecap.sim.services.registry import CODES, RANK, pool_of, queue_order, service_hours

TOL = 1e-9


def conservation(rec: ReplicationRecords) -> list[str]:
    """1. Every request has exactly one outcome consistent with its times when following
    stopped (the horizon, or the end of the drain)."""
    r, h = rec.requests, rec.observed_end_min
    out = []
    started = r.start_min.notna()
    checks = {
        "served without start or ending after following stopped": (r.outcome == "served")
        & ~(started & (r.end_min <= h + TOL)),
        "in service at the end without start, or ended before following stopped": (
            r.outcome == "in_service"
        )
        & ~(started & (r.end_min > h - TOL)),
        "waiting at the end but started": (r.outcome == "waiting") & started,
        "abandoned but started or dropped after following stopped": (r.outcome == "abandoned")
        & (started | ~(r.end_min <= h + TOL)),
        "no outcome": r.outcome.isna(),
    }
    for what, bad in checks.items():
        if bad.any():
            out.append(
                f"{int(bad.sum())} request(s) {what}, e.g. id {int(r.request_id[bad].iloc[0])}"
            )
    counts = r.groupby("service", observed=False)["outcome"].value_counts().unstack(fill_value=0)
    total = r.groupby("service", observed=False).size()
    if not (counts.sum(axis=1) == total).all():
        out.append("per service, requests != served + abandoned + waiting + in service")
    return out


def ordering(rec: ReplicationRecords) -> list[str]:
    """2. request <= start <= end, waits never negative."""
    r = rec.requests
    out = []
    s = r.start_min.notna()
    for what, bad in {
        "start before request": s & (r.start_min < r.request_min - TOL),
        "end before start": s & (r.end_min < r.start_min - TOL),
        "negative wait": r.wait_min < -TOL,
        "abandoned before requested": (r.outcome == "abandoned")
        & (r.end_min < r.request_min - TOL),
        "negative travel": r.travel_min < 0,
    }.items():
        if bad.any():
            out.append(f"{int(bad.sum())} request(s): {what}")
    return out


def _busy(rec: ReplicationRecords) -> pd.DataFrame:
    r = rec.requests
    return r.loc[
        r.outcome.isin(["served", "in_service"]), ["unit_id", "start_min", "end_min", "request_id"]
    ]


def capacity(rec: ReplicationRecords) -> list[str]:
    """3. A unit serves one request at a time (so a pool never exceeds its unit count)."""
    b = _busy(rec).sort_values(["unit_id", "start_min", "end_min"])
    same = b.unit_id.to_numpy()[1:] == b.unit_id.to_numpy()[:-1]
    overlap = same & (b.start_min.to_numpy()[1:] < b.end_min.to_numpy()[:-1] - TOL)
    if overlap.any():
        return [f"{int(overlap.sum())} service(s) start before the unit's previous one ended"]
    if (b.unit_id < 0).any():
        return ["a started request has no unit"]
    return []


def on_shift(rec: ReplicationRecords) -> list[str]:
    """4. A service starts only while its unit is on shift (inside one of its spans)."""
    b = _busy(rec)
    sh = rec.shifts
    bad = 0
    for unit, starts in b.groupby("unit_id")["start_min"]:
        spans = sh[sh.unit_id == unit].sort_values("start_min")
        lo, hi = spans.start_min.to_numpy(), spans.end_min.to_numpy()
        i = np.searchsorted(lo, starts.to_numpy(), side="right") - 1
        ok = (i >= 0) & (starts.to_numpy() < hi[np.maximum(i, 0)])
        bad += int((~ok).sum())
    return [f"{bad} service(s) started while the unit was off shift"] if bad else []


def service_hours_respected(rec: ReplicationRecords, scenario: Scenario) -> list[str]:
    """4 (service hours). A request of a service with its own ``hours`` starts only inside
    them."""
    r, out = rec.requests, []
    weekday = scenario.calendar.start_date.weekday()
    for code in CODES:
        hours = service_hours(scenario, code)
        if hours is None or hours.always:
            continue
        starts = r.start_min[(r.service == code) & r.start_min.notna()].to_numpy()
        spans = hours.intervals(weekday, float(rec.observed_end_min) + 1.0)
        bad = sum(not is_open_at(spans, t) for t in starts)
        if bad:
            out.append(f"{bad} {code} request(s) started outside the service's hours")
    return out


def _pool_of_requests(rec: ReplicationRecords, scenario: Scenario) -> pd.Series:
    """The pool whose queue each request joins: the registry's :func:`pool_of` (the engine's
    own answer), as ``kind:name``."""
    r = rec.requests
    keys = {
        (service, district): ":".join(pool_of(scenario, service, district))
        for service in CODES
        for district in scenario.districts
    }
    pool = [
        keys.get((str(s), str(d)), "none:unserved")
        for s, d in zip(r.service, r.district, strict=True)
    ]
    return pd.Series(pool, index=r.index, dtype=object)


def priority(rec: ReplicationRecords, scenario: Scenario) -> list[str]:
    """5. When a unit starts a request, no request of its pool that was already waiting and that
    the unit may serve (its shift's ``serves``) has a better key: alarm before planned work, then
    the service's own order (``priority``: the more urgent alarm class, the higher tier, or none
    for ``fifo``), then the earlier request.

    Requests made at the very instant of the start are ignored (simultaneous events may be
    handled in either order).
    """
    r = rec.requests.assign(pool=_pool_of_requests(rec, scenario))
    rank = r.service.astype(str).map(RANK).fillna(-1).astype(np.int64).to_numpy()
    order = np.zeros(len(r), dtype=np.int64)  # fifo: arrival only
    service_of = r.service.astype(str).to_numpy()
    for code in CODES:
        how, mine = queue_order(scenario, code), service_of == code
        if how == "tier":
            order[mine] = r.tier.cat.codes.to_numpy()[mine]
        elif how == "urgency":
            order[mine] = r.alarm_class.cat.codes.to_numpy()[mine]
    serves = {
        int(u): set(str(s).split(","))
        for u, s in zip(rec.units.unit_id, rec.units.serves, strict=True)
    }
    out = []
    if scenario.bathing_centre is not None and scenario.bathing_centre.vans is not None:
        r = r[r.service != "centre_bath"]  # the vans choose who goes to the centre: see vans()
    if scenario.home_bathing is not None and scenario.home_bathing.booking is not None:
        # booked baths start at their slots, booked in queue order when they fall due
        # (engine.booking); the queue rule does not apply to a slot's start
        r = r[r.service != "home_bath"]
    if scenario.bathing_centre is not None and scenario.bathing_centre.booking is not None:
        r = r[r.service != "centre_bath"]  # the same for the centre's booked stations
    for pool, g in r.groupby("pool"):
        idx = g.index.to_numpy()
        req, start = g.request_min.to_numpy(), g.start_min.to_numpy()
        gone = np.where(g.outcome == "abandoned", g.end_min.to_numpy(), np.inf)
        left = np.where(np.isnan(start), gone, start)  # when each request left the queue
        key = np.stack([rank[idx], order[idx], req, g.request_id.to_numpy()], axis=1)
        started = np.flatnonzero(~np.isnan(start))
        service = g.service.astype(str).to_numpy()
        unit = g.unit_id.to_numpy()
        for i in started:
            t = start[i]
            may = np.isin(service, list(serves.get(int(unit[i]), ())))
            waiting = (req < t - TOL) & (left > t + TOL) & may
            if not waiting.any():
                continue
            better = waiting & _lex_less(key, key[i])
            if better.any():
                j = np.flatnonzero(better)[0]
                out.append(
                    f"pool {pool}: request {int(key[i, 3])} started at {t:.2f} while request "
                    f"{int(key[j, 3])} (order {int(key[j, 1])}, requested {req[j]:.2f}) waited"
                )
                break
    return out


def _lex_less(rows: np.ndarray, ref: np.ndarray) -> np.ndarray:
    less = np.zeros(len(rows), dtype=bool)
    equal = np.ones(len(rows), dtype=bool)
    for c in range(rows.shape[1]):
        less |= equal & (rows[:, c] < ref[c])
        equal &= rows[:, c] == ref[c]
    return less


def check_all(rec: ReplicationRecords, scenario: Scenario) -> list[str]:
    """All violations of invariants 1-5 (empty when the replication is sound)."""
    return (
        conservation(rec)
        + ordering(rec)
        + capacity(rec)
        + vans(rec, scenario)
        + on_shift(rec)
        + service_hours_respected(rec, scenario)
        + priority(rec, scenario)
    )


def vans(rec: ReplicationRecords, scenario: Scenario) -> list[str]:
    """3 and 5 (transport). Vans are vehicles (:mod:`carecap.sim.engine.vans`): a van makes one
    run at a time; no run carries more elders than its seats; a pick-up run collects elders of
    one district and leaves within van hours; each elder is bathed from the run's arrival (never
    before) and taken home only after the bath; every started centre bath came by van.
    Priority (without booking): a run's first elder is the best centre-bath request waiting when
    it left (tier, then request time), and every elder aboard is better than any elder of that
    district left waiting."""
    centre = scenario.bathing_centre
    if centre is None or centre.vans is None:
        return []
    trips, r = rec.van_trips, rec.requests.set_index("request_id", drop=False)
    out: list[str] = []
    if trips is None:
        return ["no van_trips records"]
    runs = trips.groupby("trip_id", sort=True)
    first = runs.first()
    for van, g in first.sort_values(["van", "depart_min"]).groupby("van"):
        if (g.depart_min.to_numpy()[1:] < g.back_min.to_numpy()[:-1] - TOL).any():
            out.append(f"van {van} leaves on a run before it is back from the previous one")
    size = runs.size()
    if (size > centre.vans.seats).any():
        out.append(f"a run carries {int(size.max())} elders, more than {centre.vans.seats} seats")
    pick = trips[trips.kind == "pickup"]
    joined = r.loc[pick.request_id.to_numpy()].reset_index(drop=True)
    pick = pick.reset_index(drop=True)
    if (joined.groupby(pick.trip_id.to_numpy())["district"].nunique() > 1).any():
        out.append("a pick-up run collects elders of more than one district")
    if (joined.start_min.to_numpy() < pick.back_min.to_numpy() - TOL).any():
        out.append("a station is held before the elder's arrival at the centre")
    leave = pick.depart_min.to_numpy()
    hours = van_spans(scenario, float(leave.max(initial=0.0)) + 1.0)
    i = np.searchsorted(hours[:, 0], leave, side="right") - 1
    if len(leave) and not ((i >= 0) & (leave < hours[np.maximum(i, 0), 1])).all():
        out.append("a pick-up run left outside van hours")
    back = trips[trips.kind == "return"]
    if (
        r.loc[back.request_id.to_numpy()].end_min.to_numpy() > back.depart_min.to_numpy() + TOL
    ).any():
        out.append("an elder is taken home before the bath ended")
    bath = r[(r.service == "centre_bath") & r.start_min.notna()]
    if not bath.request_id.isin(pick.request_id).all():
        out.append("a centre bath started without a van bringing the elder")
    if centre.booking is not None:
        # booked runs fetch the elders of a slot (engine.booked_runs), booked in queue order
        # when they fell due; the queue rule does not apply to a booked run's departure
        return out
    return out + _van_priority(rec, pick)


def _van_priority(rec: ReplicationRecords, pick: pd.DataFrame) -> list[str]:
    if len(pick) == 0:
        return []
    r = rec.requests
    c = r[r.service == "centre_bath"]
    req = c.request_min.to_numpy()
    rid = c.request_id.to_numpy()
    key = np.stack([c.tier.cat.codes.to_numpy().astype(float), req, rid], axis=1)
    left_at = pd.Series(np.inf, index=rid)
    left_at[c.request_id[c.outcome == "abandoned"].to_numpy()] = c.end_min[
        c.outcome == "abandoned"
    ].to_numpy()
    left_at[pick.request_id.to_numpy()] = pick.depart_min.to_numpy()
    left = left_at.to_numpy()
    district = c.district.astype(str).to_numpy()
    pos = pd.Index(rid)
    for trip, g in pick.groupby("trip_id", sort=True):
        t = g.depart_min.iloc[0]
        aboard = pos.get_indexer(g.request_id.to_numpy())
        waiting = (req < t - TOL) & (left > t + TOL)
        if waiting.any() and _lex_less(key[waiting], key[aboard[0]]).any():
            return [f"van run {trip} left at {t:.2f} while a better centre bath waited"]
        worst = max(aboard, key=lambda i: tuple(key[i]))
        same = waiting & (district == district[aboard[0]])
        if same.any() and _lex_less(key[same], key[worst]).any():
            return [f"van run {trip} left at {t:.2f} leaving a better elder of its district"]
    return []
