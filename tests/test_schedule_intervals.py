"""Property tier: a schedule's open intervals over a run as float columns
(:class:`~carecap.sim.scenario.schedule.Intervals`), built for all weeks at once.

They must be exactly (bit for bit) the intervals of the definition, week by week: every week's
span starts and ends at ``week * WEEK_MIN - offset + span``, clipped at time 0, dropped from the
horizon on, and a span joined to the one before when it starts at or before that one's end.
"""

from __future__ import annotations

import datetime as dt
import math
from itertools import pairwise

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from strategies import schedules

from carecap.sim.scenario.base import clip_to_window, window_min
from carecap.sim.scenario.schedule import Intervals, WeeklySchedule, is_open_at
from carecap.sim.units import DAY_MIN, WEEK_MIN

START = dt.date(2022, 1, 1)


def week_by_week(s: WeeklySchedule, start_weekday: int, horizon_min: float) -> list:
    """The definition: the run's intervals built one week at a time."""
    if s.always:
        return [(0.0, math.inf)]
    offset = start_weekday * DAY_MIN
    out: list[tuple[float, float]] = []
    week = -1
    while (base := week * WEEK_MIN - offset) < horizon_min:
        for lo, hi in ((base + a, base + b) for a, b in s.spans):
            if hi <= 0 or lo >= horizon_min:
                continue
            lo = max(lo, 0.0)
            if out and lo <= out[-1][1]:
                out[-1] = (out[-1][0], hi)
            else:
                out.append((lo, hi))
        week += 1
    return out


def bits(intervals) -> list[tuple[str, str]]:
    """Exact float values (``==`` would not tell -0.0 from 0.0)."""
    return [(float(a).hex(), float(b).hex()) for a, b in intervals]


@st.composite
def week_patterns(draw) -> object:
    """A schedule of tests/strategies.py, often with a night shift across the week boundary
    (Sunday 20:00-24:00, Monday 00:00-06:00), whose spans join across weeks."""
    spec = draw(schedules())
    if spec != "always" and draw(st.booleans()):
        spec = {**spec, "sun": [*spec.get("sun", []), "20:00-24:00"]}
        spec["mon"] = [*spec.get("mon", []), "00:00-06:00"]
    return spec


horizons = st.one_of(
    st.integers(1, 60).map(lambda d: d * DAY_MIN),  # whole days
    st.floats(0.5, 60 * DAY_MIN, allow_nan=False),  # any time, e.g. a drain in minutes
)
dates = st.one_of(st.none(), st.integers(-20, 70).map(lambda d: START + dt.timedelta(days=d)))


@given(week_patterns(), st.integers(0, 6), horizons)
def test_intervals_are_those_of_the_week_by_week_definition(spec, start_weekday, horizon_min):
    s = WeeklySchedule.model_validate(spec)
    got = s.open_intervals(start_weekday, horizon_min)
    assert bits(got) == bits(week_by_week(s, start_weekday, horizon_min))
    assert bits(s.intervals(start_weekday, horizon_min)) == bits(got)
    assert all(type(x) is float for span in got for x in span)  # never numpy scalars


@given(week_patterns(), st.integers(0, 6), horizons)
def test_intervals_are_sorted_disjoint_and_start_inside_the_run(spec, start_weekday, horizon_min):
    got = list(WeeklySchedule.model_validate(spec).open_intervals(start_weekday, horizon_min))
    assert all(0 <= lo < hi and lo < horizon_min for lo, hi in got)
    assert all(hi < next_lo for (_, hi), (next_lo, _) in pairwise(got))


@given(week_patterns(), st.integers(0, 6), horizons, dates, dates)
def test_clipping_to_a_dated_window_matches_the_list_form(
    spec, start_weekday, horizon_min, from_date, to_date
):
    full = WeeklySchedule.model_validate(spec).open_intervals(start_weekday, horizon_min)
    window = (from_date, to_date)
    got = full.clipped(*window_min(window, START))
    assert bits(got) == bits(clip_to_window(list(full), window, START))
    lo, hi = window_min(window, START)
    assert all(lo <= a < b <= hi for a, b in got)


@given(week_patterns(), st.integers(0, 6), horizons, st.floats(0, 70 * DAY_MIN))
def test_capped_ends_at_the_cap_and_keeps_the_starts(spec, start_weekday, horizon_min, cap_min):
    full = WeeklySchedule.model_validate(spec).open_intervals(start_weekday, horizon_min)
    capped = full.capped(cap_min)
    assert capped.start is full.start  # shared, not copied
    assert bits(capped) == bits((a, min(b, cap_min)) for a, b in full)


half_minutes = st.integers(-2 * 1440, 2 * 30 * 1440).map(lambda k: k / 2)  # exact week minutes


@given(week_patterns(), st.integers(0, 6), st.lists(half_minutes, max_size=30))
def test_open_at_and_first_ending_after_agree_with_the_list_form(spec, start_weekday, probes):
    got = WeeklySchedule.model_validate(spec).open_intervals(start_weekday, 21 * DAY_MIN)
    as_list = list(got)
    week_min = [(t + start_weekday * DAY_MIN) % WEEK_MIN for t in probes]
    for t in probes + [lo for lo, _ in as_list] + [hi for _, hi in as_list]:
        assert is_open_at(got, t) == is_open_at(as_list, t)
        i = got.first_ending_after(t)
        assert all(hi <= t for _, hi in as_list[:i]) and all(hi > t for _, hi in as_list[i:])
    s = WeeklySchedule.model_validate(spec)
    for t, m in zip(probes, week_min, strict=True):  # the weekly rule, inside the run
        if 0 <= t < 21 * DAY_MIN:
            assert is_open_at(got, t) == any(a <= m < b for a, b in s.spans)


def test_a_ten_year_schedule_holds_each_weekday_span_in_16_bytes():
    s = WeeklySchedule.model_validate({"mon-fri": ["08:00-12:00", "13:00-17:00"]})
    got = s.open_intervals(3, 3650 * DAY_MIN)  # from a Thursday
    weekdays = sum((3 + d) % 7 < 5 for d in range(3650))
    assert len(got) == 2 * weekdays
    assert np.frombuffer(got.start).nbytes + np.frombuffer(got.end).nbytes == 16 * len(got)


@given(st.lists(st.tuples(st.integers(-3, 3), st.integers(1, 4)), max_size=20))
def test_joining_takes_the_later_spans_end_as_the_loop_did(steps):
    """Spans (sorted by start) join the one before when they start at or before its end: after
    it (gap > 0), touching it (0) or overlapping it (< 0)."""
    spans: list[tuple[float, float]] = []
    for gap, length in steps:
        lo = max(spans[-1][1] + gap, spans[-1][0]) if spans else float(gap)
        spans.append((lo, lo + length))
    loop: list[tuple[float, float]] = []
    for lo, hi in spans:
        if loop and lo <= loop[-1][1]:
            loop[-1] = (loop[-1][0], hi)
        else:
            loop.append((lo, hi))
    lo, hi = np.array([a for a, _ in spans]), np.array([b for _, b in spans])
    assert bits(Intervals.joined(lo, hi)) == bits(loop)
