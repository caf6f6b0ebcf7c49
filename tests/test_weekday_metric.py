"""Unit and functional tier: ``starts_weekday_cv`` (sim/metrics/weekday.py), the weekday profile of
a service's starts, against hand-computed values and an independent computation with pandas'
calendar."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_booking import BOOKING, centre_bunching

from carecap.sim.engine.kernel import run_replication
from carecap.sim.metrics.common import Window
from carecap.sim.metrics.replication import replication_metrics
from carecap.sim.metrics.weekday import starts_weekday_cv, weekday_days, working_weekdays

DAY = 1440.0


def test_days_of_each_weekday_in_a_window_with_fractional_ends():
    # from Wednesday 12:00 (day 2.5 of a calendar starting on a Monday) to the next Wednesday
    days = weekday_days(Window(2.5 * DAY, 9.5 * DAY), start_weekday=0)
    assert days.tolist() == [1, 1, 1, 1, 1, 1, 1]
    days = weekday_days(Window(0.0, 10 * DAY), start_weekday=6)  # starts on a Sunday
    assert days.tolist() == [2, 2, 1, 1, 1, 1, 2]  # Sun Mon ... Sat Sun Mon Tue


def test_working_weekdays_from_shift_spans():
    spans = pd.DataFrame(
        {"start_min": [8 * 60.0, DAY + 8 * 60], "end_min": [17 * 60.0, DAY + 1020]}
    )
    on = working_weekdays(spans, Window(0.0, 14 * DAY), start_weekday=3)  # Thursday, Friday
    assert np.flatnonzero(on).tolist() == [3, 4]
    always = pd.DataFrame({"start_min": [0.0], "end_min": [30 * DAY]})
    assert working_weekdays(always, Window(0.0, 30 * DAY), 0).all()


def test_cv_is_zero_for_an_even_week_and_hand_computed_otherwise():
    working = np.array([True] * 5 + [False] * 2)
    days = np.ones(7)
    even = np.arange(5) * DAY + 600  # one start Monday to Friday
    assert starts_weekday_cv(even, working, days, 0) == 0.0
    monday_heavy = np.concatenate([even, [600.0, 700.0]])  # 3, 1, 1, 1, 1
    counts = np.array([3, 1, 1, 1, 1])
    assert starts_weekday_cv(monday_heavy, working, days, 0) == pytest.approx(
        counts.std() / counts.mean()
    )
    assert np.isnan(starts_weekday_cv(np.array([]), working, days, 0))


def test_metric_matches_an_independent_calendar_count_on_the_bunching_case():
    """Starts per day of each weekday Monday to Friday (the centre's working days), counted with
    pandas' calendar: their population coefficient of variation is the metric."""
    for booking in (None, BOOKING):
        s = centre_bunching(booking)
        rec = run_replication(s, 0)
        m = replication_metrics(rec, s)
        got = m[(m.service == "centre_bath") & (m.metric == "starts_weekday_cv")].value.item()
        start = pd.Timestamp(s.calendar.start_date)
        when = start + pd.to_timedelta(rec.requests.start_min.dropna(), unit="min")
        when = when[when < start + pd.Timedelta(days=s.calendar.horizon_days)]
        calendar = pd.date_range(start, periods=int(s.calendar.horizon_days), freq="D")
        per_day = when.dt.day_of_week.value_counts().reindex(range(5), fill_value=0) / pd.Series(
            calendar.day_of_week
        ).value_counts().reindex(range(5))
        assert got == pytest.approx(per_day.std(ddof=0) / per_day.mean())
