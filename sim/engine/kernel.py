"""The care system of one replication, simulated with SimPy.

:func:`run_replication` is the seam every runner uses: a validated scenario, a replication number
and a seed in, compact :class:`~carecap.sim.engine.records.ReplicationRecords` out. Nothing global
is touched.

Design (for speed; see the README's benchmark): demand that does not depend on capacity is drawn
up front as a sorted tape (:mod:`carecap.sim.engine.demand`); the SimPy environment then carries
only arrivals,
service completions, give-ups, exits and shift starts, each a bare event with one callback.
There is one process per shift group and one feeding the tape; requests are rows in a columnar log,
not processes.
"""

from __future__ import annotations

import gc
import heapq
import math
import time
from array import array

import numpy as np
import pandas as pd
import simpy
from simpy.events import NORMAL

from carecap.sim.engine.demand import ALARM, CARE, ROUTE_CENTRE, ROUTE_HOME, DemandPlan
from carecap.sim.engine.giveup import GiveUpClock
from carecap.sim.engine.pools import Pool
from carecap.sim.engine.population import draw_elders
from carecap.sim.engine.records import (
    ABANDONED,
    IN_SERVICE,
    SERVED,
    WAITING,
    ReplicationRecords,
    RequestLog,
)
from carecap.sim.engine.streams import Streams
from carecap.sim.scenario.model import Scenario
from carecap.sim.units import DAY_MIN

CARE_VISIT, ALARM_VISIT, CENTRE_BATH, HOME_BATH = range(4)
RANK = {"alarm": 0, "care_visit": 1, "centre_bath": 0, "home_bath": 0}
"""Queue rank of each service (alarms before planned visits in a caregiver's queue)."""


def exact_delay(now: float, time_min: float) -> float:
    """A delay that brings ``now`` to ``time_min`` or to the next representable time after it.

    ``now + (time_min - now)`` can fall an ulp short of ``time_min``, which would start a service
    before its request or its shift; sometimes no delay lands exactly, and then the clock reaches
    the first representable time after it. 0 if ``time_min`` is past.
    """
    delay = time_min - now
    if delay <= 0:
        return 0.0
    # At most a few steps: when time_min is within a factor 2 of now the subtraction is exact
    # (Sterbenz), otherwise an ulp of the delay is at least half an ulp of the sum.
    while now + delay < time_min:
        delay = math.nextafter(delay, math.inf)
    return delay


class _Call:
    """A bare SimPy event that succeeds with one callback when its time comes.

    ``Environment.step`` needs only ``callbacks`` and ``_ok`` of an event; skipping ``Timeout``'s
    bookkeeping roughly halves the cost of scheduling, which dominates the engine's run time.
    """

    __slots__ = ("_ok", "_value", "callbacks")

    def __init__(self, fn):
        self.callbacks = [fn]
        self._ok = True
        self._value = None


