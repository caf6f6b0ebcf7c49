"""The golden back-test's fingerprint of the Taiyuan baseline (and its stressed variant).

A fingerprint is, per scenario and replication, a fingerprint of every record table and the full
metrics table (kept with tolerances, so a failure names the metrics that moved).
``regenerate.py`` writes it on purpose after a deliberate model change; ``tests/test_golden.py``
compares a fresh run with it.

A record table's fingerprint is exact where the machine cannot matter and tight where it can.
NumPy computes ``exp`` and ``log1p`` of float64 arrays with code chosen for the CPU (AVX-512
machines take their own routines), and those results may differ in the last bit from one CPU to
another, so the same seed can give times a few units in the last place apart (seen on 2
December 2026: exact digests written on an earlier machine failed on an AMD EPYC without
AVX-512, under NumPy 2.4.5 and 2.4.6 alike, every metric equal within 1e-9). So the
fingerprint holds the SHA-256 of everything discrete (column names and dtypes, every integer,
categorical and boolean column, and where each float column is NaN), which must not change on
any machine, and, per float column, the sums of its finite values over :data:`BLOCKS` blocks of
consecutive rows, compared with :data:`FLOAT_REL_TOL`: last-bit noise moves such a sum by
~1e-16 of itself, a request moved by a few seconds moves its block's sum by more than the
tolerance.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from carecap.sim.experiments.replications import simulate
from carecap.sim.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[2]
GOLDEN_FILE = Path(__file__).with_name("taiyuan_golden.json")
CASES = (
    ("scenarios/taiyuan-2022.yaml", 0),
    ("scenarios/taiyuan-2022.yaml", 1),
    ("scenarios/taiyuan-2022-double-beds.yaml", 0),
)
SEED = 20221128
TABLES = ("requests", "elders", "units", "shifts")
BLOCKS = 64
"""Blocks of consecutive rows whose sums fingerprint a float column."""
FLOAT_REL_TOL = 1e-10
"""Relative tolerance of a block sum (a Taiyuan block of requests sums to ~5e8 minutes: a
change of ~0.05 minutes in one request fails; last-bit noise is ~1e-16 of the sum)."""


def table_fingerprint(frame: pd.DataFrame) -> dict[str, Any]:
    """``discrete``: SHA-256 over the column names, dtypes, the exact values of every non-float
    column and the NaN positions of every float column; ``float_block_sums``: per float
    column, the sums of its finite values over :data:`BLOCKS` blocks of consecutive rows."""
    h = hashlib.sha256()
    h.update(repr([(c, str(frame[c].dtype)) for c in frame.columns]).encode())
    sums: dict[str, list[float]] = {}
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_float_dtype(column.dtype):
            values = column.to_numpy(np.float64)
            finite = np.isfinite(values)
            h.update(np.packbits(np.isnan(values)).tobytes())
            h.update(np.packbits(np.isposinf(values)).tobytes())
            blocks = np.array_split(np.where(finite, values, 0.0), BLOCKS)
            sums[name] = [float(math.fsum(b)) for b in blocks]
        else:
            h.update(pd.util.hash_pandas_object(column, index=False).to_numpy().tobytes())
    return {"discrete": h.hexdigest(), "float_block_sums": sums}


def fingerprint_differences(got: dict[str, Any], want: dict[str, Any]) -> list[str]:
    """What differs between two record-table fingerprints (empty: the same table)."""
    moved = []
    if got["discrete"] != want["discrete"]:
        moved.append("a discrete value (a code, id, outcome, NaN position, column or dtype)")
    if sorted(got["float_block_sums"]) != sorted(want["float_block_sums"]):
        moved.append("the float columns")
        return moved
    for name, sums in want["float_block_sums"].items():
        for block, (a, b) in enumerate(zip(got["float_block_sums"][name], sums, strict=True)):
            if not math.isclose(a, b, rel_tol=FLOAT_REL_TOL, abs_tol=1e-9):
                moved.append(f"{name}, rows block {block}: sum {b!r} -> {a!r}")
    return moved


def fingerprint() -> dict[str, Any]:
    """Run every case and return its table digests and metrics (a JSON-ready mapping)."""
    cases = []
    for path, replication in CASES:
        scenario = load_scenario(ROOT / path)
        records, metrics = simulate(scenario, replication, SEED)
        keys = ["service", "slice", "slice_value", "metric"]
        cases.append(
            {
                "scenario": path,
                "replication": replication,
                "seed": SEED,
                "records": {t: table_fingerprint(getattr(records, t)) for t in TABLES},
                "metrics": [
                    [*row[:-1], float(row[-1])]
                    for row in metrics[[*keys, "value"]].itertuples(index=False)
                ],
            }
        )
    return {"cases": cases}
