"""Daily series across replications, on calendar dates (for the backlog plot).

Per replication and service, the backlog (requests waiting: made, not started, not abandoned)
is averaged over each day, time-weighted
(:func:`carecap.sim.metrics.backlog.backlog_series` integrated by
:func:`carecap.analysis.warmup.daily_step_mean`). Across replications each day gets the mean
and its Student-t 95 % interval (:func:`carecap.sim.metrics.summary.t_half_width`; a backlog
is never negative, so the lower bound is cut at 0 by
:func:`carecap.sim.metrics.summary.clip_interval`), and the calendar date
(``calendar.start_date`` + day).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from carecap.analysis.warmup import daily_step_mean
from carecap.sim.engine.records import ReplicationRecords
from carecap.sim.metrics.backlog import backlog_series
from carecap.sim.metrics.common import service_targets
from carecap.sim.metrics.summary import clip_interval, t_half_width
from carecap.sim.scenario.model import Scenario
from carecap.sim.units import DAY_MIN

DAILY_COLUMNS = ["service", "day", "date", "mean", "ci_low", "ci_high", "replications"]


def replication_backlog(records: ReplicationRecords, scenario: Scenario) -> pd.DataFrame:
    """One replication's daily mean backlog per reported service: ``replication, service, day,
    value`` (requests), days ``0 .. horizon - 1``."""
    n_days = math.floor(records.horizon_min / DAY_MIN)
    parts = [
        pd.DataFrame(
            {
                "service": t.service,
                "day": np.arange(n_days),
                "value": daily_step_mean(backlog_series(records, t.service), "waiting", n_days),
            }
        )
        for t in service_targets(records, scenario)
    ]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    out.insert(0, "replication", int(records.replication))
    return out


def across_replications(per_rep: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per ``keys``: ``mean`` of ``value`` (a backlog, in requests) over replications, its 95 %
    interval ``ci_low`` (not below 0), ``ci_high`` (NaN with one replication) and
    ``replications`` (values counted)."""
    grouped = per_rep.groupby(keys, sort=False, observed=True)["value"]
    out = pd.DataFrame(
        {"mean": grouped.mean(), "sd": grouped.std(ddof=1), "replications": grouped.count()}
    ).reset_index()
    half = t_half_width(out["sd"].to_numpy(np.float64), out["replications"].to_numpy())
    mean = out["mean"].to_numpy(np.float64)
    out["ci_low"], out["ci_high"] = clip_interval(mean, half, "backlog_mean", "requests")
    return out.drop(columns="sd")


def dates(start: dt.date, days: np.ndarray) -> pd.Series:
    """Calendar dates of simulation days (day 0 = ``start``)."""
    return pd.Series(pd.Timestamp(start) + pd.to_timedelta(np.asarray(days), unit="D"))


def daily_backlog(records: Iterable[ReplicationRecords], scenario: Scenario) -> pd.DataFrame:
    """The daily backlog of each service across replications: :data:`DAILY_COLUMNS`."""
    per_rep = pd.concat([replication_backlog(r, scenario) for r in records], ignore_index=True)
    out = across_replications(per_rep, ["service", "day"])
    out["date"] = dates(scenario.calendar.start_date, out["day"].to_numpy())
    return out[DAILY_COLUMNS]


def warmup_end(scenario: Scenario) -> pd.Timestamp:
    """The date the observation window opens (the end of the warm-up)."""
    return pd.Timestamp(scenario.calendar.start_date) + pd.Timedelta(
        days=scenario.calendar.warmup_days
    )
