"""Weekly opening hours and shifts.

Written in YAML as ``always`` or as a mapping from days to lists of ``"HH:MM-HH:MM"`` spans::

    hours:
      mon-fri: ["08:00-12:00", "13:00-17:00"]
      sat: ["09:00-12:00"]

Day keys are ``mon`` .. ``sun``, ranges such as ``mon-fri``, or ``daily``. ``24:00`` may end a span.
A span must end after it starts (write a night shift as two spans on consecutive days).
Internally a schedule is a sorted tuple of disjoint ``(start_min, end_min)`` spans of the week,
minute 0 being Monday 00:00, each within ``[0, WEEK_MIN]``; that internal form, given as a mapping
``{spans: [[start, end], ...]}`` (a round trip, a file, ``--set``), is checked and brought to it:
sorted, merged, and a span past the week's end folded round to Monday. Over a run its open
intervals are :class:`Intervals`: two float columns (16 bytes a span; a tuple a span cost ~65),
so a ten-year run's shifts stay small.
"""

from __future__ import annotations

import bisect
import math
import re
from array import array
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, model_validator

from carecap.sim.units import DAY_MIN, WEEK_MIN

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def _days(key: str) -> list[int]:
    key = key.strip().lower()
    if key == "daily":
        return list(range(7))
    if "-" in key:
        first, last = (part.strip() for part in key.split("-", 1))
        if first in DAYS and last in DAYS and DAYS.index(first) <= DAYS.index(last):
            return list(range(DAYS.index(first), DAYS.index(last) + 1))
    elif key in DAYS:
        return [DAYS.index(key)]
    raise ValueError(
        f"unknown day {key!r}: use mon, tue, wed, thu, fri, sat, sun, a range such as "
        "'mon-fri', or 'daily'"
    )


def _minutes(hours: str, minutes: str, text: str) -> int:
    h, m = int(hours), int(minutes)
    if m >= 60 or h > 24 or (h == 24 and m > 0):
        raise ValueError(f"bad time in {text!r}: hours 00-24, minutes 00-59")
    return h * 60 + m


def _parse_span(text: Any) -> tuple[int, int]:
    match = _SPAN.match(text) if isinstance(text, str) else None
    if not match:
        raise ValueError(f'bad span {text!r}: write spans as "HH:MM-HH:MM", e.g. "08:00-17:00"')
    start = _minutes(match[1], match[2], text)
    end = _minutes(match[3], match[4], text)
    if end <= start:
        raise ValueError(
            f"span {text!r} ends before it starts: a span must end after it starts; "
            "split a night shift into two spans on consecutive days"
        )
    return start, end


