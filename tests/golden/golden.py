"""The golden back-test's fingerprint of the Taiyuan baseline (and its stressed variant).

A fingerprint is, per scenario and replication, the SHA-256 of every record table (exact values:
a refactor must not move a single float) and the full metrics table (kept with tolerances, so a
failure names the metrics that moved). ``regenerate.py`` writes it on purpose after a deliberate
model change; ``tests/test_golden.py`` compares a fresh run with it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

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


def table_digest(frame: pd.DataFrame) -> str:
    """SHA-256 over the column names, dtypes and exact row values of a record table."""
    h = hashlib.sha256()
    h.update(repr([(c, str(frame[c].dtype)) for c in frame.columns]).encode())
    h.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return h.hexdigest()


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
                "digests": {t: table_digest(getattr(records, t)) for t in TABLES},
                "metrics": [
                    [*row[:-1], float(row[-1])]
                    for row in metrics[[*keys, "value"]].itertuples(index=False)
                ],
            }
        )
    return {"cases": cases}
