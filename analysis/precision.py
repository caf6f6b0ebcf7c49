"""Automatic replication count: add replications until the named metrics are precise enough.

``carecap run SCENARIO --precision 0.05`` starts with the usual replications (``--reps`` or the
scenario's), then adds batches (of the worker count, at least 2) until, for every named metric
(slice ``all``), the 95 % Student-t half-width is at most ``precision × |mean|`` — the *relative
precision* — or the cap (``--max-reps``, default 200) is reached. A metric whose mean and
half-width are both 0 (e.g. no unmet request in any replication) counts as precise. A given cap
below the initial replications is refused before anything runs: a run never holds more than
``--max-reps``.

Replication numbers continue (0, 1, ..., n - 1) with the same seed, so the results equal those of
a plain ``carecap run --reps n``. The stopping rule is sequential: stopping as soon as the
interval looks narrow enough slightly undercovers (the half-width is itself random), which is
the usual price of a relative-precision rule (Law, *Simulation Modeling and Analysis*, §9.4.1).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from carecap.analysis.stats import summarise
from carecap.sim.errors import UsageError
from carecap.sim.experiments.replications import ReplicationResult, run_replications
from carecap.sim.scenario.model import Scenario

DEFAULT_METRICS = ("wait_mean",)
"""Metrics watched when none are named: the mean wait of every service."""
DEFAULT_MAX_REPS = 200
STATUS_COLUMNS = [
    "name",
    "service",
    "metric",
    "unit",
    "n",
    "mean",
    "half_width",
    "relative",
    "met",
]


def is_precise(mean: float, half_width: float, precision: float) -> bool:
    """``half_width <= precision × |mean|``; a mean of 0 with half-width 0 counts as precise;
    an undefined half-width (fewer than 2 replications) does not."""
    if half_width is None or math.isnan(half_width) or mean is None or math.isnan(mean):
        return False
    return half_width <= precision * abs(mean)


def precision_status(
    per_rep: pd.DataFrame,
    names: Sequence[str],
    precision: float,
    confidence: float = 0.95,
) -> tuple[pd.DataFrame, list[str]]:
    """Where each named metric stands (slice ``all``), and the names matching nothing.

    Returns a frame with :data:`STATUS_COLUMNS` — ``name`` as given, ``service``, ``metric``,
    ``unit``, ``n`` (replications with a value), ``mean`` and ``half_width`` (in the metric's
    unit), ``relative`` (half-width / |mean|: 0 when both are 0, inf when only the mean is 0,
    NaN when n < 2), ``met`` (see :func:`is_precise`) — one row per service a name matches;
    and the list of names that match no row of ``per_rep``.
    """
    rows = per_rep[per_rep["slice"] == "all"]
    picked, unknown = [], []
    for name in names:
        service, _, metric = name.rpartition(".")
        hit = rows["metric"] == metric
        if service:
            hit &= rows["service"] == service
        if not hit.any():
            unknown.append(name)
            continue
        picked.append(rows[hit].assign(name=name))
    if not picked:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in STATUS_COLUMNS}), unknown
    chosen = pd.concat(picked, ignore_index=True)
    # A metric named twice (care_visit.wait_mean and wait_mean) is watched once.
    chosen = chosen.drop_duplicates(["service", "metric", "unit", "replication"])
    summary = summarise(chosen.assign(scenario=chosen["name"]), confidence)
    summary = summary.rename(columns={"scenario": "name"})
    mean, hw = summary["mean"].to_numpy(np.float64), summary["half_width"].to_numpy(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where((mean == 0) & (hw == 0), 0.0, hw / np.abs(mean))
    summary["relative"] = relative
    summary["met"] = [is_precise(m, h, precision) for m, h in zip(mean, hw, strict=True)]
    return summary[STATUS_COLUMNS].reset_index(drop=True), unknown


@dataclass(frozen=True)
class PrecisionOutcome:
    """What the precision loop reached.

    ``replications``: how many ran; ``capped``: the cap stopped it before every metric was
    precise; ``unknown``: names that matched no metric (bad input, reported after the run).
    """

    precision: float
    status: pd.DataFrame
    replications: int
    initial: int
    max_reps: int
    capped: bool
    unknown: tuple[str, ...] = ()
    cap_given: bool = True
    """Whether ``max_reps`` was given (``--max-reps``); else it is the default cap
    (:data:`DEFAULT_MAX_REPS`, raised to the initial count)."""

    @property
    def reached(self) -> bool:
        """Every named metric is within the precision."""
        return bool(len(self.status)) and bool(self.status["met"].all())


def batch_size(workers: int) -> int:
    """Replications added per round: one per worker, at least 2."""
    return max(2, int(workers))


class PrecisionRule:
    """The stopping rule as a callable for
    :func:`carecap.sim.experiments.run_folder.run_to_folder` (``more=``): after each round, given
    the finished replications and the replication numbers asked for so far, the next batch of
    replication numbers, or none when every named metric is precise enough, a name matches no
    metric, or the cap is reached. :meth:`outcome` says where it stopped."""

    def __init__(
        self,
        precision: float,
        names: Sequence[str] | None = None,
        max_reps: int | None = None,
        workers: int = 1,
    ) -> None:
        if not 0 < precision < 1:
            raise ValueError(f"precision must be between 0 and 1, got {precision}")
        self.precision = precision
        self.names = list(names or DEFAULT_METRICS)
        self.max_reps = max_reps
        self.workers = workers
        self.initial: int | None = None
        self.status = pd.DataFrame({c: pd.Series(dtype=object) for c in STATUS_COLUMNS})
        self.unknown: list[str] = []
        self.replications = 0

    def settings(self) -> dict:
        """Plain data saying what the rule is (recorded in the run's manifest)."""
        return {
            "precision": self.precision,
            "metrics": self.names,
            "max_reps": self.max_reps or DEFAULT_MAX_REPS,
        }

    def cap(self) -> int:
        """The most replications: ``max_reps``, or the default cap raised to the initial count
        (a given ``max_reps`` below the initial count is refused before the run starts:
        ``run_to_folder(max_reps=...)``, :func:`run_to_precision`)."""
        if self.max_reps is not None:
            return self.max_reps
        return max(self.initial or 0, DEFAULT_MAX_REPS)

    def __call__(self, results: Sequence[ReplicationResult], reps: list[int]) -> list[int]:
        if self.initial is None:
            self.initial = len(reps)
        self.replications = len(reps)
        metrics = pd.concat([r.metrics for r in results], ignore_index=True)
        self.status, self.unknown = precision_status(metrics, self.names, self.precision)
        done = bool(len(self.status)) and bool(self.status["met"].all())
        if done or self.unknown or len(reps) >= self.cap():
            return []
        return list(range(len(reps), min(len(reps) + batch_size(self.workers), self.cap())))

    def outcome(self) -> PrecisionOutcome:
        done = bool(len(self.status)) and bool(self.status["met"].all())
        return PrecisionOutcome(
            precision=self.precision,
            status=self.status,
            replications=self.replications,
            initial=self.initial or 0,
            max_reps=self.cap(),
            capped=not done and not self.unknown and self.replications >= self.cap(),
            unknown=tuple(self.unknown),
            cap_given=self.max_reps is not None,
        )


def run_to_precision(
    scenario: Scenario,
    reps: list[int],
    seed: int,
    out_dir: Path | None,
    workers: int,
    on_done: Callable[[ReplicationResult], None],
    precision: float,
    names: Sequence[str] | None = None,
    max_reps: int | None = None,
) -> PrecisionOutcome:
    """Run ``reps``, then add replications until precise (see the module docstring), without a
    results folder (``carecap run --precision`` uses :class:`PrecisionRule` with
    :func:`carecap.sim.experiments.run_folder.run_to_folder`).

    ``reps`` (the initial replication numbers, 0..k-1) is extended in place as batches are
    planned. ``workers`` is the number of processes available; each batch holds
    :func:`batch_size` replications (fewer at the cap). ``on_done`` is passed to
    :func:`carecap.sim.experiments.replications.run_replications`. The cap ``max_reps`` (default
    200) is the most replications run; given below the initial count it is refused
    (:class:`~carecap.sim.errors.UsageError`) before anything runs, while the default cap is
    raised to the initial count.
    """
    if max_reps is not None and len(reps) > max_reps:
        raise UsageError(
            "--max-reps",
            f"{max_reps} is below the {len(reps)} initial replications; give --max-reps "
            f"{len(reps)} or more, or fewer initial replications",
        )
    rule = PrecisionRule(precision, names, max_reps, workers)
    results: list[ReplicationResult] = []
    batch = list(reps)
    while batch:
        results += run_replications(
            scenario, batch, seed, out_dir, max(1, min(workers, len(batch))), on_done
        )
        batch = rule(results, reps)
        reps.extend(batch)
    return rule.outcome()


def with_precision(data: dict, outcome: PrecisionOutcome | None) -> dict:
    """``data`` (the JSON summary of ``carecap run``) with a ``precision`` entry if any."""
    return data if outcome is None else {**data, "precision": precision_json(outcome)}


def unknown_metrics_message(outcome: PrecisionOutcome) -> str:
    """What to say when names matched no metric (empty when all matched)."""
    if not outcome.unknown:
        return ""
    return (
        f"no metric named {', '.join(outcome.unknown)} (slice all); write service.metric,"
        " e.g. care_visit.wait_mean, or a bare metric name such as wait_mean"
    )


def format_precision(outcome: PrecisionOutcome) -> str:
    """What was reached, per metric: n, mean ± half-width, relative precision, met or not."""
    target = f"{outcome.precision * 100:g} %"
    if outcome.unknown:
        head = f"Precision: stopped, unknown metric(s) {', '.join(outcome.unknown)}."
    elif outcome.reached:
        head = (
            f"Precision reached: every metric's 95 % half-width is within {target} of its mean"
            f" after {outcome.replications} replication(s)"
            f" ({outcome.initial} initial, {outcome.replications - outcome.initial} added)."
        )
    else:
        unmet = int((~outcome.status["met"].astype(bool)).sum())
        if outcome.cap_given:
            cap = f"the cap of {outcome.max_reps} replications (--max-reps)"
        elif outcome.max_reps > DEFAULT_MAX_REPS:
            cap = (
                f"the default cap, raised to the {outcome.max_reps} replications the run started"
                f" with, so none were added (--max-reps N allows more)"
            )
        else:
            cap = f"the default cap of {outcome.max_reps} replications (--max-reps N allows more)"
        head = (
            f"PRECISION NOT REACHED: stopped by {cap}; {unmet} metric(s) still wider than"
            f" {target} of the mean."
        )
    lines = [
        *textwrap.wrap(head, 100),
        f"  {'metric':<36}{'n':>5}{'mean':>14}{'± half-width':>16}{'relative':>10}  met",
    ]
    for r in outcome.status.itertuples(index=False):
        label = f"{r.service}.{r.metric} ({r.unit})"
        rel = "-" if math.isnan(r.relative) else f"{r.relative * 100:.1f} %"
        if math.isinf(r.relative):
            rel = "inf"
        lines.append(
            f"  {label[:35]:<36}{r.n:>5}{_num(r.mean):>14}{_num(r.half_width):>16}"
            f"{rel:>10}  {'yes' if r.met else 'NO'}"
        )
    return "\n".join(lines)


def _num(x: float) -> str:
    if x is None or math.isnan(x):
        return "-"
    ax = abs(x)
    digits = 0 if ax >= 100 else 2 if ax >= 1 else 4
    return f"{x:,.{digits}f}"


def precision_json(outcome: PrecisionOutcome) -> dict:
    """The outcome as JSON-ready data (non-finite numbers as ``None``)."""
    rows = []
    for row in outcome.status.to_dict(orient="records"):
        rows.append(
            {
                k: (None if isinstance(v, float) and not math.isfinite(v) else _py(v))
                for k, v in row.items()
            }
        )
    return {
        "precision": outcome.precision,
        "reached": outcome.reached,
        "capped": outcome.capped,
        "replications": outcome.replications,
        "initial_replications": outcome.initial,
        "max_reps": outcome.max_reps,
        "max_reps_given": outcome.cap_given,
        "unknown_metrics": list(outcome.unknown),
        "metrics": rows,
    }


def _py(value):
    return value.item() if isinstance(value, np.generic) else value
