"""``carecap plot KIND RESULTS [-o FILE]``: draw one figure of a results folder.

The figures are built by :mod:`carecap.analysis.figures` from
:func:`carecap.analysis.load`; this module parses the options, checks the output file before
anything is computed, and writes the figure atomically. Default output:
``RESULTS/<KIND>.png`` (a run folder keeps such files when it is rerun). A kind that does not
fit the folder (``sweep`` of a run folder) or an option the folder cannot serve is a usage
error naming the option; a damaged or foreign folder is a results error.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from carecap.sim.cli.args import add_lang_option

KINDS = ("waits", "backlog", "utilisation", "equity", "sweep", "cost", "compare")
_KIND_HELP = {
    "waits": "waiting-time curves by service and tier (or --by), targets marked, unserved "
    "requests censored",
    "backlog": "requests waiting per day on calendar dates, mean of the replications with "
    "its band, warm-up shaded",
    "utilisation": "heat-map of utilisation by hour of the week, per pool",
    "equity": "wait and share started within a common threshold per district, with intervals",
    "sweep": "a sweep's metric against a parameter, one line per value of a second one",
    "cost": "a sweep's cost against a service level, efficient options marked",
    "compare": "paired differences B - A with intervals (--against B, or --points A,B)",
}

_OPTIONS = {
    "waits": ("by", "point"),
    "backlog": ("point",),
    "utilisation": ("point",),
    "equity": ("point",),
    "sweep": ("x", "metric", "line_by", "where"),
    "cost": ("level",),
    "compare": ("against", "points"),
}
"""The options each kind reads (``--out`` aside); any other given is a usage error, not
silently ignored."""


def _assignment(text: str) -> tuple[str, str]:
    path, sep, value = text.partition("=")
    if not sep or not path.strip():
        raise argparse.ArgumentTypeError(f"expected PATH=VALUE, got {text!r}")
    return path.strip(), value.strip()


def add_plot_command(sub: argparse._SubParsersAction) -> None:
    """Register ``carecap plot`` on the subcommand parser ``sub``."""
    plot = sub.add_parser(
        "plot",
        help="draw a figure of a results folder",
        description="Draw one figure of a run's or a sweep's results folder. Kinds: "
        + "; ".join(f"{k}: {h}" for k, h in _KIND_HELP.items())
        + ".",
    )
    plot.add_argument("kind", choices=KINDS, metavar="KIND", help=", ".join(KINDS))
    plot.add_argument("results", type=Path, metavar="RESULTS", help="a results folder")
    plot.add_argument(
        "-o",
        "--out",
        type=Path,
        default=None,
        metavar="FILE",
        help="the image (.png, .svg, .pdf; default RESULTS/KIND.png)",
    )
    plot.add_argument(
        "--by",
        default=None,
        metavar="SLICE",
        help="waits: curves per tier (default), district, care_level, year or all",
    )
    plot.add_argument("--point", default=None, metavar="ID", help="a sweep's point (p0003)")
    plot.add_argument("--x", default=None, metavar="PATH", help="sweep: the parameter on x")
    plot.add_argument(
        "--line-by", default=None, metavar="PATH", help="sweep: one line per value of PATH"
    )
    plot.add_argument(
        "--where",
        action="append",
        type=_assignment,
        default=None,
        metavar="PATH=VALUE",
        help="sweep: keep the points with PATH = VALUE (repeatable)",
    )
    plot.add_argument(
        "--metric",
        default=None,
        metavar="SERVICE.METRIC",
        help="sweep: the metric on y (default: wait_mean of the service where it varies most)",
    )
    plot.add_argument(
        "--level",
        default=None,
        metavar="SERVICE.METRIC",
        help="cost: the service level on x (default: on_time_rate where it varies most)",
    )
    plot.add_argument(
        "--against", type=Path, default=None, metavar="RESULTS_B", help="compare: folder B"
    )
    plot.add_argument(
        "--points", default=None, metavar="A,B", help="compare: two points of a sweep"
    )
    add_lang_option(plot)
    plot.set_defaults(command="plot", handler=_plot)


def _plot(args: argparse.Namespace) -> int:
    from carecap.sim.cli.output_file import plot_format

    _check_options(args)
    example = f"{args.kind}.png"
    out = args.out if args.out is not None else args.results / example
    fmt = plot_format(out, "--out" if args.out is not None else "the default output", example)
    fig = _figure(args)
    _save(fig, out, fmt)
    print(f"{args.kind}: {out}")
    return 0


def _check_options(args: argparse.Namespace) -> None:
    """A UsageError naming an option given that the kind does not read (``--by`` with
    ``equity``, say: the figure would silently show something else)."""
    from carecap.sim.errors import UsageError

    for name in sorted({n for names in _OPTIONS.values() for n in names}):
        if getattr(args, name) is not None and name not in _OPTIONS[args.kind]:
            option = "--" + name.replace("_", "-")
            takes = ", ".join("--" + n.replace("_", "-") for n in _OPTIONS[args.kind])
            kinds = [k for k, names in _OPTIONS.items() if name in names]
            raise UsageError(
                option,
                f"applies to {' and '.join(kinds)} only, not to {args.kind} "
                f"(which takes {takes or 'no option but --out'})",
            )


def _figure(args: argparse.Namespace):
    from carecap.analysis import figures
    from carecap.analysis.load import load
    from carecap.sim.errors import UsageError

    results, lang = load(args.results), args.lang
    try:
        if args.kind == "waits":
            return figures.waits_figure(results, args.by or "tier", args.point, lang)
        if args.kind == "backlog":
            return figures.backlog_figure(results, args.point, lang)
        if args.kind == "utilisation":
            return figures.utilisation_figure(results, args.point, lang)
        if args.kind == "equity":
            return figures.equity_figure(results, args.point, lang)
        if args.kind == "sweep":
            where = dict(args.where or [])
            return figures.sweep_figure(
                results, args.x, args.metric, args.line_by, where, lang=lang
            )
        if args.kind == "cost":
            return figures.cost_figure(results, args.level, lang=lang)
        against = load(args.against) if args.against is not None else None
        points = [p.strip() for p in args.points.split(",")] if args.points else None
        return figures.compare_figure(results, against, points, lang=lang)
    except figures.FigureError as exc:
        raise UsageError(
            exc.option if exc.option != "KIND" else f"KIND {args.kind}", exc.message
        ) from None


def _save(fig, out: Path, fmt: str) -> None:
    from carecap.sim.errors import ResultsError, describe_os_error, is_user_os_error
    from carecap.sim.experiments.atomic import write_atomic

    try:
        write_atomic(out, lambda tmp: fig.savefig(tmp, format=fmt))
    except OSError as exc:
        if not is_user_os_error(exc):
            raise
        raise ResultsError(out, f"cannot write the figure: {describe_os_error(exc)}") from None
