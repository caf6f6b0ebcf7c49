"""The answer of a sizing search as text (the table ``carecap size`` prints) and as JSON data."""

from __future__ import annotations

import math
from typing import Any

from carecap.analysis.sizing.answer_file import COMPLETE, varied_data
from carecap.analysis.sizing.search import Evaluated
from carecap.analysis.sizing.size import SizeOutcome
from carecap.analysis.sizing.targets import Judgement


def _num(x: float | None, digits: int = 4) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:,.0f}" if abs(x) >= 10_000 else f"{x:.{digits}g}"


def _judgement(j: Judgement) -> str:
    if j.n < 2:
        return f"{_num(j.mean)} (n={j.n}: no bound)"
    side = "<=" if j.target.upper else ">="
    mark = "meets" if j.meets else "NOT met"
    return f"{_num(j.mean)} ± {_num(j.half_width, 2)} (bound {side} {_num(j.bound)}) {mark}"


def judgement_data(j: Judgement) -> dict[str, Any]:
    return {
        "target": j.target.text,
        "metric": j.target.name,
        "op": j.target.op,
        "threshold": j.target.threshold,
        "n": j.n,
        "estimate": j.mean,
        "half_width": j.half_width,
        "bound": j.bound,
        "meets": j.meets,
    }


def evaluated_data(outcome: SizeOutcome, e: Evaluated) -> dict[str, Any]:
    return {
        "values": dict(zip([v.shown for v in outcome.varied], e.candidate, strict=True)),
        "stage": e.stage,
        "replications": list(e.reps),
        "verdict": e.verdict,
        "cost_per_year": outcome.cost_of(e.candidate),
        "targets": [judgement_data(j) for j in e.judgements],
    }


def _block(outcome: SizeOutcome, title: str, e: Evaluated) -> list[str]:
    lines = [f"{title}: {outcome.evaluator.label(e.candidate)}"]
    width = max(len(j.target.text) for j in e.judgements)
    for j in e.judgements:
        lines.append(f"    {j.target.text:<{width}}  {_judgement(j)}")
    return lines


def format_answer(outcome: SizeOutcome) -> str:
    """The answer table: capacity per path, cost and FTE, each target's estimate ± interval at
    the answer and at each one-unit-smaller neighbour."""
    conf = outcome.confirmation
    pct = f"{outcome.settings.confidence:.0%}"
    lines: list[str] = []
    if not outcome.feasible:
        best = outcome.search.best
        evaluated = next(p for p in outcome.pilots if p.candidate == best)
        if outcome.search.answer is None:
            lines.append("NOT FEASIBLE: nothing in the ranges meets every target.")
        else:
            lines.append(
                "NOT CONFIRMED: the pilots' answer failed the confirmation on fresh replications "
                "(raise --max-reps, or widen the ranges)."
            )
        binding = evaluated.binding()
        if binding is not None:
            lines.append(f"binding target at the best candidate found: {binding.target.text}")
        lines += _block(outcome, "best found (pilot)", evaluated)
        if conf is not None:
            for e in conf.tested:
                lines += _block(outcome, "confirmation", e)
        return "\n".join(lines + _notes(outcome))
    assert conf is not None and conf.answer is not None
    answer = conf.answer
    given = tuple(v.given for v in outcome.varied)
    lines.append(f"answer (confirmed at {pct} on {len(conf.reps)} fresh replications):")
    w = max(len(v.shown) for v in outcome.varied)
    lines.append(f"    {'field':<{w}}  {'given':>6}  {'answer':>6}  {'range':>9}")
    for v, x in zip(outcome.varied, answer, strict=True):
        lines.append(f"    {v.shown:<{w}}  {v.given:>6}  {x:>6}  {f'{v.low}:{v.high}':>9}")
    cost, before = outcome.cost_of(answer), outcome.given_cost_per_year
    if cost is not None and before is not None:
        currency = outcome.scenario.costs.currency if outcome.scenario.costs else ""
        lines.append(
            f"capacity cost per year: {cost:,.0f} {currency} ({cost - before:+,.0f} against the "
            f"scenario as given, {before:,.0f}; caregivers, teams, stations, vans)"
        )
    fte, fte_given = outcome.fte_of(answer), outcome.fte_of(given)
    if fte and fte_given:
        lines.append(
            f"staff: caregivers {fte['caregiver_fte']:.1f} FTE (given "
            f"{fte_given['caregiver_fte']:.1f}), bathing teams {fte['bath_team_fte']:.1f} "
            f"team-FTE (given {fte_given['bath_team_fte']:.1f})"
        )
    chosen = next(e for e in conf.tested if e.candidate == answer)
    lines += _block(outcome, "at the answer", chosen)
    for i, e in conf.neighbours:
        lines += _block(outcome, f"one less {outcome.varied[i].shown}", e)
    if not outcome.search.proven:
        lines.append(
            "note: the candidate budget ran out; this is the cheapest found, not proven cheapest"
        )
    return "\n".join(lines + _notes(outcome))


