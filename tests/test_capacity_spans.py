"""Unit tier: the shift spans of :class:`~carecap.sim.engine.capacity.Capacity`. Each unit is on
shift in its group's hours over the run, clipped to the group's dates, each span ending at the
end of following at the latest; groups with the same hours and dates share one set of spans."""

from __future__ import annotations

import datetime as dt

from test_engine_units import WEEKDAYS_8_17, scenario

from carecap.sim.engine.capacity import Capacity
from carecap.sim.engine.records import RequestLog
from carecap.sim.scenario.base import clip_to_window
from carecap.sim.scenario.schedule import WeeklySchedule
from carecap.sim.units import DAY_MIN

GROUPS = [
    {"count": 2, "hours": WEEKDAYS_8_17},
    {"count": 0, "hours": WEEKDAYS_8_17},  # no units: no rows
    {"count": 1, "hours": {"sun": ["20:00-24:00"], "mon": ["00:00-06:00"]}},
    {"count": 3, "hours": WEEKDAYS_8_17, "from_date": "2022-01-12", "to_date": "2022-01-26"},
    {"count": 1, "hours": WEEKDAYS_8_17},  # the same spans as the first group
    {"count": 2, "hours": "always", "to_date": "2022-01-20"},
]
END_MIN = 40.5 * DAY_MIN  # 35 days and a drain: the last spans end after it


def capacity() -> Capacity:
    return Capacity(scenario(**{"caregivers.0.shifts": GROUPS}), RequestLog().outcome, END_MIN)


def expected_rows() -> list[tuple[int, float, float]]:
    """Unit by unit, the group's hours over the run (the list form), clipped to its dates."""
    rows, uid, start = [], 0, dt.date(2022, 1, 3)
    for g in GROUPS:
        spans = WeeklySchedule.model_validate(g["hours"]).intervals(start.weekday(), END_MIN)
        window = tuple(
            None if g.get(k) is None else dt.date.fromisoformat(g[k])
            for k in ("from_date", "to_date")
        )
        spans = clip_to_window(spans, window, start)
        for _ in range(g["count"]):
            rows += [(uid, lo, min(hi, END_MIN)) for lo, hi in spans]
            uid += 1
    return rows


def test_the_shifts_table_is_each_units_group_hours_on_its_dates():
    shifts = capacity().shifts_frame(END_MIN, END_MIN, drained=True)
    got = list(shifts.itertuples(index=False, name=None))
    assert [(int(u), a, b) for u, a, b in got] == expected_rows()
    assert (shifts.end_min <= END_MIN).all()


def test_groups_with_the_same_hours_and_dates_share_their_spans():
    groups = capacity().shift_groups
    assert [len(units) for units, _ in groups] == [g["count"] for g in GROUPS]
    assert groups[0][1] is groups[1][1] is groups[4][1]
    assert groups[3][1] is not groups[0][1]  # dated: clipped apart
    assert len(groups[3][1]) == 10  # the weekdays from 12 to 25 January
