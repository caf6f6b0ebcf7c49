"""Service targets for sizing: ``SERVICE.METRIC[@SLICE=VALUE] OP NUMBER``, and when one is met.

A target names one row of ``metrics.parquet`` (service, metric, slice, slice value; slice ``all``
when no ``@`` part is given) and a bound: ``home_bath.wait_p90<=3``,
``alarm.on_time_rate@district=xiaodian>=0.8``, ``care.utilisation@pool=cg_xiaodian<0.85``.

**When a target counts as met.** Per candidate capacity, the metric's value in each replication
is one observation (replications are independent; the requests within one are not: they share
queues). The target is met only when the one-sided Student-t bound at the stated confidence is on
the right side: for ``<=``/``<`` the upper bound ``mean + t(conf, n-1) sd / sqrt(n)``, for
``>=``/``>`` the lower bound. Shares (on-time rates, coverage) use the same t-bound across
replications: a Wilson or Clopper-Pearson interval would treat every request as an independent
trial, but the waits of requests in one queue are correlated, so such an interval would be too
narrow; and ``metrics.parquet`` holds no per-replication counts of the on-time rate's numerator
and denominator (censored requests leave the denominator). With fewer than two replications with
a value there is no bound: the target is not met. Several targets must all hold: an
intersection-union test, each target at the stated level (no correction is needed for that).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from carecap.sim.errors import UsageError
from carecap.sim.metrics.summary import metric_range
from carecap.sim.scenario.wording import did_you_mean

OPTION = "--target"
ALL = "all"
OPS = ("<=", ">=", "<", ">")
_SYNTAX = re.compile(
    r"^\s*(?P<service>[A-Za-z_][A-Za-z0-9_]*)\.(?P<metric>[A-Za-z_][A-Za-z0-9_]*)"
    r"(?:@(?P<slice>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>[^<>=\s]+))?"
    r"\s*(?P<op><=|>=|<|>)\s*(?P<number>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$"
)
_FORM = (
    "expected SERVICE.METRIC[@SLICE=VALUE] OP NUMBER with OP one of <=, >=, <, >, e.g. "
    "'home_bath.wait_p90<=3' or 'alarm.on_time_rate@district=xiaodian>=0.8'"
)


@dataclass(frozen=True)
class MetricBound:
    """A row of the metrics (service, metric, slice kind and value) and the bound its value must
    respect (``op`` and ``threshold``): what a sizing target and a report's target
    (:class:`carecap.analysis.report.targets.Target`) both are."""

    service: str
    metric: str
    slice: str
    slice_value: str
    op: str
    threshold: float

    @property
    def name(self) -> str:
        """``SERVICE.METRIC``, with ``@SLICE=VALUE`` unless the slice is ``all``."""
        where = "" if self.slice == ALL else f"@{self.slice}={self.slice_value}"
        return f"{self.service}.{self.metric}{where}"


@dataclass(frozen=True)
class Target(MetricBound):
    """One target: a metrics row and the bound it must respect."""

    text: str
    """As given (stripped)."""

    @property
    def upper(self) -> bool:
        """Whether the metric must stay below the threshold (the upper bound decides)."""
        return self.op in ("<=", "<")

    def satisfied_by(self, value: float) -> bool:
        """Whether ``value`` is on the right side of the threshold."""
        if math.isnan(value):
            return False
        return {
            "<=": value <= self.threshold,
            "<": value < self.threshold,
            ">=": value >= self.threshold,
            ">": value > self.threshold,
        }[self.op]


@dataclass(frozen=True)
class Judgement:
    """A target at one candidate: estimate, one-sided bound and the verdict."""

    target: Target
    n: int
    mean: float
    half_width: float
    """``t(conf, n-1) sd / sqrt(n)``: the distance from the mean to the one-sided bound."""
    bound: float
    """The one-sided bound that decides (upper for ``<``/``<=``, lower for ``>``/``>=``)."""
    meets: bool
    """The bound is on the right side: the target is met with the stated confidence."""
    fails: bool
    """The opposite one-sided bound is on the wrong side: clearly not met (more replications
    would very likely not help)."""

    @property
    def undecided(self) -> bool:
        return not (self.meets or self.fails)


def parse_target(text: str) -> Target:
    """Parse one ``--target`` text (syntax only; see :func:`check_targets` for the names).

    Raises:
        UsageError: the text does not follow the syntax.
    """
    match = _SYNTAX.match(text or "")
    if not match:
        raise UsageError(OPTION, f"got {text!r}: {_FORM}")
    g = match.groupdict()
    return Target(
        service=g["service"],
        metric=g["metric"],
        slice=g["slice"] or ALL,
        slice_value=g["value"] or ALL,
        op=g["op"],
        threshold=float(g["number"]),
        text=text.strip(),
    )


def _hint(word: str, choices: Iterable[str], what: str) -> str:
    options = sorted(set(choices))
    close = did_you_mean(word, options)
    listed = ", ".join(options[:30])
    if len(options) > 30:
        listed += f" and {len(options) - 30} more"
    return (f"; did you mean '{close}'?" if close else "") + f" {what}: {listed}"


def check_targets(targets: list[Target], metrics: pd.DataFrame, scenario_name: str) -> None:
    """Check that each target names a row of ``metrics`` (the tidy metrics of one replication of
    the scenario): the service, the metric of that service, the slice kind and its value.

    Raises:
        UsageError: naming ``--target``, the target, the part that does not exist and the
            nearest valid names.
    """
    rows = metrics[["service", "metric", "slice", "slice_value"]].astype(str).drop_duplicates()
    for t in targets:
        where = f"{t.text!r} (scenario '{scenario_name}')"
        mine = rows[rows["service"] == t.service]
        if mine.empty:
            hint = _hint(t.service, rows["service"], "services")
            raise UsageError(OPTION, f"{where}: no service '{t.service}'{hint}")
        mine = mine[mine["metric"] == t.metric]
        if mine.empty:
            names = rows.loc[rows["service"] == t.service, "metric"]
            hint = _hint(t.metric, names, f"metrics of {t.service}")
            raise UsageError(OPTION, f"{where}: no metric '{t.metric}' of {t.service}{hint}")
        kinds = mine[mine["slice"] == t.slice]
        if kinds.empty:
            hint = _hint(t.slice, mine["slice"], f"slices of {t.service}.{t.metric}")
            raise UsageError(
                OPTION, f"{where}: {t.service}.{t.metric} has no slice '{t.slice}'{hint}"
            )
        if t.slice_value not in set(kinds["slice_value"]):
            hint = _hint(t.slice_value, kinds["slice_value"], f"values of slice {t.slice}")
            raise UsageError(
                OPTION, f"{where}: slice {t.slice} has no value '{t.slice_value}'{hint}"
            )


def target_values(target: Target, metrics: pd.DataFrame) -> pd.Series:
    """The target's metric per replication (indexed by replication), from tidy metrics."""
    m = metrics
    mask = (
        (m["service"] == target.service)
        & (m["metric"] == target.metric)
        & (m["slice"] == target.slice)
        & (m["slice_value"].astype(str) == target.slice_value)
    )
    rows = m.loc[mask, ["replication", "value"]]
    return rows.set_index("replication")["value"].astype(float).sort_index()


