"""Named random streams, with optional antithetic pairs.

Every random activity draws from its own stream, derived from ``(seed, replication, name)``::

    SeedSequence(seed, spawn_key=(replication, crc32(name), *extra))

so that (a) every scenario run with the same seed and replication sees the same draws for the same
activity (common random numbers), and (b) adding or renaming a stream never shifts another. No
global random state is used anywhere in carecap.

All sampling in carecap goes through uniforms (inverse transform), so a stream can be
*antithetic*: with antithetic pairs, replication ``2k + 1`` reuses the streams of ``2k`` with every
uniform ``u`` replaced by ``1 - u``. The pair's results are negatively correlated, which narrows
the interval of their mean.
"""

from __future__ import annotations

import zlib

import numpy as np

_EPS = np.finfo(float).eps


def stream_key(name: str) -> int:
    """A stable integer id for a stream name (CRC-32 of its UTF-8 bytes)."""
    return zlib.crc32(name.encode("utf-8"))


class RandomStream:
    """Uniforms from one named stream (flipped to ``1 - u`` when antithetic) and the few
    inverse-transform samplers the model needs beyond :mod:`carecap.sim.scenario.distributions`."""

    __slots__ = ("_flip", "_gen")

    def __init__(self, generator: np.random.Generator, antithetic: bool = False):
        self._gen, self._flip = generator, antithetic

    def random(self, size=None) -> np.ndarray:
        """Uniforms on (0, 1) (never exactly 0 or 1, so inverse CDFs stay finite)."""
        return self._finish(self._gen.random(size))

    def _finish(self, u: np.ndarray) -> np.ndarray:
        if self._flip:
            u = 1.0 - u
        return np.clip(u, _EPS, 1.0 - _EPS)

    def uniform(self, low, high, size=None) -> np.ndarray:
        return low + (high - low) * self.random(size)

    def exponential(self, mean, size=None) -> np.ndarray:
        return -mean * np.log1p(-self.random(size))

    def poisson(self, lam) -> np.ndarray:
        """Poisson counts with means ``lam`` (array or scalar), one uniform each."""
        lam = np.asarray(lam, dtype=float)
        u = self.random(lam.shape)
        # scipy.stats.poisson.ppf(u, mu) for 0 < u < 1, with its own two special functions:
        # scipy.special costs ~25 MB to import, scipy.stats ~75 MB (on first use: most
        # scenarios never need either)
        from scipy import special

        mu = np.maximum(lam, 0)
        k = np.ceil(special.pdtrik(u, mu))
        below = np.maximum(k - 1, 0)
        k = np.where(special.pdtr(below, mu) >= u, below, k)
        out = np.where(mu >= 0, k, np.nan).astype(np.int64)  # (stats: NaN for a NaN mean)
        return out[()] if out.ndim == 0 else out

    def choice(self, p: np.ndarray, size: int) -> np.ndarray:
        """Indices drawn with probabilities ``p``."""
        cdf = np.cumsum(p)
        cdf /= cdf[-1]
        return np.searchsorted(cdf, self.random(size), side="right").clip(0, len(p) - 1)

    def permutation(self, items: np.ndarray) -> np.ndarray:
        return np.asarray(items)[np.argsort(self.random(len(items)), kind="stable")]


_PERIOD = 1 << 128
"""PCG64's period: advancing by ``_PERIOD - d`` goes back ``d`` draws."""


SPAN_ROWS = 8
"""Rows asked for together whose span holds at most this many rows per row asked are drawn
as one block (one call) rather than jumped to one by one."""


class JumpStream:
    """Rows of uniforms at chosen places of one fresh stream, reached by jumping (PCG64's
    ``advance``, backwards too) instead of drawing what lies between: row ``i`` of
    ``rows(first, width)`` holds exactly the uniforms ``first[i] .. first[i] + width - 1`` (counted
    from 0) that ``random`` would give drawing from the stream's start, so the row of one elder
    in a matrix ``random((elders, width))`` can be made without the rows before it."""

    __slots__ = ("_at", "_stream")

    def __init__(self, stream: RandomStream):
        self._stream, self._at = stream, 0

    def rows(self, first: np.ndarray, width: int) -> np.ndarray:
        if len(first) and (first.max() - first.min()) <= SPAN_ROWS * len(first) * width:
            return self._span(first, width)
        gen = self._stream._gen
        bitgen: np.random.PCG64 = gen.bit_generator  # type: ignore[assignment]  # (PCG64: advance)
        at = self._at
        out = np.empty((len(first), width))
        for i, start in enumerate(first.tolist()):
            if start != at:
                bitgen.advance((start - at) % _PERIOD)
            out[i] = gen.random(width)
            at = start + width
        self._at = at
        return self._stream._finish(out)

    def _span(self, first: np.ndarray, width: int) -> np.ndarray:
        """Rows close together: all the uniforms from the first to the last at once."""
        gen, lo = self._stream._gen, int(first.min())
        if lo != self._at:
            bitgen: np.random.PCG64 = gen.bit_generator  # type: ignore[assignment]
            bitgen.advance((lo - self._at) % _PERIOD)
        span = gen.random(int(first.max()) + width - lo)
        self._at = int(first.max()) + width
        at = (first - lo)[:, None] + np.arange(width)
        return self._stream._finish(span[at])


class Streams:
    """The streams of one replication (``get(name, *extra)``)."""

    __slots__ = ("antithetic", "replication", "seed")

    def __init__(self, seed: int, replication: int, antithetic: bool = False):
        self.seed, self.replication, self.antithetic = seed, replication, antithetic

    def get(self, name: str, *extra: int) -> RandomStream:
        rep, flip = self.replication, False
        if self.antithetic:
            rep, flip = rep - rep % 2, rep % 2 == 1
        seq = np.random.SeedSequence(self.seed, spawn_key=(rep, stream_key(name), *extra))
        return RandomStream(np.random.Generator(np.random.PCG64(seq)), flip)


def stream(seed: int, replication: int, name: str, *extra: int) -> RandomStream:
    """The stream of activity ``name`` in ``replication`` (``extra`` indexes sub-streams)."""
    return Streams(seed, replication).get(name, *extra)
