"""The care system of one replication, simulated with SimPy.

:func:`run_replication` is the seam every runner uses: a validated scenario, a replication number
and a seed in, compact :class:`~carecap.sim.engine.records.ReplicationRecords` out. Nothing global
is touched.

Design (for speed; see the README's benchmark): demand that does not depend on capacity is drawn
as a sorted tape (:mod:`carecap.sim.engine.demand`), a window of time at a time as the run uses it
up; the SimPy environment carries only arrivals, service completions, give-ups, exits and shift
starts, each a bare event with one callback. There is one process per shift group and one feeding
the tape; requests are rows in a columnar log, not processes.

How a service plugs in. The kernel knows no service by name: each is a module of
:mod:`carecap.sim.services` listed in :mod:`carecap.sim.services.registry`. A new service, say a
meal delivery served by the caregivers, is one module plus one line in the registry::

    # sim/services/meal.py
    def _draws(plan):              # capacity-independent draws, before the run (None: absent)
        cfg = plan.s.services.meal
        ...
        return MealDraws(times, elders, travel, duration)

    def _tape(plan, d):            # its requests known in advance
        return TapeRows(d.times, d.elders, np.arange(len(d.elders)), travel_min=d.travel,
                        dur_min=d.duration)

    def _bind(kernel, d):          # the request handler of one replication
        request = kernel.requester("meal")   # the kernel records k, queues, starts, gives up
        def make(elder, k, now, travel=math.nan, dur=math.nan, route=0):
            request(elder, k, now, travel, dur)
        return make

    SERVICE = Service("meal", rank=1, unit_kind="caregiver", demand="meal",
                      pool=caregiver_pool, target=_target)
    DEMAND = Demand("meal", _draws, _tape, _bind, follow_up=lambda d: None,
                    patience_min=lambda s: None)

    # sim/services/registry.py: append meal.SERVICE to SERVICES and meal.DEMAND to DEMANDS.

The handler passes the elder's draw index ``k`` (its k-th request of the demand: which draws it
took); the kernel stores it with the row, and an ``after_delivery`` demand's next request
(``follow_up``) takes the next index.

SimPy events. Each scheduled callback is a one-slot event pushed on SimPy's event queue with the
entry ``Environment.schedule`` makes, and the run to the horizon is ``Environment.run``'s loop
without a method call per event (:mod:`carecap.sim.engine.clock`): SimPy's internals, for the
two events every request costs. A bare-event shortcut alone was measured on 30 Nov 2026 at 5-7 %
of ``benchmarks.bench_mmc`` and refused (under the 10 % that would justify depending on SimPy's
internals); with the loop, and after the request path itself was shortened, it is 11-12 % of a
replication's CPU (clock.py gives the figures), so the engine now uses them, in that one module.
(SimPy's public API refuses a negative delay, which the first shortcut let through: a
zero-length service started an ulp before the clock; ``call_at`` schedules it at delay 0.)
"""

from __future__ import annotations

import gc
import time
from array import array

import numpy as np
import pandas as pd
import simpy

from carecap.sim.engine.booking import Book
from carecap.sim.engine.capacity import Capacity
from carecap.sim.engine.clock import call_at, exact_delay, run_until
from carecap.sim.engine.demand import DemandPlan, Sequences
from carecap.sim.engine.dispatch import Dispatch
from carecap.sim.engine.heap import trim_heap
from carecap.sim.engine.pools import Pool
from carecap.sim.engine.population import draw_elders
from carecap.sim.engine.records import (
    ABANDONED,
    WAITING,
    ReplicationRecords,
    RequestLog,
    code_dtype,
)
from carecap.sim.engine.streams import Streams
from carecap.sim.engine.vans import Fleet, empty_trips
from carecap.sim.scenario.model import Scenario
from carecap.sim.scenario.schedule import Intervals
from carecap.sim.services.registry import (
    DEMAND_ID,
    DEMANDS,
    RANK,
    SERVICE_ID,
    SERVICES,
    queue_order,
)
from carecap.sim.services.spec import Handler
from carecap.sim.units import DAY_MIN

