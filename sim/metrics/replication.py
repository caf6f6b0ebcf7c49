"""Per-replication metrics: pure functions of
:class:`~carecap.sim.engine.records.ReplicationRecords`.

The observation window is ``[warmup_min, horizon_min)``. A request belongs to the window when it
was made in it (``warmup_min <= request_min < horizon_min``); requests made during warm-up are
excluded from the request-level metrics entirely, although those still waiting do count in the
backlog once the window opens. :func:`replication_metrics` returns one tidy table per replication
(one row per service x slice x slice value x metric); :mod:`carecap.sim.metrics.summary`
summarises such tables across replications.

Every request made in the window counts, whatever became of it (MODEL.md §3). A request's
*wait* is the time from the request (for planned visits and baths: the due time) to its start
(alarms: to the caregiver's arrival at the home, start + travel). An abandoned request's wait is
its time until it was dropped, and it is never on time. A request still waiting when observation
ends (``records.observed_end_min``: the horizon, or the end of the drain when the run has one) is
right-censored: its wait is at least its wait so far. Waits are estimated with Kaplan–Meier
(:mod:`carecap.sim.metrics.waits`).

Request-level metrics, per service (``care_visit``, ``alarm``, ``centre_bath``, ``home_bath``)
and slice (``all``; ``tier``, ``district``, ``care_level`` of the elder; ``alarm_class`` for
alarms when the scenario lists classes, each class judged against its own target):

===================  ========  ==================================================================
metric               unit      meaning (over requests made in the window)
===================  ========  ==================================================================
requests             requests  requests made
served               requests  of which served by the end of observation
abandoned            requests  of which dropped (waited past the give-up time, or the elder left)
waiting_at_end       requests  of which still waiting at the end of observation (censored)
in_service_at_end    requests  of which in service at the end of observation
wait_mean            min/days  Kaplan–Meier restricted mean wait of ALL requests made, up to the
                               largest follow-up time (minutes for ``alarm``, days for the
                               others); a lower bound when ``wait_censored > 0``
wait_median,         min/days  Kaplan–Meier quantiles of the waits of all requests made: the
wait_p90, wait_p95             smallest wait t with S(t) <= 1 - q; when the curve never gets
                               that low, the largest follow-up time (a lower bound)
wait_censored        requests  requests whose wait is censored (still waiting at the end)
wait_mean_served,    min/days  the same statistics among the requests that started only (plain
..._median_served,             empirical mean and quantiles, numpy's ``inverted_cdf``); they
..._p90_served,                flatter an overloaded service: read them beside the above
..._p95_served
on_time_rate         share     requests started within target / requests made, minus the
                               censored ones: still waiting at the end of observation with the
                               target not yet passed. Abandoned requests and those still waiting
                               past their target are late. Equals ``request_coverage``
on_time_rate_served  share     requests started within target / requests started
request_coverage     share     MODEL.md's name for ``on_time_rate`` (same definition, same value)
within_<x>min,       share     as ``on_time_rate``, with the common threshold x (minutes for
within_<x>d                    alarms, days otherwise) from ``report_within_min`` /
                               ``report_within_days`` instead of the service's own target
unmet                requests  abandoned, plus still waiting at the end with the target passed
unmet_share          share     unmet / requests
backlog_mean         requests  time-weighted mean, over the window, of the number of requests
                               waiting (made, not started, not abandoned), whenever made
backlog_max          requests  its maximum over the window (slice ``all`` only)
===================  ========  ==================================================================

Targets: ``services.alarm.target_min`` (``target_min_by_district`` where given);
``services.care_visit.target_days``; ``services.bath.target_days`` for both bathing routes.
Elder coverage, utilisation and cost are documented in :mod:`carecap.sim.metrics.coverage` and
:mod:`carecap.sim.metrics.resources`, the weekday profile of starts (``starts_weekday_cv``) in
:mod:`carecap.sim.metrics.weekday`, the ride home from the centre (with vans) in
:mod:`carecap.sim.metrics.rides`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carecap.sim.engine.heap import trim_heap
from carecap.sim.engine.records import OUTCOMES, ReplicationRecords
from carecap.sim.metrics.backlog import backlog_metrics, backlog_series, occupancy_series
from carecap.sim.metrics.common import (
    ALL,
    ServiceTarget,
    Window,
    as_codes,
    block,
    group_sort,
    service_targets,
    slice_values,
    to_frame,
)
from carecap.sim.metrics.coverage import elder_coverage_metrics
from carecap.sim.metrics.resources import cost_metrics, utilisation_metrics, van_metrics
from carecap.sim.metrics.rides import ride_metrics
from carecap.sim.metrics.waits import grouped_km
from carecap.sim.metrics.weekday import weekday_metrics
from carecap.sim.metrics.years import year_metrics
from carecap.sim.scenario.model import Scenario

__all__ = [
    "backlog_series",
    "grouped_quantiles",
    "metric_names",
    "occupancy_series",
    "replication_metrics",
    "request_flags",
    "request_metrics",
]

_COUNT_METRICS = ("requests", "served", "abandoned", "waiting_at_end", "in_service_at_end")
_WAIT_METRICS = ("wait_mean", "wait_median", "wait_p90", "wait_p95")
_SERVED_WAIT_METRICS = tuple(f"{m}_served" for m in _WAIT_METRICS)
_SHARES = ("on_time_rate", "on_time_rate_served", "request_coverage")
_UNITS = (
    dict.fromkeys(_COUNT_METRICS, "requests")
    | dict.fromkeys(_SHARES, "share")
    | {
        "wait_censored": "requests",
        "unmet": "requests",
        "unmet_share": "share",
    }
)
_SERVED, _ABANDONED, _WAITING, _IN_SERVICE = (OUTCOMES.index(o) for o in OUTCOMES)


def metric_names(target: ServiceTarget) -> list[str]:
    """The request metrics of one service, in the order they are reported."""
    return [
        *_COUNT_METRICS,
        *_WAIT_METRICS,
        "wait_censored",
        *_SERVED_WAIT_METRICS,
        *_SHARES,
        *target.within_names(),
        "unmet",
        "unmet_share",
    ]


def replication_metrics(records: ReplicationRecords, scenario: Scenario) -> pd.DataFrame:
    """All metrics of one replication as a tidy table.

    Columns: ``scenario``, ``replication``, ``seed``, ``service``, ``slice`` (``all``, ``tier``,
    ``district``, ``care_level``; ``pool`` for utilisation; ``year`` and ``pool_year`` when the
    window spans several calendar years: :mod:`carecap.sim.metrics.years`), ``slice_value``
    (``all`` for slice ``all``), ``metric``, ``value`` (float), ``unit``. Every declared tier,
    district and care level gets its rows, empty or not, so that all replications report the
    same rows.
    """
    window = Window.of(records)
    targets = service_targets(records, scenario)

    def metrics_of(window: Window, made: ReplicationRecords = records) -> pd.DataFrame:
        """``made``: records holding at least the requests made in ``window`` (the request
        metrics look at no other)."""
        families = [
            lambda: request_metrics(made, scenario, targets, window),
            lambda: backlog_metrics(records, scenario, targets, window),
            lambda: elder_coverage_metrics(records, scenario, window),
            lambda: utilisation_metrics(records, window),
            lambda: van_metrics(records, scenario, window),
            lambda: ride_metrics(records, scenario, window),
            lambda: cost_metrics(records, scenario, window),
            lambda: weekday_metrics(records, scenario, window),
        ]
        blocks = []
        for family in families:
            blocks.append(family())
            trim_heap()  # (its temporaries' pages back: the next family does not stack on them)
        return pd.concat([b for b in blocks if len(b)] or [to_frame([])], ignore_index=True)

    out = metrics_of(window)
    by_year = year_metrics(records, scenario, window, metrics_of)  # None within one calendar year
    if by_year is not None:
        out = pd.concat([out, by_year], ignore_index=True)
    out.insert(0, "seed", int(records.seed))
    out.insert(0, "replication", int(records.replication))
    out.insert(0, "scenario", records.scenario)
    return out


def request_metrics(
    records: ReplicationRecords,
    scenario: Scenario,
    targets: list[ServiceTarget],
    window: Window,
) -> pd.DataFrame:
    """Counts, waits, on-time rates, coverage, common thresholds and unmet demand (see the module
    table), per service and slice."""
    if not targets:
        return to_frame([])
    req = records.requests
    blocks = []
    for code, target in enumerate(targets):
        # One service at a time (its requests' columns only), sorted by time in the queue
        # (departures before censorings at ties): each slice's Kaplan-Meier then needs only a
        # stable sort by group. The columns are permuted one at a time (one column of memory).
        f = request_flags(records, targets, window, code)
        order = np.lexsort((~f["observed"], f["queue_min"]))
        for name, column in f.items():
            if np.ndim(column):
                f[name] = column[order]
        del order
        rows = f.pop("rows")
        names = metric_names(target)
        units = [_UNITS.get(m, target.unit if m.startswith("wait_") else "share") for m in names]
        stats_all = _group_stats(f, target, None, 2)  # slice "all": one group
        for kind in (ALL, *target.slice_kinds()):
            values = [ALL] if kind == ALL else slice_values(scenario, req, kind)
            stats = stats_all
            if kind != ALL:
                group = as_codes(req[kind], values, rows, narrow=len(values) < 126)
                # Requests with a missing slice value go to an extra group, dropped before
                # reporting. One value that every request has: the same groups as "all".
                group[group < 0] = len(values)
                if len(values) > 1 or group.any():
                    stats = _group_stats(f, target, group, len(values) + 1)
                del group
            matrix = np.column_stack([stats[m][: len(values)] for m in names])
            blocks.append(
                block(
                    target.service,
                    kind,
                    np.repeat(values, len(names)),
                    np.tile(names, len(values)),
                    matrix.ravel(),
                    np.tile(units, len(values)),
                )
            )
        del f, rows
    return to_frame(blocks)


def request_flags(
    records: ReplicationRecords,
    targets: list[ServiceTarget],
    window: Window,
    code: int | None = None,
) -> dict[str, np.ndarray]:
    """Per request made in the window (of service ``targets[code]`` only, if given): service
    code, outcome flags, time in the queue.

    ``rows``: their positions in ``records.requests``; ``queue_min``: the wait (minutes) when the
    request left the queue (started: the wait; abandoned: until dropped), or its follow-up so far
    when still waiting at ``records.observed_end_min`` (right-censored: then
    ``observed_end_min - request_min``); ``observed``: whether it left the queue;
    ``target_min``: the service's target for the request (district targets included; one number
    when the same for all).
    """
    req = records.requests
    svc = as_codes(req["service"], [t.service for t in targets], narrow=True)
    request = req["request_min"].to_numpy(np.float64)
    keep = (request >= window.start_min) & (request < window.end_min)
    keep &= (svc >= 0) if code is None else (svc == code)
    rows = np.flatnonzero(keep).astype(np.int32)  # (rows of one replication: fewer than 2**31)
    del keep
    svc, request = svc[rows].astype(np.int8), request[rows]
    outcome = as_codes(req["outcome"], list(OUTCOMES), rows, narrow=True)
    target_min = _target_min(req, targets, svc, rows)
    followed_min = float(records.observed_end_min) - request

    started = (outcome == _SERVED) | (outcome == _IN_SERVICE)
    abandoned = outcome == _ABANDONED
    # The time in the queue: the wait if started, until dropped if abandoned, else the follow-up
    # (each element computed as it always was; no whole-length temporaries for the branches).
    queue_min = req["wait_min"].to_numpy(np.float64)[rows]
    dropped = rows[abandoned]
    queue_min[abandoned] = req["end_min"].to_numpy(np.float64)[dropped] - request[abandoned]
    del dropped, request
    other = ~(started | abandoned)
    queue_min[other] = followed_min[other]
    del other, followed_min
    return {
        "rows": rows,
        "svc": svc,
        "served": outcome == _SERVED,
        "abandoned": abandoned,
        "waiting": outcome == _WAITING,
        "in_service": outcome == _IN_SERVICE,
        "started": started,
        "queue_min": queue_min,
        "observed": outcome != _WAITING,
        "target_min": target_min,
    }


def _target_min(
    req: pd.DataFrame, targets: list[ServiceTarget], svc: np.ndarray, rows: np.ndarray
) -> np.ndarray | np.float64:
    """Each request's target (minutes): its service's, its district's or its urgency class's;
    a scalar when all the requests' targets are their one service's."""
    places = sorted(
        {p for t in targets for p in t.by_district_min}
        | {p for t in targets for _, by_district in t.by_class.values() for p in by_district}
    )
    by_service = np.array([t.target_min for t in targets], dtype=np.float64)
    if not places and not any(t.by_class for t in targets) and len(np.unique(svc)) <= 1:
        return by_service[svc[0]] if len(svc) else np.float64(np.nan)
    target_min = by_service[svc]
    # (codes, not strings: a million requests' names cost ~0.3 s and ~60 MB)
    district = as_codes(req["district"], places, rows) if places else None
    for code, t in enumerate(targets):
        for name, minutes in t.by_district_min.items():
            target_min[(svc == code) & (district == places.index(name))] = minutes
        if t.by_class:  # each urgency class has its own targets
            classes = list(t.by_class)
            cls = as_codes(req["alarm_class"], classes, rows)
            for name, (minutes, by_district) in t.by_class.items():
                mine = (svc == code) & (cls == classes.index(name))
                target_min[mine] = minutes
                for place, place_minutes in by_district.items():
                    target_min[mine & (district == places.index(place))] = place_minutes
    return target_min


def _share_within(
    f: dict[str, np.ndarray], limit_min: np.ndarray | np.float64
) -> tuple[np.ndarray, ...]:
    """Numerator and denominator flags of "started within ``limit_min``", of requests made: a
    request still waiting whose limit had not passed when observation ended is censored (leaves
    the denominator); abandoned requests and those still waiting past the limit are late."""
    within = f["started"] & (f["queue_min"] <= limit_min)
    censored = f["waiting"] & (f["queue_min"] < limit_min)  # (still waiting: its follow-up)
    return within, ~censored


def _group_stats(
    f: dict[str, np.ndarray], target: ServiceTarget, group: np.ndarray | None, n: int
) -> dict[str, np.ndarray]:
    """Every request metric of one service for each of ``n`` groups (``group`` codes 0..n-1;
    None: every request in group 0)."""

    def count(mask: np.ndarray | None = None) -> np.ndarray:
        if group is None:  # (a count of ones is exact: what the weighted bincount sums to)
            out = np.zeros(n)
            out[0] = len(f["queue_min"]) if mask is None else np.count_nonzero(mask)
            return out
        weights = None if mask is None else mask.astype(np.float64)
        return np.bincount(group, weights=weights, minlength=n).astype(np.float64)

    def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, num / den, np.nan)

    # (x / 1.0 == x exactly: minutes need no second copy)
    wait = f["queue_min"] if target.unit_min == 1.0 else f["queue_min"] / target.unit_min
    km = grouped_km(wait, f["observed"], group, n, presorted=True)
    started = f["started"]
    km_served = grouped_km(
        wait[started],
        np.ones(started.sum(), bool),
        None if group is None else group[started],
        n,
        presorted=True,
    )
    within, counted = _share_within(f, f["target_min"])
    requests = count()
    unmet = count(f["abandoned"] | (f["waiting"] & ~(f["queue_min"] < f["target_min"])))
    out = {
        "requests": requests,
        "served": count(f["served"]),
        "abandoned": count(f["abandoned"]),
        "waiting_at_end": count(f["waiting"]),
        "in_service_at_end": count(f["in_service"]),
        "wait_censored": count(f["waiting"]),
        "on_time_rate": ratio(count(within), count(counted)),
        "on_time_rate_served": ratio(count(within), count(started)),
        "request_coverage": ratio(count(within), count(counted)),
        "unmet": unmet,
        "unmet_share": ratio(unmet, requests),
    }
    for k, name in enumerate(_WAIT_METRICS):
        out[name] = km[:, k]
        out[f"{name}_served"] = km_served[:, k]
    for name, limit in zip(target.within_names(), target.within, strict=True):
        hit, den = _share_within(f, np.float64(limit * target.unit_min))
        out[name] = ratio(count(hit), count(den))
    return out


def grouped_quantiles(
    values: np.ndarray, groups: np.ndarray, n_groups: int, qs: tuple[float, ...]
) -> list[np.ndarray]:
    """Quantiles of ``values`` within each group, by linear interpolation (numpy's default).

    Returns one array of length ``n_groups`` per quantile in ``qs``; NaN for empty groups.
    """
    if np.all(values[1:] >= values[:-1]):  # already sorted (the caller's usual case)
        v = values[group_sort(groups, n_groups)]
    else:
        by_value = np.argsort(values)
        v = values[by_value[group_sort(groups[by_value], n_groups)]]
    size = np.bincount(groups, minlength=n_groups)
    first = np.concatenate([[0], np.cumsum(size)[:-1]])
    out = []
    for q in qs:
        pos = q * np.maximum(size - 1, 0)
        lo = np.floor(pos).astype(np.int64)
        hi = np.minimum(lo + 1, np.maximum(size - 1, 0))
        frac = pos - lo
        res = np.full(n_groups, np.nan)
        ok = size > 0
        v_lo, v_hi = v[first[ok] + lo[ok]], v[first[ok] + hi[ok]]
        res[ok] = v_lo + (v_hi - v_lo) * frac[ok]
        out.append(res)
    return out
