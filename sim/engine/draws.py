"""Per-elder sequences of random draws, fixed before the simulation runs.

The k-th request an elder makes for a service always uses the k-th draw of that elder's sequence
(its interval, duration, travel), whatever happened before. Capacity can change *when* the k-th
request is made (after the previous delivery), never *what* it asks for: common random numbers.

Draws come in chunks of ``width`` columns for all elders at once; chunk j of sequence ``name``
comes from streams ``(seed, replication, name, j, group)``, so it is the same whichever elder
first needs it.
"""

from __future__ import annotations

from typing import cast

import numpy as np

from carecap.sim.engine.streams import Streams
from carecap.sim.scenario.distributions import Dist


class ElderSequence:
    """Lazily drawn matrix ``value[elder, k]`` with a distribution chosen per elder group."""

    __slots__ = ("_chunks", "_groups", "_n", "_name", "_streams", "width")

    def __init__(
        self,
        name: str,
        streams: Streams,
        n_elders: int,
        groups: list[tuple[int, np.ndarray, Dist]],
        width: int = 16,
    ):
        """``groups``: (group code, boolean mask over elders, distribution); others draw 0.

        Each group draws from its own sub-stream, so changing one group's distribution leaves
        the other groups' draws unchanged.
        """
        self._name, self._streams = name, streams
        self._n, self._groups, self.width = n_elders, groups, width
        self._chunks: list[np.ndarray] = []

    def chunk(self, j: int) -> np.ndarray:
        while len(self._chunks) <= j:
            i = len(self._chunks)
            out = np.zeros((self._n, self.width))
            for code, mask, dist in self._groups:
                rows = int(mask.sum())
                if rows:
                    rng = self._streams.get(self._name, i, code)
                    out[mask] = dist.sample(rng, (rows, self.width))
            self._chunks.append(out)
        return self._chunks[j]

    def get(self, elder: int, k: int) -> float:
        """The k-th draw (k = 0, 1, ...) of ``elder``."""
        j, col = divmod(k, self.width)
        try:
            return self._chunks[j].item(elder, col)
        except IndexError:  # chunk j not drawn yet
            return self.chunk(j).item(elder, col)

    def take(self, elders: np.ndarray, ks: np.ndarray) -> np.ndarray:
        """Vectorised :meth:`get`: the ``ks[i]``-th draw of ``elders[i]``."""
        out = np.empty(len(elders))
        if len(out) == 0:
            return out
        chunk_of, col = np.divmod(ks, self.width)
        # One sort by chunk, then a slice per chunk (not a full-length mask per chunk: with a
        # million draws over 600 chunks that was 0.6 s); chunks are still drawn in order.
        by_chunk = np.argsort(chunk_of, kind="stable")
        starts = np.flatnonzero(np.diff(chunk_of[by_chunk])) + 1
        for sel in np.split(by_chunk, starts):
            out[sel] = self.chunk(int(chunk_of[sel[0]]))[elders[sel], col[sel]]
        return out


class SumSequence(ElderSequence):
    """The element-wise sum of several sequences of the same width (e.g. set-up + bath +
    pack-up of a home bath), each keeping its own streams."""

    __slots__ = ("_parts",)

    def __init__(self, parts: list[ElderSequence]):
        self._parts, self.width, self._chunks = parts, parts[0].width, []

    def chunk(self, j: int) -> np.ndarray:
        while len(self._chunks) <= j:
            i = len(self._chunks)
            # cast: a sum of arrays (parts is never empty) is an array, never sum()'s start 0
            self._chunks.append(cast(np.ndarray, sum(part.chunk(i) for part in self._parts)))
        return self._chunks[j]


def group_by(codes: np.ndarray, dists: dict[int, Dist]) -> list[tuple[int, np.ndarray, Dist]]:
    """Groups of elders whose code (district, level, ...) has a distribution in ``dists``."""
    return [(code, codes == code, dist) for code, dist in dists.items()]