def target_unit(target: Target, metrics: pd.DataFrame) -> str | None:
    """The unit of the target's metric in tidy ``metrics`` (None when it has no row there)."""
    units = metrics.loc[
        (metrics["service"] == target.service) & (metrics["metric"] == target.metric), "unit"
    ]
    return str(units.iloc[0]) if len(units) else None


def judge(
    target: Target, values: Iterable[float], confidence: float, unit: str | None = None
) -> Judgement:
    """The one-sided t-bound verdict for ``target`` on per-replication ``values`` (NaN values,
    e.g. a share with no requests in a replication, are left out).

    With the metric's ``unit``, both one-sided bounds are cut at the range the metric can take
    (:func:`~carecap.sim.metrics.summary.metric_range`: a share's at 100 %, every metric's at
    0), as the summary's intervals are: a bound past the range is no statement about the metric,
    and would make a target at the range's end (``unmet_share <= 0`` met by every replication
    but one) print a bound no replication can have. ``half_width`` stays the t half-width."""
    x = np.asarray([v for v in values if not math.isnan(v)], dtype=float)
    n = len(x)
    mean = float(x.mean()) if n else math.nan
    if n < 2:
        return Judgement(target, n, mean, math.nan, math.nan, False, False)
    sd = float(x.std(ddof=1))
    half = float(stats.t.ppf(confidence, n - 1) * sd / math.sqrt(n)) if sd > 0 else 0.0
    upper, lower = mean + half, mean - half
    if unit is not None:
        low, high = metric_range(target.metric, unit)
        upper, lower = min(upper, float(high)), max(lower, float(low))
    if target.upper:
        bound, other = upper, lower
    else:
        bound, other = lower, upper
    meets = target.satisfied_by(bound)
    # Clearly failing: even the bound on the favourable side is on the wrong side (and, with a
    # degenerate sd of 0, the mean itself is).
    fails = not target.satisfied_by(other) and not meets
    return Judgement(target, n, mean, half, bound, meets, fails)
