"""Give-up (reneging) of requests that wait too long, with one pending event per service.

A service's give-up time is a constant, so deadlines (request time + give-up time) come in the
order the requests were made. A FIFO of ``(deadline, request id, pool)`` and a single wake-up event
at the earliest deadline replace one timer per queued request; requests served meanwhile are
skipped when their deadline comes up.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from carecap.sim.engine.pools import Pool


class GiveUpClock:
    __slots__ = (
        "_abandon",
        "_armed",
        "_at",
        "_fifo",
        "_is_waiting",
        "_now",
        "patience_min",
        "until_min",
    )

    def __init__(
        self,
        patience_min: float,
        until_min: float,
        now: Callable[[], float],
        at: Callable,
        is_waiting: Callable[[int], bool],
        abandon: Callable[[int, Pool], None],
    ):
        self.patience_min, self.until_min = patience_min, until_min
        """No give-up is scheduled at or after ``until_min`` (when following stops)."""
        self._now, self._at, self._is_waiting, self._abandon = now, at, is_waiting, abandon
        self._fifo: deque = deque()
        self._armed = False

    def add(self, rid: int, pool: Pool) -> None:
        """Request ``rid`` joined ``pool``'s queue now."""
        deadline = self._now() + self.patience_min
        if deadline < self.until_min:
            self._fifo.append((deadline, rid, pool))
            if not self._armed:
                self._arm()

    def _arm(self) -> None:
        fifo, waiting = self._fifo, self._is_waiting
        while fifo and not waiting(fifo[0][1]):
            fifo.popleft()
        if fifo:
            self._armed = True
            self._at(fifo[0][0], self._fire)

    def _fire(self, _event) -> None:
        self._armed = False
        now, fifo = self._now(), self._fifo
        while fifo and fifo[0][0] <= now:
            _, rid, pool = fifo.popleft()
            if self._is_waiting(rid):
                self._abandon(rid, pool)
        self._arm()
