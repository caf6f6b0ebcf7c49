"""Service targets for ranking options: ``SERVICE.METRIC[@SLICE=VALUE] OP NUMBER``.

The syntax of ``carecap size --target`` (issue 10), e.g. ``alarm.on_time_rate>=0.9``,
``home_bath.wait_p90<=3``, ``alarm.within_30min@district=xiaodian>=0.8``; shares as fractions.
A target is judged on the 95 % interval of the option's summary row: ``meets`` when the whole
interval is on the right side of the threshold, ``fails`` when the whole interval is on the
wrong side, ``unsure`` otherwise (more replications would tell). The interval is the one of
``summary.parquet``, cut at the metric's range (no share above 1, nothing below 0): the cut moves
a verdict only for a threshold at the range's edge or past it (``on_time_rate>=0``,
``unmet_share<=1``), which every possible value meets, or fails.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from carecap.analysis.sizing import targets as sizing_targets
from carecap.sim.errors import UsageError


@dataclass(frozen=True)
class Target(sizing_targets.MetricBound):
    """A target of the report: ``op`` is ``<=`` or ``>=`` (an interval is judged against
    those)."""

    @property
    def text(self) -> str:
        return f"{self.name} {self.op} {self.threshold:g}"

    def judge(self, row: Any) -> str:
        """``meets``, ``fails`` or ``unsure`` for a summary row (``unsure`` when it is missing
        or has no interval)."""
        if row is None:
            return "unsure"
        low, high = row.ci_low, row.ci_high
        if low is None or high is None or math.isnan(low) or math.isnan(high):
            return "unsure"
        good, bad = (low, high) if self.op == ">=" else (-high, -low)
        x = self.threshold if self.op == ">=" else -self.threshold
        if good >= x:
            return "meets"
        return "fails" if bad < x else "unsure"


def parse_target(text: str, option: str = "--target") -> Target:
    """One target, read with ``carecap size``'s parser (the one syntax); a :class:`UsageError`
    naming ``option`` when it cannot be read or uses a strict ``<``/``>`` (an interval is judged
    against ``<=`` or ``>=`` here)."""
    parsed = sizing_targets.parse_target(text)
    if parsed.op not in ("<=", ">="):
        raise UsageError(
            option,
            f"{text!r}: write OP as <= or >= in a report target, e.g. 'alarm.on_time_rate>=0.9' "
            "or 'home_bath.wait_p90<=3' (shares as fractions)",
        )
    return Target(
        parsed.service,
        parsed.metric,
        parsed.slice,
        parsed.slice_value,
        parsed.op,
        parsed.threshold,
    )


def check_targets(targets: list[Target], summary: Any, option: str = "--target") -> None:
    """Every target names a service, metric and slice present in ``summary``."""
    keys = set(zip(summary["service"], summary["metric"], strict=True))
    for t in targets:
        if (t.service, t.metric) not in keys:
            services = ", ".join(sorted(set(summary["service"])))
            raise UsageError(
                option,
                f"{t.text}: the results have no metric {t.metric!r} for service {t.service!r}; "
                f"services: {services}; metrics as in metrics.parquet (e.g. on_time_rate, "
                "wait_mean, wait_p90, unmet_share, elder_coverage)",
            )
        mine = summary[(summary["service"] == t.service) & (summary["slice"] == t.slice)]
        if t.slice_value not in set(mine["slice_value"]):
            raise UsageError(
                option, f"{t.text}: the results have no slice {t.slice}={t.slice_value}"
            )
