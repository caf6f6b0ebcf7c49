"""``carecap validate``: simulation against queueing theory on built-in Markovian configurations.

Each configuration (:mod:`carecap.analysis.validate_configs`) is an ordinary scenario, run with
the normal replication runner (:func:`carecap.sim.experiments.replications.run_replications`),
and read in the normal per-replication metrics. Per check, the simulated figure is the mean over
replications with a Student-t interval; the check **passes** when the theory lies inside that
interval widened by a small tolerance: ``|mean − theory| <= half-width + tolerance``. The
interval printed is ``mean ± half-width`` cut at the figure's range (no share above 1, nothing
below 0: :func:`carecap.sim.metrics.summary.clip_interval`); the verdict uses the half-width.

False alarms. With m checks in all, each interval is at confidence 1 − α/m (Bonferroni), so a
correct engine fails any check with probability at most α = :data:`FAMILY_ALPHA` (plus what the
tolerance forgives). The tolerance, ``max(RELATIVE_TOLERANCE x |theory|,
ABSOLUTE_TOLERANCE[unit])``, covers what the theory leaves out by design: runs that start
empty (after a warm-up), the priority tiers' class rates drawn per elder, a job spanning a whole
night in the shift chain.
Seeds are fixed, so a given engine gives the same verdicts every time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats

from carecap.analysis.validate_base import Configuration
from carecap.analysis.validate_configs import configurations
from carecap.sim.experiments.replications import run_replications
from carecap.sim.metrics.summary import clip_interval

FAMILY_ALPHA = 0.05
RELATIVE_TOLERANCE = 0.01
ABSOLUTE_TOLERANCE = {"min": 0.01, "share": 0.002, "requests": 0.01, "per hour": 0.01}


@dataclass(frozen=True)
class Check:
    """One figure of one configuration: theory against the simulated mean."""

    configuration: str
    check: str
    unit: str
    theory: float
    mean: float
    ci_low: float
    ci_high: float
    tolerance: float
    replications: int
    passed: bool


@dataclass(frozen=True)
class ConfigurationRun:
    name: str
    validates: str
    replications: int
    horizon_days: float
    warmup_days: float
    seconds: float


@dataclass(frozen=True)
class ValidationReport:
    checks: list[Check]
    configurations: list[ConfigurationRun]
    confidence: float
    """Per-check two-sided confidence, 1 − FAMILY_ALPHA / len(checks)."""
    quick: bool
    seconds: float

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)


def tolerance(theory: float, unit: str) -> float:
    return max(RELATIVE_TOLERANCE * abs(theory), ABSOLUTE_TOLERANCE[unit])


def decide(
    config: str, check: str, unit: str, theory: float, values: list[float], confidence: float
) -> Check:
    """The verdict on one check from its per-replication values (at least 2)."""
    x = np.asarray(values, dtype=float)
    mean = float(x.mean())
    half = float(stats.t.ppf(0.5 + confidence / 2, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x)))
    tol = tolerance(theory, unit)
    passed = abs(mean - theory) <= half + tol
    low, high = (float(b) for b in clip_interval(mean, half, check, unit))
    return Check(config, check, unit, theory, mean, low, high, tol, len(x), passed)


def run_validation(
    quick: bool,
    workers: int,
    replications: int | None = None,
    on_configuration: Callable[[ConfigurationRun], None] = lambda run: None,
    chosen: list[Configuration] | None = None,
) -> ValidationReport:
    """Run every configuration (or ``chosen``) and judge each check. ``replications`` (>= 2)
    overrides the mode's number; ``workers`` does not change any result."""
    if replications is not None and replications < 2:
        raise ValueError("validation needs at least 2 replications for an interval")
    start = time.perf_counter()
    configs = chosen if chosen is not None else configurations(quick, replications)
    m = sum(len(c.theory) for c in configs)
    confidence = 1 - FAMILY_ALPHA / m
    checks, runs = [], []
    for config in configs:
        t0 = time.perf_counter()
        scenario = config.scenario
        reps = list(range(scenario.replications))
        results = run_replications(scenario, reps, scenario.seed, None, workers)
        values = [config.extract(r.metrics, scenario) for r in results]
        for label, (theory, unit) in config.theory.items():
            per_rep = [v[label] for v in values]
            checks.append(decide(config.name, label, unit, theory, per_rep, confidence))
        cal = scenario.calendar
        run = ConfigurationRun(
            config.name,
            config.validates,
            len(reps),
            cal.horizon_days,
            cal.warmup_days,
            time.perf_counter() - t0,
        )
        runs.append(run)
        on_configuration(run)
    return ValidationReport(checks, runs, confidence, quick, time.perf_counter() - start)


def format_report(report: ValidationReport) -> str:
    """The printed table: one row per check, then how the verdicts were made."""
    pct = f"{100 * report.confidence:.2f} %"
    head = (
        f"{'configuration':<16}{'check':<30}{'theory':>10}{'simulated':>11}"
        f"  {pct + ' interval':<24}{'tol':>9}  result"
    )
    lines = [head, "-" * len(head)]
    for c in report.checks:
        interval = f"[{_num(c.ci_low)}, {_num(c.ci_high)}]"
        lines.append(
            f"{c.configuration:<16}{c.check:<30}{_num(c.theory):>10}{_num(c.mean):>11}"
            f"  {interval:<24}{_num(c.tolerance):>9}  {'pass' if c.passed else 'FAIL'}"
        )
    failed = sum(not c.passed for c in report.checks)
    mode = "quick" if report.quick else "full"
    lines += [
        "",
        f"{len(report.checks) - failed} of {len(report.checks)} checks pass ({mode} mode, "
        f"{report.seconds:.0f} s). A check passes when |simulated - theory| <= half-width + tol.",
        f"Intervals: Student-t over replications at {pct} each (Bonferroni over "
        f"{len(report.checks)} checks: a correct engine fails any check with probability "
        f"<= {FAMILY_ALPHA:g}); tol = max({RELATIVE_TOLERANCE:.0%} of theory, a floor per unit: "
        + ", ".join(f"{v:g} {k}" for k, v in ABSOLUTE_TOLERANCE.items())
        + ").",
    ]
    for run in report.configurations:
        days = run.horizon_days - run.warmup_days
        lines.append(
            f"- {run.name}: {run.replications} replications x {days:g} days after "
            f"{run.warmup_days:g} day(s) of warm-up, {run.seconds:.0f} s. "
            f"{run.validates}."
        )
    return "\n".join(lines)


def report_json(report: ValidationReport) -> dict:
    return {
        "passed": report.passed,
        "quick": report.quick,
        "seconds": report.seconds,
        "family_alpha": FAMILY_ALPHA,
        "confidence_per_check": report.confidence,
        "relative_tolerance": RELATIVE_TOLERANCE,
        "absolute_tolerance": ABSOLUTE_TOLERANCE,
        "configurations": [asdict(r) for r in report.configurations],
        "checks": [asdict(c) for c in report.checks],
    }


def _num(x: float) -> str:
    return f"{x:.4g}" if abs(x) < 1e4 else f"{x:.0f}"
