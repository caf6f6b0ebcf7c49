"""Golden back-test: the Taiyuan baseline's records and metrics for a fixed seed are unchanged.

A refactor that changes any number fails here. After a deliberate model change, regenerate the
expected file with ``python tests/golden/regenerate.py`` in the same commit (README, Tests).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "golden"))

from golden import GOLDEN_FILE, fingerprint


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
def test_records_identical(fresh_and_expected, case):
    fresh, expected = fresh_and_expected
    assert fresh[case]["digests"] == expected[case]["digests"]
