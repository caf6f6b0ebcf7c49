"""Freed C-heap memory goes back to the system between a replication's phases
(:mod:`carecap.sim.engine.heap`), so the record tables and each metric family do not stack on
top of memory the previous phase freed."""

from __future__ import annotations

import sys

import pytest

from benchmarks.memory_phases import rss_mb
from carecap.sim.engine.heap import trim_heap


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_trim_returns_freed_heap_memory():
    # 64 KiB blocks come from malloc's heap (above Python's small-object arenas, below glibc's
    # mmap threshold); every other one is kept, so the freed half is page-sized holes the heap
    # cannot shrink past by itself
    blocks = [bytes(64 * 1024 - 64) + bytes([i % 256]) for i in range(2_000)]
    kept = blocks[::2]
    del blocks
    before = rss_mb()
    assert trim_heap()
    after = rss_mb()
    assert before - after > 30  # ~64 MB of holes; the kept half stays
    assert len(kept) == 1_000
