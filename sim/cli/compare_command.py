"""``carecap compare A B``: paired comparison of two alternatives under common random numbers.

Each of A and B is a scenario YAML file or a sweep point written ``SWEEP_DIR:POINT_ID``. Scenario
files are run here (records not written) with the same root seed and replication numbers, so
replication ``r`` of both sees the same demand; sweep points are read from the sweep's results
(:func:`carecap.sim.experiments.sweep_store.read_point_metrics`). A scenario compared with a sweep
point is run with
the point's seed and replications (see :func:`_plan` for antithetic sweeps). The statistics are
:func:`carecap.analysis.compare.compare_metrics`.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from carecap.analysis.compare import (
    DEFAULT_SLICES,
    HEADLINE_METRICS,
    compare_metrics,
    comparison_json,
    crn_problems,
    format_comparison,
)
from carecap.sim.errors import ScenarioError
from carecap.sim.experiments.atomic import dumps
from carecap.sim.experiments.replications import (
    ReplicationResult,
    default_workers,
    run_replications,
)
from carecap.sim.scenario.loader import load_scenario
from carecap.sim.scenario.model import Scenario


@dataclass(frozen=True)
class Alternative:
    """One side of a comparison, as written on the command line."""

    text: str
    scenario_path: Path | None = None
    sweep_dir: Path | None = None
    point_id: str | None = None

    @property
    def is_sweep_point(self) -> bool:
        return self.sweep_dir is not None


def parse_alternative(text: str) -> Alternative:
    """``file.yaml`` → a scenario; ``SWEEP_DIR:POINT_ID`` → a sweep point.

    A text is a sweep point when it contains ``:``, is not an existing file, and the part
    before the last ``:`` is an existing folder or the part after it has no path separator
    and no YAML suffix.
    """
    head, sep, tail = text.rpartition(":")
    if sep and head and tail and not Path(text).is_file():
        looks_like_point = "/" not in tail and not tail.endswith((".yaml", ".yml"))
        if Path(head).is_dir() or looks_like_point:
            return Alternative(text, sweep_dir=Path(head), point_id=tail)
    return Alternative(text, scenario_path=Path(text))


@dataclass
class Side:
    """One alternative being prepared: a scenario to run, or a sweep point's results."""

    alt: Alternative
    label: str
    scenario: Scenario | None = None
    metrics: pd.DataFrame | None = None
    antithetic: bool = False


def load_side(alt: Alternative) -> Side:
    """Load the scenario, or read the sweep point (bad input as :class:`ScenarioError`)."""
    if not alt.is_sweep_point:
        scenario = load_scenario(alt.scenario_path)
        return Side(alt, f"{scenario.name} ({alt.text})", scenario=scenario)
    assert alt.sweep_dir is not None and alt.point_id is not None
    if not alt.sweep_dir.is_dir():
        raise ScenarioError(
            alt.text, "", f"no sweep folder {alt.sweep_dir} (write SWEEP_DIR:POINT_ID)"
        )
    from carecap.sim.experiments.sweep_store import read_point_metrics, store_at

    store = store_at(alt.sweep_dir)  # ScenarioError if not a sweep's results folder
    try:
        metrics = read_point_metrics(alt.sweep_dir, alt.point_id)
    except KeyError as exc:
        raise ScenarioError(alt.text, "", str(exc.args[0] if exc.args else exc)) from None
    if metrics.empty:
        raise ScenarioError(
            alt.text, "", f"point {alt.point_id!r} of {alt.sweep_dir} has no finished replication"
        )
    point = next(p for p in store.points() if p["point_id"] == alt.point_id)
    params = ", ".join(f"{k}={v}" for k, v in point.get("parameters", {}).items())
    label = f"{alt.text} ({point.get('label') or params})" if point.get("label") or params else ""
    return Side(
        alt,
        label or alt.text,
        metrics=metrics,
        antithetic=bool(store.info.get("antithetic", False)),
    )


def _point_seed(side: Side) -> int | None:
    assert side.metrics is not None
    if "seed" not in side.metrics.columns:
        return None
    seeds = side.metrics["seed"].dropna().unique()
    if len(seeds) != 1:
        raise ScenarioError(
            side.alt.text, "", f"the point's replications use several seeds: {list(seeds)}"
        )
    return int(seeds[0])