COLLECT_FROM_REQUESTS = 20_000
"""A run with at least this many requests frees its garbage cycles (events, callbacks and
closures holding the demand tape and the draws) at once, with a full ``gc.collect()`` when its
machinery is dropped and when the replication ends; a smaller run leaves them to Python's
collector. The cycles hold ~60 bytes a request plus the draws, which for a small run is less
than a full collection costs: it walks every object of the process (~0.1 s in a process
holding pandas and a test session's fixtures, most of a small replication's time)."""


def collect_if_large(n_requests: int) -> None:
    """Free a run's garbage cycles now if it made :data:`COLLECT_FROM_REQUESTS` requests or more."""
    if n_requests >= COLLECT_FROM_REQUESTS:
        gc.collect()


FEED_BLOCK = 1 << 14
"""Rows of the demand tape converted to Python lists at a time (see ``CareSystem._feed``)."""


class _Zeros:
    """``zeros[k] == 0`` for every k: the queue key of FIFO order."""

    def __getitem__(self, _k: int) -> int:
        return 0


class CareSystem(Dispatch):
    """Pools, queues and the request log of one replication: requests are made here (by the
    services' handlers), served by :class:`~carecap.sim.engine.dispatch.Dispatch`."""

    def __init__(self, scenario: Scenario, replication: int, seed: int, antithetic: bool = False):
        t0 = time.perf_counter()
        self.s, self.rep, self.seed = scenario, replication, seed
        cal = scenario.calendar
        self.horizon_min = cal.horizon_days * DAY_MIN
        self.end_min = self.horizon_min + cal.drain_days * DAY_MIN
        """Following stops at the latest here: the horizon plus the drain."""
        self.env = simpy.Environment()
        self._on_finish = self._finish  # bound once: a service start makes one object fewer
        self.log = RequestLog()
        self.dur: dict[int, float] = {}  # open rows' planned minutes at the home or station
        self.seq_k: dict[int, int] = {}  # which of the elder's requests of its demand, by open row
        n_classes = sum(len(d.classes(scenario)) for d in DEMANDS if d.classes is not None)
        # the rows of services with urgency classes, and their class (see _classes)
        self.class_rows, self.class_codes = array("i"), array("b" if n_classes < 127 else "h")
        streams = Streams(seed, replication, antithetic)
        self.elders = draw_elders(scenario, streams)
        self.plan = DemandPlan(scenario, self.elders, streams)
        self.tier_of = self.elders.tier.tolist()
        self.district_of = self.elders.district.tolist()
        self.level_of = self.elders.level.tolist()
        self.exit_of = self.elders.exit_min.tolist()
        self.district_names = list(scenario.districts)
        self.capacity = Capacity(scenario, self.log.outcome, self.end_min)
        self.shift_end = self.capacity.shift_end
        self.nowhere = self.capacity.nowhere
        self.busy = [False] * len(self.shift_end)
        self.fleet: Fleet | None = None
        self._set_up_booking(scenario)
        centre = scenario.bathing_centre
        if centre is not None and centre.vans is not None:
            pool = next(p for p in self.capacity.pools if p.kind == "station")
            pool.fleet = self.fleet = Fleet(self, pool, centre, cal.start_date.weekday())
        self.timings = {"setup_s": time.perf_counter() - t0}
        self.pending: dict[int, list[int]] = {
            int(e): [] for e in np.flatnonzero(self.elders.withdrawing())
        }

    def _set_up_booking(self, scenario: Scenario) -> None:
        """Booked slots (engine.booking) for home teams and the centre's stations, if asked."""
        home, centre = scenario.home_bathing, scenario.bathing_centre
        booking = {
            "team": None if home is None else home.booking,
            "station": None if centre is None else centre.booking,
        }
        if not any(booking.values()):
            return
        spans: dict[int, Intervals] = {}  # a group's units share its spans, up to end_min
        for group, intervals in self.capacity.shift_groups:
            spans.update(dict.fromkeys(group, intervals.capped(self.end_min)))
        for pool in self.capacity.pools:
            b = booking.get(pool.kind)
            if b is not None:
                pool.book = Book(pool.units, spans, b.slot_min, b.book_ahead_days * DAY_MIN)

    # --- what service modules call ----------------------------------------------------------

    def pools_serving(self, service: str) -> list[Pool]:
        """The pool serving ``service`` for each district code."""
        return self.capacity.by_service[SERVICE_ID[service]]

    def requester(self, service: str):
        """``request(elder, k, now, travel, dur, route=0)``: make the elder's request of
        ``service`` (its demand's k-th draws) now; it queues in its pool or starts at once."""
        sid = SERVICE_ID[service]
        clock = self._clocks[DEMAND_ID[SERVICES[sid].demand]]
        pools = self.capacity.by_service[sid]
        order, class_of = self._order(service), self._class_of(service)
        follows = self._follow_seq[DEMAND_ID[SERVICES[sid].demand]] is not None
        return self._request_maker(sid, pools, RANK[service], clock, order, class_of, follows)

    def _order(self, service: str):
        """Queue key after the rank, by request k: None = the elder's tier; else a sequence
        (the request's urgency class, or zeros for FIFO)."""
        how = queue_order(self.s, service)
        if how == "tier":
            return None
        if how == "fifo":
            return _Zeros()
        i = DEMAND_ID[SERVICES[SERVICE_ID[service]].demand]
        by_index = DEMANDS[i].class_by_index
        if by_index is None:  # a demand without classes: all of one urgency
            return _Zeros()
        return by_index(self.plan.draws[i]).tolist()

    def _patience(self, demand, draws):
        """``patience_min(elder, k)`` of a demand's requests, or None if they never give up:
        a constant, the demand's own per-request draws, or the elder's k-th draw of stream
        ``<demand>.patience`` (common random numbers: capacity never changes a patience)."""
        p = demand.patience_min(self.s)
        if p is None or draws is None:
            return None
        fixed = p.fixed_min
        if fixed is not None:
            return lambda _elder, _k: fixed
        if demand.patience_by_index is not None:
            by_k = demand.patience_by_index(self.plan, draws, p).tolist()
            return lambda _elder, k: by_k[k]
        codes = np.zeros(len(self.tier_of), dtype=np.int64)
        seq, scale = self.plan.seq(f"{demand.name}.patience", codes, {0: p.dist}), p.scale_min
        return lambda elder, k: seq.get(elder, k) * scale

    # --- follow-ups and exits --------------------------------------------------------------

    def _after(self, rid: int) -> None:
        """A request closed: if its demand is ``after_delivery``, the elder's next request falls
        due an interval on (unless after the horizon: no new demand during the drain)."""
        follow = self._follow[self.log.service[rid]]
        if follow is None:
            return
        seq, make = follow
        elder, k = self.log.elder[rid], self.seq_k.pop(rid) + 1
        now = self.env.now
        tau = seq.warp.to_operational(now) + seq.interval_days.get(elder, k) * DAY_MIN
        # max: in a month of seasonal factor 0 (Lambda flat) an interval too short to move tau
        # maps back to the month's start, before now; the next request falls due now instead
        due = max(float(seq.warp.to_calendar(tau)), now)
        if due < min(self.exit_of[elder], self.horizon_min):
            self.at(due, lambda _ev: make(elder, k, due))

    def _exit(self, elder: int) -> None:
        """The elder leaves (death, institution): withdraw what they still wait for."""
        log, now = self.log, self.env.now
        by_service = self.capacity.by_service
        for rid in self.pending.pop(elder, ()):
            if log.outcome[rid] == WAITING:
                log.outcome[rid] = ABANDONED
                log.end[rid] = now
                del self.dur[rid]
                self.seq_k.pop(rid, None)
                by_service[log.service[rid]][self.district_of[elder]].live -= 1

    # --- processes ----------------------------------------------------------------------------

    def _shifts(self, group: list[int], intervals: Intervals):
        env, pool_of_unit = self.env, self.capacity.pool_of_unit
        for on, off in intervals:
            if on >= self.end_min:
                return
            if on > env.now:
                yield env.timeout(exact_delay(env.now, on))
            for unit in group:
                self.shift_end[unit] = off
                if not self.busy[unit]:
                    self._offer(unit, pool_of_unit[unit])

    def _openings(self, pool: Pool, intervals: Intervals):
        """At each opening of a service's hours, idle units on shift look for its requests."""
        env = self.env
        for on, _off in intervals:
            if on >= self.end_min:
                return
            if on > env.now:
                yield env.timeout(exact_delay(env.now, on))
            if pool.fleet is not None:  # the vans may now bring elders to start baths
                pool.fleet.kick()
            for unit in list(pool.idle):
                if self.shift_end[unit] > env.now and not self.busy[unit]:
                    self._offer(unit, pool)

    def _feed(self, windows, handlers) -> None:
        """Make the tape's requests at their times (all before the horizon): one event per
        distinct time, each event scheduling the next. The tape comes a window of time at a
        time (``DemandPlan.tape_windows``, made when the previous one is used up) and is read as
        Python lists one block of :data:`FEED_BLOCK` rows at a time (lists of a whole tape cost
        ~150 bytes a request)."""
        env, horizon = self.env, self.horizon_min

        def blocks():
            for tape in windows:
                columns = (
                    tape.time_min,
                    tape.kind,
                    tape.elder,
                    tape.index,
                    tape.route,
                    tape.travel_min,
                    tape.dur_min,
                )
                for lo in range(0, len(tape.time_min), FEED_BLOCK):
                    yield [c[lo : lo + FEED_BLOCK].tolist() for c in columns]

        source = blocks()
        block = next(source, None)
        j = 0

        def arrive(_ev) -> None:
            nonlocal block, j
            assert block is not None
            times, kinds, elders, index, route, travel, dur = block
            m, t = len(times), times[j]
            while True:
                handlers[kinds[j]](elders[j], index[j], t, travel[j], dur[j], route[j])
                j += 1
                if j == m:  # the next block (the tape is read in order, once)
                    block = next(source, None)
                    if block is None:
                        return
                    times, kinds, elders, index, route, travel, dur = block
                    j, m = 0, len(times)
                if times[j] != t:
                    break
            if times[j] < horizon:
                call_at(env, times[j], arrive)

        if block is not None and block[0][0] < horizon:
            call_at(env, block[0][0], arrive)

    def _exits(self):
        env = self.env
        order = np.argsort(self.elders.exit_min, kind="stable")
        for elder in order.tolist():
            t = self.elders.exit_min[elder]
            if t >= self.end_min:
                return
            if t > env.now:
                yield env.timeout(exact_delay(env.now, t))
            self._exit(elder)

    # --- run ------------------------------------------------------------------------------

    def run(self) -> ReplicationRecords:
        t0 = time.perf_counter()
        self._clocks = [
            self._clock(self._patience(d, draws))
            for d, draws in zip(DEMANDS, self.plan.draws, strict=True)
        ]
        # by demand: the interval sequence of its requests after a delivery, or None
        self._follow_seq = [
            None if draws is None else d.follow_up(draws)
            for d, draws in zip(DEMANDS, self.plan.draws, strict=True)
        ]
        handlers = [
            None if draws is None else d.bind(self, draws)
            for d, draws in zip(DEMANDS, self.plan.draws, strict=True)
        ]
        # by service id: (interval sequence, handler) of its demand, or None
        self._follow: list[tuple[Sequences, Handler] | None] = []
        for service in SERVICES:
            i = DEMAND_ID[service.demand]
            seq = self._follow_seq[i]
            handler = handlers[i]  # (None only if draws is None, and then seq is None too)
            self._follow.append(None if seq is None or handler is None else (seq, handler))
        self.follows = any(f is not None for f in self._follow)
        tape = self.plan.tape_windows()
        self.timings["demand_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        for group, intervals in self.capacity.shift_groups:
            self.env.process(self._shifts(group, intervals))
        for pool, intervals in self.capacity.openings:
            self.env.process(self._openings(pool, intervals))
        self._feed(tape, handlers)
        if self.pending:
            self.env.process(self._exits())
        gc_was_enabled = gc.isenabled()
        gc.disable()  # the run allocates many short-lived closures and no reference cycles
        self.drained = False
        try:
            run_until(self.env, self.horizon_min)
            followed_until = self._drain()
        finally:
            if gc_was_enabled:
                gc.enable()
        self.timings["simulate_s"] = time.perf_counter() - t0
        classes = self._classes()
        self._release()
        return self._records(followed_until, classes)

    def _release(self) -> None:
        """Drop the run's machinery before the record tables are built: the SimPy environment
        (events, closures), the demand plan (draws, tape) and what the open requests still held
        (planned minutes, draw indexes). Nothing in the records needs them, and a long run's are
        large (the draw pools alone ~30 MB at ten years; the records phase of the ten-year run
        peaked 13 MB lower without them, ``benchmarks.memory_phases``)."""
        del self.env, self.plan, self._clocks, self._follow, self._follow_seq, self.dur, self.seq_k
        collect_if_large(len(self.log))
        trim_heap()  # (the tables' arrays are mapped afresh: give the freed heap back)

    def _class_names(self) -> tuple[list[str], dict[int, int]]:
        """The urgency classes of every demand that has them, most urgent first by demand, and
        the offset of each such demand's codes (by demand index) in that list."""
        names: list[str] = []
        offsets: dict[int, int] = {}
        for i, d in enumerate(DEMANDS):
            if d.classes is None or d.class_by_index is None or self.plan.draws[i] is None:
                continue
            offsets[i] = len(names)
            names += d.classes(self.s)
        return names, offsets

    def _class_of(self, service: str) -> np.ndarray | None:
        """The ``class_code`` of the service's k-th request, by k (None: no classes)."""
        i = DEMAND_ID[SERVICES[SERVICE_ID[service]].demand]
        offset = self._class_names()[1].get(i)
        by_index = DEMANDS[i].class_by_index
        if offset is None or by_index is None:
            return None
        return by_index(self.plan.draws[i]).astype(np.int16) + offset

    def _classes(self) -> pd.Categorical[str]:
        """Column ``alarm_class``: each request's urgency class (empty for demands without
        classes), categories most urgent first."""
        names = self._class_names()[0]
        codes = np.full(len(self.log), -1, dtype=code_dtype(len(names)))
        rows = np.frombuffer(self.class_rows, dtype=np.int32)
        codes[rows] = np.frombuffer(self.class_codes, dtype=self.class_codes.typecode)
        return pd.Categorical.from_codes(codes, categories=pd.Index(names), ordered=True)

    def _drain(self) -> float:
        """After the horizon (no new demand: the tape, follow-ups and enrolments stop there),
        run on while any request waits, at most until ``end_min``; return when following
        stopped. Events at that very time are not handled (as at the horizon)."""
        env, capacity, end = self.env, self.capacity, self.end_min
        if end <= self.horizon_min:
            return self.horizon_min
        while capacity.waiting():
            if env.peek() >= end:  # (inf: nothing will ever happen again)
                return end
            self.drained = True  # work may start from here on, even at the horizon itself
            env.step()
        return env.now

    def _records(self, followed_until: float, classes: pd.Categorical[str]) -> ReplicationRecords:
        t0 = time.perf_counter()
        elders = self.elders.frame(self.s)
        requests = self.log.frame(elders, self.s.tiers)
        requests["alarm_class"] = classes
        units = self.capacity.units_frame()
        shifts = self.capacity.shifts_frame(followed_until, self.horizon_min, self.drained)
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
            shifts=shifts,
            timings=self.timings,
            followed_until_min=followed_until,
            van_trips=empty_trips() if self.fleet is None else self.fleet.frame(),
        )


def run_replication(
    scenario: Scenario, replication: int, seed: int | None = None, antithetic: bool = False
) -> ReplicationRecords:
    """Simulate one replication of a validated scenario (seed defaults to ``scenario.seed``).

    With ``antithetic``, odd replications mirror the even one before them (see
    :mod:`carecap.sim.engine.streams`).
    """
    seed = scenario.seed if seed is None else seed
    records = CareSystem(scenario, replication, seed, antithetic).run()
    # The finished system is a web of reference cycles (events, callbacks, closures) holding
    # the demand tape and the draws (~60 bytes a request): free them before the caller computes
    # metrics, instead of whenever the collector next runs (a large run's only).
    collect_if_large(len(records.requests))
    return records


__all__ = ["CareSystem", "run_replication"]
