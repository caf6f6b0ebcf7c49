"""Elder coverage: the share of elders in need who received at least their entitlement.

Reported per slice (``all``, ``tier``, ``district``, ``care_level`` of the elder) for two
services: ``care_visit`` (care-plan visits) and ``bath`` (centre and home baths together).

- *Entitled elders*: for ``care_visit``, elders holding a family bed (``has_bed``) whose care level
  is listed in ``services.care_visit.by_care_level``; for ``bath``, elders whose care level is
  listed in ``services.bath.interval_days_by_level``.
- *Exposure* (days): the overlap of the elder's stay ``[enrol_min, exit_min)`` with the window.
  Elders exposed for less than one mean interval of their level are left out of the denominator:
  they were not in the window long enough to be owed anything.
- *Entitlement*: exposure / mean interval (days) of the elder's level.
- *Received*: requests of the service (for ``bath``: ``centre_bath`` and ``home_bath``) whose
  service started in the window (``start_min`` in ``[warmup_min, horizon_min)``, outcome
  ``served`` or ``in_service``), whenever requested.
- *Covered*: care visits received >= ``services.care_visit.elder_coverage_share`` x entitlement;
  baths received >= floor(entitlement), i.e. at least one bath per interval on average.

Metrics: ``elder_coverage`` (unit ``share``: covered / entitled elders; NaN when none) and
``elders_entitled`` (unit ``elders``: the denominator).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from carecap.sim.engine.records import OUTCOMES, ReplicationRecords
from carecap.sim.metrics.common import (
    ALL,
    DAY_MIN,
    SLICE_KINDS,
    STARTED,
    Block,
    Window,
    as_codes,
    block,
    isin_codes,
    slice_values,
    to_frame,
)
from carecap.sim.scenario.model import SERVICES, Scenario

_EPS = 1e-9  # exposure / interval is a float ratio: 2 intervals must not become 1.9999999


def elder_coverage_metrics(
    records: ReplicationRecords, scenario: Scenario, window: Window
) -> pd.DataFrame:
    """``elder_coverage`` and ``elders_entitled`` per slice for ``care_visit`` and ``bath``."""
    sv = scenario.services
    blocks = []
    if sv.care_visit is not None:
        intervals = {lvl: p.interval_days.mean() for lvl, p in sv.care_visit.by_care_level.items()}
        share = sv.care_visit.elder_coverage_share
        blocks.append(
            _coverage(records, scenario, window, "care_visit", ("care_visit",), intervals, share)
        )
    if sv.bath is not None:
        intervals = {lvl: d.mean() for lvl, d in sv.bath.interval_days_by_level.items()}
        baths = ("centre_bath", "home_bath")
        blocks.append(_coverage(records, scenario, window, "bath", baths, intervals, None))
    return to_frame([b for part in blocks for b in part])


def received_in_window(
    records: ReplicationRecords, services: tuple[str, ...], window: Window
) -> np.ndarray:
    """Per row of ``records.elders``: requests of ``services`` started in the window."""
    req = records.requests
    start = req["start_min"].to_numpy(np.float64)
    mine = (
        isin_codes(req["service"], list(SERVICES), services)
        & isin_codes(req["outcome"], list(OUTCOMES), STARTED)
        & (start >= window.start_min)
        & (start < window.end_min)
    )
    pos = _elder_index(records.elders).get_indexer(req["elder_id"].to_numpy()[mine])
    return np.bincount(pos[pos >= 0], minlength=len(records.elders))


def _elder_index(elders: pd.DataFrame) -> pd.Index:
    return pd.Index(elders["elder_id"] if "elder_id" in elders.columns else elders.index)


def _coverage(
    records: ReplicationRecords,
    scenario: Scenario,
    window: Window,
    name: str,
    services: tuple[str, ...],
    intervals: dict[str, float],
    share: float | None,
) -> list[Block]:
    """Coverage of one service. ``share`` given: care-plan rule (bed holders only, received >=
    share x entitlement); ``None``: bathing rule (received >= floor(entitlement))."""
    el = records.elders
    levels = list(intervals)
    level = as_codes(el["care_level"], levels)
    interval = np.array([intervals[lvl] if intervals[lvl] > 0 else math.nan for lvl in levels])
    interval_days = np.where(level >= 0, interval[level] if levels else np.nan, np.nan)
    exposure_days = (
        window.overlap_min(el["enrol_min"].to_numpy(), el["exit_min"].to_numpy()) / DAY_MIN
    )
    entitlement = exposure_days / interval_days
    entitled = (level >= 0) & (entitlement >= 1 - _EPS)  # False where the ratio is NaN
    entitlement = np.nan_to_num(entitlement)
    if share is not None:
        entitled &= el["has_bed"].to_numpy(bool)
        needed = share * entitlement
    else:
        needed = np.floor(entitlement + _EPS)
    received = received_in_window(records, services, window)
    covered = entitled & (received >= needed - _EPS)

    blocks = []
    for kind in (ALL, *SLICE_KINDS):
        values = [ALL] if kind == ALL else slice_values(scenario, el, kind)
        code = np.zeros(len(el), np.int64) if kind == ALL else as_codes(el[kind], values)
        ok = entitled & (code >= 0)
        den = np.bincount(code[ok], minlength=len(values)).astype(np.float64)
        num = np.bincount(code[ok], weights=covered[ok], minlength=len(values))
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(den > 0, num / den, np.nan)
        blocks.append(block(name, kind, values, "elder_coverage", share, "share"))
        blocks.append(block(name, kind, values, "elders_entitled", den, "elders"))
    return blocks
