"""Sweep figures: a metric against a parameter (with bands), and cost against a service level
with the efficient options marked.

Frames from :func:`carecap.analysis.sweep_views.response_table` and
:func:`~carecap.analysis.sweep_views.frontier_table`.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from carecap.analysis.figure_words import FigureWords, figure_words
from carecap.analysis.plots.style import (
    BAND_ALPHA,
    NOT_SIGNIFICANT,
    as_percent,
    colour,
    figure,
    finish,
    integer_ticks,
    legend_below,
    styled,
)
from carecap.analysis.plots.ticks import StepNumberFormatter
from carecap.analysis.sweep_views import is_integer_valued


def _unit_label(name: str, unit: str, w: FigureWords) -> str:
    return (
        name if unit in ("", "share", "requests") else w("with_unit", name=name, unit=w.unit(unit))
    )


def plot_sweep_response(
    response: pd.DataFrame,
    x_label: str,
    y_label: str,
    by_label: str | None = None,
    title: str | None = None,
    lang: str | FigureWords = "en",
) -> Figure:
    """The metric's mean against the parameter with its 95 % interval; one series per value of
    the second parameter (``by``). A numeric parameter: lines with bands (whole-number ticks
    for whole numbers). Named values (variants): one point with its error bar per value, in
    the order of ``response`` (the sweep file's), series side by side, no line joining them
    (nothing lies between two variants). Shares are percentages. ``response``: ``x, by, mean,
    ci_low, ci_high, unit``. Words in ``lang`` (:mod:`carecap.analysis.figure_words`; the
    labels given are drawn as they are)."""
    w = figure_words(lang)
    unit = str(response["unit"].iloc[0]) if len(response) else ""
    numeric = bool(pd.to_numeric(response["x"], errors="coerce").notna().all())
    with styled():
        fig = figure(6.4, 4.2)
        ax = fig.add_subplot()
        groups = list(dict.fromkeys(response["by"]))
        ticks = list(dict.fromkeys(response["x"])) if not numeric else None
        for i, value in enumerate(groups):
            one = response[response["by"] == value]
            label = w("sweep.line", name=by_label, value=value) if by_label else w("sweep.mean")
            lo, hi = one["ci_low"].to_numpy(np.float64), one["ci_high"].to_numpy(np.float64)
            mean = one["mean"].to_numpy(np.float64)
            if numeric:
                x = one["x"].to_numpy(np.float64)
                ax.plot(x, mean, marker="o", ms=4, color=colour(i), label=label)
                if np.isfinite(lo).any():
                    ax.fill_between(x, lo, hi, color=colour(i), alpha=BAND_ALPHA, linewidth=0)
                continue
            assert ticks is not None
            x = np.array([ticks.index(v) for v in one["x"]], dtype=np.float64)
            x += _dodge(i, len(groups))
            bars = np.nan_to_num(np.abs([mean - lo, hi - mean]))
            ax.errorbar(x, mean, yerr=bars, fmt="o", ms=5, capsize=3, color=colour(i), label=label)
        if numeric and is_integer_valued(response["x"]):
            integer_ticks(ax, "x")
        if not numeric:
            assert ticks is not None
            ax.set_xticks(range(len(ticks)), [str(t) for t in ticks])
            ax.set_xlim(-0.5, len(ticks) - 0.5)
            ax.grid(False, axis="x")
        if unit == "share":
            as_percent(ax)
        if (response["mean"].dropna() >= 0).all():
            ax.set_ylim(bottom=0)  # waits, counts and shares are never negative
        ax.set_xlabel(x_label)
        ax.set_ylabel(_unit_label(y_label, unit, w))
        legend_below(
            fig,
            [ax],
            ncols=min(len(groups), 4),
            title=w("sweep.band") if numeric else w("sweep.bars"),
        )
        finish(fig, title or w("sweep.title", y=y_label, x=x_label))
        if not numeric:
            _fit_ticks(fig, ax)
        return fig


DODGE_WIDTH = 0.5
"""Of the space between two named values, what the series beside each other take."""


def _dodge(i: int, n: int) -> float:
    """Offset of series ``i`` of ``n`` around its value's tick (0 for a single series)."""
    return 0.0 if n <= 1 else DODGE_WIDTH * (i / (n - 1) - 0.5)


TICK_GAP_PT = 8.0
"""Space between two named values' tick labels below which they are slanted."""


def _fit_ticks(fig: Figure, ax) -> None:
    """Named values' tick labels slanted when they would run into each other."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]
    gap = TICK_GAP_PT * fig.dpi / 72
    if any(a.x1 > b.x0 - gap for a, b in pairwise(boxes)):
        for t in ax.get_xticklabels():
            t.set_rotation(30)
            t.set_horizontalalignment("right")
            t.set_rotation_mode("anchor")


def _with_errors(rows: pd.DataFrame, prefix: str, scale: float, top: float = np.inf):
    """Values and their error-bar lengths (below, above) from ``prefix``, ``prefix_low``,
    ``prefix_high``, the bars drawn within ``[0, top]`` (a missing interval: no bar)."""
    mean = rows[prefix].to_numpy(np.float64) / scale
    low = np.clip(rows[f"{prefix}_low"].to_numpy(np.float64) / scale, 0, top)
    high = np.clip(rows[f"{prefix}_high"].to_numpy(np.float64) / scale, 0, top)
    return mean, np.nan_to_num(np.abs([mean - low, high - mean]))


def plot_cost_frontier(
    frontier: pd.DataFrame,
    level_label: str,
    title: str | None = None,
    lang: str | FigureWords = "en",
) -> Figure:
    """Each sweep point's yearly cost (y) against its service level (x), both with 95 %
    intervals; efficient points (no other is cheaper and at least as good) filled, joined and
    numbered in order of service level, the others hollow grey. The legend under the axes,
    where it hides no bar, names each number's point (a point's label can be as wide as the
    axes: written beside the points, labels ran into each other and out of the figure); each
    number sits beside its point, where it overlaps no other number and stays inside the axes.
    ``frontier``: from :func:`~carecap.analysis.sweep_views.frontier_table`. Words in
    ``lang`` (:mod:`carecap.analysis.figure_words`)."""
    w = figure_words(lang)
    level_unit = str(frontier["level_unit"].iloc[0]) if len(frontier) else ""
    cost_unit = str(frontier["cost_unit"].iloc[0]) if len(frontier) else ""
    scale = 1e6 if frontier["cost"].abs().max() >= 1e6 else 1.0
    best = frontier[frontier["efficient"]].sort_values("level", kind="stable")
    with styled():
        fig = figure(7.0, 4.8 + KEY_ROW_IN * len(best))
        ax = fig.add_subplot()
        looks = {False: {"mfc": "white", "color": NOT_SIGNIFICANT}, True: {"color": colour(0)}}
        for efficient, style in looks.items():
            one = frontier[frontier["efficient"] == efficient]
            if one.empty:
                continue
            x, xerr = _with_errors(one, "level", 1.0, 1.0 if level_unit == "share" else np.inf)
            y, yerr = _with_errors(one, "cost", scale)
            label = w("cost.efficient") if efficient else w("cost.dominated")
            ax.errorbar(x, y, xerr=xerr, yerr=yerr, fmt="o", ms=6, capsize=2, label=label, **style)
        ax.plot(best["level"], best["cost"] / scale, color=colour(0), linewidth=1, alpha=0.6)
        numbers = [
            ax.annotate(
                str(i),
                (r.level, r.cost / scale),
                textcoords="offset points",
                xytext=NUMBER_OFFSETS[0],
                fontsize="small",
                color=colour(0),
            )
            for i, r in enumerate(best.itertuples(index=False), start=1)
        ]
        if level_unit == "share":
            as_percent(ax, "x")
        ax.set_xlabel(_unit_label(level_label, level_unit, w))
        million = w("cost.million") if scale > 1 else ""
        ax.set_ylabel(w("cost.y", million=million, unit=w.unit(cost_unit)))
        ax.yaxis.set_major_formatter(StepNumberFormatter())
        handles, labels = ax.get_legend_handles_labels()
        for i, r in enumerate(best.itertuples(index=False), start=1):
            handles.append(Line2D([], [], linestyle="none", marker=f"${i}$", color=colour(0)))
            labels.append(str(r.label or r.point_id))
        # outside the axes: over no error bar; one column, so that a long label has the width
        fig.legend(handles, labels, loc="outside lower center", ncols=1 if len(best) else 2)
        finish(fig, title or w("cost.title"))
        _place_numbers(fig, ax, numbers)
        return fig


KEY_ROW_IN = 0.2
"""Inches the figure grows by per efficient point, for its line in the legend."""
NUMBER_OFFSETS = ((4, 3), (4, -11), (-10, 3), (-10, -11), (4, 12), (-10, 12), (4, -20), (-10, -20))
"""Where a point's number may go, in points from the point, tried in turn."""


def _place_numbers(fig: Figure, ax, numbers: list) -> None:
    """Moves each number to the first offset of :data:`NUMBER_OFFSETS` where it lies inside
    the axes and overlaps no number placed before it (the last offset tried when none does).
    Measured on the laid-out figure: the numbers inside the axes do not change the layout."""
    if not numbers:
        return
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    inside = ax.get_window_extent(renderer)
    placed = []
    for number in numbers:
        for offset in NUMBER_OFFSETS:
            number.set_position(offset)
            box = number.get_window_extent(renderer)
            if _within(box, inside) and not any(box.overlaps(other) for other in placed):
                break
        placed.append(number.get_window_extent(renderer))


def _within(box, outer) -> bool:
    return box.x0 >= outer.x0 and box.x1 <= outer.x1 and box.y0 >= outer.y0 and box.y1 <= outer.y1
