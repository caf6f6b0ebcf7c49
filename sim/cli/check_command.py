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
from carecap.sim.errors import ScenarioError, file_label


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
    """Exit 0 when every file is valid (warnings do not count), 2 otherwise."""
    status = EXIT_OK
    for file in args.files:
        try:
            description, warnings = _describe_valid(file)
        except ScenarioError as exc:
            print(f"carecap: error: {exc}", file=sys.stderr)
            status = EXIT_BAD_INPUT
            continue
        print(f"ok  {file} ({description})")
        for field_path, message in warnings:
            print(f"carecap: warning: {file_label(file)}: {field_path}: {message}", file=sys.stderr)
    return status


def _describe_valid(file: Path) -> tuple[str, list[tuple[str, str]]]:
    """What the valid ``file`` is (``name: ...``, or the sweep's name and size), and the
    warnings about it (:mod:`carecap.sim.scenario.schedule_warnings`): a scenario's, or a sweep
    file's points', each named by the points that have it.

    Raises:
        ScenarioError: the file is neither a valid scenario nor a valid sweep file.
    """
    from carecap.sim.scenario.loader import SweepFileGiven, load_scenario
    from carecap.sim.scenario.schedule_warnings import scenario_warnings

    try:
        scenario = load_scenario(file)
        return f"name: {scenario.name}", scenario_warnings(scenario)
    except SweepFileGiven:
        pass
    from carecap.sim.experiments.sweep_points import point_warnings
    from carecap.sim.experiments.sweep_spec import load_sweep

    sweep = load_sweep(file)
    return (
        f"sweep: {sweep.name}, {len(sweep.points)} point(s) x {sweep.replications} "
        f"replication(s), base scenario: {sweep.base.name}"
    ), point_warnings(sweep.points)
