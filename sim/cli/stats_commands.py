"""Command-line parts of the statistics: ``carecap compare``, ``carecap warmup`` and the
``--precision`` options of ``carecap run``.

Only argument definitions live here; each handler imports its command module when called, so
``carecap check`` and ``carecap schema`` never load the engine, pandas or matplotlib.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from carecap.sim.cli.args import add_lang_option, add_replication_options, add_set_option
from carecap.sim.cli.args import positive_int as _positive_int

_METRIC_NAME = re.compile(r"^(?:[A-Za-z][\w-]*\.)?[A-Za-z]\w*$")


def _precision(text: str) -> float:
    """A relative precision strictly between 0 and 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number such as 0.05, got {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(
            f"must be between 0 and 1 (0.05 = half-width within 5 % of the mean), got {value}"
        )
    return value


def _metric_names(text: str) -> list[str]:
    """``care_visit.wait_mean,centre_bath.wait_mean`` → the names; a name is
    ``service.metric`` or a bare ``metric`` (every service that reports it)."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names or not all(_METRIC_NAME.match(n) for n in names):
        raise argparse.ArgumentTypeError(
            "expected service.metric names separated by commas (e.g. care_visit.wait_mean),"
            f" got {text!r}"
        )
    return names


def _names(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"expected names separated by commas, got {text!r}")
    return names


def add_precision_arguments(run: argparse.ArgumentParser) -> None:
    """``--precision``, ``--precision-metrics``, ``--max-reps`` for ``carecap run``."""
    group = run.add_argument_group(
        "automatic replication count",
        "Keep adding replications (in batches of the worker count, at least 2) until the 95 %"
        " half-width of every named metric (slice all) is within PRECISION x |mean|, or the cap"
        " is reached. Results equal a plain run with the final number of replications.",
    )
    group.add_argument(
        "--precision",
        type=_precision,
        default=None,
        metavar="P",
        help="relative precision, e.g. 0.05 = half-width within 5 %% of the mean",
    )
    group.add_argument(
        "--precision-metrics",
        type=_metric_names,
        default=None,
        metavar="M,...",
        help="service.metric names, comma-separated (default: wait_mean of every service;"
        " a bare metric name means every service)",
    )
    group.add_argument(
        "--max-reps",
        type=_positive_int,
        default=None,
        metavar="N",
        help="cap on the number of replications (default 200)",
    )


def add_stats_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``compare`` and ``warmup`` on the ``carecap`` subcommands."""
    compare = sub.add_parser(
        "compare",
        help="paired comparison of two scenarios or sweep points (common random numbers)",
        description=(
            "Compare B with A: per metric, the mean paired difference B - A under common random"
            " numbers with its 95 % Student-t interval, and the variance reduction achieved"
            " against independent sampling. A and B are scenario YAML files (run here with the"
            " same seed and replications, nothing written) or sweep points written"
            " SWEEP_DIR:POINT_ID (read from the sweep's results; a scenario compared with a"
            " sweep point is run with the point's seed and replications)."
        ),
    )
    compare.add_argument("a", metavar="A", help="scenario file or SWEEP_DIR:POINT_ID")
    compare.add_argument("b", metavar="B", help="scenario file or SWEEP_DIR:POINT_ID")
    add_replication_options(
        compare,
        reps_help="replications 0..N-1 "
        "(default: A's scenario replications, or all of a sweep point's)",
        seed_help="root random seed for scenario files (default: A's, or the sweep point's)",
        workers_help="worker processes (default: all cores); results do not depend on it",
    )
    compare.add_argument(
        "--metrics",
        type=_metric_names,
        default=None,
        metavar="M,...",
        help="metrics to compare, comma-separated, bare (wait_mean) or service.metric (default:"
        " wait_mean, on_time_rate, request_coverage, unmet, elder_coverage, utilisation)",
    )
    compare.add_argument(
        "--slices",
        type=_names,
        default=None,
        metavar="S,...",
        help="slice kinds to compare: all, pool, tier, district, care_level (default: all,pool)",
    )
    add_set_option(compare, applies_to="both scenario files (not of a sweep point)")
    compare.add_argument("--json", action="store_true", help="print the comparison as JSON")
    compare.set_defaults(command="compare", handler=_compare)

    warmup = sub.add_parser(
        "warmup",
        help="warm-up diagnostic (MSER-5 on the backlog and wait series)",
        description=(
            "Run replications, build the daily backlog and wait series of each service, average"
            " them across replications and apply MSER-5 to each; recommend the largest"
            " truncation, rounded up to whole weeks, and compare it with the scenario's"
            " calendar.warmup_days. Nothing is written except the plot."
        ),
    )
    warmup.add_argument("scenario", type=Path, metavar="SCENARIO", help="scenario YAML file")
    add_replication_options(
        warmup,
        reps_help="replications (default: the scenario's)",
        seed_help="root random seed (default: the scenario's)",
        workers_help="worker processes (default: all cores)",
    )
    warmup.add_argument(
        "--plot",
        type=Path,
        default=None,
        metavar="FILE.png",
        help="where to save the plot (default: results/<scenario name>/warmup.png)",
    )
    add_set_option(warmup, applies_to="the scenario")
    add_lang_option(warmup)
    warmup.add_argument("--json", action="store_true", help="print the recommendation as JSON")
    warmup.set_defaults(command="warmup", handler=_warmup)


def _compare(args: argparse.Namespace) -> int:
    from carecap.sim.cli.compare_command import compare

    return compare(args)


def _warmup(args: argparse.Namespace) -> int:
    from carecap.sim.cli.warmup_command import warmup

    return warmup(args)
