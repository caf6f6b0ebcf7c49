"""``size_scenario``: the library function behind ``carecap size`` (a notebook can call it).

Loads the scenario (and ``--set``), checks the ``--vary`` paths and the targets (against the
metrics of a one-day probe replication: the same rows as ``metrics.parquet``), opens the results
folder, runs the pilot search (:mod:`~carecap.analysis.sizing.search`) and the confirmation
(:mod:`~carecap.analysis.sizing.confirm`), writes ``summary.parquet`` and the answer
(``size.json``, :mod:`~carecap.analysis.sizing.answer_file`) and returns a :class:`SizeOutcome`.
Ctrl-C propagates as ``KeyboardInterrupt`` once the workers have stopped, after ``size.json`` is
written with ``"status": "interrupted"``; every finished replication is on disk and a rerun of the
same command reuses it.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from carecap.analysis.sizing.answer_file import interrupted_data, write_answer
from carecap.analysis.sizing.capacity_hours import capacity_cost_per_year, staff_fte
from carecap.analysis.sizing.confirm import Confirmation, confirm
from carecap.analysis.sizing.evaluate import Evaluator
from carecap.analysis.sizing.search import Evaluated, Search, SearchResult, Settings
from carecap.analysis.sizing.store import RESULTS_ROOT, open_size_store
from carecap.analysis.sizing.targets import Target, check_targets, parse_target
from carecap.analysis.sizing.vary import Candidate, CandidateBuilder, Varied, parse_vary
from carecap.sim.errors import ScenarioError, UsageError, results_folder_errors
from carecap.sim.experiments.replications import simulate
from carecap.sim.experiments.sweep_results import write_summary
from carecap.sim.scenario.loader import load_scenario
from carecap.sim.scenario.model import Scenario
from carecap.sim.scenario.set_options import apply_set_options, jsonable_sets


@dataclass
class SizeOutcome:
    scenario: Scenario
    varied: list[Varied]
    targets: list[Target]
    settings: Settings
    folder: Path
    search: SearchResult
    pilots: list[Evaluated]
    confirmation: Confirmation | None
    unit_costs: list[float]
    has_costs: bool
    given_cost_per_year: float | None
    wall_s: float
    runs_simulated: int
    notes: list[str] = field(default_factory=list)
    evaluator: Any = None
    options: dict[str, Any] = field(default_factory=dict)
    """The command's options as given (scenario, vary, target, confidence, max_reps, ...)."""

    @property
    def feasible(self) -> bool:
        return self.confirmation is not None and self.confirmation.answer is not None

    @property
    def answer(self) -> Candidate | None:
        return self.confirmation.answer if self.confirmation else None

    def cost_of(self, candidate: Candidate) -> float | None:
        if self.given_cost_per_year is None:
            return None
        given = tuple(v.given for v in self.varied)
        return self.given_cost_per_year + sum(
            u * (x - g) for u, x, g in zip(self.unit_costs, candidate, given, strict=True)
        )

    def fte_of(self, candidate: Candidate) -> dict[str, float] | None:
        return staff_fte(self.evaluator.builder.scenario(candidate))


def _probe_metrics(scenario: Scenario):
    """The metric rows a replication of ``scenario`` reports, from a one-day run (the rows do
    not depend on the horizon: every declared slice value gets its rows)."""
    try:
        probe = scenario.with_overrides({"calendar.horizon_days": 1, "calendar.warmup_days": 0})
    except (ScenarioError, ValueError, KeyError):
        probe = scenario
    return simulate(probe, 0, scenario.seed)[1]


