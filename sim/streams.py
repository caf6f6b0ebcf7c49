"""Named random streams.

Every random activity draws from its own stream, derived from ``(seed, replication, name)``::

    SeedSequence(seed, spawn_key=(replication, crc32(name)))

so that (a) every scenario run with the same seed and replication sees the same draws for the same
activity (common random numbers), and (b) adding or renaming a stream never shifts another. No
global random state is used anywhere in carecap.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream_key(name: str) -> int:
    """A stable integer id for a stream name (CRC-32 of its UTF-8 bytes)."""
    return zlib.crc32(name.encode("utf-8"))


def stream(seed: int, replication: int, name: str, *extra: int) -> np.random.Generator:
    """The generator for activity ``name`` in ``replication`` (``extra`` indexes sub-streams)."""
    seq = np.random.SeedSequence(seed, spawn_key=(replication, stream_key(name), *extra))
    return np.random.Generator(np.random.PCG64(seq))
