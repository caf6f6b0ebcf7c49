"""Demand that does not depend on capacity, generated before the simulation runs.

* the per-elder draw sequences of every service (intervals, durations, travel) — see
  :mod:`carecap.sim.engine.draws`; each demand of the registry
  (:mod:`carecap.sim.services.registry`) makes its own, with the helpers of :class:`DemandPlan`;
* the *tape*: every request whose time is known in advance — calendar-mode visits and baths,
  alarms that need a visit, and the initial backlog — sorted by time.
  The kernel takes it a window of time at a time (:meth:`DemandPlan.tape_windows`), so that
  memory holds one window of requests, not the horizon's.

Requests of ``after_delivery`` services after the first are made by the engine, an interval after
each delivery, using the same per-elder sequences.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from carecap.sim.engine.calendar_stream import CalendarStream
from carecap.sim.engine.draws import ElderSequence, SumSequence, group_by
from carecap.sim.engine.population import Elders
from carecap.sim.engine.streams import Streams
from carecap.sim.engine.timewarp import TimeWarp
from carecap.sim.scenario.distributions import Dist
from carecap.sim.scenario.model import Scenario
from carecap.sim.services.registry import DEMAND_ID, DEMANDS, SERVICES
from carecap.sim.services.spec import TapeRows
from carecap.sim.units import DAY_MIN

__all__ = ["DemandPlan", "ElderSequence", "Sequences", "SumSequence", "Tape"]


@dataclass
class Tape:
    """Requests known in advance, sorted by time."""

    time_min: np.ndarray
    kind: np.ndarray  # index of the demand in the registry's DEMANDS
    elder: np.ndarray
    index: np.ndarray  # k-th request of the elder (care, bath) or alarm number (alarm)
    route: np.ndarray  # forced route of backlog baths
    travel_min: np.ndarray  # drawn travel of care visits and alarms (NaN for baths: by route)
    dur_min: np.ndarray  # drawn service duration of care visits and alarms (NaN for baths)


@dataclass
class Sequences:
    """Per-elder draw sequences of one service, plus its time change and first due times."""

    warp: TimeWarp
    interval_days: ElderSequence
    first_tau_min: np.ndarray  # operational time of the first due date, per elder (inf: none)


class DemandPlan:
    """All capacity-independent random demand of one replication."""

    def __init__(self, scenario: Scenario, elders: Elders, streams: Streams):
        self.s, self.e, self.streams = scenario, elders, streams
        self.horizon_min = scenario.calendar.horizon_days * DAY_MIN
        self.level_index = {name: i for i, name in enumerate(scenario.care_levels)}
        self.district_index = {name: i for i, name in enumerate(scenario.districts)}
        self.end_min = np.minimum(elders.exit_min, self.horizon_min)
        self.backlog_elders = self._backlog()
        self._window: tuple[float, float] | None = None
        """The window of time of :meth:`tape_windows` being made (None: the whole tape)."""
        self._calendar_streams: dict[int, CalendarStream] = {}
        self.draws = [demand.draws(self) for demand in DEMANDS]
        """Each demand's draws, in the registry's order (None: the demand is absent)."""

    # --- helpers --------------------------------------------------------------------------

    def seq(self, name: str, codes: np.ndarray, dists: dict, width: int = 16) -> ElderSequence:
        """Per-elder draws of stream ``name``, from ``dists[code]`` for the elder's code (level,
        district), 0 for elders whose code has none."""
        return ElderSequence(name, self.streams, len(self.e), group_by(codes, dists), width)

    def sum_seq(self, parts: list[ElderSequence]) -> SumSequence:
        return SumSequence(parts)

    def warp(self, factors: dict[int, float]) -> TimeWarp:
        """The time change of a demand with these seasonal factors."""
        return TimeWarp(self.s.calendar.start_date, self.horizon_min, factors)

    def by_level(self, mapping: dict, attr: str | None = None) -> dict[int, Any]:
        """A mapping by care-level name re-keyed by level code (``attr``: of each value)."""
        return {
            self.level_index[lv]: (getattr(v, attr) if attr else v) for lv, v in mapping.items()
        }

    def by_district(self, mapping: dict) -> dict[int, object]:
        return {self.district_index[d]: v for d, v in mapping.items()}

    def sequences(
        self,
        name: str,
        intervals: dict[int, Dist],
        factors: dict[int, float],
        eligible: np.ndarray,
        backlog: np.ndarray,
    ) -> Sequences:
        """A renewal demand: interval sequence ``<name>.interval`` by care level, time change,
        and first due times (elders on a waiting list at 0, ineligible ones never)."""
        warp = self.warp(factors)
        seq = self.seq(name + ".interval", self.e.level, intervals, self._width(intervals))
        return Sequences(warp, seq, self._first_due(name, warp, intervals, eligible, backlog))

    def _first_due(
        self,
        name: str,
        warp: TimeWarp,
        intervals: dict[int, Dist],
        eligible: np.ndarray,
        backlog: np.ndarray,
    ) -> np.ndarray:
        """Operational time of each elder's first request, or time 0 for an elder on the initial
        waiting list; inf if not eligible.

        The first due date after enrolment is drawn from the equilibrium (forward recurrence)
        law of the interval, ``U x L`` with ``L`` length-biased: the elder's stream is then a
        stationary renewal process from enrolment on (t/m requests in any window of length t;
        a Poisson stream for exponential intervals), as if the plan had been running for ever.
        """
        residual = np.zeros(len(self.e))
        for code, dist in intervals.items():
            mask = self.e.level == code
            rng = self.streams.get(name + ".phase", code)
            n = int(mask.sum())
            residual[mask] = rng.random(n) * dist.length_biased(rng, n)
        first = warp.to_operational(self.e.enrol_min) + residual * DAY_MIN
        first[backlog] = 0.0
        first[~eligible] = math.inf
        return first

    def _width(self, dists: dict) -> int:
        """Chunk width: about the number of requests an elder makes over the horizon."""
        shortest = min((d.mean() for d in dists.values()), default=1.0)
        expected = self.horizon_min / DAY_MIN / max(shortest, 1e-3)
        return int(min(64, max(4, math.ceil(expected * 1.25) + 2)))

    # --- initial backlog ------------------------------------------------------------------

    def _backlog(self) -> dict[str, np.ndarray]:
        """Elders on each service's waiting list at time 0 (boolean masks over elders, for the
        services that have a waiting list), drawn from the ``backlog`` stream service by service
        in registry order. An elder is on at most one list of a demand (one bath request per
        elder on the centre and home lists together)."""
        s, e = self.s, self.e
        out = {}
        rng = self.streams.get("backlog")
        present = e.enrol_min == 0
        listed = {d.name: np.zeros(len(e), dtype=bool) for d in DEMANDS}
        for service in SERVICES:
            if service.eligible is None:
                continue
            mask, taken = np.zeros(len(e), dtype=bool), listed[service.demand]
            # (the scenario's keys are Literal codes, a service's code is a str: .get is safe)
            for tier_name, count in s.initial_backlog.get(service.code, {}).items():  # type: ignore[call-overload]
                ok = present & (e.tier == s.tiers.index(tier_name)) & ~taken
                ok &= service.eligible(self)
                chosen = rng.permutation(np.flatnonzero(ok))[:count]
                mask[chosen] = True
                taken[chosen] = True
            out[service.code] = mask
        return out

    def waiting_list(self, demand: str) -> np.ndarray:
        """Elders on the initial waiting list of any service of ``demand``."""
        out = np.zeros(len(self.e), dtype=bool)
        for service in SERVICES:
            if service.demand == demand and service.code in self.backlog_elders:
                out |= self.backlog_elders[service.code]
        return out

    def demand_eligible(self, demand: str) -> np.ndarray:
        """Elders who may make requests of ``demand`` (a boolean mask)."""
        eligible = DEMANDS[DEMAND_ID[demand]].eligible
        return np.ones(len(self.e), dtype=bool) if eligible is None else eligible(self)

    # --- the tape -------------------------------------------------------------------------

    def calendar_requests(self, seq: Sequences) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All due dates of a calendar-mode service: (time_min, elder, k); within a window of
        :meth:`tape_windows`, those of the window."""
        end_tau = seq.warp.to_operational(self.end_min)
        if self._window is not None:
            stream = self._calendar_streams.get(id(seq))
            if stream is None:
                stream = self._calendar_streams[id(seq)] = CalendarStream(seq, end_tau)
            return stream.until(self._window[1])
        times, elders, ks = [], [], []
        tau = seq.first_tau_min.copy()
        active = np.flatnonzero(tau < end_tau)
        k0 = 0
        while active.size:
            chunk = seq.interval_days.rows(k0 // seq.interval_days.width, active) * DAY_MIN
            # column 0 of chunk 0 is unused (the first due date is drawn by _first_due); due
            # dates advance by the intervals of columns 1, 2, ...
            steps = chunk
            if k0 == 0:
                steps[:, 0] = 0.0
            due = tau[active, None] + np.cumsum(steps, axis=1)
            ok = due < end_tau[active, None]
            rows, cols = np.nonzero(ok)
            times.append(due[rows, cols])
            elders.append(active[rows])
            ks.append(k0 + cols)
            tau[active] = due[:, -1]
            k0 += seq.interval_days.width
            still = ok[:, -1]
            active = active[still]
        if not times:
            return np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return (
            seq.warp.to_calendar(np.concatenate(times)),
            np.concatenate(elders),
            np.concatenate(ks),
        )

    def first_requests(self, seq: Sequences) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The first request of each elder of an ``after_delivery`` service: (time_min, elder,
        k = 0); the engine makes the others, each an interval after the previous one closed."""
        first_t = seq.warp.to_calendar(seq.first_tau_min)
        ok = np.flatnonzero(np.isfinite(seq.first_tau_min) & (first_t < self.end_min))
        return first_t[ok], ok.astype(np.int64), np.zeros(len(ok), dtype=np.int64)

    def _from_opening(self, demand, draws, rows: TapeRows) -> TapeRows:
        """A demand whose service ``opens_on`` a later day makes no request before it: planned
        (calendar) and Poisson requests before the opening are dropped; the first requests of an
        ``after_delivery`` demand fall due at the opening instead (each elder's chain starts
        there). Dropping keeps every other request's draws (common random numbers)."""
        config = getattr(self.s.services, demand.name, None)
        opens_on = getattr(config, "opens_on", None)
        if opens_on is None:
            return rows
        open_min = (opens_on - self.s.calendar.start_date).days * DAY_MIN
        time = np.asarray(rows.time_min, dtype=np.float64)
        early = time < open_min
        if not early.any():
            return rows
        if demand.follow_up(draws) is not None:
            return replace(rows, time_min=np.where(early, float(open_min), time))
        return _kept(rows, time, ~early)

    def tape(self) -> Tape:
        """Every demand's requests known in advance, sorted by (time, kind, elder, index)."""
        return self._sorted(self._parts())

    def tape_windows(self, rows_per_window: int = 1 << 15) -> Iterator[Tape]:
        """The same tape, a window of time at a time (consecutive, sorted windows whose
        concatenation is :meth:`tape`): calendar-mode due dates are produced per window
        (:class:`~carecap.sim.engine.calendar_stream.CalendarStream`), so memory holds one
        window of requests, not the horizon's. Windows start a day long and are halved or
        doubled to hold about ``rows_per_window`` rows."""
        self._calendar_streams = {}
        lo, width = -math.inf, float(DAY_MIN)
        try:
            while True:
                hi = math.inf if lo >= self.horizon_min else max(lo, 0.0) + width
                self._window = (lo, hi)
                parts = self._parts()
                yield self._sorted(parts)
                if hi == math.inf:
                    return
                rows = sum(len(p[0]) for p in parts)
                if rows > 2 * rows_per_window:
                    width = max(width / 2, 1.0)
                elif rows < rows_per_window // 2:
                    width *= 2
                lo = hi
        finally:
            self._window = None
            self._calendar_streams = {}

    def _parts(self) -> list[tuple[np.ndarray, ...]]:
        """Each demand's tape rows (in the current window, if any), unsorted:
        (time, kind, elder, index, route, travel, duration)."""
        parts: list[tuple[np.ndarray, ...]] = []
        for kind_id, (demand, draws) in enumerate(zip(DEMANDS, self.draws, strict=True)):
            rows = None if draws is None else demand.tape(self, draws)
            if rows is None:
                continue
            rows = self._in_window(self._from_opening(demand, draws, rows))
            n = len(rows.time_min)
            nan = np.full(n, np.nan)
            parts.append(
                (
                    np.asarray(rows.time_min, dtype=np.float64),
                    np.full(n, kind_id, dtype=np.int8),
                    np.asarray(rows.elder, dtype=np.int64),
                    np.asarray(rows.index, dtype=np.int64),
                    np.zeros(n, dtype=np.int8) if rows.route is None else rows.route,
                    nan if rows.travel_min is None else rows.travel_min,
                    nan if rows.dur_min is None else rows.dur_min,
                )
            )
        return parts

    def _in_window(self, rows: TapeRows) -> TapeRows:
        """The rows whose time falls in the current window (all of them outside windows)."""
        if self._window is None:
            return rows
        lo, hi = self._window
        time = np.asarray(rows.time_min, dtype=np.float64)
        keep = (time >= lo) & (time < hi)
        return rows if keep.all() else _kept(rows, time, keep)

    @staticmethod
    def _sorted(parts: list[tuple[np.ndarray, ...]]) -> Tape:
        if not parts:
            return Tape(*(np.zeros(0) for _ in range(7)))
        time, kind, elder, index, route, travel, dur = (
            np.concatenate(c) for c in zip(*parts, strict=True)
        )
        order = _time_order(time, kind, elder, index)
        return Tape(
            time[order],
            kind[order],
            elder[order],
            index[order],
            route[order],
            travel[order],
            dur[order],
        )


def _time_order(
    time: np.ndarray, kind: np.ndarray, elder: np.ndarray, index: np.ndarray
) -> np.ndarray:
    """The order that sorts the rows by (time, kind, elder, index): ``np.lexsort`` of the four
    keys, or a single stable sort of ``time`` when no two rows share a time (the usual case for
    drawn times; then the other keys never decide, and the two orders are the same). NaN,
    sorted last and equal to nothing, is left to ``lexsort``."""
    order = np.argsort(time, kind="stable")
    ordered = time[order]
    if len(ordered) and not np.isnan(ordered[-1]) and not (ordered[1:] == ordered[:-1]).any():
        return order
    return np.lexsort((index, elder, kind, time))


def _kept(rows: TapeRows, time: np.ndarray, keep: np.ndarray) -> TapeRows:
    """The rows where ``keep`` holds (``time``: the rows' times as float64)."""

    def cut(a):
        return None if a is None else np.asarray(a)[keep]

    return TapeRows(
        time[keep],
        np.asarray(rows.elder)[keep],
        np.asarray(rows.index)[keep],
        cut(rows.route),
        cut(rows.travel_min),
        cut(rows.dur_min),
    )
