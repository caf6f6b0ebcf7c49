"""The paired comparison (:func:`carecap.analysis.compare_paired.compare_metrics`) as JSON
rows, as ``carecap compare --json`` writes them."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


def comparison_json(compare: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts: NaN and infinities become ``None`` (the ``note`` says why)."""
    clean = compare.astype(object)
    records = []
    for row in clean.to_dict(orient="records"):
        for key, value in row.items():
            if isinstance(value, float) and not math.isfinite(value):
                row[key] = None
            elif isinstance(value, np.generic):
                row[key] = value.item()
        records.append(row)
    return records
