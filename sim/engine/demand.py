"""Demand that does not depend on capacity, generated before the simulation runs.

* the per-elder draw sequences of every service (intervals, durations, travel) — see
  :mod:`carecap.sim.engine.draws`;
* the *tape*: every request whose time is known in advance — calendar-mode visits and baths,
  alarms that need a visit, and the initial backlog — sorted by time.

Requests of ``after_delivery`` services after the first are made by the engine, an interval after
each delivery, using the same per-elder sequences.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from carecap.sim.engine.draws import ElderSequence, SumSequence, group_by
from carecap.sim.engine.population import Elders
from carecap.sim.engine.streams import Streams
from carecap.sim.engine.timewarp import TimeWarp
from carecap.sim.scenario.model import Scenario
from carecap.sim.units import DAY_MIN, MONTH_DAYS

# Demand kinds on the tape (a bath's service is decided by routing when it is made).
CARE, ALARM, BATH = 0, 1, 2
ROUTE_ANY, ROUTE_CENTRE, ROUTE_HOME = 0, 1, 2


@dataclass
class Tape:
    """Requests known in advance, sorted by time."""

    time_min: np.ndarray
    kind: np.ndarray
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
        self.care_travel_by_district = {
            self.district_index[d]: dist
            for pool in scenario.caregivers
            for d, dist in pool.travel_min.items()
            if pool.districts == "all" or d in pool.districts
        }
        self.backlog_elders = self._backlog()
        self.care = self._care_sequences()
        self.bath = self._bath_sequences()
        self.alarms = self._alarms()

    # --- helpers --------------------------------------------------------------------------

    def _seq(self, name: str, codes: np.ndarray, dists: dict, width: int = 16) -> ElderSequence:
        return ElderSequence(name, self.streams, len(self.e), group_by(codes, dists), width)

    def _by_level(self, mapping: dict, attr: str | None = None) -> dict[int, object]:
        return {
            self.level_index[lv]: (getattr(v, attr) if attr else v) for lv, v in mapping.items()
        }

    def _by_district(self, mapping: dict) -> dict[int, object]:
        return {self.district_index[d]: v for d, v in mapping.items()}

    def _first_due(
        self,
        name: str,
        warp: TimeWarp,
        intervals: dict[int, object],
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
        """Elders on each service's waiting list at time 0 (boolean masks over elders)."""
        s, e = self.s, self.e
        out = {}
        rng = self.streams.get("backlog")
        present = e.enrol_min == 0
        taken = np.zeros(len(e), dtype=bool)
        for service in ("care_visit", "centre_bath", "home_bath"):
            mask = np.zeros(len(e), dtype=bool)
            for tier_name, count in s.initial_backlog.get(service, {}).items():
                ok = present & (e.tier == s.tiers.index(tier_name)) & ~taken
                ok &= self._eligible(service)
                candidates = np.flatnonzero(ok)
                chosen = rng.permutation(candidates)[:count]
                mask[chosen] = True
                if service != "care_visit":
                    taken[chosen] = True  # one bath request per elder on the lists
            out[service] = mask
        return out

    def _eligible(self, service: str) -> np.ndarray:
        s, e = self.s, self.e
        if service == "care_visit":
            plan = s.services.care_visit
            levels = self._by_level(plan.by_care_level) if plan else {}
            return e.has_bed & np.isin(e.level, list(levels))
        bath = s.services.bath
        levels = list(self._by_level(bath.interval_days_by_level)) if bath else []
        ok = np.isin(e.level, levels)
        if service == "centre_bath":
            ok &= np.isin(e.level, self.centre_levels())
            centre, limit = s.bathing_centre, s.routing.max_centre_transport_min
            if centre is not None and limit is not None:
                near = [
                    self.district_index[d]
                    for d, dist in centre.transport_min.items()
                    if dist.mean() <= limit
                ]
                ok &= np.isin(e.district, near)
        return ok

    def centre_levels(self) -> list[int]:
        s = self.s
        names = s.routing.centre_care_levels
        if names is None:
            names = [n for n, lv in s.care_levels.items() if lv.can_go_to_centre]
        return [self.level_index[n] for n in names]

    # --- sequences ------------------------------------------------------------------------

    def _care_sequences(self):
        plan = self.s.services.care_visit
        if plan is None:
            return None
        intervals = self._by_level(plan.by_care_level, "interval_days")
        warp = TimeWarp(self.s.calendar.start_date, self.horizon_min, plan.seasonal_factor_by_month)
        seq = self._seq("care_visit.interval", self.e.level, intervals, self._width(intervals))
        first = self._first_due(
            "care_visit",
            warp,
            intervals,
            self._eligible("care_visit"),
            self.backlog_elders["care_visit"],
        )
        self.care_duration = self._seq(
            "care_visit.duration",
            self.e.level,
            self._by_level(plan.by_care_level, "duration_min"),
            seq.width,
        )
        self.care_travel = self._seq(
            "care_visit.travel", self.e.district, self.care_travel_by_district, seq.width
        )
        return Sequences(warp, seq, first)

    def _bath_sequences(self):
        bath = self.s.services.bath
        if bath is None:
            return None
        intervals = self._by_level(bath.interval_days_by_level)
        warp = TimeWarp(self.s.calendar.start_date, self.horizon_min, bath.seasonal_factor_by_month)
        seq = self._seq("bath.interval", self.e.level, intervals, self._width(intervals))
        backlog = self.backlog_elders["centre_bath"] | self.backlog_elders["home_bath"]
        first = self._first_due("bath", warp, intervals, self._eligible("bath"), backlog)
        w = seq.width
        centre, home = self.s.bathing_centre, self.s.home_bathing
        if centre is not None:
            self.centre_transport = self._seq(
                "centre_bath.transport", self.e.district, self._by_district(centre.transport_min), w
            )
            self.centre_duration = self._seq(
                "centre_bath.duration",
                self.e.level,
                dict.fromkeys(intervals, centre.bath_duration_min),
                w,
            )
        if home is not None:
            travel = {}
            for team in home.teams:
                travel.update(self._by_district(team.travel_min))
            self.home_travel = self._seq("home_bath.travel", self.e.district, travel, w)
            self.home_duration = SumSequence(
                [
                    self._seq(
                        f"home_bath.{part}",
                        self.e.level,
                        dict.fromkeys(intervals, getattr(home, part)),
                        w,
                    )
                    for part in ("setup_min", "bath_min", "packup_min")
                ]
            )
        return Sequences(warp, seq, first)

    # --- alarms ---------------------------------------------------------------------------

    def _alarms(self):
        """Alarms that need a visit: times, elders, duration and travel of each."""
        alarm = self.s.services.alarm
        if alarm is None or alarm.rate_per_bed_month == 0:
            return None
        e = self.e
        warp = TimeWarp(
            self.s.calendar.start_date, self.horizon_min, alarm.seasonal_factor_by_month
        )
        rng = self.streams.get("alarm.times")
        beds = np.flatnonzero(e.has_bed & (e.enrol_min < self.horizon_min))
        lo = warp.to_operational(e.enrol_min[beds])
        hi = warp.to_operational(self.end_min[beds])
        rate_per_min = alarm.rate_per_bed_month / (MONTH_DAYS * DAY_MIN)
        counts = rng.poisson(rate_per_min * np.maximum(hi - lo, 0))
        elder = np.repeat(beds, counts)
        tau = np.repeat(lo, counts) + rng.random(counts.sum()) * np.repeat(hi - lo, counts)
        time_min = warp.to_calendar(tau)
        rng_attr = self.streams.get("alarm.attributes")
        needs_visit = rng_attr.random(len(elder)) < alarm.visit_share
        duration = alarm.duration_min.sample(rng_attr, len(elder))
        travel = np.zeros(len(elder))
        alarm_district = e.district[elder]
        for code, dist in self.care_travel_by_district.items():
            mask = alarm_district == code
            rng_travel = self.streams.get("alarm.travel", code)
            travel[mask] = dist.sample(rng_travel, int(mask.sum()))
        keep = needs_visit
        return {
            "time_min": time_min[keep],
            "elder": elder[keep],
            "duration_min": duration[keep],
            "travel_min": travel[keep],
            "alarms_total": len(elder),
        }

    # --- the tape -------------------------------------------------------------------------

    def _calendar_requests(self, seq: Sequences) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All due dates of a calendar-mode service: (time_min, elder, k)."""
        times, elders, ks = [], [], []
        end_tau = seq.warp.to_operational(self.end_min)
        tau = seq.first_tau_min.copy()
        active = np.flatnonzero(tau < end_tau)
        k0 = 0
        while active.size:
            chunk = seq.interval_days.chunk(k0 // seq.interval_days.width)[active] * DAY_MIN
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

    def tape(self) -> Tape:
        parts = []  # (time, kind, elder, index, route, travel, duration)

        def add(time, kind, elder, index, travel=None, dur=None):
            n = len(time)
            elder, index = np.asarray(elder, dtype=np.int64), np.asarray(index, dtype=np.int64)
            if kind == CARE:
                travel = self.care_travel.take(elder, index)
                dur = self.care_duration.take(elder, index)
            nan = np.full(n, np.nan)
            parts.append(
                (
                    np.asarray(time, dtype=np.float64),
                    np.full(n, kind, dtype=np.int8),
                    elder,
                    index,
                    np.zeros(n, dtype=np.int8),
                    nan if travel is None else travel,
                    nan if dur is None else dur,
                )
            )

        svc = self.s.services
        for kind, seq, plan in ((CARE, self.care, svc.care_visit), (BATH, self.bath, svc.bath)):
            if seq is None:
                continue
            if plan.mode == "calendar":
                time, elder, k = self._calendar_requests(seq)
                add(time, kind, elder, k)
            else:  # only the first request; the rest follow deliveries
                first_t = seq.warp.to_calendar(seq.first_tau_min)
                ok = np.flatnonzero(np.isfinite(seq.first_tau_min) & (first_t < self.end_min))
                add(first_t[ok], kind, ok, np.zeros(len(ok)))
        if self.alarms is not None:
            a = self.alarms
            add(
                a["time_min"],
                ALARM,
                a["elder"],
                np.arange(len(a["elder"])),
                a["travel_min"],
                a["duration_min"],
            )
        if not parts:
            return Tape(*(np.zeros(0) for _ in range(7)))
        time, kind, elder, index, route, travel, dur = (
            np.concatenate(c) for c in zip(*parts, strict=True)
        )
        if self.bath is not None:
            is_bath = (kind == BATH) & (index == 0) & (time == 0)
            route[is_bath & self.backlog_elders["centre_bath"][elder]] = ROUTE_CENTRE
            route[is_bath & self.backlog_elders["home_bath"][elder]] = ROUTE_HOME
        order = np.lexsort((index, elder, kind, time))
        return Tape(
            time[order],
            kind[order],
            elder[order],
            index[order],
            route[order],
            travel[order],
            dur[order],
        )
