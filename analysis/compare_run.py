"""Comparing two alternatives end to end: the library behind ``carecap compare``.

Each of A and B is a scenario YAML file or a sweep point written ``SWEEP_DIR:POINT_ID``. Scenario
files are run here (records not written) with the same root seed and replication numbers, so
replication ``r`` of both sees the same demand; sweep points are read from the sweep's results
(:func:`carecap.sim.experiments.sweep_results.read_point_metrics`). A scenario compared with a sweep
point is run with the point's seed and replications (see :func:`plan_replications` for antithetic
sweeps). The statistics are :func:`carecap.analysis.compare.compare_metrics`;
:func:`compare_alternatives` does everything the command does, without printing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from carecap.analysis.compare import (
    DEFAULT_SLICES,
    HEADLINE_METRICS,
    compare_metrics,
    crn_problems,
)
from carecap.sim.errors import ResultsError, UsageError
from carecap.sim.experiments.replications import default_workers, run_replications
from carecap.sim.experiments.run_target import read_manifest
from carecap.sim.experiments.sweep_files import SWEEP_JSON
from carecap.sim.scenario.loader import load_scenario
from carecap.sim.scenario.model import Scenario
from carecap.sim.scenario.set_options import apply_set_options


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


def refuse_folders(a: str, b: str) -> None:
    """A folder given as A or B is a usage error saying what to give instead (a run's folder:
    ``carecap plot compare A --against B`` compares two finished runs, paired)."""
    for name, text in (("A", a), ("B", b)):
        alt = parse_alternative(text)
        if alt.scenario_path is None or not alt.scenario_path.is_dir():
            continue
        folder = alt.scenario_path
        takes = (
            "carecap compare takes scenario files (run here, paired) or sweep points "
            "(SWEEP_DIR:POINT_ID)"
        )
        if (folder / SWEEP_JSON).is_file():
            hint = f"name one of its points, e.g. {text.rstrip('/')}:p0000"
            raise UsageError(name, f"{text} is a sweep's results folder; {takes}: {hint}")
        if read_manifest(folder) is not None:
            both_runs = all(read_manifest(Path(t)) is not None for t in (a, b))
            a_run, b_run = (a, b) if both_runs else ("RUN_A", "RUN_B")
            raise UsageError(
                name,
                f"{text} is the results folder of a carecap run; {takes}. To compare two "
                f"finished runs, paired, use: carecap plot compare {a_run} --against {b_run}",
            )
        raise UsageError(name, f"{text} is a folder; {takes}")


@dataclass
class Side:
    """One alternative being prepared: a scenario to run, or a sweep point's results."""

    alt: Alternative
    label: str
    scenario: Scenario | None = None
    metrics: pd.DataFrame | None = None
    antithetic: bool = False


def with_sets(side: Side, sets: Mapping[str, Any]) -> Side:
    """``side`` with the ``--set`` settings applied to its scenario (as ``carecap run --set``
    does); a sweep point's scenario is fixed by its sweep, so settings for it are refused.

    Raises:
        UsageError: a path or value the scenario refuses, or settings for a sweep point.
    """
    if not sets:
        return side
    if side.scenario is None:
        raise UsageError(
            "--set",
            f"{side.alt.text} is a sweep point, whose scenario is fixed by its sweep; --set "
            "applies to scenario files only (compare two scenario files, or sweep with --set)",
        )
    scenario = apply_set_options(side.scenario, sets, side.alt.scenario_path)
    return replace(side, scenario=scenario, label=f"{side.label} with --set")


