"""``assert_in_interval``: a simulated mean agrees with theory when the theory lies inside the
95 % Student-t interval of the per-replication estimates (the validation tier's one ruler)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from carecap.sim.metrics.summary import t_half_width


def t_interval(values: Sequence[float], confidence: float = 0.95) -> tuple[float, float]:
    """The Student-t interval of the mean of ``values`` (one value per replication)."""
    x = np.asarray(values, dtype=float)
    half = float(t_half_width(np.array([x.std(ddof=1)]), np.array([len(x)]), confidence)[0])
    return x.mean() - half, x.mean() + half


def assert_in_interval(theory: float, values: Sequence[float], what: str) -> None:
    lo, hi = t_interval(values)
    assert lo <= theory <= hi, f"{what}: theory {theory:.4f} outside 95% CI [{lo:.4f}, {hi:.4f}]"
