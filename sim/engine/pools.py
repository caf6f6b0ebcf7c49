"""A pool of interchangeable units sharing one priority queue.

Caregivers of a district pool, the stations of the bathing centre and the home-bathing teams of a
pool are each a :class:`Pool`. The queue is a heap keyed ``(rank, tier, request_min, request_id)``:
alarms (rank 0) before planned visits (rank 1), then the highest tier, then the earliest request;
the request id breaks ties deterministically. Entries whose request is no longer waiting
(abandoned, withdrawn) are skipped when popped (lazy deletion); ``live`` counts the ones still
waiting, for routing decisions.

A unit may start work only while ``shift_end[unit] > now``. Idle units sit on a stack; a unit whose
shift ended while it was idle is dropped from the stack when met.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

from carecap.sim.engine.records import WAITING
from carecap.sim.scenario.schedule import Intervals, is_open_at
from carecap.sim.services.registry import RANKS

if TYPE_CHECKING:
    from carecap.sim.engine.booking import Book
    from carecap.sim.engine.vans import Fleet

ALL_RANKS = RANKS
"""Queue ranks in use (from the registry): 0 = alarms and baths, 1 = planned care visits."""


class Pool:
    __slots__ = (
        "book",
        "common_ranks",
        "fleet",
        "hours",
        "idle",
        "in_idle",
        "kind",
        "live",
        "name",
        "outcome",
        "queues",
        "restricted",
        "shift_end",
        "unit_ranks",
        "units",
    )

    def __init__(
        self,
        name: str,
        kind: str,
        units: list[int],
        shift_end: list[float],
        outcome,
        unit_ranks: dict[int, tuple[int, ...]] | None = None,
    ):
        self.name, self.kind, self.units = name, kind, units
        self.unit_ranks = unit_ranks or dict.fromkeys(units, ALL_RANKS)
        kinds = set(self.unit_ranks.values())
        # restricted: units differ in what they serve, so an idle unit must be searched for
        self.restricted = len(kinds) > 1
        self.common_ranks = kinds.pop() if len(kinds) == 1 else ALL_RANKS
        self.shift_end = shift_end  # shared, indexed by global unit id
        self.outcome = outcome  # the request log's outcome column
        self.queues: tuple[list[tuple], ...] = tuple([] for _ in range(max(ALL_RANKS) + 1))  # heaps
        self.idle: list[int] = []
        self.in_idle: set[int] = set()
        self.live = 0
        self.fleet: Fleet | None = (
            None  # the centre's vans (engine.vans.Fleet), which start its requests
        )
        self.book: Book | None = None  # booked slots (engine.booking), home teams only
        self.hours: dict[int, Intervals] = {}
        """Ranks that may start only in these intervals (a service's own hours)."""

    def is_open(self, rank: int, now: float) -> bool:
        """Whether requests of ``rank`` may start now (their service's hours)."""
        spans = self.hours.get(rank)
        return spans is None or is_open_at(spans, now)

    def open_ranks(self, ranks: tuple[int, ...], now: float) -> tuple[int, ...]:
        """The ranks of ``ranks`` whose requests may start now."""
        if not self.hours:
            return ranks
        return tuple(r for r in ranks if self.is_open(r, now))

    def peek_waiting(self, ranks: tuple[int, ...] = ALL_RANKS) -> tuple | None:
        """Key of the best waiting request of the given ranks (left in the queue), or None."""
        outcome = self.outcome
        for rank in ranks:
            queue = self.queues[rank]
            while queue:
                if outcome[queue[0][-1]] == WAITING:
                    return queue[0]
                heapq.heappop(queue)
        return None

    def push(self, key: tuple) -> None:
        heapq.heappush(self.queues[key[0]], key)
        self.live += 1

    def pop_waiting(self, ranks: tuple[int, ...] = ALL_RANKS) -> int:
        """Request id of the best waiting request of the given ranks, or -1; skips requests no
        longer waiting."""
        outcome = self.outcome
        for rank in ranks:
            queue = self.queues[rank]
            while queue:
                rid = heapq.heappop(queue)[-1]
                if outcome[rid] == WAITING:
                    self.live -= 1
                    return rid
        return -1

    def take_idle(self, now: float, busy: list[bool], rank: int = 0) -> int:
        """An idle unit on shift now that serves ``rank``, or -1. Stale entries (off shift, or
        started directly at a shift start) are dropped."""
        idle, shift_end = self.idle, self.shift_end
        if not self.restricted:
            if rank not in self.common_ranks:
                return -1
            while idle:
                unit = idle.pop()
                self.in_idle.discard(unit)
                if shift_end[unit] > now and not busy[unit]:
                    return unit
            return -1
        for i in range(len(idle) - 1, -1, -1):
            unit = idle[i]
            stale = shift_end[unit] <= now or busy[unit]
            if stale or rank in self.unit_ranks[unit]:
                del idle[i]
                self.in_idle.discard(unit)
                if not stale:
                    return unit
        return -1

    def park(self, unit: int) -> None:
        if unit not in self.in_idle:
            self.in_idle.add(unit)
            self.idle.append(unit)
