"""``carecap compare A B``: paired comparison of two alternatives under common random numbers.

The library is :func:`carecap.analysis.compare_run.compare_alternatives`; this module calls it
and prints the table (:func:`carecap.analysis.compare.format_comparison`) or JSON.
"""

from __future__ import annotations

import argparse
import sys

from carecap.analysis.compare import comparison_json, format_comparison
from carecap.analysis.compare_run import compare_alternatives
from carecap.sim.experiments.atomic import dumps
from carecap.sim.scenario.set_options import parse_set_options


def compare(args: argparse.Namespace) -> int:
    """Run (or read) both alternatives, compare them, print the table or JSON."""
    quiet = bool(args.json)
    result = compare_alternatives(
        args.a,
        args.b,
        reps=args.reps,
        seed=args.seed,
        workers=args.workers,
        metrics=args.metrics,
        slices=args.slices,
        progress=None if quiet else _say,
        sets=parse_set_options(args.set_values),
    )
    if quiet:
        data = {
            "a": result.a,
            "b": result.b,
            "seed": result.seed,
            "replications": result.replications,
            "notes": result.notes,
            "warnings": result.warnings,
            "comparison": comparison_json(result.table),
        }
        print(dumps(data))
    else:
        header = [f"  seed {result.seed}, replications {_span(result.replications)}"]
        header += [f"  {n}" for n in result.notes]
        header += [f"  WARNING: {p}" for p in result.warnings]
        print(format_comparison(result.table, result.a, result.b, header))
    return 0


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _span(reps: list[int]) -> str:
    if reps == list(range(len(reps))):
        return f"0..{len(reps) - 1}" if len(reps) > 1 else "0"
    if len(reps) > 12:
        return f"{', '.join(str(r) for r in reps[:10])}, ... ({len(reps)} in all)"
    return ", ".join(str(r) for r in reps)
