"""``carecap export RESULTS [--xlsx FILE.xlsx] [--csv DIR]``: the summary, per-district,
per-tier, per-pool and sweep-point tables of a results folder as a spreadsheet (one sheet
each) and/or CSV files (:mod:`carecap.analysis.export`)."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_export_command(sub: argparse._SubParsersAction) -> None:
    export = sub.add_parser(
        "export",
        help="export a results folder's tables to a spreadsheet or CSV files",
        description="Write the summary, per-district, per-tier, per-pool and (for a sweep) "
        "per-point tables of a results folder: one sheet each in an .xlsx file, and/or one "
        "CSV file each in a folder; units in the column headers.",
    )
    export.add_argument("results", type=Path, metavar="RESULTS", help="a run or sweep folder")
    export.add_argument("--xlsx", type=Path, default=None, metavar="FILE.xlsx")
    export.add_argument("--csv", type=Path, default=None, metavar="DIR")
    export.set_defaults(command="export", handler=export_handler)


def export_handler(args: argparse.Namespace) -> int:
    from carecap.analysis import load
    from carecap.analysis.export import export_tables, write_csv, write_xlsx
    from carecap.sim.cli.output_file import check_output_file, output_errors
    from carecap.sim.errors import ResultsError, UsageError

    if args.xlsx is None and args.csv is None:
        raise UsageError("--xlsx/--csv", "say where to export: --xlsx FILE.xlsx, --csv DIR or both")
    if args.xlsx is not None:
        check_output_file(args.xlsx, "--xlsx", ".xlsx")
    if args.csv is not None and args.csv.exists() and not args.csv.is_dir():
        raise UsageError("--csv", f"{args.csv} is a file; give a folder for the CSV files")
    results = load(args.results)
    try:  # only for the districts' labels: a sweep whose base file is gone exports names
        scenario = results.scenario.model_dump(mode="json", by_alias=True)
    except ResultsError:
        scenario = None
    tables = export_tables(results.summary, scenario, results.parameters, results.sizing)
    if args.xlsx is not None:
        with output_errors(args.xlsx, "cannot write the spreadsheet"):
            print(f"Spreadsheet: {write_xlsx(tables, args.xlsx)} ({', '.join(tables)})")
    if args.csv is not None:
        with output_errors(args.csv, "cannot write the CSV files"):
            for path in write_csv(tables, args.csv):
                print(f"CSV: {path}")
    return 0