def compare(args: argparse.Namespace) -> int:
    """Run (or read) both alternatives, compare them, print the table or JSON."""
    quiet = bool(args.json)
    sides = [load_side(parse_alternative(args.a)), load_side(parse_alternative(args.b))]
    reps, seed, notes = _plan(args, sides)
    workers = min(args.workers or default_workers(), max(1, len(reps)))
    frames = []
    for side, name in zip(sides, "AB", strict=True):
        if side.scenario is not None:
            frames.append(_run(side.scenario, reps, seed, workers, name, quiet))
        else:
            frames.append(_point_observations(side, reps, all(s.antithetic for s in sides)))
    a, b = frames
    table = compare_metrics(
        a,
        b,
        args.metrics if args.metrics is not None else HEADLINE_METRICS,
        args.slices if args.slices is not None else DEFAULT_SLICES,
    )
    if table.empty:
        raise ScenarioError(
            args.b, "", f"no metric to compare: none of {_asked(args)} is reported by both A and B"
        )
    problems = crn_problems(a, b)
    if quiet:
        data = {
            "a": sides[0].label,
            "b": sides[1].label,
            "seed": seed,
            "replications": reps,
            "notes": notes,
            "warnings": problems,
            "comparison": comparison_json(table),
        }
        print(dumps(data))
    else:
        header = [f"  seed {seed}, replications {_span(reps)}"]
        header += [f"  {n}" for n in notes]
        header += [f"  WARNING: {p}" for p in problems]
        print(format_comparison(table, sides[0].label, sides[1].label, header))
    return 0


def _asked(args: argparse.Namespace) -> str:
    return ", ".join(args.metrics) if args.metrics else "the headline metrics"


def _span(reps: list[int]) -> str:
    if reps == list(range(len(reps))):
        return f"0..{len(reps) - 1}" if len(reps) > 1 else "0"
    if len(reps) > 12:
        return f"{', '.join(str(r) for r in reps[:10])}, ... ({len(reps)} in all)"
    return ", ".join(str(r) for r in reps)


def _plan(args: argparse.Namespace, sides: list[Side]) -> tuple[list[int], int, list[str]]:
    """The replication numbers both sides use, the root seed, and notes for the header.

    Scenario files alone: replications ``0 .. N-1`` (``--reps`` or A's), seed ``--seed`` or
    A's. With sweep points: the replications every point has finished (below ``--reps`` if
    given) and the points' seed; a scenario file is run with those. An antithetic sweep's odd
    replications mirror the even ones: two points of antithetic sweeps are compared pair by pair
    (each pair averaged into one observation); an antithetic point against anything else uses
    only its even replications, which are ordinary ones.
    """
    points = [s for s in sides if s.metrics is not None]
    if not points:
        first = sides[0].scenario
        assert first is not None
        n = args.reps or first.replications
        return list(range(n)), int(first.seed if args.seed is None else args.seed), []
    notes = []
    pairs = all(s.antithetic for s in sides)
    available = set.intersection(*(set(s.metrics["replication"].astype(int)) for s in points))
    if args.reps is not None:
        available = {r for r in available if r < args.reps}
    if pairs:
        available = {r for r in available if r % 2 == 0 and r + 1 in available}
        notes.append("antithetic sweeps: each pair (2k, 2k+1) is averaged into one observation")
    elif any(s.antithetic for s in points):
        available = {r for r in available if r % 2 == 0}
        notes.append(
            "antithetic sweep point: only its even replications (ordinary streams) are paired"
        )
    reps = sorted(available)
    if not reps:
        raise ScenarioError(points[0].alt.text, "", "no replication common to A and B to pair")
    seed = _point_seed(points[0])
    if args.seed is not None and seed is not None and args.seed != seed:
        raise ScenarioError(
            points[0].alt.text,
            "",
            f"--seed {args.seed} differs from the sweep point's seed {seed}: the pairing"
            " would not be under common random numbers (leave --seed out)",
        )
    if seed is None:
        scenario = next((s.scenario for s in sides if s.scenario is not None), None)
        seed = args.seed if args.seed is not None else scenario.seed if scenario else 0
    return reps, int(seed), notes


def _point_observations(side: Side, reps: list[int], pairs: bool) -> pd.DataFrame:
    """A sweep point's metrics restricted to ``reps``; antithetic pairs averaged if ``pairs``."""
    assert side.metrics is not None
    if not pairs:
        return side.metrics[side.metrics["replication"].isin(reps)]
    from carecap.sim.experiments.sweep_store import pair_means

    wanted = set(reps) | {r + 1 for r in reps}
    return pair_means(side.metrics[side.metrics["replication"].isin(wanted)])


def _run(
    scenario: Scenario, reps: list[int], seed: int, workers: int, side: str, quiet: bool
) -> pd.DataFrame:
    """Run one scenario's replications (no records written); its tidy metrics."""
    done: list[int] = []

    def on_done(result: ReplicationResult) -> None:
        done.append(result.replication)
        if not quiet:
            print(
                f"  {side}: replication {result.replication:>3} done in"
                f" {result.timings['total_s']:.2f} s ({len(done)}/{len(reps)})",
                file=sys.stderr,
                flush=True,
            )

    if not quiet:
        print(
            f"carecap: {side} = {scenario.name}: {len(reps)} replication(s), seed {seed},"
            f" {workers} worker(s)",
            file=sys.stderr,
            flush=True,
        )
    results = run_replications(scenario, reps, seed, None, workers, on_done)
    return pd.concat([r.metrics for r in results], ignore_index=True)
