"""Per-elder sequences of random draws, fixed before the simulation runs.

The k-th request an elder makes for a service always uses the k-th draw of that elder's sequence
(its interval, duration, travel), whatever happened before. Capacity can change *when* the k-th
request is made (after the previous delivery), never *what* it asks for: common random numbers.

Draws come in chunks of ``width`` columns: chunk j of sequence ``name`` is, for the elders of
each group (care level, district, ...) in id order, the matrix ``dist.sample(rng, (elders,
width))`` of stream ``(seed, replication, name, j, group)``, so it is the same whichever elder
first needs it. Every distribution samples one uniform per draw, element-wise, so an elder's
row is made alone from the stream's uniforms at its place (jumping ahead,
:class:`carecap.sim.engine.streams.JumpStream`): the same floats as the whole matrix, but only
for the elders that ask, and kept only while they use it (:class:`RowStore`), so memory follows
the elders present, not every elder of the horizon times every chunk.
"""

from __future__ import annotations

from typing import cast

import numpy as np

from carecap.sim.engine.row_store import RowStore
from carecap.sim.engine.streams import JumpStream, Streams
from carecap.sim.scenario.distributions import Dist

AHEAD = 128
"""Elders whose first chunk is drawn along with that of an elder asking for its own."""


class _Given:
    """Stands for a stream whose next ``random(size)`` is these uniforms."""

    __slots__ = ("u",)

    def __init__(self, u: np.ndarray):
        self.u = u

    def random(self, size: tuple[int, ...]) -> np.ndarray:
        assert self.u.shape == size
        return self.u


class ElderSequence:
    """Lazily drawn matrix ``value[elder, k]`` with a distribution chosen per elder group."""

    __slots__ = ("_dists", "_group", "_jumps", "_name", "_rank", "_store", "_streams", "width")

    def __init__(
        self,
        name: str,
        streams: Streams,
        n_elders: int,
        groups: list[tuple[int, np.ndarray, Dist]],
        width: int = 16,
    ):
        """``groups``: (group code, boolean mask over elders, distribution); others draw 0
        (an elder in several groups takes the last one's).

        Each group draws from its own sub-stream, so changing one group's distribution leaves
        the other groups' draws unchanged.
        """
        self._name, self._streams, self.width = name, streams, width
        self._group = np.full(n_elders, -1, dtype=np.int64)  # index into _dists (-1: none)
        self._rank = np.zeros(n_elders, dtype=np.int64)  # the elder's row in its group
        self._dists: list[tuple[int, Dist]] = []
        for code, mask, dist in groups:
            members = np.flatnonzero(mask)
            if len(members):
                self._group[members] = len(self._dists)
                self._rank[members] = np.arange(len(members))
                self._dists.append((code, dist))
        self._jumps: dict[tuple[int, int], JumpStream] = {}
        self._store = RowStore(n_elders, width)

    def draw_rows(self, elders: np.ndarray, j: int) -> np.ndarray:
        """Row ``j`` (draws ``j * width`` to ``(j + 1) * width - 1``) of each elder, made afresh."""
        out = np.zeros((len(elders), self.width))
        group = self._group[elders]
        for g in np.unique(group[group >= 0]).tolist():
            at = np.flatnonzero(group == g)
            jump = self._jumps.get((j, g))
            if jump is None:
                code = self._dists[g][0]
                jump = self._jumps[(j, g)] = JumpStream(self._streams.get(self._name, j, code))
            u = jump.rows(self._rank[elders[at]] * self.width, self.width)
            out[at] = self._dists[g][1].sample(_Given(u), u.shape)
        return out

    def get(self, elder: int, k: int) -> float:
        """The k-th draw (k = 0, 1, ...) of ``elder``."""
        j, col = divmod(k, self.width)
        store = self._store
        slot = store.slot.item(elder)
        if slot >= 0 and store.chunk.item(slot) == j:
            store.tick = tick = store.tick + 1
            store.last[elder] = tick
            return store.rows.item(slot, col)
        return float(self._values(j, np.array([elder]), np.array([col]), learn=True)[0])

    def rows(self, j: int, elders: np.ndarray) -> np.ndarray:
        """Row ``j`` of each of ``elders`` (a new array), drawn afresh and not kept: the asker
        (the due dates of a calendar-mode demand) keeps it."""
        return self.draw_rows(np.asarray(elders, dtype=np.int64), j)

    def take(self, elders: np.ndarray, ks: np.ndarray) -> np.ndarray:
        """Vectorised :meth:`get`: the ``ks[i]``-th draw of ``elders[i]``."""
        out = np.empty(len(elders))
        if len(out) == 0:
            return out
        chunk_of, col = np.divmod(ks, self.width)
        # One sort by chunk, then a slice per chunk (not a full-length mask per chunk)
        by_chunk = np.argsort(chunk_of, kind="stable")
        starts = np.flatnonzero(np.diff(chunk_of[by_chunk])) + 1
        for sel in np.split(by_chunk, starts):
            out[sel] = self._values(int(chunk_of[sel[0]]), elders[sel], col[sel], learn=False)
        return out

    def _values(self, j: int, elders: np.ndarray, cols: np.ndarray, learn: bool) -> np.ndarray:
        """Column ``cols[i]`` of row ``j`` of ``elders[i]``, storing the rows it had to draw
        (``learn``: a row drawn again makes the store keep rows longer; not for asks of many
        elders at once, whose rows are cheap to draw again)."""
        store = self._store
        elders = np.asarray(elders, dtype=np.int64)
        slots, held = store.holding(elders, j, learn)
        if not held.all():
            missing = np.unique(elders[~held])
            ahead = self._next(missing) if j == 0 else missing[:0]
            missing = np.concatenate([missing, ahead])
            store.put(missing, j, self.draw_rows(missing, j))
            store.drawn_ahead(ahead)
            slots = store.slot[elders]
        return store.rows[slots, cols]

    def _next(self, elders: np.ndarray) -> np.ndarray:
        """The ``AHEAD`` elders after the last of ``elders`` that hold no row: their first chunk
        is drawn along (ids follow enrolment, so they ask soon)."""
        store, last = self._store, int(elders[-1])
        ahead = np.arange(last + 1, min(last + 1 + AHEAD, len(store.slot)))
        return ahead[(store.slot[ahead] < 0) & (self._group[ahead] >= 0)]


class SumSequence(ElderSequence):
    """The element-wise sum of several sequences of the same width (e.g. set-up + bath +
    pack-up of a home bath), each drawing from its own streams; only the sum is kept."""

    __slots__ = ("_parts",)

    def __init__(self, parts: list[ElderSequence]):
        self._parts, self.width = parts, parts[0].width
        # (only whether an elder draws from some part's group: see _next)
        self._group = np.max([part._group for part in parts], axis=0)
        self._store = RowStore(len(parts[0]._group), self.width)

    def draw_rows(self, elders: np.ndarray, j: int) -> np.ndarray:
        # cast: a sum of arrays (parts is never empty) is an array, never sum()'s start 0
        return cast(np.ndarray, sum(part.draw_rows(elders, j) for part in self._parts))


def group_by(codes: np.ndarray, dists: dict[int, Dist]) -> list[tuple[int, np.ndarray, Dist]]:
    """Groups of elders whose code (district, level, ...) has a distribution in ``dists``."""
    return [(code, codes == code, dist) for code, dist in dists.items()]
