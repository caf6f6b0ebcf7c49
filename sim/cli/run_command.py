"""``carecap run``: simulate a scenario's replications, write results, print the summary.

The library function is :func:`carecap.sim.experiments.run_folder.run_to_folder` (the results
folder, its staging, lock, statuses and partial folders are described there); the precision
rule of ``--precision`` is :class:`carecap.analysis.precision.PrecisionRule`. This module only
checks the options, calls it, and prints.
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from carecap.analysis import precision as auto_reps
from carecap.analysis.summary_table import format_summary, slice_labels
from carecap.sim.cli.exit_codes import EXIT_INTERRUPTED
from carecap.sim.cli.summary_json import summary_document
from carecap.sim.errors import UsageError
from carecap.sim.experiments.atomic import dumps
from carecap.sim.experiments.replications import default_workers
from carecap.sim.experiments.run_folder import RunInterrupted, run_to_folder
from carecap.sim.scenario.set_options import parse_set_options


def run(args: argparse.Namespace) -> int:
    rule = _precision_rule(args)
    quiet = bool(getattr(args, "json", False))
    by = getattr(args, "by", None) or "tier"
    sets = parse_set_options(getattr(args, "set_values", None))
    try:
        outcome = run_to_folder(
            args.scenario,
            reps=args.reps,
            seed=args.seed,
            out=args.out,
            workers=args.workers,
            overwrite=bool(getattr(args, "overwrite", False)),
            force=bool(getattr(args, "force", False)),
            more=rule,
            more_settings=rule.settings() if rule else None,
            max_reps=rule.max_reps if rule else None,
            summary_text=lambda summary, scenario: _table(summary, scenario, by),
            progress=None if quiet else _say,
            warn=_say,
            sets=sets,
            records=bool(getattr(args, "records", True)),
        )
    except RunInterrupted as exc:
        _say(exc.message)
        return EXIT_INTERRUPTED
    precision = rule.outcome() if rule else None
    if quiet:
        data = run_json(outcome)
        print(dumps(auto_reps.with_precision(data, precision)))
    else:
        print(_table(outcome.summary, outcome.model, by))
        if precision is not None:
            print("\n" + auto_reps.format_precision(precision), flush=True)
    if precision is not None and precision.unknown:
        # after the results of the initial replications were written: they are a complete run
        raise UsageError("--precision-metrics", auto_reps.unknown_metrics_message(precision))
    return 0


def _precision_rule(args: argparse.Namespace) -> auto_reps.PrecisionRule | None:
    """The ``--precision`` rule, or None; ``--precision-metrics`` and ``--max-reps`` mean
    nothing without ``--precision``."""
    if getattr(args, "precision", None) is None:
        for option, value in (
            ("--precision-metrics", getattr(args, "precision_metrics", None)),
            ("--max-reps", getattr(args, "max_reps", None)),
        ):
            if value is not None:
                raise UsageError(option, f"{option} needs --precision (e.g. --precision 0.05)")
        return None
    if args.max_reps is not None and args.max_reps < 2:
        raise UsageError(
            "--max-reps",
            f"got {args.max_reps}; the precision is judged on a confidence interval, which needs "
            f"at least 2 replications (default cap {auto_reps.DEFAULT_MAX_REPS})",
        )
    return auto_reps.PrecisionRule(
        args.precision, args.precision_metrics, args.max_reps, args.workers or default_workers()
    )


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _table(summary: pd.DataFrame, scenario, by: str) -> str:
    """The printed table (and ``summary.txt``): slice ``all`` and the ``--by`` slice, headed with
    the scenario's labels."""
    return format_summary(summary, by=by, labels=slice_labels(scenario, by) if scenario else None)


def run_json(outcome) -> dict:
    """``--json``: the run's identity, the summary rows, and every slice with its labels."""
    document = summary_document(
        outcome.summary, outcome.model, outcome.seed, outcome.status, len(outcome.replications)
    )
    return document | {"scenario": outcome.scenario, "folder": str(outcome.folder)}
