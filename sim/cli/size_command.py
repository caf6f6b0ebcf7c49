"""``carecap size``: the least capacity that meets the targets.

The library function is :func:`carecap.analysis.sizing.size.size_scenario`; this module registers
the subcommand, calls it, and prints a progress line per candidate (stderr), then the answer
table or JSON (stdout); the library function writes the same JSON to the folder's ``size.json``.
Exit codes: 0 an answer confirmed; 1 nothing in the ranges meets the targets (or the answer was
not confirmed); 2 bad input; 130 interrupted (finished replications are kept in the folder;
rerunning the command reuses them).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from carecap.sim.cli.exit_codes import EXIT_INTERRUPTED, EXIT_OK, EXIT_SOME_FAILED


def add_size_command(sub: argparse._SubParsersAction) -> None:
    """Register ``carecap size`` on the subcommand parser ``sub``."""
    from carecap.sim.cli.args import positive_int, replication_count

    p = sub.add_parser(
        "size",
        help="find the least capacity that meets service targets",
        description=(
            "Search integer capacity fields (--vary) for the smallest value (one field) or the "
            "cheapest combination (several) whose every --target holds with the stated "
            "confidence, confirmed on fresh replications. Exit 0 answer found, 1 none in range, "
            "2 bad input, 130 interrupted."
        ),
    )
    p.add_argument("scenario", type=Path, metavar="SCENARIO", help="scenario YAML file")
    p.add_argument(
        "--vary",
        action="append",
        default=None,
        metavar="PATH=LOW:HIGH",
        help="an integer field and its range, e.g. bathing_centre.stations=10:24 (repeatable; "
        "dotted paths as in --set, pools by name)",
    )
    p.add_argument(
        "--target",
        action="append",
        default=None,
        metavar="'SERVICE.METRIC[@SLICE=VALUE] OP NUMBER'",
        help="a target, e.g. 'home_bath.wait_p90<=3' or "
        "'alarm.on_time_rate@district=xiaodian>=0.8' (repeatable; all must hold)",
    )
    p.add_argument(
        "--confidence",
        type=float,
        default=0.95,
        help="one-sided confidence of each target's bound (default 0.95)",
    )
    p.add_argument(
        "--max-reps",
        type=replication_count,
        default=20,
        metavar="N",
        help="most pilot replications per candidate (default 20; the confirmation uses as many "
        "fresh ones as the pilot needed)",
    )
    p.add_argument(
        "--set",
        action="append",
        dest="set_values",
        default=None,
        metavar="PATH=VALUE",
        help="set a field of the scenario first (repeatable), as for carecap run",
    )
    p.add_argument(
        "--workers",
        type=positive_int,
        default=None,
        metavar="N",
        help="local worker processes (default: all cores); results do not depend on it",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="results folder (default results/size/<scenario name>/); a rerun reuses its runs",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="print the answer as JSON (what the folder's size.json holds)",
    )
    p.set_defaults(command="size", handler=size)


def size(args: argparse.Namespace) -> int:
    """``carecap size``: see the module docstring."""
    from carecap.analysis.sizing.report import answer_data, format_answer
    from carecap.analysis.sizing.size import size_scenario
    from carecap.sim.experiments.atomic import dumps
    from carecap.sim.scenario.set_options import parse_set_options

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    sets = parse_set_options(args.set_values)
    try:
        outcome = size_scenario(
            args.scenario,
            args.vary or [],
            args.target or [],
            confidence=args.confidence,
            max_reps=args.max_reps,
            sets=sets,
            workers=args.workers,
            out=args.out,
            say=say,
        )
    except KeyboardInterrupt:
        say(
            "carecap size: interrupted; every finished replication is kept (and what is known "
            "so far is in size.json), and running the same command again reuses them"
        )
        return EXIT_INTERRUPTED
    if args.json:
        print(dumps(answer_data(outcome)))
    else:
        print(format_answer(outcome))
        say(
            f"carecap size: {outcome.runs_simulated} replication(s) simulated in "
            f"{outcome.wall_s:.0f} s; runs in {outcome.folder} (carecap status {outcome.folder})"
        )
    return EXIT_OK if outcome.feasible else EXIT_SOME_FAILED
