"""A compact store of one row of draws per elder (the chunk the elder is in), sized to the elders
in use rather than to every elder of the horizon.

:class:`carecap.sim.engine.draws.ElderSequence` keeps here, for each elder that asked lately,
the ``width`` draws of the chunk it last asked for. Rows live in a pool of slots. Every ask
counts one tick; when the pool is full, the rows not asked for in the last ``keep`` ticks are
freed (elders who left ask for nothing), and the pool doubles only when too few could be freed.
``keep`` learns from mistakes: an elder asking again for a row that was freed makes ``keep``
at least twice the ticks since its previous ask. A row freed too early is simply drawn again
(draws are a pure function of the elder, the chunk and the seed): the policy costs time,
never a value.
"""

from __future__ import annotations

import numpy as np

FIRST_SLOTS = 256
"""Slots of a new pool (it grows by doubling)."""
MIN_FREED = 4
"""A clean-up that frees fewer than ``1 / MIN_FREED`` of the slots doubles the pool as well."""


class RowStore:
    """Rows ``width`` wide, at most one per elder, each tagged with its chunk number."""

    __slots__ = ("chunk", "free", "keep", "last", "owner", "rows", "slot", "tick", "width")

    def __init__(self, n_elders: int, width: int):
        self.width = width
        self.slot = np.full(n_elders, -1, dtype=np.int64)
        """The elder's slot (-1: none)."""
        self.last = np.zeros(n_elders, dtype=np.int64)
        """Tick of the elder's last ask (0: never asked; minus the tick: its row was drawn
        ahead of any ask, then)."""
        self.tick, self.keep = 1, 1
        self.rows = np.zeros((0, width))
        self.chunk = np.zeros(0, dtype=np.int64)  # chunk number of the slot's row
        self.owner = np.zeros(0, dtype=np.int64)  # elder of the slot (-1: free)
        self.free: list[int] = []

    def holding(self, elders: np.ndarray, j: int, learn: bool) -> tuple[np.ndarray, np.ndarray]:
        """``(slots, held)``: each elder's slot, and whether it holds a row of chunk ``j``; the
        elders' ask is counted (one tick); ``learn``: an ask for a freed row raises ``keep``."""
        slots = self.slot[elders]
        held = slots >= 0
        before = self.last[elders]
        freed = ~held & (before > 0)  # asked before, so stored, and freed since
        if learn and freed.any():
            self.keep = max(self.keep, 2 * int(self.tick - before[freed].min()))
        self.tick += 1
        self.last[elders] = self.tick
        held[held] = self.chunk[slots[held]] == j
        return slots, held

    def put(self, elders: np.ndarray, j: int, rows: np.ndarray) -> np.ndarray:
        """Store ``rows[i]`` as elder ``elders[i]``'s row of chunk ``j`` (distinct elders that
        asked this tick, each replacing the row it held); their slots."""
        slots = self.slot[elders]
        new = slots < 0
        if new.any():
            slots[new] = self._take(int(new.sum()))
            self.slot[elders[new]] = slots[new]
            self.owner[slots[new]] = elders[new]
        self.rows[slots] = rows
        self.chunk[slots] = j
        return slots

    def drawn_ahead(self, elders: np.ndarray) -> None:
        """These elders' rows were drawn before they asked: kept ``keep`` ticks like a row
        asked for, but their first ask does not count as one for a freed row."""
        never = self.last[elders] <= 0
        self.last[elders[never]] = -self.tick

    def _take(self, count: int) -> list[int]:
        if len(self.free) < count:
            self._clean_up(count)
        taken = self.free[-count:]
        del self.free[-count:]
        return taken

    def _clean_up(self, count: int) -> None:
        """Free the rows not asked for in the last ``keep`` ticks; grow the pool if that leaves
        fewer than ``count`` or than a ``1 / MIN_FREED`` share of it free."""
        owned = np.flatnonzero(self.owner >= 0)
        idle = owned[np.abs(self.last[self.owner[owned]]) < self.tick - self.keep]
        self.slot[self.owner[idle]] = -1
        self.owner[idle] = -1
        self.free.extend(idle.tolist())
        size = len(self.owner)
        if len(self.free) < count or len(self.free) * MIN_FREED < size:
            grown = max(2 * size, size + count, FIRST_SLOTS)
            self.rows = np.concatenate([self.rows, np.zeros((grown - size, self.width))])
            self.chunk = np.concatenate([self.chunk, np.full(grown - size, -1, dtype=np.int64)])
            self.owner = np.concatenate([self.owner, np.full(grown - size, -1, dtype=np.int64)])
            self.free.extend(range(grown - 1, size - 1, -1))
