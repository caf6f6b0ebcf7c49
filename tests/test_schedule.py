"""Unit tier: weekly schedules (carecap.sim.scenario.schedule): parsing, merging, and the open
intervals of a run.

Week minute 0 is Monday 00:00; ``intervals(start_weekday, horizon)`` is in simulation minutes
from the run's start, whose weekday is ``start_weekday`` (Monday = 0).
"""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np
import pytest
from pydantic import ValidationError

from carecap.sim.scenario.schedule import WeeklySchedule, is_open_at
from carecap.sim.units import DAY_MIN, WEEK_MIN


def parse(value) -> WeeklySchedule:
    return WeeklySchedule.model_validate(value)


def day(d: int, hhmm_from: str, hhmm_to: str) -> tuple[float, float]:
    """A span on weekday ``d`` (Monday 0) in week minutes."""

    def minutes(text: str) -> int:
        h, m = text.split(":")
        return int(h) * 60 + int(m)

    return d * DAY_MIN + minutes(hhmm_from), d * DAY_MIN + minutes(hhmm_to)


def test_day_range_with_two_spans():
    s = parse({"mon-fri": ["08:00-12:00", "13:00-17:00"]})
    expected = [
        span for d in range(5) for span in (day(d, "08:00", "12:00"), day(d, "13:00", "17:00"))
    ]
    assert not s.always
    assert list(s.spans) == expected
    assert s.open_min_per_week == 5 * 8 * 60


@pytest.mark.parametrize(
    ("key", "days"),
    [
        ("daily", range(7)),
        ("mon-sun", range(7)),
        ("tue-thu", (1, 2, 3)),
        ("sat", (5,)),
        ("Sun", (6,)),
        (" sat-sun ", (5, 6)),
    ],
)
def test_day_keys(key, days):
    s = parse({key: "09:00-10:00"})  # a single span may be given without a list
    assert list(s.spans) == [day(d, "09:00", "10:00") for d in days]


def test_24_00_ends_a_span():
    s = parse({"sun": ["20:00-24:00"], "mon": ["00:00-24:00"]})
    assert list(s.spans) == [(0, DAY_MIN), (6 * DAY_MIN + 1200, WEEK_MIN)]


def test_overlapping_and_touching_spans_merge():
    s = parse(
        {
            "mon": ["08:00-12:00", "11:00-14:00", "14:00-15:00"],  # overlap, then touch
            "mon-wed": ["07:00-09:00"],  # overlaps Monday's span from another key
            "tue": ["20:00-24:00"],
            "wed": ["00:00-02:00"],  # continues Tuesday's night across midnight
        }
    )
    assert list(s.spans) == [
        day(0, "07:00", "15:00"),
        day(1, "07:00", "09:00"),
        (1 * DAY_MIN + 1200, 2 * DAY_MIN + 120),
        day(2, "07:00", "09:00"),
    ]


def test_always():
    s = parse("always")
    assert s.always
    assert s.open_min_per_week == WEEK_MIN
    assert s.intervals(3, 10 * DAY_MIN) == [(0.0, math.inf)]


def test_empty_mapping_is_never_open():
    s = parse({})
    assert s.spans == () and s.open_min_per_week == 0
    assert s.intervals(0, 30 * DAY_MIN) == []


@pytest.mark.parametrize(
    "span",
    [
        "17:00-08:00",
        "08:00-08:00",
        "24:00-24:00",  # ends before (or when) it starts
        "8-17",
        "08:00 to 17:00",
        "25:00-26:00",
        "08:60-09:00",
        "23:00-24:01",
        "",
    ],
)
def test_bad_spans_are_refused(span):
    with pytest.raises(ValidationError):
        parse({"mon": [span]})


@pytest.mark.parametrize(
    "value",
    [
        {"monday": ["08:00-17:00"]},
        {"fri-mon": ["08:00-17:00"]},
        {"weekdays": ["08:00-17:00"]},
        {"mon": 8},
        "sometimes",
        ["08:00-17:00"],
        24,
    ],
)
def test_bad_days_and_shapes_are_refused(value):
    with pytest.raises(ValidationError):
        parse(value)


def test_night_shift_split_at_midnight_is_one_span():
    s = parse({"mon-fri": ["22:00-24:00"], "tue-sat": ["00:00-06:00"]})
    assert list(s.spans) == [(d * DAY_MIN + 1320, (d + 1) * DAY_MIN + 360) for d in range(5)]


