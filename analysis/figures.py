"""Every figure of a results folder, built from :func:`carecap.analysis.load` (what
``carecap plot`` and a report draw).

Each ``*_figure`` function takes a :class:`~carecap.analysis.load.Results`, computes the frame
its plot takes with the analysis functions, and returns the plot's Figure. A request that does
not fit the folder (a sweep figure of a run folder, a parameter the sweep lacks) raises
:class:`FigureError`, which names the option to change (``carecap plot`` reports it as a usage
error).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from matplotlib.figure import Figure

from carecap.analysis.compare import compare_metrics, crn_problems
from carecap.analysis.daily import daily_backlog, warmup_end
from carecap.analysis.equity import equity_table
from carecap.analysis.figure_words import EN_WORDS, FigureWords, figure_words
from carecap.analysis.hour_of_week import hour_of_week_utilisation
from carecap.analysis.load import RUN, Results
from carecap.analysis.plots import (
    plot_backlog,
    plot_comparison,
    plot_cost_frontier,
    plot_equity,
    plot_sweep_response,
    plot_utilisation_heatmap,
    plot_wait_ecdf,
)
from carecap.analysis.plots.style import service_name
from carecap.analysis.plots.titles import words
from carecap.analysis.summary_table import BY, slice_labels
from carecap.analysis.sweep_views import (
    SweepViewError,
    field_label,
    frontier_table,
    response_table,
)
from carecap.analysis.wait_curves import wait_curves, wait_targets
from carecap.sim.engine.records import ReplicationRecords
from carecap.sim.errors import ResultsError
from carecap.sim.experiments.sweep_points import LABEL_SEPARATOR, label_items

SERVICE_ORDER = ("care_visit", "alarm", "centre_bath", "home_bath")


NO_RECORDS_SWEEP = (
    "this figure needs the record tables, which this sweep did not keep (run it with "
    "--records); the sweep, cost and compare figures need only the metrics"
)
NO_RECORDS_RUN = (
    "this figure needs the record tables, which this run did not keep (it ran with "
    "--no-records: run it again without)"
)


class FigureError(ValueError):
    """A figure that does not fit the results folder or its options.

    Attributes: ``option`` (the command-line option to change, e.g. ``KIND`` or ``--x``) and
    ``message``."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"{option}: {message}")
        self.option = option
        self.message = message


def metric_label(service: str, metric: str, lang: str | FigureWords = "en") -> str:
    """``centre_bath``, ``wait_mean`` -> ``centre baths: mean wait`` (``中心助浴：平均等待``
    with ``lang="zh"``; a metric the words table does not name is shown by its name)."""
    w = figure_words(lang)
    words = w.get(f"metric.{metric}", metric.replace("_", " "))
    if service == "all":
        return words
    return w("metric_of_service", service=service_name(service, w), metric=words)


def _scenario_title(
    results: Results, what: str, point_id: str | None = None, w: FigureWords = EN_WORDS
) -> str:
    name = results.manifest.get("scenario_name") or results.manifest.get("name", "")
    where = w("at_point", point=point_id) if point_id else ""
    return w("scenario_title", name=name, where=where, what=what)


def _records(results: Results, point_id: str | None) -> Iterator[ReplicationRecords]:
    if results.kind != RUN and point_id is None:
        raise FigureError(
            "--point", "this figure is drawn from one point's records: name the point"
        )
    if not results.has_records:
        raise FigureError("KIND", NO_RECORDS_RUN if results.kind == RUN else NO_RECORDS_SWEEP)
    for rep in results.replications:
        if results.kind == RUN or (results.folder / "runs" / str(point_id)).is_dir():
            yield results.records(rep, point_id)


def _scenario(results: Results, point_id: str | None):
    return results.point_scenario(point_id) if point_id else results.scenario


