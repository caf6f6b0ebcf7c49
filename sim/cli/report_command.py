"""``carecap report RESULTS [-o FILE.html] [--lang zh|en|both] [--target T ...]``: one
self-contained HTML report of a run or sweep folder (:mod:`carecap.analysis.report`).

Only the argument definitions are imported with the command line; the handler imports the
analysis when called.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

LANGS = ("zh", "en", "both")
DEFAULT_NAME = "report.html"


def add_report_command(sub: argparse._SubParsersAction) -> None:
    report = sub.add_parser(
        "report",
        help="write a self-contained HTML report of a results folder",
        description="Write one HTML file a director can open and print (no network: styles and "
        "figures inline): the scenario in words with its sources, key figures with 95 %% "
        "intervals, equity by district and tier, figures, options ranked against targets (a "
        "sweep), a STRESS-DES method appendix and a glossary.",
    )
    report.add_argument("results", type=Path, metavar="RESULTS", help="a run or sweep folder")
    report.add_argument(
        "-o",
        "--out",
        type=Path,
        default=None,
        metavar="FILE.html",
        help=f"where to write the report (default: RESULTS/{DEFAULT_NAME})",
    )
    report.add_argument(
        "--lang",
        default="both",
        metavar="zh|en|both",
        help="headings and labels in Chinese, English or both (default: both)",
    )
    report.add_argument(
        "--target",
        action="append",
        default=[],
        metavar="'SERVICE.METRIC[@SLICE=VALUE] OP X'",
        help="a service target to rank a sweep's options against (repeatable), e.g. "
        "'alarm.on_time_rate>=0.9' or 'home_bath.wait_p90<=3' (shares as fractions)",
    )
    report.set_defaults(command="report", handler=report_handler)


def report_handler(args: argparse.Namespace) -> int:
    from carecap.analysis import load
    from carecap.analysis.report.build import write_report
    from carecap.analysis.report.targets import parse_target
    from carecap.sim.cli.output_file import check_output_file, output_errors
    from carecap.sim.errors import UsageError

    if args.lang not in LANGS:
        raise UsageError("--lang", f"{args.lang!r} is not a language; use zh, en or both")
    targets = [parse_target(t) for t in args.target]
    results = load(args.results)
    out = args.out if args.out is not None else args.results / DEFAULT_NAME
    check_output_file(out, "-o/--out", ".html")
    with output_errors(out, "cannot write the report"):
        path = write_report(results, out, args.lang, targets)
    print(f"Report: {path}", file=sys.stdout)
    return 0
