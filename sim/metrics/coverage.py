"""Elder coverage: the share of entitled elders whose own due requests were delivered on time.

MODEL.md §3: elder coverage measures service, not the randomness of demand; with ample capacity
it is ~100 %. Reported per slice (``all``, ``tier``, ``district``, ``care_level`` of the elder) for
two services: ``care_visit`` (care-plan visits) and ``bath`` (centre and home baths together).

- ``care_visit``. *Entitled*: elders holding a family bed (``has_bed``) whose care level is
  listed in ``services.care_visit.by_care_level``. *Due*: their care-visit requests made in the
  window ``[warmup_min, horizon_min)``, less the censored ones (still waiting when observation
  ended, ``observed_end_min``, with the target not yet passed). *On time*: started with wait <=
  ``target_days`` (abandoned ones are late). *Covered*: on time >= ``elder_coverage_share`` x due.
  The denominator is the entitled elders with at least one due visit.
- ``bath``. *Entitled*: elders whose care level is listed in
  ``services.bath.interval_days_by_level``, present in the window (their stay ``[enrol_min,
  exit_min)`` clipped to the window). *Gaps*: from the start of their presence to their first
  bath, between consecutive baths, and from the last bath to the end of their presence; a bath is
  a ``centre_bath`` or ``home_bath`` started (pick-up or dispatch) in the window. *Covered*: no
  gap longer than the level's mean interval (stretched by the smallest seasonal factor below 1,
  if any, since a factor < 1 lengthens the intervals) plus ``target_days``. The denominator is
  the entitled elders present for longer than that limit (a shorter stay cannot show a gap).
  With the engine's first request at a uniform point of the first interval and ``after_delivery``
  bathing, an elder served within target never has a longer gap (up to a bath's duration); the
  mean interval is the level of the entitlement, so with variable intervals coverage also
  reflects their spread.

Metrics: ``elder_coverage`` (unit ``share``: covered / denominator; NaN when none) and
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

_EPS = 1e-9


def elder_coverage_metrics(
    records: ReplicationRecords, scenario: Scenario, window: Window
) -> pd.DataFrame:
    """``elder_coverage`` and ``elders_entitled`` per slice for ``care_visit`` and ``bath``."""
    sv = scenario.services
    blocks: list[Block] = []
    if sv.care_visit is not None:
        entitled, covered = care_visit_coverage(records, scenario, window)
        blocks += _slices(records, scenario, "care_visit", entitled, covered)
    if sv.bath is not None:
        entitled, covered = bath_coverage(records, scenario, window)
        blocks += _slices(records, scenario, "bath", entitled, covered)
    return to_frame(blocks)


def _elder_pos(records: ReplicationRecords, mask: np.ndarray) -> np.ndarray:
    """Row of ``records.elders`` of each request selected by ``mask`` (-1 if unknown)."""
    el = records.elders
    index = pd.Index(el["elder_id"] if "elder_id" in el.columns else el.index)
    return index.get_indexer(records.requests["elder_id"].to_numpy()[mask])


def care_visit_coverage(
    records: ReplicationRecords, scenario: Scenario, window: Window
) -> tuple[np.ndarray, np.ndarray]:
    """Per row of ``records.elders``: (in the denominator, covered) for care-plan visits."""
    cv = scenario.services.care_visit
    if cv is None:
        raise ValueError("care-visit coverage of a scenario without services.care_visit")
    el, req = records.elders, records.requests
    listed = as_codes(el["care_level"], list(cv.by_care_level)) >= 0
    bed = listed & el["has_bed"].to_numpy(bool)

    request = req["request_min"].to_numpy(np.float64)
    mine = (
        isin_codes(req["service"], list(SERVICES), ("care_visit",))
        & (request >= window.start_min)
        & (request < window.end_min)
    )
    target = cv.target_days * DAY_MIN
    outcome = as_codes(req["outcome"], list(OUTCOMES), narrow=True)[mine]
    waiting = outcome == OUTCOMES.index("waiting")
    censored = waiting & (records.observed_end_min - request[mine] < target)
    started = isin_codes(req["outcome"], list(OUTCOMES), STARTED)[mine]
    on_time = started & (req["wait_min"].to_numpy(np.float64)[mine] <= target)
    pos = _elder_pos(records, mine)
    ok = (pos >= 0) & ~censored
    due = np.bincount(pos[ok], minlength=len(el))
    hit = np.bincount(pos[ok], weights=on_time[ok], minlength=len(el))
    entitled = bed & (due > 0)
    covered = entitled & (hit >= cv.elder_coverage_share * due - _EPS)
    return entitled, covered


def bath_coverage(
    records: ReplicationRecords, scenario: Scenario, window: Window
) -> tuple[np.ndarray, np.ndarray]:
    """Per row of ``records.elders``: (in the denominator, covered) for baths (see the module
    docstring: no gap longer than the mean interval plus the target)."""
    bath = scenario.services.bath
    if bath is None:
        raise ValueError("bath coverage of a scenario without services.bath")
    el, req = records.elders, records.requests
    levels = list(bath.interval_days_by_level)
    stretch = min([1.0, *bath.seasonal_factor_by_month.values()])
    limit_days = np.array(
        [
            (bath.interval_days_by_level[lvl].mean() / stretch if stretch > 0 else math.inf)
            + bath.target_days
            for lvl in levels
        ]
    )
    level = as_codes(el["care_level"], levels)
    limit = np.where(level >= 0, limit_days[np.maximum(level, 0)] * DAY_MIN, np.nan)
    lo = np.maximum(el["enrol_min"].to_numpy(np.float64), window.start_min)
    hi = np.minimum(el["exit_min"].to_numpy(np.float64), window.end_min)
    entitled = (level >= 0) & (hi - lo > limit + _EPS)  # False where limit is NaN

    start = req["start_min"].to_numpy(np.float64)
    mine = (
        isin_codes(req["service"], list(SERVICES), ("centre_bath", "home_bath"))
        & isin_codes(req["outcome"], list(OUTCOMES), STARTED)
        & (start >= window.start_min)
        & (start < window.end_min)
    )
    pos = _elder_pos(records, mine)
    t = start[mine][pos >= 0]
    pos = pos[pos >= 0]
    keep = (t >= lo[pos]) & (t <= hi[pos])
    t, pos = t[keep], pos[keep]
    order = np.lexsort((t, pos))
    t, pos = t[order], pos[order]
    # Longest gap per elder: between consecutive baths of the same elder, and at both ends.
    max_gap = hi - lo  # no bath at all: the whole presence is one gap
    if len(t):
        first = np.concatenate([[True], pos[1:] != pos[:-1]])
        last = np.concatenate([pos[1:] != pos[:-1], [True]])
        inner = np.diff(t)[~first[1:]]
        gaps = np.zeros(len(el))
        np.maximum.at(gaps, pos[1:][~first[1:]], inner)
        np.maximum.at(gaps, pos[first], t[first] - lo[pos[first]])
        np.maximum.at(gaps, pos[last], hi[pos[last]] - t[last])
        bathed = np.zeros(len(el), dtype=bool)
        bathed[pos] = True
        max_gap = np.where(bathed, gaps, max_gap)
    covered = entitled & (max_gap <= limit + _EPS)
    return entitled, covered


def _slices(
    records: ReplicationRecords,
    scenario: Scenario,
    name: str,
    entitled: np.ndarray,
    covered: np.ndarray,
) -> list[Block]:
    el = records.elders
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