@pytest.mark.parametrize(
    ("internal", "written"),
    [
        ([[9960, 10440]], {"sun": ["22:00-24:00"], "mon": ["00:00-06:00"]}),  # past Sunday 24:00
        ([[-120, 360]], {"sun": ["22:00-24:00"], "mon": ["00:00-06:00"]}),  # before Monday 00:00
        ([[2040, 2100], [480, 1020], [600, 660]], {"tue": ["10:00-11:00"], "mon": "08:00-17:00"}),
        ([[0, 2 * WEEK_MIN]], {"daily": ["00:00-24:00"]}),
    ],
)
def test_the_internal_form_is_brought_to_spans_within_one_week(internal, written):
    """``{spans: [[start, end], ...]}`` (a round trip, a file, --set) means what a run repeats
    every week: the same schedule as the day-and-hours form, sorted, merged, within the week."""
    assert parse({"spans": internal}) == parse(written)


@pytest.mark.parametrize(
    "spans",
    [[[9960, 360]], [[100, 100]], [["a", 3]], [[1, 2, 3]], [[True, 5]], [[math.nan, 3]], 5],
)
def test_bad_internal_spans_are_refused(spans):
    with pytest.raises(ValidationError, match="span"):
        parse({"spans": spans})


def test_intervals_from_a_wednesday_start():
    """Time 0 is Wednesday 00:00: the first Monday 08:00 is 5 days in, then every week."""
    s = parse({"mon": "08:00-09:00"})
    got = s.intervals(2, 3 * 7 * DAY_MIN)
    first = 5 * DAY_MIN + 480
    assert got == [(first + w * WEEK_MIN, first + 60 + w * WEEK_MIN) for w in range(3)]


@pytest.mark.parametrize(
    ("start_weekday", "expected_first"),
    [
        (0, [(0.0, 360.0), (9840.0, 10440.0)]),  # Monday start: Monday's morning, then Sun->Mon
        (6, [(1200.0, 1800.0), (11280.0, 11880.0)]),  # Sunday start: Sun 20:00 -> Mon 06:00
    ],
)
def test_sunday_night_joins_monday_morning_across_the_week_boundary(start_weekday, expected_first):
    s = parse({"sun": ["20:00-24:00"], "mon": ["00:00-06:00"]})
    got = s.intervals(start_weekday, 3 * WEEK_MIN)
    assert got[:2] == expected_first
    assert all(hi < lo2 for (_, hi), (lo2, _) in pairwise(got))  # none touch


SCHEDULES = [
    {"mon-fri": ["08:00-12:00", "13:00-17:00"], "sat": ["09:00-12:00"]},
    {"sun": ["20:00-24:00"], "mon": ["00:00-06:00"], "wed": "10:00-10:30"},
    {"daily": ["00:00-24:00"]},
    {"fri-sun": ["18:00-24:00"], "sat-sun": ["00:00-03:00"]},
]


@pytest.mark.parametrize("start_weekday", range(7))
@pytest.mark.parametrize("spec", SCHEDULES)
def test_intervals_agree_with_the_weekly_rule_at_every_probe(spec, start_weekday):
    """Open at simulation time t exactly when the week minute (t + start offset) mod a week
    lies in a span; intervals lie within [0, horizon) and are disjoint and sorted."""
    s = parse(spec)
    horizon = 17.5 * DAY_MIN
    got = s.intervals(start_weekday, horizon)
    probe = np.arange(0.0, horizon, 7.5)
    week_min = (probe + start_weekday * DAY_MIN) % WEEK_MIN
    rule = np.any([(lo <= week_min) & (week_min < hi) for lo, hi in s.spans], axis=0)
    assert [is_open_at(got, t) for t in probe] == rule.tolist()
    assert all(0 <= lo < hi for lo, hi in got) and all(lo < horizon for lo, _ in got)
    assert all(hi < lo2 for (_, hi), (lo2, _) in pairwise(got))


def test_is_open_at_is_half_open():
    got = [(480.0, 1020.0)]
    assert is_open_at(got, 480.0) and is_open_at(got, 1019.999)
    assert not is_open_at(got, 1020.0) and not is_open_at(got, 479.999)
    assert not is_open_at([], 0.0)
