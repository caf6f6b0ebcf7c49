"""Per-elder draws made row by row and kept only while used give exactly the draws of the whole
chunk matrices they stand for (``dist.sample(stream(name, j, group), (members, width))``): every
elder's k-th draw is unchanged whatever the order in which elders ask, arrive and leave."""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from carecap.sim.engine import row_store
from carecap.sim.engine.draws import ElderSequence, SumSequence, group_by
from carecap.sim.engine.row_store import RowStore
from carecap.sim.engine.streams import JumpStream, Streams
from carecap.sim.scenario.distributions import Dist

DISTS = [
    TypeAdapter(Dist).validate_python(d)
    for d in (
        {"dist": "exponential", "mean": 3},
        {"dist": "uniform", "low": 1, "high": 5},
        {"dist": "triangular", "low": 1, "mode": 2, "high": 5},
        {"dist": "normal", "mean": 3, "sd": 2},
        {"dist": "lognormal", "mean": 30, "sd": 15},
        {"dist": "gamma", "mean": 7, "sd": 3},
        {"dist": "empirical", "values": [1, 2, 3], "weights": [1, 2, 1]},
        {"dist": "fixed", "value": 2},
    )
]


def whole_chunk(streams, name, codes, dists, width, j) -> np.ndarray:
    """The definition: chunk j drawn whole, group by group, for every elder (others 0)."""
    out = np.zeros((len(codes), width))
    for code, dist in dists.items():
        mask = codes == code
        if mask.any():
            out[mask] = dist.sample(streams.get(name, j, code), (int(mask.sum()), width))
    return out


@st.composite
def cases(draw):
    n = draw(st.integers(1, 60))
    codes = np.array(draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)))
    picks = draw(st.lists(st.sampled_from(range(len(DISTS))), min_size=1, max_size=3))
    dists = {code: DISTS[p] for code, p in enumerate(picks)}
    width = draw(st.integers(1, 9))
    # asks in any order: elders arriving, leaving, going back to an earlier chunk
    asks = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, 4 * width)), max_size=300))
    return n, codes, dists, width, asks, draw(st.booleans()), draw(st.integers(0, 2**31))


@contextmanager
def first_slots(count: int):
    """A pool that starts with ``count`` slots (1: clean-ups and growth at once)."""
    saved, row_store.FIRST_SLOTS = row_store.FIRST_SLOTS, count
    try:
        yield
    finally:
        row_store.FIRST_SLOTS = saved


@settings(max_examples=60, deadline=None)
@given(cases(), st.sampled_from([1, 2, 256]))
def test_every_kth_draw_is_that_of_the_whole_chunk(case, slots):
    n, codes, dists, width, asks, antithetic, seed = case
    streams = Streams(seed, 3, antithetic)
    seq = ElderSequence("s", streams, n, group_by(codes, dists), width)
    chunks = {}

    def expected(elder, k):
        j = k // width
        if j not in chunks:
            chunks[j] = whole_chunk(streams, "s", codes, dists, width, j)
        return chunks[j][elder, k % width]

    with first_slots(slots):
        for elder, k in asks:
            assert seq.get(elder, k) == expected(elder, k)
        if asks:
            elders, ks = np.array(asks).T
            want = [expected(e, k) for e, k in asks]
            assert np.array_equal(seq.take(elders, ks), want)
            j = int(ks[0]) // width
            assert np.array_equal(seq.rows(j, elders), chunks[j][elders])
        # the store never holds more than one row per elder
        store = seq._store
        assert np.array_equal(
            np.sort(store.owner[store.owner >= 0]), np.unique(store.owner[store.owner >= 0])
        )


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 500), min_size=1, max_size=30),
    st.integers(1, 9),
    st.booleans(),
    st.integers(0, 2**31),
)
def test_jumped_rows_are_those_of_the_stream_drawn_whole(starts, width, antithetic, seed):
    """Rows at any places, in any order (jumps back too), hold the stream's own uniforms."""
    whole = Streams(seed, 1, antithetic).get("j", 2).random(600 * width).reshape(600, width)
    jump = JumpStream(Streams(seed, 1, antithetic).get("j", 2))
    got = jump.rows(np.array(starts) * width, width)
    assert np.array_equal(got, whole[starts])


def test_sum_sequence_is_the_sum_of_its_parts_whole_chunks():
    codes = np.arange(40) % 3
    streams = Streams(5, 0)
    dists = {0: DISTS[1], 1: DISTS[2], 2: DISTS[4]}
    parts = [ElderSequence(f"p{i}", streams, 40, group_by(codes, dists), 4) for i in range(3)]
    total = SumSequence(parts)
    for j in (2, 0, 1):
        want = sum(whole_chunk(streams, f"p{i}", codes, dists, 4, j) for i in range(3))
        elders = np.arange(39, -1, -1)
        assert np.array_equal(total.rows(j, elders), want[elders])
        assert [total.get(e, 4 * j + 3) for e in range(40)] == want[:, 3].tolist()


def test_store_follows_the_elders_present_not_all_elders():
    """Elders arrive one a step and stay 50 steps, each asking at every step: the pool stays
    within a small multiple of the 50 present (a clean-up keeps the elders asked for in one
    period, and doubling may overshoot), and four times as many elders do not grow it."""
    present, sizes = 50, []
    for n in (5_000, 20_000):
        store = RowStore(n, 4)
        with first_slots(8):
            _arrive_and_leave(store, present, n)
        sizes.append(len(store.owner))
    assert sizes[0] <= 8 * present
    assert sizes[1] == sizes[0]


def _arrive_and_leave(store: RowStore, present: int, n: int) -> None:
    for t in range(n):
        elders = np.arange(max(0, t - present + 1), t + 1)
        slots, held = store.holding(elders, 0, learn=True)
        missing = elders[~held]
        store.put(missing, 0, np.tile(missing[:, None].astype(float), (1, 4)))
        slots = store.slot[elders]
        assert np.array_equal(store.rows[slots, 0], elders)  # each elder reads its own row
        assert np.array_equal(store.owner[slots], elders)