class CareSystem:
    """Pools, queues and the request log of one replication."""

    def __init__(self, scenario: Scenario, replication: int, seed: int, antithetic: bool = False):
        t0 = time.perf_counter()
        self.s, self.rep, self.seed = scenario, replication, seed
        self.horizon_min = scenario.calendar.horizon_days * DAY_MIN
        self.env = simpy.Environment()
        self._schedule = self.env.schedule
        self.log = RequestLog()
        self.dur = array("d")  # planned service minutes at the home or station, by row
        self.seq_k = array("i")  # which of the elder's requests for the service each row is
        sv = scenario.services
        care_chain = sv.care_visit is not None and sv.care_visit.mode == "after_delivery"
        bath_chain = sv.bath is not None and sv.bath.mode == "after_delivery"
        self.after_delivery = (care_chain, False, bath_chain, bath_chain)  # by service code
        streams = Streams(seed, replication, antithetic)
        self.elders = draw_elders(scenario, streams)
        self.plan = DemandPlan(scenario, self.elders, streams)
        self.tier_of = self.elders.tier.tolist()
        self.district_of = self.elders.district.tolist()
        self.level_of = self.elders.level.tolist()
        self.exit_of = self.elders.exit_min.tolist()
        self.start_weekday = scenario.calendar.start_date.weekday()
        self.shift_end: list[float] = []
        self.unit_rows: list[tuple[int, str, str]] = []
        self.shift_rows: list[tuple[int, float, float]] = []
        self._build_pools()
        self.timings = {"setup_s": time.perf_counter() - t0}
        exits = self.elders.exit_min
        self.pending: dict[int, list[int]] = {
            int(e): [] for e in np.flatnonzero(np.isfinite(exits))
        }

    # --- resources ----------------------------------------------------------------------------

    def _new_pool(self, name: str, kind: str, shifts, seats: float = math.inf) -> Pool:
        """A pool whose units follow the given (count, schedule, services) shift groups."""
        units, ranks = [], {}
        for count, hours, serves in shifts:
            group = []
            for _ in range(count):
                uid = len(self.shift_end)
                self.shift_end.append(-math.inf)
                self.unit_rows.append((uid, name, kind, ",".join(serves)))
                group.append(uid)
                ranks[uid] = tuple(sorted({RANK[s] for s in serves}))
            intervals = hours.intervals(self.start_weekday, self.horizon_min)
            for uid in group:
                self.shift_rows.extend((uid, lo, min(hi, self.horizon_min)) for lo, hi in intervals)
            units.extend(group)
            self._shift_groups.append((group, intervals))
        return Pool(name, kind, units, self.shift_end, self.log.outcome, seats, ranks)

    def _build_pools(self) -> None:
        s = self.s
        self._shift_groups: list = []
        self.pools: list[Pool] = []
        districts = list(s.districts)
        nowhere = Pool("unserved", "none", [], self.shift_end, self.log.outcome)
        self.care_pool = [nowhere] * len(districts)
        for spec in s.caregivers:
            pool = self._new_pool(
                spec.name, "caregiver", [(x.count, x.hours, x.serves) for x in spec.shifts]
            )
            self.pools.append(pool)
            for d in districts if spec.districts == "all" else spec.districts:
                self.care_pool[districts.index(d)] = pool
        self.home_pool = [nowhere] * len(districts)
        if s.home_bathing:
            for spec in s.home_bathing.teams:
                pool = self._new_pool(
                    spec.name, "team", [(x.count, x.hours, ["home_bath"]) for x in spec.shifts]
                )
                self.pools.append(pool)
                for d in districts if spec.districts == "all" else spec.districts:
                    self.home_pool[districts.index(d)] = pool
        self.centre = None
        self.centre_ok_district = [False] * len(districts)
        if s.bathing_centre:
            c = s.bathing_centre
            seats = math.inf if c.vans is None else c.vans.count * c.vans.seats
            self.centre = self._new_pool(
                "centre", "station", [(c.stations, c.hours, ["centre_bath"])], seats
            )
            self.pools.append(self.centre)
            limit = s.routing.max_centre_transport_min
            for d, dist in c.transport_min.items():
                self.centre_ok_district[districts.index(d)] = limit is None or dist.mean() <= limit
        self.nowhere = nowhere
        self.centre_level = [False] * len(s.care_levels)
        for code in self.plan.centre_levels():
            self.centre_level[code] = True

    # --- requests -----------------------------------------------------------------------------

    def _new_request(
        self,
        service: int,
        elder: int,
        now: float,
        travel: float,
        dur: float,
        pool: Pool,
        rank: int,
        give_up: GiveUpClock | None,
    ) -> int:
        log = self.log
        rid = log.new(service, elder, now)
        log.travel[rid] = travel
        self.dur.append(dur)
        if elder in self.pending:
            self.pending[elder].append(rid)
        if pool.seat_free(now):
            unit = pool.take_idle(now, self.busy, rank)
            if unit >= 0:
                self._start(rid, unit, pool, now)
                return rid
        elif pool.idle:
            self._wake_on_seat(pool)
        pool.push((rank, self.tier_of[elder], now, rid))
        if give_up is not None:
            give_up.add(rid, pool)
        return rid

    def _care_visit(
        self, elder: int, k: int, now: float, travel: float = math.nan, dur: float = math.nan
    ) -> None:
        if travel != travel:  # NaN: not drawn on the tape (a follow-up of an earlier delivery)
            travel = self.plan.care_travel.get(elder, k)
            dur = self.plan.care_duration.get(elder, k)
        self.seq_k.append(k)
        self._new_request(
            CARE_VISIT,
            elder,
            now,
            travel,
            dur,
            self.care_pool[self.district_of[elder]],
            1,
            self._give_up_care,
        )

    def _alarm(self, elder: int, j: int, now: float, travel: float, dur: float) -> None:
        self.seq_k.append(j)
        self._new_request(
            ALARM_VISIT,
            elder,
            now,
            travel,
            dur,
            self.care_pool[self.district_of[elder]],
            0,
            self._give_up_alarm,
        )

    def _route(self, elder: int, forced: int) -> int:
        """Centre or home for a bath request made now (see the scenario's ``routing``)."""
        district, level = self.district_of[elder], self.level_of[elder]
        centre_ok = (
            self.centre is not None
            and self.centre_level[level]
            and self.centre_ok_district[district]
        )
        home_pool = self.home_pool[district]
        home_ok = home_pool is not self.nowhere
        if forced == ROUTE_CENTRE or (forced == 0 and centre_ok and not home_ok):
            return CENTRE_BATH
        if forced == ROUTE_HOME or not centre_ok:
            return HOME_BATH
        r = self.s.routing
        if r.prefer == "centre":
            limit = r.overflow_to_home_when_centre_queue_over
            return HOME_BATH if limit is not None and self.centre.live > limit else CENTRE_BATH
        limit = r.overflow_to_centre_when_home_queue_over
        return CENTRE_BATH if limit is not None and home_pool.live > limit else HOME_BATH

    def _bath(self, elder: int, k: int, now: float, forced: int = 0) -> None:
        p = self.plan
        self.seq_k.append(k)
        if self._route(elder, forced) == CENTRE_BATH:
            self._new_request(
                CENTRE_BATH,
                elder,
                now,
                p.centre_transport.get(elder, k),
                p.centre_duration.get(elder, k),
                self.centre,
                0,
                self._give_up_bath,
            )
        else:
            if self.s.home_bathing is None:
                travel = dur = 0.0  # no team can ever come: the request stays unmet
            else:
                travel = p.home_travel.get(elder, k)
                dur = p.home_duration.get(elder, k)  # set-up + bath + pack-up
            self._new_request(
                HOME_BATH,
                elder,
                now,
                travel,
                dur,
                self.home_pool[self.district_of[elder]],
                0,
                self._give_up_bath,
            )

    # --- service --------------------------------------------------------------------------

    def _start(self, rid: int, unit: int, pool: Pool, now: float | None = None) -> None:
        """Unit ``unit`` starts request ``rid``; ``now`` is the logical time (a request started
        on arrival starts at its request time, which the clock may pass by an ulp)."""
        clock = self.env.now
        if now is None:
            now = clock
        log = self.log
        travel = log.travel[rid]
        end = now + travel + self.dur[rid]
        log.start[rid] = now
        log.end[rid] = end
        log.unit[rid] = unit
        log.outcome[rid] = IN_SERVICE
        self.busy[unit] = True
        delay = end - clock
        if clock + delay < end:
            delay = exact_delay(clock, end)
        self._schedule(_Call(lambda _ev: self._finish(rid, unit, pool)), NORMAL, delay)
        if pool.limited_seats:
            heapq.heappush(pool.seat_returns, end + travel)  # the van takes the elder home

    def _finish(self, rid: int, unit: int, pool: Pool) -> None:
        self.log.outcome[rid] = SERVED
        self.busy[unit] = False
        self._after(rid)
        self._offer(unit, pool)

    def _offer(self, unit: int, pool: Pool) -> None:
        """A unit is free: it takes the best waiting request, or waits idle."""
        if self.shift_end[unit] > self.env.now:
            if pool.seat_free(self.env.now):
                rid = pool.pop_waiting(pool.unit_ranks[unit])
                if rid >= 0:
                    self._start(rid, unit, pool)
                    return
            elif pool.live:
                self._wake_on_seat(pool)
            pool.park(unit)

    def _wake_on_seat(self, pool: Pool) -> None:
        """Requests wait for a van seat while a station is idle: look again when one returns."""
        if not pool.seat_wakeup and pool.seat_returns:  # (no seat at all: nothing to wait for)
            pool.seat_wakeup = True
            self.at(pool.seat_returns[0], lambda _ev: self._seat_back(pool))

    def _seat_back(self, pool: Pool) -> None:
        pool.seat_wakeup = False
        now = self.env.now
        while pool.live and pool.seat_free(now):
            unit = pool.take_idle(now, self.busy)
            if unit < 0:
                return
            self._start(pool.pop_waiting(), unit, pool)
        if pool.live and pool.idle:
            self._wake_on_seat(pool)

    def _clock(self, patience: float | None, unit_min: float) -> GiveUpClock | None:
        if not patience:
            return None
        outcome = self.log.outcome
        return GiveUpClock(
            patience * unit_min,
            self.horizon_min,
            lambda: self.env.now,
            self.at,
            lambda rid: outcome[rid] == WAITING,
            self._give_up,
        )

    def _give_up(self, rid: int, pool: Pool) -> None:
        log = self.log
        log.outcome[rid] = ABANDONED
        log.end[rid] = self.env.now
        pool.live -= 1
        self._after(rid)

    def at(self, time_min: float, fn) -> None:
        """Call ``fn(event)`` at simulation time ``time_min`` exactly (now, if it is past)."""
        now = self.env.now
        delay = time_min - now
        if delay < 0:
            delay = 0.0
        elif now + delay < time_min:  # rare: the subtraction was inexact
            delay = exact_delay(now, time_min)
        self._schedule(_Call(fn), NORMAL, delay)

    def _after(self, rid: int) -> None:
        """An ``after_delivery`` request closed: the elder's next one falls due an interval on."""
        service = self.log.service[rid]
        if not self.after_delivery[service]:
            return
        if service == CARE_VISIT:
            seq, make = self.plan.care, self._care_visit
        else:
            seq, make = self.plan.bath, self._bath
        elder, k = self.log.elder[rid], self.seq_k[rid] + 1
        now = self.env.now
        tau = seq.warp.to_operational(now) + seq.interval_days.get(elder, k) * DAY_MIN
        due = float(seq.warp.to_calendar(tau))
        if due < min(self.exit_of[elder], self.horizon_min):
            self.at(due, lambda _ev: make(elder, k, due))

    def _exit(self, elder: int) -> None:
        """The elder leaves (death, institution): withdraw what they still wait for."""
        log, now = self.log, self.env.now
        for rid in self.pending.pop(elder, ()):
            if log.outcome[rid] == WAITING:
                log.outcome[rid] = ABANDONED
                log.end[rid] = now
                self._pool_of(rid).live -= 1

    def _pool_of(self, rid: int) -> Pool:
        service, district = self.log.service[rid], self.district_of[self.log.elder[rid]]
        if service == CENTRE_BATH:
            return self.centre
        return self.home_pool[district] if service == HOME_BATH else self.care_pool[district]

    # --- processes ----------------------------------------------------------------------------

    def _shifts(self, group: list[int], intervals: list[tuple[float, float]]):
        env = self.env
        for on, off in intervals:
            if on >= self.horizon_min:
                return
            if on > env.now:
                yield env.timeout(exact_delay(env.now, on))
            for unit in group:
                self.shift_end[unit] = off
                if not self.busy[unit]:
                    self._offer(unit, self._pool_of_unit[unit])

    def _feed(self, tape) -> None:
        """Make the tape's requests at their times: one event per distinct time, each event
        scheduling the next."""
        times, kinds, elders, index, route, travel, dur = (
            a.tolist()
            for a in (
                tape.time_min,
                tape.kind,
                tape.elder,
                tape.index,
                tape.route,
                tape.travel_min,
                tape.dur_min,
            )
        )
        n, at = len(times), self.at
        care, alarm, bath = self._care_visit, self._alarm, self._bath

        def arrive(_ev, i: int) -> None:
            t = times[i]
            while i < n and times[i] == t:
                kind = kinds[i]
                if kind == CARE:
                    care(elders[i], index[i], t, travel[i], dur[i])
                elif kind == ALARM:
                    alarm(elders[i], index[i], t, travel[i], dur[i])
                else:
                    bath(elders[i], index[i], t, route[i])
                i += 1
            if i < n and times[i] < self.horizon_min:
                at(times[i], lambda ev: arrive(ev, i))

        if n and times[0] < self.horizon_min:
            at(times[0], lambda ev: arrive(ev, 0))

    def _exits(self):
        env = self.env
        order = np.argsort(self.elders.exit_min, kind="stable")
        for elder in order.tolist():
            t = self.elders.exit_min[elder]
            if t >= self.horizon_min:
                return
            if t > env.now:
                yield env.timeout(exact_delay(env.now, t))
            self._exit(elder)

    # --- run ------------------------------------------------------------------------------

    def run(self) -> ReplicationRecords:
        t0 = time.perf_counter()
        services = self.s.services
        self._give_up_care = self._clock(
            services.care_visit and services.care_visit.give_up_days, DAY_MIN
        )
        self._give_up_alarm = self._clock(services.alarm and services.alarm.give_up_min, 1.0)
        self._give_up_bath = self._clock(services.bath and services.bath.give_up_days, DAY_MIN)
        self._pool_of_unit = {u: p for p in self.pools for u in p.units}
        self.busy = [False] * len(self.shift_end)
        tape = self.plan.tape()
        self.timings["demand_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        for group, intervals in self._shift_groups:
            self.env.process(self._shifts(group, intervals))
        self._feed(tape)
        if self.pending:
            self.env.process(self._exits())
        gc_was_enabled = gc.isenabled()
        gc.disable()  # the run allocates many short-lived closures and no reference cycles
        try:
            self.env.run(until=self.horizon_min)
        finally:
            if gc_was_enabled:
                gc.enable()
        self.timings["simulate_s"] = time.perf_counter() - t0
        return self._records()

    def _records(self) -> ReplicationRecords:
        t0 = time.perf_counter()
        elders = self.elders.frame(self.s)
        requests = self.log.frame(elders, self.s.tiers)
        units = pd.DataFrame(self.unit_rows, columns=["unit_id", "pool", "kind", "serves"]).astype(
            {"unit_id": np.int16, "pool": "category", "kind": "category", "serves": "category"}
        )
        shifts = pd.DataFrame(self.shift_rows, columns=["unit_id", "start_min", "end_min"])
        shifts = shifts[shifts.start_min < self.horizon_min].astype({"unit_id": np.int16})
        self.timings["records_s"] = time.perf_counter() - t0
        return ReplicationRecords(
            scenario=self.s.name,
            replication=self.rep,
            seed=self.seed,
            horizon_min=self.horizon_min,
            warmup_min=self.s.calendar.warmup_days * DAY_MIN,
            requests=requests,
            elders=elders,
            units=units,
            shifts=shifts.reset_index(drop=True),
            timings=self.timings,
        )


def run_replication(
    scenario: Scenario, replication: int, seed: int | None = None, antithetic: bool = False
) -> ReplicationRecords:
    """Simulate one replication of a validated scenario (seed defaults to ``scenario.seed``).

    With ``antithetic``, odd replications mirror the even one before them (see
    :mod:`carecap.sim.engine.streams`).
    """
    seed = scenario.seed if seed is None else seed
    return CareSystem(scenario, replication, seed, antithetic).run()


__all__ = ["CareSystem", "run_replication"]
