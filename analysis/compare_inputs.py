"""What goes into a paired comparison (:mod:`carecap.analysis.compare`): the metric rows compared
(:func:`select_metrics`, by default the headline metrics) and whether the two per-replication
tables are paired under common random numbers (:func:`crn_problems`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

HEADLINE_METRICS = (
    "wait_mean",
    "on_time_rate",
    "request_coverage",
    "unmet",
    "elder_coverage",
    "utilisation",
    "starts_weekday_cv",
)
"""Metrics compared by default (slice ``all``, and ``pool`` for utilisation)."""
DEFAULT_SLICES = ("all", "pool")


def select_metrics(
    per_rep: pd.DataFrame,
    metrics: Sequence[str] | None = HEADLINE_METRICS,
    slices: Sequence[str] | None = DEFAULT_SLICES,
) -> pd.DataFrame:
    """The rows of ``per_rep`` to compare.

    ``metrics`` are names, either bare (``wait_mean``: every service) or qualified
    (``care_visit.wait_mean``: that service only); ``None`` keeps every metric. ``slices`` keeps
    those slice kinds (``None``: all of them).
    """
    keep = np.ones(len(per_rep), dtype=bool)
    if slices is not None:
        keep = keep & per_rep["slice"].isin(list(slices)).to_numpy()
    if metrics is not None:
        wanted = np.zeros(len(per_rep), dtype=bool)
        for name in metrics:
            service, _, metric = name.rpartition(".")
            hit = (per_rep["metric"] == metric).to_numpy()
            if service:
                hit = hit & (per_rep["service"] == service).to_numpy()
            wanted |= hit
        keep &= wanted
    return per_rep[keep]


def crn_problems(per_rep_a: pd.DataFrame, per_rep_b: pd.DataFrame) -> list[str]:
    """Why the two tables might not be paired under common random numbers (empty if fine).

    Checks that both hold the same replication numbers and, when a ``seed`` column is present,
    that replication ``r`` has the same root seed on both sides.
    """
    problems = []
    reps_a = set(per_rep_a["replication"].unique())
    reps_b = set(per_rep_b["replication"].unique())
    if reps_a != reps_b:
        only_a, only_b = sorted(reps_a - reps_b), sorted(reps_b - reps_a)
        problems.append(
            f"replications differ (only in A: {_short(only_a)}; only in B: {_short(only_b)});"
            " only the common ones are paired"
        )
    if "seed" in per_rep_a.columns and "seed" in per_rep_b.columns:
        seeds_a = per_rep_a.groupby("replication")["seed"].first()
        seeds_b = per_rep_b.groupby("replication")["seed"].first()
        seeds_a, seeds_b = seeds_a.align(seeds_b, join="inner")
        if (seeds_a != seeds_b).any():
            problems.append(
                "the root seeds differ between A and B: replications are not under common"
                " random numbers, the paired interval is valid but gains nothing"
            )
    return problems


def _short(values: list) -> str:
    if not values:
        return "none"
    text = ", ".join(str(v) for v in values[:5])
    return text + (", ..." if len(values) > 5 else "")