def waits_figure(
    results: Results,
    by: str = "tier",
    point_id: str | None = None,
    lang: str | FigureWords = "en",
) -> Figure:
    """Wait curves by service and ``by`` (tier, district, care_level, all), with targets; words
    in ``lang`` (here and in every ``*_figure``: ``en``, ``zh``, or ``both``, drawn in Chinese;
    see :mod:`carecap.analysis.figure_words`)."""
    w = figure_words(lang)
    if by not in (*BY, "all"):
        raise FigureError("--by", f"must be one of {', '.join((*BY, 'all'))}, got {by!r}")
    scenario = _scenario(results, point_id)
    records = list(_records(results, point_id))
    curves, counts = wait_curves(records, scenario, by)
    labels = slice_labels(scenario, by) if by != "all" else {}
    if by == "tier":  # the default tier "other" has no Chinese label of its own
        labels = {t: w.get(f"tier.{t}", label) for t, label in labels.items()}
    labels |= slice_labels(scenario, "district")  # district targets are named too
    title = _scenario_title(results, w("title.waits", by=w.get(f"by.{by}", by)), point_id, w)
    targets = wait_targets(records[0], scenario)
    return plot_wait_ecdf(curves, counts, targets, labels, title, w, len(records))


def backlog_figure(
    results: Results, point_id: str | None = None, lang: str | FigureWords = "en"
) -> Figure:
    w = figure_words(lang)
    scenario = _scenario(results, point_id)
    daily = daily_backlog(_records(results, point_id), scenario)
    n = int(daily["replications"].max()) if len(daily) else 0
    title = _scenario_title(results, w("title.backlog", n=n), point_id, w)
    return plot_backlog(daily, warmup_end(scenario), title, w)


def utilisation_figure(
    results: Results, point_id: str | None = None, lang: str | FigureWords = "en"
) -> Figure:
    w = figure_words(lang)
    scenario = _scenario(results, point_id)
    hours = hour_of_week_utilisation(_records(results, point_id), scenario)
    title = _scenario_title(results, w("title.utilisation"), point_id, w)
    return plot_utilisation_heatmap(hours, title, w)


def equity_figure(
    results: Results, point_id: str | None = None, lang: str | FigureWords = "en"
) -> Figure:
    w = figure_words(lang)
    summary = results.summary
    if results.kind != RUN:
        if point_id is None:
            raise FigureError("--point", "a sweep folder: name the point to show by district")
        results.point(point_id)
        summary = summary[summary["point_id"] == point_id]
    table = equity_table(summary, _scenario(results, point_id), w)
    title = _scenario_title(results, w("title.equity"), point_id, w)
    return plot_equity(table, title, w)


def _need_sweep(results: Results, kind: str) -> None:
    if results.kind == RUN:
        raise FigureError(
            "KIND",
            f"the {kind} figure compares the points of a sweep, but {results.folder} is a "
            "carecap run folder; give a sweep's results folder",
        )


def _first_service(results: Results) -> str:
    present = set(results.summary["service"])
    return next((s for s in SERVICE_ORDER if s in present), "all")


def _most_varied_service(results: Results, metric: str) -> str:
    """The service whose ``metric`` (slice all) varies most across the sweep's points,
    relative to its size (the first service when none varies)."""
    s = results.summary
    rows = s[(s["metric"] == metric) & (s["slice"] == "all")]
    best, spread = _first_service(results), 0.0
    for service in SERVICE_ORDER:
        means = rows.loc[rows["service"] == service, "mean"].dropna()
        if len(means):
            rel = float(means.max() - means.min()) / (abs(float(means.mean())) + 1e-12)
            if rel > spread + 1e-9:
                best, spread = service, rel
    return best


def _split_metric(text: str | None, results: Results, default: str) -> tuple[str, str]:
    if not text:
        return _most_varied_service(results, default), default
    service, _, metric = text.rpartition(".")
    return service or _first_service(results), metric


