"""Give-up (reneging) of requests that wait too long, with one pending event per service.

Each request's give-up time (patience) is drawn for it: the elder's k-th draw of the demand's
patience stream (common random numbers), or one constant. A heap of ``(deadline, request id,
pool)`` and a single wake-up event at the earliest deadline replace one timer per queued request;
requests served meanwhile are skipped when their deadline comes up. (With a constant patience the
heap pops in the order the requests were made, as the FIFO it replaces did.)
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from carecap.sim.engine.pools import Pool


class GiveUpClock:
    __slots__ = (
        "_abandon",
        "_armed_at",
        "_at",
        "_fifo",
        "_is_waiting",
        "_now",
        "patience_min",
        "until_min",
    )

    def __init__(
        self,
        patience_min: Callable[[int, int], float],
        until_min: float,
        now: Callable[[], float],
        at: Callable,
        is_waiting: Callable[[int], bool],
        abandon: Callable[[int, Pool], None],
    ):
        self.patience_min, self.until_min = patience_min, until_min
        """``patience_min(elder, k)``: give-up time of the elder's k-th request. No give-up is
        scheduled at or after ``until_min`` (when following stops)."""
        self._now, self._at, self._is_waiting, self._abandon = now, at, is_waiting, abandon
        self._fifo: list[tuple] = []  # heap
        self._armed_at = math.inf  # when the one live wake-up event is due (inf: none)

    def add(self, rid: int, pool: Pool, elder: int, k: int) -> None:
        """Request ``rid`` (the elder's k-th of its demand) joined ``pool``'s queue now."""
        deadline = self._now() + self.patience_min(elder, k)
        if deadline < self.until_min:
            heapq.heappush(self._fifo, (deadline, rid, pool))
            if deadline < self._armed_at:  # (a constant patience never comes before the armed one)
                self._arm()

    def _arm(self) -> None:
        fifo, waiting = self._fifo, self._is_waiting
        while fifo and not waiting(fifo[0][1]):
            heapq.heappop(fifo)
        if fifo:
            at = self._armed_at = fifo[0][0]
            self._at(at, lambda _ev: self._fire(at))
        else:
            self._armed_at = math.inf

    def _fire(self, at: float) -> None:
        if at != self._armed_at:
            return  # superseded by an earlier wake-up, which re-armed the clock
        now, fifo = self._now(), self._fifo
        while fifo and fifo[0][0] <= now:
            _, rid, pool = heapq.heappop(fifo)
            if self._is_waiting(rid):
                self._abandon(rid, pool)
        self._arm()