def _merge(spans: list[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    merged: list[list[float]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((s, e) for s, e in merged)


def _week_spans(spans: Any) -> tuple[tuple[float, float], ...]:
    """The internal form's ``[start_min, end_min]`` spans (minutes from Monday 00:00), which a
    file or ``--set`` can also give, made what every schedule's spans are: sorted, disjoint and
    within one week. A run repeats each span every week, so one that runs past Sunday 24:00
    (``[9960, 10440]``: Sunday 22:00 to Monday 06:00) is folded round to Monday, as two spans."""
    if not isinstance(spans, list | tuple):
        raise ValueError(f"spans: give a list of [start_min, end_min] pairs, got {spans!r}")
    pieces: list[tuple[float, float]] = []
    for span in spans:
        if not (
            isinstance(span, list | tuple)
            and len(span) == 2
            and all(_finite_number(x) for x in span)
            and span[0] < span[1]
        ):
            raise ValueError(
                f"bad span {span!r}: a span of the internal form is [start_min, end_min], "
                f"minutes from Monday 00:00 with the end after the start (one past "
                f"{WEEK_MIN:g}, Sunday 24:00, runs on into Monday); or write days and "
                '"HH:MM-HH:MM" spans, e.g. {mon-fri: ["08:00-17:00"]}'
            )
        start, end = float(span[0]), float(span[1])
        if end - start >= WEEK_MIN:
            return ((0.0, float(WEEK_MIN)),)
        lo = start % WEEK_MIN
        hi = lo + (end - start)
        pieces.append((lo, min(hi, float(WEEK_MIN))))
        if hi > WEEK_MIN:
            pieces.append((0.0, hi - WEEK_MIN))
    return _merge(pieces)


def _finite_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


class WeeklySchedule(BaseModel):
    """Open spans of a week; ``always`` is open at every instant."""

    model_config = ConfigDict(frozen=True)

    always: bool = False
    spans: tuple[tuple[float, float], ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        if isinstance(value, WeeklySchedule):
            return value
        if value == "always":
            return {"always": True, "spans": ((0, WEEK_MIN),)}
        if isinstance(value, dict) and value and set(value) <= {"always", "spans"}:
            if value.get("always"):  # the internal form, e.g. from a model_dump round trip
                return {"always": True, "spans": ((0, WEEK_MIN),)}
            return {"always": False, "spans": _week_spans(value.get("spans", ()))}
        if not isinstance(value, dict):
            raise ValueError(
                "a schedule is 'always' or a mapping of days to spans, "
                "e.g. {mon-fri: ['08:00-17:00']}"
            )
        spans: list[tuple[float, float]] = []
        for key, day_spans in value.items():
            days = _days(str(key))
            if isinstance(day_spans, str):
                day_spans = [day_spans]
            if not isinstance(day_spans, list):
                raise ValueError(f"{key}: give a list of spans such as ['08:00-17:00']")
            for text in day_spans:
                start, end = _parse_span(text)
                spans.extend((d * DAY_MIN + start, d * DAY_MIN + end) for d in days)
        return {"always": False, "spans": _merge(spans)}

    @property
    def open_min_per_week(self) -> float:
        return sum(e - s for s, e in self.spans)

    def intervals(self, start_weekday: int, horizon_min: float) -> list[tuple[float, float]]:
        """:meth:`open_intervals` as a list of ``(start_min, end_min)`` tuples."""
        return list(self.open_intervals(start_weekday, horizon_min))

    def open_intervals(self, start_weekday: int, horizon_min: float) -> Intervals:
        """Open intervals in simulation minutes over ``[0, horizon_min)``.

        ``start_weekday`` is the weekday of simulation time 0 (Monday = 0). Each interval starts
        before ``horizon_min`` (the last may end after it); one open at time 0 starts at 0.
        Spans that touch across the week boundary (Sunday 24:00 and Monday 00:00) are joined into
        one interval.
        """
        if self.always:
            return Intervals.of([0.0], [math.inf])
        if not self.spans:
            return Intervals.of([], [])
        offset = start_weekday * DAY_MIN
        # weeks -1 (which may reach past time 0) .. the last starting before the horizon; every
        # bound is ``week * WEEK_MIN - offset + span``, summed in that order as week by week
        weeks = np.arange(-1, math.floor((horizon_min + offset) / WEEK_MIN) + 2)
        base = weeks * WEEK_MIN - offset
        base = base[base < horizon_min]
        spans = np.array(self.spans, dtype=np.float64)
        lo = (base[:, None] + spans[:, 0]).ravel()
        hi = (base[:, None] + spans[:, 1]).ravel()
        keep = (hi > 0) & (lo < horizon_min)
        lo, hi = lo[keep], hi[keep]
        lo = np.where(lo < 0.0, 0.0, lo)
        return Intervals.joined(lo, hi)


class Intervals:
    """Sorted, disjoint half-open ``[start, end)`` intervals in simulation minutes, as two float
    columns; iterating gives ``(start, end)`` tuples of Python floats."""

    __slots__ = ("end", "start")

    def __init__(self, start: array, end: array):
        self.start, self.end = start, end

    @classmethod
    def of(cls, start: Sequence[float] | np.ndarray, end: Sequence[float] | np.ndarray):
        """Intervals from their starts and ends (floats, in order)."""
        return cls(_floats(start), _floats(end))

    @classmethod
    def joined(cls, lo: np.ndarray, hi: np.ndarray) -> Intervals:
        """Sorted spans ``[lo, hi)``, each joined to the one before when it starts at or before
        that one's end (taking the later span's end)."""
        if not len(lo):
            return cls.of([], [])
        first = np.ones(len(lo), dtype=bool)
        first[1:] = lo[1:] > hi[:-1]
        last = np.append(np.flatnonzero(first)[1:] - 1, len(lo) - 1)
        return cls.of(lo[first], hi[last])

    def clipped(self, lo_min: float, hi_min: float) -> Intervals:
        """The parts on ``[lo_min, hi_min)`` (intervals left empty are dropped)."""
        lo = np.maximum(np.frombuffer(self.start), lo_min)
        hi = np.minimum(np.frombuffer(self.end), hi_min)
        keep = hi > lo
        return Intervals.of(lo[keep], hi[keep])

    def capped(self, end_min: float) -> Intervals:
        """The same intervals, each ending at ``end_min`` at the latest (the starts are shared,
        not copied)."""
        return Intervals(self.start, _floats(np.minimum(np.frombuffer(self.end), end_min)))

    def first_ending_after(self, t: float) -> int:
        """Index of the first interval that ends after ``t`` (``len(self)`` if none does)."""
        return bisect.bisect_right(self.end, t)

    def __len__(self) -> int:
        return len(self.start)

    def __iter__(self) -> Iterator[tuple[float, float]]:
        return zip(self.start, self.end, strict=True)

    def __repr__(self) -> str:
        return f"Intervals({list(self)!r})"


def _floats(values: Sequence[float] | np.ndarray) -> array:
    column = array("d")
    column.frombytes(np.ascontiguousarray(values, dtype=np.float64).tobytes())
    return column


def is_open_at(intervals: Sequence[tuple[float, float]] | Intervals, t: float) -> bool:
    """Whether ``t`` lies in one of the half-open ``[start, end)`` intervals."""
    if isinstance(intervals, Intervals):
        i = bisect.bisect_right(intervals.start, t) - 1
        return i >= 0 and t < intervals.end[i]
    i = bisect.bisect_right(intervals, (t, math.inf)) - 1
    return i >= 0 and intervals[i][0] <= t < intervals[i][1]