def _notes(outcome: SizeOutcome) -> list[str]:
    """The rough-cut probes, monotonicity violations and other notes, one line each."""
    out = []
    for cut in outcome.search.rough_cuts:
        if cut is not None:
            lower = " (saturated at the top: a lower bound)" if cut.load.saturated else ""
            out.append(
                f"rough-cut {cut.path}: {cut.units} at {cut.target_utilisation:.0%} utilisation "
                f"(offered {cut.load.offered_busy_hours_per_year:,.0f} busy h/year{lower}, "
                f"{cut.hours_per_unit_per_year:,.0f} h per unit)"
            )
    out += [f"MONOTONICITY VIOLATED: {v}" for v in outcome.search.violations]
    out += [f"note: {n}" for n in outcome.notes]
    return out


def answer_data(outcome: SizeOutcome) -> dict[str, Any]:
    """The JSON of ``carecap size --json``, also written to the folder's ``size.json``."""
    conf = outcome.confirmation
    answer = outcome.answer
    shown = [v.shown for v in outcome.varied]
    chosen = None
    if conf is not None and answer is not None:
        chosen = next(e for e in conf.tested if e.candidate == answer)
    best = outcome.search.best
    binding = None
    if answer is None:
        evaluated = next(p for p in outcome.pilots if p.candidate == best)
        b = evaluated.binding()
        binding = b.target.text if b is not None else None
    return {
        "status": COMPLETE,
        "feasible": outcome.feasible,
        "answer": dict(zip(shown, answer, strict=True)) if answer is not None else None,
        "given": {v.shown: v.given for v in outcome.varied},
        "varied": varied_data(outcome.varied),
        "target_texts": [t.text for t in outcome.targets],
        "targets": [judgement_data(j) for j in chosen.judgements] if chosen else [],
        "cost_per_year": outcome.cost_of(answer) if answer is not None else None,
        "cost_change_per_year": (
            outcome.cost_of(answer) - outcome.given_cost_per_year
            if answer is not None and outcome.given_cost_per_year is not None
            else None
        ),
        "cost_basis": "unit costs" if outcome.has_costs else "units added (no costs)",
        "staff_fte": outcome.fte_of(answer) if answer is not None else None,
        "best_found": dict(zip(shown, best, strict=True)),
        "binding_target": binding,
        "confidence": outcome.settings.confidence,
        "pilot_answer": (
            dict(zip(shown, outcome.search.answer, strict=True))
            if outcome.search.answer is not None
            else None
        ),
        "proven_cheapest": outcome.search.proven,
        "neighbours": [
            {"path": outcome.varied[i].shown, **evaluated_data(outcome, e)}
            for i, e in (conf.neighbours if conf else [])
        ],
        "rough_cut": {c.path: c.units for c in outcome.search.rough_cuts if c is not None},
        "monotonicity_violations": outcome.search.violations,
        "candidates": [evaluated_data(outcome, e) for e in outcome.pilots]
        + [evaluated_data(outcome, e) for e in (conf.tested if conf else [])],
        "notes": outcome.notes,
        "folder": str(outcome.folder),
        "runs_simulated": outcome.runs_simulated,
        "wall_s": outcome.wall_s,
        "options": outcome.options,
    }
