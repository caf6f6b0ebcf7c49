"""Golden back-test: the Taiyuan baseline's records and metrics for a fixed seed are unchanged.

A refactor that changes any number fails here. After a deliberate model change, regenerate the
expected file with ``python tests/golden/regenerate.py`` in the same commit (README, Tests).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carecap.sim.engine import life, streams
from carecap.sim.experiments.replications import simulate
from carecap.sim.scenario import distributions
from carecap.sim.scenario.loader import load_scenario

sys.path.insert(0, str(Path(__file__).parent / "golden"))

from golden import (
    CASES,
    GOLDEN_FILE,
    ROOT,
    SEED,
    TABLES,
    fingerprint,
    fingerprint_differences,
    table_fingerprint,
)


@pytest.fixture(scope="module")
def fresh_and_expected():
    return fingerprint()["cases"], json.loads(GOLDEN_FILE.read_text(encoding="utf-8"))["cases"]


def test_same_cases(fresh_and_expected):
    fresh, expected = fresh_and_expected
    assert [(c["scenario"], c["replication"], c["seed"]) for c in fresh] == [
        (c["scenario"], c["replication"], c["seed"]) for c in expected
    ]


@pytest.mark.parametrize("case", range(3))
def test_metrics_unchanged(fresh_and_expected, case):
    fresh, expected = fresh_and_expected
    got = {tuple(r[:-1]): r[-1] for r in fresh[case]["metrics"]}
    want = {tuple(r[:-1]): r[-1] for r in expected[case]["metrics"]}
    assert sorted(got) == sorted(want), "the set of metrics changed"
    moved = [
        f"{'.'.join(map(str, k))}: {want[k]!r} -> {got[k]!r}"
        for k in want
        if not (
            (math.isnan(want[k]) and math.isnan(got[k]))
            or math.isclose(got[k], want[k], rel_tol=1e-9, abs_tol=1e-12)
        )
    ]
    assert not moved, "metrics moved:\n" + "\n".join(moved[:20])


@pytest.mark.parametrize("case", range(3))
@pytest.mark.parametrize("table", TABLES)
def test_records_unchanged(fresh_and_expected, case, table):
    fresh, expected = fresh_and_expected
    moved = fingerprint_differences(fresh[case]["records"][table], expected[case]["records"][table])
    assert not moved, f"{table} moved:\n" + "\n".join(moved[:20])


class _LastBitNoise:
    """numpy, except that ``exp`` and ``log1p`` move each result one unit in the last place up
    or down at random (a fixed stream), as another CPU's vector routines may."""

    def __init__(self) -> None:
        self._rng = np.random.default_rng(2026)

    def __getattr__(self, name: str):
        return getattr(np, name)

    def _nudged(self, result):
        values = np.asarray(result)
        if values.dtype != np.float64 or not values.size:
            return result
        toward = np.where(self._rng.random(values.shape) < 0.5, -np.inf, np.inf)
        moved = np.where(self._rng.random(values.shape) < 0.5, np.nextafter(values, toward), values)
        return moved if isinstance(result, np.ndarray) else moved[()]

    def exp(self, *args, **kwargs):
        return self._nudged(np.exp(*args, **kwargs))

    def log1p(self, *args, **kwargs):
        return self._nudged(np.log1p(*args, **kwargs))


def test_last_bit_noise_keeps_the_records_within_the_fingerprint(monkeypatch, fresh_and_expected):
    """The fingerprint holds across CPUs: with every ``exp`` and ``log1p`` of the draws one
    unit in the last place off at random, the baseline's records still match the golden file
    (the discrete values exactly, the float block sums within their tolerance), although the
    noise did reach them (some float sum differs in its last bits from the clean run's)."""
    for module in (streams, life, distributions):
        monkeypatch.setattr(module, "np", _LastBitNoise())
    path, replication = CASES[0]
    records, _ = simulate(load_scenario(ROOT / path), replication, SEED)
    fresh, expected = fresh_and_expected
    noisy = {t: table_fingerprint(getattr(records, t)) for t in TABLES}
    clean = fresh[0]["records"]
    assert any(noisy[t]["float_block_sums"] != clean[t]["float_block_sums"] for t in TABLES), (
        "the noise never reached the records: the draws no longer go through these modules' np"
    )
    for table in TABLES:
        moved = fingerprint_differences(noisy[table], expected[0]["records"][table])
        assert not moved, f"{table} moved under last-bit noise:\n" + "\n".join(moved[:20])


def test_the_fingerprint_sees_a_request_moved_by_a_few_seconds():
    """The tolerance is not so loose that a real change passes: on a table the size of a year
    of Taiyuan requests (times up to a year of minutes), one start moved by three seconds, or
    one outcome changed, fails the comparison; the table itself passes."""
    rng = np.random.default_rng(1)
    n = 60_000
    request_min = np.sort(rng.uniform(0, 525_600, n))
    requests = pd.DataFrame(
        {
            "request_id": np.arange(n, dtype=np.int32),
            "request_min": request_min,
            "start_min": request_min + rng.exponential(3 * 1440, n),
            "outcome": pd.Categorical.from_codes(rng.integers(0, 2, n), ["served", "abandoned"]),
        }
    )
    want = table_fingerprint(requests)
    assert not fingerprint_differences(table_fingerprint(requests.copy()), want)
    for row in (0, n // 2, n - 1):
        moved = requests.copy()
        moved.loc[row, "start_min"] += 3 / 60
        assert fingerprint_differences(table_fingerprint(moved), want)
    changed = requests.copy()
    changed.loc[n // 3, "outcome"] = (
        "served" if changed.loc[n // 3, "outcome"] != "served" else "abandoned"
    )
    assert fingerprint_differences(table_fingerprint(changed), want)
