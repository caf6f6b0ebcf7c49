"""The ``carecap`` command line.

::

    carecap check FILE...        validate scenario and sweep files
    carecap schema               print the JSON Schema of the scenario format
    carecap run SCENARIO [...]   simulate (see ``carecap run --help``; ``--set PATH=VALUE``)

Exit codes: 0 success; 1 some sweep runs failed; 2 bad input (unusable scenario, option or
results folder); 130 interrupted. A :class:`~carecap.sim.errors.CarecapError` (scenario, usage or
results error) from any subcommand, and an ``OSError`` caused by the user's files or machine (disk
full, permission denied), is printed as one paragraph after ``carecap: error:``, without a
traceback; any other exception is a bug: a line says so and its traceback follows.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from carecap.sim.cli.args import add_replication_options
from carecap.sim.cli.check_command import add_check_command
from carecap.sim.cli.exit_codes import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_OK
from carecap.sim.cli.export_command import add_export_command
from carecap.sim.cli.plot_command import add_plot_command
from carecap.sim.cli.report_command import add_report_command
from carecap.sim.cli.size_command import add_size_command
from carecap.sim.cli.stats_commands import add_precision_arguments, add_stats_commands
from carecap.sim.cli.summary_command import BY, add_summary_command
from carecap.sim.cli.sweep_commands import add_sweep_commands
from carecap.sim.cli.validate_command import add_validate_command
from carecap.sim.errors import (
    CarecapError,
    describe_os_error,
    is_user_os_error,
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    parser = build_parser()
    try:
        args, unknown = parser.parse_known_args(argv)
        if unknown:  # reported with the command's usage, not the top level's
            getattr(args, "command_parser", parser).error(
                f"unrecognized arguments: {' '.join(unknown)}"
            )
    except SystemExit as exc:  # --help, --version, or a usage error (already printed)
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_BAD_INPUT
    try:
        return args.handler(args)
    except CarecapError as exc:
        print(f"carecap: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("carecap: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `carecap schema | head`: the reader left; not an error
        _silence_stdout()
        return EXIT_OK
    except OSError as exc:
        if not is_user_os_error(exc):
            _say_internal_error()
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"carecap: error: {where}{describe_os_error(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception:
        _say_internal_error()
        raise


def _say_internal_error() -> None:
    print(
        "carecap: internal error: this is a bug in carecap, not a problem with your input; "
        "please report it with the command you ran and the traceback below",
        file=sys.stderr,
        flush=True,
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (each subcommand sets ``handler``)."""
    parser = argparse.ArgumentParser(
        prog="carecap",
        description="Discrete-event simulation of elderly-care service capacity.",
    )
    parser.add_argument("--version", action=_VersionAction, nargs=0, help=_VersionAction.HELP)
    parser.set_defaults(command=None)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    add_check_command(sub)

    schema = sub.add_parser(
        "schema",
        help="print the JSON Schema of the scenario format",
        description="Print the JSON Schema of scenario files (for editors) to stdout.",
    )
    schema.set_defaults(command="schema", handler=_schema)

    run = sub.add_parser(
        "run",
        help="simulate a scenario",
        description="Simulate a scenario's replications and write the results.",
    )
    run.add_argument("scenario", type=Path, metavar="SCENARIO", help="scenario YAML file")
    add_replication_options(
        run,
        reps_help="number of replications (default: the scenario's)",
        seed_help="root random seed (default: the scenario's)",
        workers_help="worker processes (default: chosen by the run command); "
        "results do not depend on it",
    )
    run.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="directory for the results (default: chosen by the run command)",
    )
    run.add_argument(
        "--overwrite",
        action="store_true",
        help="replace a folder that holds a different carecap run (never a folder of other files)",
    )
    run.add_argument(
        "--force",
        action="store_true",
        help="run even if one replication is estimated not to fit in the available memory",
    )
    run.add_argument(
        "--by",
        choices=BY,
        default="tier",
        help="the slice shown beside 'all' in the printed summary (default: tier; year: the "
        "yearly trend of a run over several calendar years); "
        "--json carries every slice",
    )
    run.add_argument(
        "--set",
        action="append",
        dest="set_values",
        default=None,
        metavar="PATH=VALUE",
        help="set a field of the scenario after its extends: and set: (repeatable), e.g. "
        "--set caregivers.cg_xiaodian.shifts.0.count=6; list items by index or name; VALUE is "
        "one YAML value; recorded in the manifest",
    )
    run.add_argument(
        "--records",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="write the record tables (default); --no-records keeps metrics only, in memory "
        "bounded by the metrics, not the records",
    )
    run.add_argument("--json", action="store_true", help="print the summary as JSON")
    add_precision_arguments(run)
    run.set_defaults(command="run", handler=_run)
    add_stats_commands(sub)
    add_sweep_commands(sub)
    add_validate_command(sub)
    add_summary_command(sub)
    add_report_command(sub)
    add_export_command(sub)
    add_plot_command(sub)
    add_size_command(sub)
    for command_parser in sub.choices.values():  # (so that its own usage reports its errors)
        command_parser.set_defaults(command_parser=command_parser)
    return parser


# --- subcommands ------------------------------------------------------------------------------


def _schema(args: argparse.Namespace) -> int:
    from carecap.sim.scenario.schema import scenario_json_schema

    print(json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    # Imported here: the engine is heavy, and `check`/`schema` must work without it.
    from carecap.sim.cli.run_command import run

    return run(args)


# --- helpers ----------------------------------------------------------------------------------


class _VersionAction(argparse.Action):
    """``--version``: argparse's version action, with the installed version read when asked
    (reading the package metadata costs ~0.03 s of every command's start-up otherwise)."""

    HELP = "show program's version number and exit"

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        print(f"{parser.prog} {_version()}")  # (stdout, as argparse's own action)
        parser.exit()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("carecap")
    except PackageNotFoundError:
        return "unknown"


def _silence_stdout() -> None:
    # Python flushes stdout at exit; after a broken pipe that flush would fail again and print
    # an error, so point stdout at devnull (the recipe in the `signal` module docs).
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())
