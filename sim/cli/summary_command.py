"""``carecap summary RESULTS [--by SLICE] [--point ID] [--json]``: print the summary table of a
results folder again, by any slice, without simulating.

``carecap run`` prints slice ``all`` and one ``--by`` slice and keeps that text in
``summary.txt``; the summary itself (``summary.parquet``) holds every slice, so another view is
a matter of reading it. A sweep or sizing folder holds one summary per point: ``--point``
chooses it (not needed when the folder has a single point; a sizing folder shows its answer,
or the best candidate found, by default).

Only the argument definitions are imported with the command line; the handler imports the
analysis when called.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from carecap.sim.cli.summary_json import summary_document

BY = ("tier", "district", "care_level", "year")
"""The slices a summary table shows beside ``all`` (as
:data:`carecap.analysis.summary_table.BY`, which imports pandas)."""


def add_summary_command(sub: argparse._SubParsersAction) -> None:
    summary = sub.add_parser(
        "summary",
        help="print the summary table of a results folder (any slice), without simulating",
        description="Print the summary table of a run, sweep or sizing folder: slice 'all' and "
        "the --by slice, as carecap run prints it, read from the folder's summary (nothing is "
        "simulated).",
    )
    summary.add_argument("results", type=Path, metavar="RESULTS", help="a results folder")
    summary.add_argument(
        "--by",
        choices=BY,
        default="tier",
        help="the slice shown beside 'all' (default: tier; year: the yearly trend of a run over "
        "several calendar years); --json carries every slice",
    )
    summary.add_argument(
        "--point",
        default=None,
        metavar="ID",
        help="the sweep point (e.g. p0003) of a sweep or sizing folder; needed for a sweep of "
        "several points (a sizing folder shows its answer by default)",
    )
    summary.add_argument("--json", action="store_true", help="print the summary as JSON")
    summary.set_defaults(command="summary", handler=summary_handler)


def summary_handler(args: argparse.Namespace) -> int:
    from carecap.analysis import load
    from carecap.analysis.summary_table import format_summary, slice_labels
    from carecap.sim.experiments.atomic import dumps

    results = load(args.results)
    point = _point(results, args.point)
    summary = results.summary
    if point is not None:
        summary = summary[summary["point_id"] == point].reset_index(drop=True)
    scenario = _scenario(results, point)
    status = _status_note(results, point)
    if status:
        print(status, file=sys.stderr, flush=True)
    if args.json:
        document = summary_document(summary, scenario, results.seed, status=results.status)
        document |= {"folder": str(results.folder), "point_id": point}
        print(dumps(document))
        return 0
    labels = slice_labels(scenario, args.by) if scenario is not None else None
    print(format_summary(summary, by=args.by, labels=labels))
    return 0


def _point(results, asked: str | None) -> str | None:
    """The sweep point to show (None for a run folder); a UsageError when ``--point`` is
    missing for a folder of several points, given for a run folder, or unknown."""
    from carecap.sim.errors import UsageError

    ids = results.point_ids
    if not ids:
        if asked is not None:
            raise UsageError("--point", f"{results.folder} is a run folder: it has no points")
        return None
    if asked is None:
        if len(ids) == 1:
            return ids[0]
        answer = _sizing_answer(results)
        if answer in ids:
            return answer
        shown = ", ".join(f"{p} ({label})" for p, label in _labels(results)[:8])
        more = f" and {len(ids) - 8} more" if len(ids) > 8 else ""
        raise UsageError(
            "--point",
            f"{results.folder} holds {len(ids)} sweep points; choose one with --point ID: "
            f"{shown}{more}",
        )
    if asked not in ids:
        raise UsageError(
            "--point",
            f"{results.folder} has no point {asked!r}; its points are "
            f"{', '.join(ids[:8])}{', ...' if len(ids) > 8 else ''}",
        )
    return asked


def _sizing_answer(results) -> str | None:
    """A sizing folder's answer (or best candidate found): the point its report shows."""
    from carecap.analysis.report.sizing import answer_point

    return answer_point(results.sizing) if results.sizing else None


def _labels(results) -> list[tuple[str, str]]:
    return [(str(p["point_id"]), str(p.get("label", ""))) for p in results.manifest["points"]]


def _scenario(results, point: str | None):
    """The scenario behind the summary, for the districts' labels; None when it cannot be
    rebuilt (a sweep whose base file has gone or changed): the table then shows names."""
    from carecap.sim.errors import ResultsError

    try:
        return results.scenario if point is None else results.point_scenario(point)
    except ResultsError:
        return None


def _status_note(results, point: str | None) -> str:
    """A line for standard error when the folder's results are incomplete."""
    if point is None:
        if results.status == "complete":
            return ""
        asked = results.manifest.get("replications_requested") or []
        return (
            f"note: this run is {results.status}: {len(results.replications)} of "
            f"{len(asked)} replications finished; the table summarises those"
        )
    done = results.points.set_index("point_id").loc[point, "replications_done"]
    asked = len(results.replications)
    if int(done) >= asked:
        return ""
    return f"note: point {point} has {int(done)} of {asked} replications done"
