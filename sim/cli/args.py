"""Argument types shared by the ``carecap`` subcommands (argparse ``type=`` callables)."""

from __future__ import annotations

import argparse

from carecap.sim.scenario.limits import MAX_REPLICATIONS, MAX_SEED


def whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def positive_int(text: str) -> int:
    value = whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def non_negative_int(text: str) -> int:
    value = whole_number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be at least 0, got {value}")
    return value


def replication_count(text: str) -> int:
    value = positive_int(text)
    if value > MAX_REPLICATIONS:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_REPLICATIONS:,}, got {value:,}")
    return value


def seed_value(text: str) -> int:
    value = non_negative_int(text)
    if value > MAX_SEED:
        raise argparse.ArgumentTypeError(f"must be at most 2^64 - 1, got {value}")
    return value


def add_replication_options(
    parser: argparse.ArgumentParser, *, reps_help: str, seed_help: str, workers_help: str
) -> None:
    """``--reps N``, ``--seed S`` and ``--workers N``, as every simulating subcommand takes them
    (all default to None: the command picks the scenario's value or all cores)."""
    parser.add_argument("--reps", type=replication_count, default=None, metavar="N", help=reps_help)
    parser.add_argument("--seed", type=seed_value, default=None, metavar="S", help=seed_help)
    parser.add_argument(
        "--workers", type=positive_int, default=None, metavar="N", help=workers_help
    )


def add_set_option(parser: argparse.ArgumentParser, *, applies_to: str) -> None:
    """``--set PATH=VALUE`` (repeatable; parsed by
    :func:`carecap.sim.scenario.set_options.parse_set_options`), as ``carecap run``,
    ``compare``, ``warmup`` and ``sweep`` take it."""
    parser.add_argument(
        "--set",
        action="append",
        dest="set_values",
        default=None,
        metavar="PATH=VALUE",
        help=f"set a field of {applies_to} after its extends: and set: (repeatable), e.g. "
        "--set caregivers.cg_xiaodian.shifts.0.count=6; list items by index or name; VALUE is "
        "one YAML value",
    )


FIGURE_LANGS = ("en", "zh", "both")
"""The figures' languages (:data:`carecap.analysis.figure_words.FIGURE_LANGS`, repeated here:
importing the analysis package to build the parser would cost every command pandas' start-up)."""


def add_lang_option(parser: argparse.ArgumentParser) -> None:
    """``--lang en|zh|both``: the figure's words (``both``: Chinese, English beside the names)."""
    parser.add_argument(
        "--lang",
        choices=FIGURE_LANGS,
        default="en",
        help="the figure's words: English (default), Chinese (zh) or both (Chinese, with "
        "English beside names)",
    )
