"""``carecap check FILE...``: validate scenario files and sweep files without running them.

A file is read as a scenario first. A file refused as a scenario because it has a top-level
``base:`` and what to vary (:class:`~carecap.sim.scenario.loader.SweepFileGiven`) is a sweep
file: it is then validated as one (the sweep's own fields, its base scenario and every point's
scenario, as ``carecap sweep`` does before running anything) and its own errors are reported,
not the scenario keys it lacks.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from carecap.sim.cli.exit_codes import EXIT_BAD_INPUT, EXIT_OK
from carecap.sim.errors import ScenarioError


def add_check_command(sub: argparse._SubParsersAction) -> None:
    """Register ``check`` on the ``carecap`` subcommands."""
    check = sub.add_parser(
        "check",
        help="validate scenario and sweep files",
        description=(
            "Validate scenario files and sweep files (a sweep file: its base scenario and every"
            " point, as carecap sweep would before running); exit 0 if all are valid, 2"
            " otherwise."
        ),
    )
    check.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="scenario or sweep YAML file"
    )
    check.set_defaults(command="check", handler=check_handler)


def check_handler(args: argparse.Namespace) -> int:
    status = EXIT_OK
    for file in args.files:
        try:
            print(f"ok  {file} ({_describe_valid(file)})")
        except ScenarioError as exc:
            print(f"carecap: error: {exc}", file=sys.stderr)
            status = EXIT_BAD_INPUT
    return status


def _describe_valid(file: Path) -> str:
    """What the valid ``file`` is (``name: ...``, or the sweep's name and size).

    Raises:
        ScenarioError: the file is neither a valid scenario nor a valid sweep file.
    """
    from carecap.sim.scenario.loader import SweepFileGiven, load_scenario

    try:
        return f"name: {load_scenario(file).name}"
    except SweepFileGiven:
        pass
    from carecap.sim.experiments.sweep_spec import load_sweep

    sweep = load_sweep(file)
    return (
        f"sweep: {sweep.name}, {len(sweep.points)} point(s) x {sweep.replications} "
        f"replication(s), base scenario: {sweep.base.name}"
    )