def sweep_figure(
    results: Results,
    x: str | None = None,
    metric: str | None = None,
    by: str | None = None,
    where: Mapping[str, Any] | None = None,
    lang: str | FigureWords = "en",
) -> Figure:
    """``metric`` (``service.metric``; default: ``wait_mean`` of the service where it varies
    most) against
    parameter ``x`` (default: the first), one line per value of ``by`` (default: the second
    parameter when the sweep has exactly two and none is fixed by ``where``); words in
    ``lang``."""
    w = figure_words(lang)
    _need_sweep(results, "sweep")
    params = results.parameters
    where = dict(where or {})
    for option, names in (("--x", [x]), ("--line-by", [by]), ("--where", list(where))):
        for name in names:
            if name is not None and name not in params:
                raise FigureError(
                    option,
                    f"{name!r} is not a parameter of this sweep; its parameters are "
                    f"{', '.join(params)}",
                )
    x = x or params[0]
    if by is None and not where:
        others = [p for p in params if p != x]
        by = others[0] if len(others) == 1 else None
    service, name = _split_metric(metric, results, "wait_mean")
    try:
        table = response_table(results.summary, params, x, service, name, by, where)
    except SweepViewError as exc:
        option = "--metric" if "no metric" in str(exc) else "--where"
        raise FigureError(option, str(exc)) from None
    try:  # the scenario names list items (pools, teams) in the axis labels
        data = results.scenario.model_dump(mode="json", by_alias=True)
    except ResultsError:  # the base scenario file moved or changed: label by the paths
        data = None
    fixed = w.list_sep().join(
        w("equals", name=field_label(k, data, w), value=v) for k, v in where.items()
    )
    what = metric_label(service, name, w)
    title = _scenario_title(results, w("fixed", metric=what, fixed=fixed) if fixed else what, w=w)
    return plot_sweep_response(
        table,
        field_label(x, data, w),
        what,
        field_label(by, data, w) if by else None,
        title,
        w,
    )


def cost_figure(
    results: Results,
    level: str | None = None,
    cost: str = "cost_per_year",
    lang: str | FigureWords = "en",
) -> Figure:
    """Cost against a service level (``service.metric``; default ``on_time_rate`` of the service
    where it varies most) across the sweep's points, efficient points marked; words in
    ``lang``."""
    w = figure_words(lang)
    _need_sweep(results, "cost")
    service, name = _split_metric(level, results, "on_time_rate")
    try:
        table = frontier_table(results.summary, service, name, cost)
    except SweepViewError as exc:
        raise FigureError("--level", str(exc)) from None
    title = _scenario_title(results, w("title.cost"), w=w)
    return plot_cost_frontier(table, metric_label(service, name, w), title, w)


def compare_figure(
    results: Results,
    against: Results | None = None,
    points: Sequence[str] | None = None,
    lang: str | FigureWords = "en",
) -> Figure:
    """Paired differences B - A: A = ``results`` and B = ``against`` (two run folders, same seed
    and replications), or A, B = two ``points`` of a sweep; words in ``lang``."""
    w = figure_words(lang)
    if results.kind != RUN:
        if not points or len(points) != 2:
            raise FigureError("--points", "a sweep folder: name two points, e.g. p0000,p0003")
        for p in points:
            results.point(p)
        m = results.metrics
        a, b = (m[m["point_id"] == p] for p in points)
        names = [(p, label_items(results.point(p)["label"])) for p in points]
    else:
        if against is None:
            raise FigureError("--against", "name the second results folder (B) to compare with")
        a, b = results.metrics, against.metrics
        names = [(results.folder.name, []), (against.folder.name, [])]
    problems = crn_problems(a, b)
    table = compare_metrics(a, b)
    if table.empty:
        raise FigureError("--against", "the two results have no metric in common")
    return plot_comparison(table, _compare_title(names, problems, w), w)


def _compare_title(
    names: Sequence[tuple[str, list[str]]], problems: list[str], w: FigureWords
) -> list[str]:
    """``B - A: A = p0000 (x=1, y=2), B = p0005 (x=2, y=2)`` in pieces, each item of a point's
    label one piece, so that the title's lines never break inside one (:mod:`.plots.titles`);
    the notes on common random numbers (``problems``, as written) are broken at spaces."""
    pieces = [w("compare.heading")]
    for letter, (name, items), end in zip("AB", names, (w.list_sep(), ""), strict=True):
        if not items:
            pieces.append(f"{letter} = {name}{end}")
            continue
        bits = [f"{letter} = {name} ({items[0]}", *items[1:]]
        pieces += [bit + LABEL_SEPARATOR for bit in bits[:-1]] + [f"{bits[-1]}){end}"]
    if problems:
        pieces += words(f" ({'; '.join(problems)})")
    return pieces
