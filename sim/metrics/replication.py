"""Per-replication metrics: pure functions of
:class:`~carecap.sim.engine.records.ReplicationRecords`.

The observation window is ``[warmup_min, horizon_min)``. A request belongs to the window when it
was made in it (``request_min >= warmup_min``); requests made during warm-up are excluded from
the request-level metrics entirely, although those still waiting do count in the backlog once the
window opens. :func:`replication_metrics` returns one tidy table per replication (one row per
service x slice x slice value x metric); :mod:`carecap.analysis.stats` summarises such tables across
replications.

Request-level metrics, per service (``care_visit``, ``alarm``, ``centre_bath``, ``home_bath``)
and slice (``all``; ``tier``, ``district``, ``care_level`` of the elder):

==================  ========  ===================================================================
metric              unit      meaning (over requests made in the window)
==================  ========  ===================================================================
requests            requests  requests made
served              requests  of which served by the horizon
abandoned           requests  of which dropped after waiting past the give-up time
waiting_at_end      requests  of which still waiting at the horizon
in_service_at_end   requests  of which in service at the horizon
wait_mean           min/days  mean wait of the requests that started (minutes for ``alarm``,
wait_median                   days for the others); wait = start - request, plus travel for
wait_p90                      alarms (arrival at the home). NaN when none started
wait_p95
on_time_rate        share     started requests with wait <= target, / started requests
request_coverage    share     requests started with wait <= target, / requests made, minus the
                              censored ones: those waiting or in service at the horizon, not
                              yet a success, whose deadline (request + target) is after the
                              horizon. A request still waiting past its deadline is a failure
unmet               requests  abandoned, plus still waiting at the horizon with the deadline
                              passed (never started within the horizon)
unmet_share         share     unmet / requests
backlog_mean        requests  time-weighted mean, over the window, of the number of requests
                              waiting (made, not started, not abandoned), whenever made
backlog_max         requests  its maximum over the window (slice ``all`` only)
==================  ========  ===================================================================

Targets: ``services.alarm.target_min``; ``services.care_visit.target_days``;
``services.bath.target_days`` for both bathing routes. Elder coverage, utilisation and cost are
documented in :mod:`carecap.sim.metrics.coverage` and :mod:`carecap.sim.metrics.resources`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carecap.sim.engine.records import OUTCOMES, ReplicationRecords
from carecap.sim.metrics.backlog import backlog_metrics, backlog_series, occupancy_series
from carecap.sim.metrics.common import (
    ALL,
    SLICE_KINDS,
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
from carecap.sim.metrics.resources import cost_metrics, utilisation_metrics, van_seat_metrics
from carecap.sim.scenario.model import Scenario

__all__ = [
    "backlog_series",
    "grouped_quantiles",
    "occupancy_series",
    "replication_metrics",
    "request_metrics",
]

_COUNT_METRICS = ("requests", "served", "abandoned", "waiting_at_end", "in_service_at_end")
_WAIT_METRICS = ("wait_mean", "wait_median", "wait_p90", "wait_p95")
_METRIC_ORDER = (
    *_COUNT_METRICS,
    *_WAIT_METRICS,
    "on_time_rate",
    "request_coverage",
    "unmet",
    "unmet_share",
)
_UNITS = dict.fromkeys(_COUNT_METRICS, "requests") | {
    "on_time_rate": "share",
    "request_coverage": "share",
    "unmet": "requests",
    "unmet_share": "share",
}
_SERVED, _ABANDONED, _WAITING, _IN_SERVICE = (OUTCOMES.index(o) for o in OUTCOMES)


def replication_metrics(records: ReplicationRecords, scenario: Scenario) -> pd.DataFrame:
    """All metrics of one replication as a tidy table.

    Columns: ``scenario``, ``replication``, ``seed``, ``service``, ``slice`` (``all``, ``tier``,
    ``district``, ``care_level``; ``pool`` for utilisation), ``slice_value`` (``all`` for slice
    ``all``), ``metric``, ``value`` (float), ``unit``. Every declared tier, district and care
    level gets its rows, empty or not, so that all replications report the same rows.
    """
    window = Window.of(records)
    targets = service_targets(records, scenario)
    blocks = [
        request_metrics(records, scenario, targets, window),
        backlog_metrics(records, scenario, targets, window),
        elder_coverage_metrics(records, scenario, window),
        utilisation_metrics(records, window),
        van_seat_metrics(records, scenario, window),
        cost_metrics(records, scenario, window),
    ]
    out = pd.concat([b for b in blocks if len(b)] or [to_frame([])], ignore_index=True)
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
    """Counts, waits, on-time rate, request coverage and unmet demand (see the module table)."""
    if not targets:
        return to_frame([])
    flags = _request_flags(records, targets, window)
    names = [t.service for t in targets]
    wait_unit = np.array([t.unit for t in targets], dtype=object)
    req, keep = records.requests, np.flatnonzero(flags.pop("keep"))
    # All statistics are order-free: sorting once by wait lets each per-slice quantile
    # computation re-sort already sorted values, which is cheap.
    by_wait = np.argsort(flags["wait"])
    flags = {name: column[by_wait] for name, column in flags.items()}
    for name in ("served", "abandoned", "waiting", "in_service", "within", "unmet"):
        flags[name] = flags[name].astype(np.float64)  # bincount weights
    flags["counted"] = (~flags.pop("censored")).astype(np.float64)
    rows = keep[by_wait]
    svc = flags.pop("svc")
    n_metrics = len(_METRIC_ORDER)
    is_wait = np.isin(_METRIC_ORDER, _WAIT_METRICS)
    blocks = []
    for kind in (ALL, *SLICE_KINDS):
        values = [ALL] if kind == ALL else slice_values(scenario, req, kind)
        code = np.zeros(len(rows), np.int64) if kind == ALL else as_codes(req[kind], values)[rows]
        n_groups = len(names) * len(values)
        # Requests with a missing slice value go to an extra group, dropped before reporting.
        group = np.where(code >= 0, svc * len(values) + code, n_groups)
        stats = _group_stats(flags, group, n_groups + 1)
        matrix = np.column_stack([stats[m][:n_groups] for m in _METRIC_ORDER])
        units = np.array([[_UNITS.get(m, "") for m in _METRIC_ORDER]] * n_groups, dtype=object)
        units[:, is_wait] = np.repeat(wait_unit, len(values))[:, None]
        blocks.append(
            block(
                np.repeat(names, len(values) * n_metrics),
                kind,
                np.repeat(np.tile(values, len(names)), n_metrics),
                np.tile(_METRIC_ORDER, n_groups),
                matrix.ravel(),
                units.ravel(),
            )
        )
    # Service first, then slice kind (the order of the blocks), value and metric.
    rank = np.array([names.index(x) for x in np.concatenate([b["service"] for b in blocks])])
    order = np.argsort(rank, kind="stable")
    return to_frame(blocks).iloc[order].reset_index(drop=True)


def _request_flags(
    records: ReplicationRecords, targets: list[ServiceTarget], window: Window
) -> dict[str, np.ndarray]:
    """Per request made in the window: service code, 0/1 flags, wait in the reporting unit.

    Also ``keep``, the mask of those requests among ``records.requests``.
    """
    req = records.requests
    svc = as_codes(req["service"], [t.service for t in targets])
    request = req["request_min"].to_numpy(np.float64)
    keep = (svc >= 0) & (request >= window.start_min) & (request < window.end_min)
    svc, request = svc[keep], request[keep]
    outcome = as_codes(req["outcome"], list(OUTCOMES))[keep]
    wait_min = req["wait_min"].to_numpy(np.float64)[keep]
    target_min = np.array([t.target_min for t in targets], dtype=np.float64)[svc]
    district = req["district"].astype(str).to_numpy()[keep]
    for code, t in enumerate(targets):
        for name, minutes in t.by_district_min.items():
            target_min[(svc == code) & (district == name)] = minutes
    unit_min = np.array([t.unit_min for t in targets], dtype=np.float64)[svc]

    started = (outcome == _SERVED) | (outcome == _IN_SERVICE)
    waiting = outcome == _WAITING
    within = started & (wait_min <= target_min)
    past_deadline = request + target_min <= window.end_min
    censored = ~within & (waiting | (outcome == _IN_SERVICE)) & ~past_deadline
    return {
        "keep": keep,
        "svc": svc,
        "served": outcome == _SERVED,
        "abandoned": outcome == _ABANDONED,
        "waiting": waiting,
        "in_service": outcome == _IN_SERVICE,
        "started": started,
        "wait": wait_min / unit_min,
        "within": within,
        "censored": censored,
        "unmet": (outcome == _ABANDONED) | (waiting & past_deadline),
    }


def _group_stats(flags: dict[str, np.ndarray], group: np.ndarray, n: int) -> dict[str, np.ndarray]:
    """Every request metric for each of ``n`` groups of requests (``group`` codes 0..n-1)."""

    def count(mask: np.ndarray | None = None) -> np.ndarray:
        # Weights instead of boolean indexing: one pass, no temporary array of codes.
        return np.bincount(group, weights=mask, minlength=n).astype(np.float64)

    def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, num / den, np.nan)

    started = flags["started"]
    n_started = count(started)
    wait = flags["wait"][started]
    p50, p90, p95 = grouped_quantiles(wait, group[started], n, (0.5, 0.9, 0.95))
    requests = count()
    unmet = count(flags["unmet"])
    return {
        "requests": requests,
        "served": count(flags["served"]),
        "abandoned": count(flags["abandoned"]),
        "waiting_at_end": count(flags["waiting"]),
        "in_service_at_end": count(flags["in_service"]),
        "wait_mean": ratio(np.bincount(group[started], wait, minlength=n), n_started),
        "wait_median": p50,
        "wait_p90": p90,
        "wait_p95": p95,
        "on_time_rate": ratio(count(flags["within"]), n_started),
        "request_coverage": ratio(count(flags["within"]), count(flags["counted"])),
        "unmet": unmet,
        "unmet_share": ratio(unmet, requests),
    }


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
