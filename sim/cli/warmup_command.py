"""``carecap warmup SCENARIO``: recommend a warm-up length (MSER-5), print and plot it.

The statistics are in :mod:`carecap.analysis.warmup`, the figure in
:func:`carecap.analysis.plots.plot_warmup`.
Nothing is written except the plot (default ``results/<scenario name>/warmup.png``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from carecap.analysis.figure_words import figure_words
from carecap.analysis.plots import plot_warmup
from carecap.analysis.warmup import format_warmup, warmup_json, warmup_report
from carecap.sim.cli.output_file import plot_format
from carecap.sim.errors import ResultsError, describe_os_error, is_user_os_error
from carecap.sim.experiments.atomic import dumps, write_atomic
from carecap.sim.experiments.replications import default_workers
from carecap.sim.scenario.loader import load_scenario
from carecap.sim.scenario.set_options import apply_set_options, parse_set_options


def warmup(args: argparse.Namespace) -> int:
    """Run the replications, print the recommendation (or JSON), save the plot."""
    scenario = load_scenario(args.scenario)
    scenario = apply_set_options(scenario, parse_set_options(args.set_values), args.scenario)
    reps = args.reps or scenario.replications
    seed = scenario.seed if args.seed is None else args.seed
    workers = min(args.workers or default_workers(), reps)
    plot_path = Path(args.plot) if args.plot else Path("results") / scenario.name / "warmup.png"
    fmt = plot_format(
        plot_path, "--plot" if args.plot else "the default plot path", example="warmup.png"
    )
    if not args.json:
        print(
            f"carecap: warm-up of {scenario.name}: {reps} replication(s), seed {seed},"
            f" {workers} worker(s)",
            file=sys.stderr,
            flush=True,
        )
    report = warmup_report(scenario, reps, seed, workers)
    fig = plot_warmup(
        report.series,
        report.table,
        recommended_days=report.recommended_days,
        current_days=report.current_days,
        title=figure_words(args.lang)("warmup.title", name=scenario.name, n=reps),
        lang=args.lang,
    )
    try:
        write_atomic(plot_path, lambda tmp: fig.savefig(tmp, format=fmt, dpi=100))
    except OSError as exc:
        if not is_user_os_error(exc):
            raise
        raise ResultsError(plot_path, f"cannot write the plot: {describe_os_error(exc)}") from None
    if args.json:
        print(dumps({**warmup_json(report), "plot": str(plot_path)}))
    else:
        print(format_warmup(report))
        print(f"Plot: {plot_path}")
    return 0
