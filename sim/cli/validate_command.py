"""``carecap validate [--quick] [--json] [--reps N] [--workers N]``: run the built-in Markovian
configurations through the ordinary scenario path and print simulation against queueing theory.

The configurations, the theory and the verdicts are in :mod:`carecap.analysis.validate`; this
module parses, calls it and prints. Nothing is written. Exit 0 when every check passes, 1 when
one fails (2 for a bad option, as every command).
"""

from __future__ import annotations

import argparse
import sys

from carecap.sim.cli.args import positive_int, replication_count
from carecap.sim.cli.exit_codes import EXIT_OK, EXIT_SOME_FAILED


def _two_or_more(text: str) -> int:
    value = replication_count(text)
    if value < 2:
        raise argparse.ArgumentTypeError(
            f"must be at least 2 (an interval needs two replications), got {value}"
        )
    return value


def add_validate_command(sub: argparse._SubParsersAction) -> None:
    """Register ``validate`` on the ``carecap`` subcommands."""
    validate = sub.add_parser(
        "validate",
        help="check the simulator against queueing theory (M/M/c, priority, finite source, "
        "Erlang A, shifts)",
        description=(
            "Run built-in Markovian configurations (M/M/c, priority tiers, finite source,"
            " Erlang A, a shift schedule) as ordinary scenarios and compare each simulated"
            " figure (mean over replications, Student-t interval, Bonferroni-adjusted) with"
            " queueing theory. Exit 0 when every check passes, 1 when one fails."
        ),
    )
    validate.add_argument(
        "--quick",
        action="store_true",
        help="shorter runs (about a minute on one core) and wider intervals",
    )
    validate.add_argument(
        "--reps",
        type=_two_or_more,
        default=None,
        metavar="N",
        help="replications of every configuration (default: 20 quick, 40 full)",
    )
    validate.add_argument(
        "--workers",
        type=positive_int,
        default=None,
        metavar="N",
        help="worker processes (default: all cores); results do not depend on it",
    )
    validate.add_argument("--json", action="store_true", help="print the report as JSON")
    validate.set_defaults(command="validate", handler=validate_handler)


def validate_handler(args: argparse.Namespace) -> int:
    # Imported here: the engine and scipy are heavy, and `check`/`schema` must stay light.
    from carecap.analysis.validate import format_report, report_json, run_validation
    from carecap.sim.experiments.atomic import dumps
    from carecap.sim.experiments.replications import default_workers

    workers = args.workers or default_workers()
    mode = "quick" if args.quick else "full"
    print(f"carecap: validate ({mode} mode), {workers} worker(s)", file=sys.stderr, flush=True)

    def progress(run) -> None:
        print(
            f"  {run.name}: {run.replications} replications, {run.seconds:.0f} s",
            file=sys.stderr,
            flush=True,
        )

    report = run_validation(args.quick, workers, args.reps, on_configuration=progress)
    print(dumps(report_json(report)) if args.json else format_report(report))
    return EXIT_OK if report.passed else EXIT_SOME_FAILED
