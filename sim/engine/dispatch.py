"""Requests and units at work: a new request starts at once or queues, a unit starts a request
and finishes it, a free unit takes the best waiting request, van seats, give-ups, and scheduling
callbacks on the SimPy clock.

:class:`Dispatch` is the half of :class:`~carecap.sim.engine.kernel.CareSystem` that moves
requests and units; the kernel adds the service handlers' entry point, the processes and the run.
It expects ``env``, ``_on_finish`` (``_finish``, bound once), ``log``, ``dur``, ``seq_k``,
``class_rows``, ``class_codes``, ``busy``, ``shift_end``, ``pending``, ``tier_of``,
``district_of`` and ``end_min`` set by the kernel, and calls the kernel's ``_after`` when a
request closes (if ``follows``).

What a request needs only while it is open is kept for the open requests only (memory follows
the requests in the system, not every request of the horizon): its planned service minutes
(``dur``, until it starts or closes unstarted) and, for a service whose next request follows
the delivery, which of its elder's requests it is (``seq_k``, until it closes). A request of a
service with urgency classes keeps its row and class (``class_rows``, ``class_codes``: 5
bytes).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from functools import partial

import numpy as np
import simpy

from carecap.sim.engine.clock import call_at
from carecap.sim.engine.giveup import GiveUpClock
from carecap.sim.engine.pools import Pool
from carecap.sim.engine.records import ABANDONED, IN_SERVICE, SERVED, WAITING, RequestLog


class Dispatch:
    """Requests joining queues, service starts and ends, give-ups, and the clock's callbacks
    (:mod:`carecap.sim.engine.clock`)."""

    # Set by the kernel (CareSystem.__init__); declared here for the type checker.
    env: simpy.Environment
    _on_finish: Callable[[int, int, Pool, simpy.Event], None]
    log: RequestLog
    dur: dict[int, float]
    seq_k: dict[int, int]
    class_rows: array[int]
    class_codes: array[int]
    busy: list[bool]
    shift_end: list[float]
    pending: dict[int, list[int]]
    tier_of: list[int]
    district_of: list[int]
    end_min: float
    follows: bool = True
    """Whether any service makes follow-ups (:meth:`_after` has work to do)."""

    def _request_maker(
        self,
        service: int,
        pools: list[Pool],
        rank: int,
        give_up: GiveUpClock | None,
        order,
        class_of: np.ndarray | None,
        follows: bool,
    ) -> Callable[..., None]:
        """``request(elder, k, now, travel, dur, route=0)``: make the elder's k-th request of
        ``service`` now (``pools``: its pool by district code; ``order``: the queue key after
        the rank by k, None for the elder's tier; ``class_of``: the row's ``class_code`` by k,
        None for a service without urgency classes; ``follows``: its next request is made after
        the delivery); it queues in its pool or starts at once.

        One closure per service, its per-request path kept short (it runs once a request): the
        vans and booked slots, rare, go through :meth:`_special_request`."""
        log, pending, tier_of, district_of = self.log, self.pending, self.tier_of, self.district_of
        outcome = log.outcome
        new_row, dur_of = log.new, self.dur
        seq_k = self.seq_k if follows else None
        class_row, class_code = self.class_rows.append, self.class_codes.append
        busy, start, special = self.busy, self._start, self._special_request

        def request(elder: int, k: int, now: float, travel: float, dur: float, _route=0) -> None:
            rid = new_row(service, elder, now)
            log.travel[rid] = travel
            dur_of[rid] = dur
            if seq_k is not None:  # the kernel, not each handler, keeps k with the row
                seq_k[rid] = k
            if class_of is not None:
                class_row(rid)
                class_code(class_of.item(k))
            if elder in pending:  # (an elder who will leave: its open rows, for withdrawal)
                rows = pending[elder]
                rows.append(rid)
                if not len(rows) & 31:  # now and then, forget the rows that have closed
                    rows[:] = [r for r in rows if outcome[r] == WAITING]
            pool = pools[district_of[elder]]
            tier = tier_of[elder] if order is None else order[k]
            if pool.fleet is not None or pool.book is not None:
                special(rid, elder, k, now, pool, rank, tier, give_up)
                return
            # (outside its service's hours it waits for the opening)
            if pool.idle and (not pool.hours or pool.is_open(rank, now)):
                unit = pool.take_idle(now, busy, rank)
                if unit >= 0:
                    start(rid, unit, pool, now)
                    return
            pool.push((rank, tier, now, rid))
            if give_up is not None:
                give_up.add(rid, pool, elder, k)

        return request

    def _special_request(
        self,
        rid: int,
        elder: int,
        k: int,
        now: float,
        pool: Pool,
        rank: int,
        tier: int,
        give_up: GiveUpClock | None,
    ) -> None:
        """A new request in a pool with vans or booked slots."""
        if pool.book is None:  # the vans decide (engine.vans)
            assert pool.fleet is not None
            if give_up is not None:
                give_up.add(rid, pool, elder, k)
            pool.fleet.request(rid, tier, now)
            return
        # booked slots (engine.booking): book with those due now
        if not pool.book.batch:
            self.at(now, lambda _ev: self._book_batch(pool))
        pool.book.batch.append(((rank, tier, now, rid), elder, k, give_up))

    def _book_batch(self, pool: Pool) -> None:
        """Book the requests that fell due now, in queue order; those without a free slot in
        the window queue (see :mod:`carecap.sim.engine.booking`)."""
        book = pool.book
        assert book is not None
        batch, book.batch = sorted(book.batch, key=lambda x: x[0]), []
        log, queued = self.log, False
        for key, elder, k, give_up in batch:
            rank, rid, due = key[0], key[-1], key[2]
            if log.outcome[rid] != WAITING:
                continue
            if pool.fleet is not None:  # booked with a van run (engine.booked_runs)
                self._book_van_run(pool, key, elder, k, give_up)
                continue
            length = log.travel[rid] + self.dur[rid]
            slot = book.find(due, length, partial(pool.is_open, rank))
            if slot is None:
                pool.push(key)
                if give_up is not None:
                    give_up.add(rid, pool, elder, k)
                queued = True
                continue
            t, unit = slot
            book.add(unit, t, t + length)
            pool.live += 1  # booked: waiting for its slot
            self.at(t, partial(self._booked, rid, unit, t, t + length, pool))
        if queued:
            now = self.env.now
            for unit in list(pool.idle):
                if self.shift_end[unit] > now and not self.busy[unit]:
                    self._offer(unit, pool)

    def _book_van_run(self, pool: Pool, key: tuple, elder: int, k: int, give_up) -> None:
        """Book a centre bath with its van run; none in the window: it queues for the vans."""
        fleet, rank, rid, due = pool.fleet, key[0], key[-1], key[2]
        assert fleet is not None and fleet.booked is not None
        if fleet.booked.book(rid, due, partial(pool.is_open, rank)):
            return
        if give_up is not None:
            give_up.add(rid, pool, elder, k)
        fleet.request(rid, key[1], due)

    def _booked(
        self, rid: int, unit: int, start: float, end: float, pool: Pool, _ev: simpy.Event
    ) -> None:
        """A booked slot begins: the request starts (unless its elder has left)."""
        if self.log.outcome[rid] != WAITING:  # withdrawn: the slot is free again
            assert pool.book is not None
            pool.book.remove(unit, start, end)
            if not self.busy[unit]:
                self._offer(unit, pool)
            return
        pool.live -= 1
        self._start(rid, unit, pool, start)

    def _clock(self, patience_min) -> GiveUpClock | None:
        """The give-up clock of a demand whose k-th request of an elder gives up after
        ``patience_min(elder, k)`` minutes (None: its requests never give up)."""
        if patience_min is None:
            return None
        outcome = self.log.outcome
        return GiveUpClock(
            patience_min,
            self.end_min,
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
        del self.dur[rid]
        self._after(rid)

    def _start(self, rid: int, unit: int, pool: Pool, now: float | None = None) -> None:
        """Unit ``unit`` starts request ``rid``; ``now`` is the logical time (a request started
        on arrival starts at its request time, which the clock may pass by an ulp)."""
        if now is None:
            now = self.env.now
        log = self.log
        travel = log.travel[rid]
        end = now + travel + self.dur.pop(rid)
        log.start[rid] = now
        log.end[rid] = end
        log.unit[rid] = unit
        log.outcome[rid] = IN_SERVICE
        self.busy[unit] = True
        # (a zero-length service started at its request time, an ulp behind the clock, ends now)
        call_at(self.env, end, partial(self._on_finish, rid, unit, pool))

    def _finish(self, rid: int, unit: int, pool: Pool, _ev: simpy.Event) -> None:
        self.log.outcome[rid] = SERVED
        self.busy[unit] = False
        if self.follows:
            self._after(rid)
        self._offer(unit, pool)

    def _offer(self, unit: int, pool: Pool) -> None:
        """A unit is free: it takes the best waiting request, or waits idle."""
        if pool.fleet is not None:
            pool.fleet.kick()
            return
        if pool.book is not None:
            self._offer_booked(unit, pool)
            return
        now = self.env.now
        if self.shift_end[unit] > now:
            ranks = pool.unit_ranks[unit]
            rid = pool.pop_waiting(pool.open_ranks(ranks, now) if pool.hours else ranks)
            if rid >= 0:
                self._start(rid, unit, pool, now)
                return
            pool.park(unit)

    def _offer_booked(self, unit: int, pool: Pool) -> None:
        """A unit of a booking pool is free: it takes the best waiting request if that visit
        ends by its next booking, else waits idle (it never skips to a lower request)."""
        now = self.env.now
        book = pool.book
        assert book is not None
        if self.shift_end[unit] <= now:
            return
        key = pool.peek_waiting(pool.open_ranks(pool.unit_ranks[unit], now))
        if key is not None:
            rid = key[-1]
            end = now + self.log.travel[rid] + self.dur[rid]
            if book.fits(unit, now, end):
                pool.pop_waiting((key[0],))
                book.busy_until[unit] = end
                self._start(rid, unit, pool)
                return
        pool.park(unit)

    def at(self, time_min: float, fn: Callable[[simpy.Event], None]) -> None:
        """Call ``fn(event)`` at simulation time ``time_min`` exactly (now, if it is past)."""
        call_at(self.env, time_min, fn)

    def _after(self, rid: int) -> None:
        """Request ``rid`` closed (served or given up): the kernel forgets its ``seq_k`` and
        makes follow-ups here."""
