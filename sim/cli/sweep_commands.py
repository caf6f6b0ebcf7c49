"""The ``sweep`` and ``status`` subcommands of the command line (see
:mod:`carecap.sim.cli.sweep_command`)."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_sweep_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``carecap sweep`` and ``carecap status`` on the subcommand parser ``sub``."""
    from carecap.sim.cli.args import add_set_option
    from carecap.sim.cli.args import positive_int as _positive_int

    sweep = sub.add_parser(
        "sweep",
        help="run a sweep of scenario variants (resumable)",
        description=(
            "Run every point x replication of a sweep file into a results folder. Rerunning the "
            "same command resumes: finished runs are skipped. Exit 0 if every run succeeded, 1 if "
            "some failed, 2 for bad input, 130 if interrupted."
        ),
    )
    sweep.add_argument("sweep_file", type=Path, metavar="SWEEP", help="sweep YAML file")
    sweep.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="results folder (default: results/sweeps/<sweep name>/)",
    )
    sweep.add_argument(
        "--workers",
        type=_positive_int,
        default=None,
        metavar="N",
        help="local worker processes, or workers of a local Dask cluster (default: all cores); "
        "results do not depend on it",
    )
    sweep.add_argument(
        "--executor",
        choices=("local", "dask"),
        default="local",
        help="local processes (default), or a Dask cluster (a local one unless --scheduler)",
    )
    sweep.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="run on the existing Dask cluster at ADDRESS (e.g. tcp://host:8786)",
    )
    sweep.add_argument(
        "--records",
        action="store_true",
        help="also store each run's record tables (default: metrics only)",
    )
    sweep.add_argument(
        "--quiet", action="store_true", help="no progress and no table (failures still shown)"
    )
    add_set_option(
        sweep, applies_to="the base scenario (before the points; recorded in sweep.json)"
    )
    sweep.set_defaults(command="sweep", handler=_sweep)

    status = sub.add_parser(
        "status",
        help="show a sweep's done / pending / failed runs",
        description="Count the done, pending and failed runs of a sweep's results folder.",
    )
    status.add_argument("directory", type=Path, metavar="DIR", help="a sweep's results folder")
    status.set_defaults(command="status", handler=_status)


def _sweep(args: argparse.Namespace) -> int:
    # Imported here: the engine is heavy, and `check`/`schema` must work without it.
    from carecap.sim.cli.sweep_command import sweep

    return sweep(args)


def _status(args: argparse.Namespace) -> int:
    from carecap.sim.cli.sweep_command import status

    return status(args)
