"""What ``carecap validate`` compares: a :class:`Configuration` (an ordinary scenario, the
theory it must agree with, and where each compared figure is read in the normal per-replication
metrics, ``metrics.parquet``'s tidy rows), and the readers of those rows. Waits are reported by
the engine in days for care visits and compared in minutes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from carecap.sim.scenario.model import Scenario
from carecap.sim.units import DAY_MIN

Extract = Callable[[pd.DataFrame, Scenario], dict[str, float]]


@dataclass(frozen=True)
class Configuration:
    """One validated configuration: its scenario, theory and extraction of the simulated figures."""

    name: str
    validates: str
    """What agreement here shows about the engine (a sentence for the report)."""
    scenario: Scenario
    theory: dict[str, tuple[float, str]]
    """Check label -> (theory value, unit)."""
    extract: Extract
    """One replication's metrics -> check label -> simulated value."""


def metric_value(m: pd.DataFrame, metric: str, slice_: str = "all", value: str = "all") -> float:
    """The one value of ``metric`` for ``slice_ = value`` in one replication's metrics (the
    service's row, not service ``all``)."""
    row = m[
        (m["metric"] == metric)
        & (m["slice"] == slice_)
        & (m["slice_value"].astype(str) == value)
        & (m["service"] != "all")
    ]
    if len(row) != 1:
        raise ValueError(f"expected one {metric} row for {slice_}={value}, found {len(row)}")
    return float(row["value"].iloc[0])


def window_min(scenario: Scenario) -> float:
    """Minutes of the observation window [warm-up, horizon)."""
    return (scenario.calendar.horizon_days - scenario.calendar.warmup_days) * DAY_MIN


def pool_utilisation(m: pd.DataFrame) -> float:
    """Utilisation of the configurations' one caregiver pool (named ``servers``)."""
    return metric_value(m, "utilisation", "pool", "servers")