def size_scenario(
    scenario_file: str | os.PathLike[str],
    vary: list[str],
    targets: list[str],
    *,
    confidence: float = 0.95,
    max_reps: int = 20,
    pilot_reps: int = 4,
    sets: dict[str, Any] | None = None,
    workers: int | None = None,
    out: str | os.PathLike[str] | None = None,
    say: Callable[[str], None] | None = None,
) -> SizeOutcome:
    """Find the least capacity meeting ``targets``; see the module docstring.

    Raises:
        ScenarioError: the scenario file cannot be used.
        UsageError: a ``--vary``, ``--target``, ``--set``, ``--confidence`` or ``--max-reps``
            value cannot be used (the message names the option and the nearest valid names).
        ResultsError: the folder holds another search or other files, or is locked.
    """
    say = say or (lambda text: None)
    started = time.perf_counter()
    if not 0.5 <= confidence < 1:
        raise UsageError("--confidence", f"got {confidence:g}; it must be in [0.5, 1), e.g. 0.95")
    if max_reps < 2:
        raise UsageError(
            "--max-reps",
            f"got {max_reps}; a target's confidence bound needs at least 2 replications per "
            f"candidate (default {Settings.max_reps})",
        )
    if not targets:
        raise UsageError("--target", "give at least one target, e.g. --target 'alarm.wait_p90<=45'")
    parsed = [parse_target(t) for t in targets]
    scenario = apply_set_options(load_scenario(scenario_file), sets or {}, scenario_file)
    varied = parse_vary(vary, scenario)
    builder = CandidateBuilder(scenario, varied)
    top = builder.scenario(builder.top())
    check_targets(parsed, _probe_metrics(top), scenario.name)
    settings = Settings(confidence, max_reps, min(pilot_reps, max_reps))

    folder = Path(out) if out is not None else RESULTS_ROOT / scenario.name
    with results_folder_errors(folder, "write the sizing search's results folder"):
        store = open_size_store(
            folder,
            scenario,
            str(scenario_file),
            [v.shown for v in varied],
            jsonable_sets(sets or {}),
            scenario.seed,
        )
        with store.store.locked():
            store.store.remove_temporaries()
            ev = Evaluator(builder, parsed, confidence, store, workers)
            search = Search(ev, settings, say)
            given_cost = capacity_cost_per_year(scenario)
            notes: list[str] = []
            search.unit_costs = _unit_costs(builder, given_cost, notes)
            say(
                f"carecap size: {scenario.name}: {len(varied)} path(s), {len(parsed)} target(s), "
                f"confidence {confidence:g}, pilots up to {max_reps} replications -> {folder}"
            )
            options = {
                "scenario": str(scenario_file),
                "vary": list(vary),
                "target": list(targets),
                "confidence": confidence,
                "max_reps": max_reps,
                "pilot_reps": pilot_reps,
                "set": jsonable_sets(sets or {}),
                "workers": workers,
                "out": str(folder),
            }
            outcome = SizeOutcome(
                scenario=scenario,
                varied=varied,
                targets=parsed,
                settings=settings,
                folder=folder,
                search=SearchResult(None, builder.top(), False),
                pilots=[],
                confirmation=None,
                unit_costs=search.unit_costs,
                has_costs=given_cost is not None and any(u > 0 for u in search.unit_costs),
                given_cost_per_year=given_cost,
                wall_s=0.0,
                runs_simulated=0,
                notes=notes,
                evaluator=ev,
                options=options,
            )
            try:
                outcome.search = search.run()
                if outcome.search.answer is not None:
                    outcome.confirmation = confirm(search, outcome.search.answer)
            except KeyboardInterrupt:
                _write_interrupted(outcome, search, started)
                raise
            outcome.pilots = list(search.pilots.values())
            outcome.wall_s = time.perf_counter() - started
            outcome.runs_simulated = ev.ran
            write_summary(folder)
            from carecap.analysis.sizing.report import answer_data  # it imports this module

            write_answer(folder, answer_data(outcome))
    return outcome


def _write_interrupted(outcome: SizeOutcome, search: Search, started: float) -> None:
    """``size.json`` of a search stopped by Ctrl-C: the candidates judged so far, no answer."""
    from carecap.analysis.sizing.report import evaluated_data  # it imports this module

    outcome.pilots = list(search.pilots.values())
    data = interrupted_data(
        outcome.options,
        outcome.varied,
        outcome.targets,
        outcome.settings.confidence,
        [evaluated_data(outcome, e) for e in outcome.pilots],
        outcome.folder,
        outcome.evaluator.ran,
        time.perf_counter() - started,
    )
    write_answer(outcome.folder, data)
    # the summary of the runs done so far; the runs themselves are on disk already
    with contextlib.suppress(OSError, ValueError):
        write_summary(outcome.folder)


def _unit_costs(builder: CandidateBuilder, given_cost: float | None, notes: list[str]):
    """Cost per year of one more unit on each path (0 for a path that buys no priced unit);
    without costs in the scenario, 1 each: the search then minimises the units added."""
    n = len(builder.varied)
    if given_cost is None:
        if n > 1:
            notes.append("the scenario has no costs: the cheapest combination is the fewest units")
        return [1.0] * n
    given = builder.given()
    out = []
    for i in range(n):
        plus = (*given[:i], given[i] + 1, *given[i + 1 :])
        out.append(float(capacity_cost_per_year(builder.scenario(plus)) or 0.0) - given_cost)
    if n > 1 and not any(u > 0 for u in out):
        notes.append("no varied path has a unit cost: the cheapest combination is the fewest units")
        return [1.0] * n
    return out
