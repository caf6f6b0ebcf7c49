"""Warm-up diagnostic: MSER-5 on the daily backlog and wait series.

A run starts empty (plus the scenario's initial waiting lists), so its first weeks are not
typical of the system in operation. ``calendar.warmup_days`` excludes them from the statistics;
this module estimates how long they last.

Per replication and service, two daily series are built from the records:

* **backlog**: requests waiting (made, not started, not abandoned), time-weighted mean over each
  day, from :func:`carecap.sim.metrics.backlog.backlog_series` (unit ``requests``);
* **wait**: mean wait of *every* request made on each day (minutes for alarms, days for the
  others, as in the metrics), the Kaplan–Meier restricted mean of the metrics
  (:mod:`carecap.sim.metrics.waits`): started requests count their wait, abandoned ones their
  time until dropped, and those still waiting at the end their wait so far (right-censored),
  so an overloaded day is not made to look good by leaving its unserved requests out; NaN on
  days with no request. Near the horizon more requests are censored, so the last days are lower
  bounds: MSER only truncates from the start, and searches the first half of the series only.

The series are averaged across replications (day by day) and each is given to MSER-5 (White,
Cobb and Spratt 2000): form batch means of 5 consecutive days, ``Z_1 .. Z_k``; for each
candidate truncation ``d`` batches, ``MSER(d) = Σ_{j>d} (Z_j - mean(Z_{d+1..k}))² / (k - d)²``
(the squared standard error of the truncated mean, up to a constant); pick the ``d`` minimising it
over the first half of the series; the truncation is ``5 d`` days. The recommendation is the
largest truncation over the series, rounded up to whole weeks (weekly shifts then line up).
A minimum at the edge of the searched half means the series does not settle within it (a trend,
a season, a system that never reaches steady state): the truncation is then a lower bound.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from carecap.sim.engine.records import ReplicationRecords
from carecap.sim.metrics.backlog import backlog_series
from carecap.sim.metrics.common import service_targets
from carecap.sim.metrics.waits import grouped_km
from carecap.sim.scenario.model import Scenario
from carecap.sim.units import DAY_MIN

BATCH = 5
"""Observations (days) per batch in MSER-5."""
SERIES_COLUMNS = ["series", "service", "kind", "day", "value", "unit"]
TABLE_COLUMNS = ["series", "service", "kind", "unit", "days", "truncation_days", "at_edge"]


# --- MSER-5 -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MserResult:
    """MSER on one series.

    ``truncation``: observations to delete from the start (a multiple of the batch size);
    ``batches``: ``d``, the number of whole batches deleted; ``statistic``: MSER(d) for every
    candidate ``d`` searched (index = d); ``at_edge``: the minimum is the last candidate.
    """

    truncation: int
    batches: int
    statistic: np.ndarray
    at_edge: bool


def mser(values: np.ndarray, batch: int = BATCH) -> MserResult:
    """MSER-``batch`` truncation of a series (NaN observations dropped first).

    The series is cut into ``k = len // batch`` batches (a remainder at the end is ignored);
    candidates are ``d = 0 .. min(k // 2, k - 2)`` (the first half, always keeping 2 batches).
    With fewer than 2 batches there is nothing to choose: truncation 0.
    """
    y = np.asarray(values, dtype=np.float64)
    y = y[~np.isnan(y)]
    k = len(y) // batch
    if k < 2:
        return MserResult(0, 0, np.zeros(max(k, 0)), False)
    z = y[: k * batch].reshape(k, batch).mean(axis=1)
    d_max = min(k // 2, k - 2)
    # Sums over the kept batches z[d:], for every d at once (suffix sums).
    s1 = np.cumsum(z[::-1])[::-1]
    s2 = np.cumsum((z * z)[::-1])[::-1]
    m = np.arange(k, 0, -1, dtype=np.float64)
    sq = np.maximum(s2 - s1 * s1 / m, 0.0)  # rounding can leave a tiny negative
    stat = (sq / (m * m))[: d_max + 1]
    # Ties (e.g. a constant series) go to the smallest truncation.
    d = int(np.flatnonzero(stat <= stat.min() * (1 + 1e-12) + 1e-300)[0])
    return MserResult(d * batch, d, stat, bool(d == d_max and d_max > 0))


def mser5_truncation_days(days: np.ndarray, values: np.ndarray) -> tuple[float, bool]:
    """MSER-5 on a daily series: the day from which to keep it (0 = keep all), and whether the
    minimum is at the edge of the searched half. ``days`` label ``values`` (missing days may be
    absent or NaN); the truncation is the day of the first kept observation."""
    days = np.asarray(days, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    ok = ~np.isnan(values)
    result = mser(values[ok])
    if result.truncation == 0:
        return 0.0, result.at_edge
    return float(days[ok][result.truncation]), result.at_edge


# --- series from records ----------------------------------------------------------------------


def daily_step_mean(step: pd.DataFrame, column: str, n_days: int) -> np.ndarray:
    """Time-weighted mean of a step function over each whole day ``0 .. n_days - 1``.

    ``step`` has ``time_min`` and ``column``: the level holds from each row's time to the next
    row's (as from :func:`carecap.sim.metrics.backlog.backlog_series`).
    """
    t = step["time_min"].to_numpy(np.float64)
    level = step[column].to_numpy(np.float64)
    if len(t) == 0:
        return np.zeros(n_days)
    # The integral of the level is piecewise linear between the rows: interpolate it at midnight.
    area = np.concatenate([[0.0], np.cumsum(level[:-1] * np.diff(t))])
    edges = np.arange(n_days + 1) * DAY_MIN
    at_edges = np.interp(edges, t, area, left=0.0, right=area[-1])
    return np.diff(at_edges) / DAY_MIN


def daily_mean_wait(
    requests: pd.DataFrame, n_days: int, unit_min: float, observed_end_min: float
) -> np.ndarray:
    """Mean wait (in units of ``unit_min`` minutes) of all requests made on each day
    (``request_min // 1440``): the Kaplan–Meier restricted mean of their times in the queue —
    started: ``wait_min``; abandoned: ``end_min - request_min``; still waiting (outcome
    ``waiting``): ``observed_end_min - request_min``, censored. NaN on days with none."""
    request = requests["request_min"].to_numpy(np.float64)
    outcome = requests["outcome"].astype(str).to_numpy()
    queue = np.where(
        outcome == "abandoned",
        requests["end_min"].to_numpy(np.float64) - request,
        np.where(outcome == "waiting", observed_end_min - request, requests["wait_min"]),
    )
    day = np.floor(request / DAY_MIN)
    ok = (day >= 0) & (day < n_days) & ~np.isnan(queue)
    means = grouped_km(queue[ok], outcome[ok] != "waiting", day[ok].astype(np.int64), n_days)
    return means[:, 0] / unit_min


def replication_series(records: ReplicationRecords, scenario: Scenario) -> pd.DataFrame:
    """The daily backlog and wait series of one replication, per reported service.

    Columns :data:`SERIES_COLUMNS` plus ``replication``; ``series`` is ``"<kind> <service>"``
    (kind ``backlog`` in requests, ``wait`` in the service's unit).
    """
    n_days = math.floor(records.horizon_min / DAY_MIN)
    days = np.arange(n_days)
    parts = []
    for target in service_targets(records, scenario):
        service = target.service
        backlog = daily_step_mean(backlog_series(records, service), "waiting", n_days)
        mine = records.requests[(records.requests["service"] == service).to_numpy()]
        wait = daily_mean_wait(mine, n_days, target.unit_min, records.observed_end_min)
        for kind, values, unit in (
            ("backlog", backlog, "requests"),
            ("wait", wait, target.unit),
        ):
            parts.append(
                pd.DataFrame(
                    {
                        "series": f"{kind} {service}",
                        "service": service,
                        "kind": kind,
                        "day": days,
                        "value": values,
                        "unit": unit,
                    }
                )
            )
    out = pd.concat(parts, ignore_index=True) if parts else _empty_series()
    out.insert(0, "replication", int(records.replication))
    return out


def _empty_series() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in SERIES_COLUMNS})


def simulate_series(scenario: Scenario, replication: int, seed: int) -> pd.DataFrame:
    """Simulate one replication and keep only its daily series (run in a worker process, so
    that only a few kilobytes travel back instead of the records)."""
    from carecap.sim.experiments.replications import (
        simulate,  # the engine: heavy, and only needed here
    )

    records, _ = simulate(scenario, replication, seed)
    return replication_series(records, scenario)


def run_series(
    scenario: Scenario, replications: list[int], seed: int, workers: int
) -> pd.DataFrame:
    """:func:`simulate_series` for each replication, on up to ``workers`` processes (the shared
    runner, :func:`carecap.sim.experiments.replications.map_replications`); rows in replication
    order."""
    from carecap.sim.experiments.replications import map_replications

    parts = dict(map_replications(simulate_series, scenario, replications, seed, workers))
    return pd.concat([parts[r] for r in sorted(parts)], ignore_index=True)


def mean_series(per_rep: pd.DataFrame) -> pd.DataFrame:
    """Average the series across replications, day by day (NaN days ignored; NaN where no
    replication has a value). Columns :data:`SERIES_COLUMNS` plus ``replications`` (how many
    had a value that day)."""
    keys = ["series", "service", "kind", "unit", "day"]
    grouped = per_rep.groupby(keys, sort=False, observed=True)["value"]
    out = pd.DataFrame({"value": grouped.mean(), "replications": grouped.count()}).reset_index()
    return out[[*SERIES_COLUMNS, "replications"]]


# --- the recommendation -----------------------------------------------------------------------


def warmup_table(series: pd.DataFrame) -> pd.DataFrame:
    """MSER-5 per series of ``series`` (e.g. from :func:`mean_series`).

    Columns :data:`TABLE_COLUMNS`: ``days`` (observations with a value), ``truncation_days``
    (delete days before it), ``at_edge`` (the minimum is at the end of the searched half: a
    lower bound, the series may not settle).
    """
    rows = []
    for (name, service, kind, unit), one in series.groupby(
        ["series", "service", "kind", "unit"], sort=False, observed=True
    ):
        one = one.sort_values("day")
        truncation, at_edge = mser5_truncation_days(one["day"], one["value"])
        n_days = int(one["value"].notna().sum())
        rows.append((name, service, kind, unit, n_days, truncation, at_edge))
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def recommend_days(table: pd.DataFrame) -> int:
    """The largest truncation in ``table``, rounded up to whole weeks (days)."""
    if table.empty:
        return 0
    return int(math.ceil(float(table["truncation_days"].max()) / 7.0) * 7)


@dataclass(frozen=True)
class WarmupReport:
    """Everything ``carecap warmup`` prints and plots."""

    scenario: str
    replications: int
    seed: int
    series: pd.DataFrame
    table: pd.DataFrame
    recommended_days: int
    current_days: float

    @property
    def enough(self) -> bool:
        """The scenario's ``warmup_days`` is at least the recommendation."""
        return self.current_days >= self.recommended_days


def warmup_report(scenario: Scenario, replications: int, seed: int, workers: int) -> WarmupReport:
    """Run ``replications`` and diagnose the warm-up (see the module docstring)."""
    per_rep = run_series(scenario, list(range(replications)), seed, workers)
    series = mean_series(per_rep)
    table = warmup_table(series)
    return WarmupReport(
        scenario=scenario.name,
        replications=replications,
        seed=seed,
        series=series,
        table=table,
        recommended_days=recommend_days(table),
        current_days=float(scenario.calendar.warmup_days),
    )


def format_warmup(report: WarmupReport) -> str:
    """The recommendation as a plain-text table (≤ 100 columns)."""
    lines = [
        *textwrap.wrap(
            f"Warm-up diagnostic for {report.scenario}: MSER-5 on daily series averaged over"
            f" {report.replications} replication(s), seed {report.seed}",
            100,
        ),
        "",
        f"  {'series':<26}{'unit':<10}{'days':>6}{'truncate (days)':>17}",
    ]
    for r in report.table.itertuples(index=False):
        note = "  edge: a lower bound" if r.at_edge else ""
        lines.append(f"  {r.series[:25]:<26}{r.unit:<10}{r.days:>6}{r.truncation_days:>17g}{note}")
    verdict = "enough" if report.enough else "NOT enough"
    lines += [
        "",
        f"Recommended warm-up: {report.recommended_days} days (the largest truncation, rounded up"
        " to whole weeks).",
        f"Scenario's calendar.warmup_days: {report.current_days:g} days: {verdict}.",
    ]
    if report.table["at_edge"].any():
        lines += textwrap.wrap(
            "edge: the MSER minimum is at the end of the searched first half, so the series"
            " does not settle there (a trend, a season, growing demand): the truncation is a"
            " lower bound; read the series on the plot before trusting the recommendation.",
            100,
        )
    return "\n".join(lines)


def warmup_json(report: WarmupReport) -> Mapping[str, object]:
    """The recommendation as JSON-ready data."""
    return {
        "scenario": report.scenario,
        "replications": report.replications,
        "seed": report.seed,
        "recommended_days": report.recommended_days,
        "current_warmup_days": report.current_days,
        "enough": report.enough,
        "series": [
            {
                "series": r.series,
                "unit": r.unit,
                "days": int(r.days),
                "truncation_days": float(r.truncation_days),
                "at_edge": bool(r.at_edge),
            }
            for r in report.table.itertuples(index=False)
        ],
    }