def load_side(alt: Alternative) -> Side:
    """Load the scenario (:class:`~carecap.sim.errors.ScenarioError`), or read the sweep point
    (:class:`~carecap.sim.errors.ResultsError` when it cannot be used)."""
    if not alt.is_sweep_point:
        scenario = load_scenario(alt.scenario_path)
        return Side(alt, f"{scenario.name} ({alt.text})", scenario=scenario)
    assert alt.sweep_dir is not None and alt.point_id is not None
    if not alt.sweep_dir.is_dir():
        raise ResultsError(
            alt.sweep_dir, f"no such sweep folder (in {alt.text}; write SWEEP_DIR:POINT_ID)"
        )
    from carecap.sim.experiments.sweep_results import read_point_metrics
    from carecap.sim.experiments.sweep_store import store_at

    store = store_at(alt.sweep_dir)  # ResultsError if not a sweep's results folder
    try:
        metrics = read_point_metrics(alt.sweep_dir, alt.point_id)
    except KeyError as exc:
        raise ResultsError(alt.sweep_dir, str(exc.args[0] if exc.args else exc)) from None
    if metrics.empty:
        raise ResultsError(
            alt.sweep_dir, f"point {alt.point_id!r} has no finished replication (in {alt.text})"
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
        raise ResultsError(
            side.alt.sweep_dir,
            f"the replications of {side.alt.text} use several seeds: {list(seeds)}",
        )
    return int(seeds[0])


def plan_replications(
    sides: Sequence[Side], reps: int | None = None, seed: int | None = None
) -> tuple[list[int], int, list[str]]:
    """The replication numbers both sides use, the root seed, and notes for the header.

    Scenario files alone: replications ``0 .. N-1`` (``reps`` or A's), seed ``seed`` or
    A's. With sweep points: the replications every point has finished (below ``reps`` if
    given) and the points' seed; a scenario file is run with those. An antithetic sweep's odd
    replications mirror the even ones: two points of antithetic sweeps are compared pair by pair
    (each pair averaged into one observation); an antithetic point against anything else uses
    only its even replications, which are ordinary ones.
    """
    points = [s for s in sides if s.metrics is not None]
    if not points:
        first = sides[0].scenario
        assert first is not None
        n = reps or first.replications
        return list(range(n)), int(first.seed if seed is None else seed), []
    asked_seed = seed
    notes = []
    pairs = all(s.antithetic for s in sides)
    available = set.intersection(*(set(s.metrics["replication"].astype(int)) for s in points))
    if reps is not None:
        available = {r for r in available if r < reps}
    if pairs:
        available = {r for r in available if r % 2 == 0 and r + 1 in available}
        notes.append("antithetic sweeps: each pair (2k, 2k+1) is averaged into one observation")
    elif any(s.antithetic for s in points):
        available = {r for r in available if r % 2 == 0}
        notes.append(
            "antithetic sweep point: only its even replications (ordinary streams) are paired"
        )
    chosen = sorted(available)
    if not chosen:
        raise UsageError("A B", f"{points[0].alt.text}: no replication common to A and B to pair")
    point_seed = _point_seed(points[0])
    if asked_seed is not None and point_seed is not None and asked_seed != point_seed:
        raise UsageError(
            "--seed",
            f"--seed {asked_seed} differs from the seed {point_seed} of sweep point "
            f"{points[0].alt.text}: the pairing would not be under common random numbers "
            "(leave --seed out)",
        )
    if point_seed is None:
        scenario = next((s.scenario for s in sides if s.scenario is not None), None)
        point_seed = asked_seed if asked_seed is not None else scenario.seed if scenario else 0
    return chosen, int(point_seed), notes


def point_observations(side: Side, reps: list[int], pairs: bool) -> pd.DataFrame:
    """A sweep point's metrics restricted to ``reps``; antithetic pairs averaged if ``pairs``."""
    assert side.metrics is not None
    if not pairs:
        return side.metrics[side.metrics["replication"].isin(reps)]
    from carecap.sim.experiments.sweep_results import pair_means

    wanted = set(reps) | {r + 1 for r in reps}
    return pair_means(side.metrics[side.metrics["replication"].isin(wanted)])


def run_side(
    scenario: Scenario,
    reps: list[int],
    seed: int,
    workers: int,
    side: str,
    say: Callable[[str], None],
) -> pd.DataFrame:
    """Run one scenario's replications (no records written); its tidy metrics."""
    done: list[int] = []

    def on_done(result) -> None:
        done.append(result.replication)
        say(
            f"  {side}: replication {result.replication:>3} done in"
            f" {result.timings['total_s']:.2f} s ({len(done)}/{len(reps)})"
        )

    say(
        f"carecap: {side} = {scenario.name}: {len(reps)} replication(s), seed {seed},"
        f" {workers} worker(s)"
    )
    results = run_replications(scenario, reps, seed, None, workers, on_done)
    return pd.concat([r.metrics for r in results], ignore_index=True)


@dataclass(frozen=True)
class Comparison:
    """What :func:`compare_alternatives` found: the table of
    :func:`carecap.analysis.compare.compare_metrics`, the sides' labels, the replications and
    seed paired, notes on the pairing and warnings about common random numbers."""

    table: pd.DataFrame
    a: str
    b: str
    seed: int
    replications: list[int]
    notes: list[str]
    warnings: list[str]


def compare_alternatives(
    a: str | os.PathLike[str],
    b: str | os.PathLike[str],
    *,
    reps: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    metrics: Sequence[str] | None = None,
    slices: Sequence[str] | None = None,
    progress: Callable[[str], None] | None = None,
    sets: Mapping[str, Any] | None = None,
) -> Comparison:
    """Run (or read) A and B and compare them, paired, B - A (see the module docstring).

    Raises:
        ScenarioError: a scenario file cannot be used.
        ResultsError: a sweep point cannot be read.
        UsageError: ``seed``/``metrics`` do not fit (no metric to compare, another seed than a
            sweep point's), or A or B is a folder (:func:`refuse_folders`).
    """
    say = progress or (lambda text: None)
    refuse_folders(str(a), str(b))
    sides = [
        with_sets(load_side(parse_alternative(str(a))), sets or {}),
        with_sets(load_side(parse_alternative(str(b))), sets or {}),
    ]
    chosen, root_seed, notes = plan_replications(sides, reps, seed)
    n_workers = min(workers or default_workers(), max(1, len(chosen)))
    pairs = all(s.antithetic for s in sides)
    frames = []
    for side, name in zip(sides, "AB", strict=True):
        if side.scenario is not None:
            frames.append(run_side(side.scenario, chosen, root_seed, n_workers, name, say))
        else:
            frames.append(point_observations(side, chosen, pairs))
    table = compare_metrics(
        frames[0],
        frames[1],
        list(metrics) if metrics is not None else HEADLINE_METRICS,
        list(slices) if slices is not None else DEFAULT_SLICES,
    )
    if table.empty:
        asked = ", ".join(metrics) if metrics else "the headline metrics"
        raise UsageError(
            "--metrics", f"no metric to compare: none of {asked} is reported by both A and B"
        )
    problems = crn_problems(frames[0], frames[1])
    return Comparison(table, sides[0].label, sides[1].label, root_seed, chosen, notes, problems)
