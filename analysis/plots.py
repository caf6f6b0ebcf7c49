"""Plots: each function takes frames and returns a matplotlib :class:`~matplotlib.figure.Figure`.

They compute nothing beyond layout (selecting rows, converting minutes to days for an axis):
statistics come from :mod:`carecap.analysis.stats`, :mod:`carecap.analysis.compare` and
:mod:`carecap.analysis.warmup`.
Figures are built without ``pyplot`` on the Agg canvas (no global figure registry, no backend
switch, no display needed): save them with ``fig.savefig("file.png")``; in a notebook, display
the returned figure.

========================  =======================================================================
function                  frame it takes
========================  =======================================================================
plot_warmup               daily series (``series, day, value, unit``) and truncations per series
plot_backlog              ``time_min, waiting`` (+ optional ``service``): a step function each
plot_waits_by_tier        requests records (``service, tier, wait_min``): ECDF per tier
plot_sweep_response       sweep summary (``x_param, service, metric, mean, ci_low, ci_high``)
plot_comparison           :func:`carecap.analysis.compare.compare_metrics` output
========================  =======================================================================
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from carecap.sim.units import DAY_MIN

_PANEL_W, _PANEL_H = 5.0, 3.0


def _figure(width: float, height: float) -> Figure:
    """A figure drawn by Agg (PNG, no display), laid out by matplotlib's constrained layout."""
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _grid(n: int, columns: int = 2) -> tuple[Figure, list]:
    """A figure with ``n`` panels in rows of ``columns`` (no empty panels left)."""
    n = max(1, n)
    cols = min(columns, n)
    rows = math.ceil(n / cols)
    fig = _figure(_PANEL_W * cols, _PANEL_H * rows)
    axes = [fig.add_subplot(rows, cols, i + 1) for i in range(n)]
    return fig, axes


def plot_warmup(
    series_frame: pd.DataFrame,
    truncation: Mapping[str, float] | pd.DataFrame,
    recommended_days: float | None = None,
    current_days: float | None = None,
    title: str | None = None,
) -> Figure:
    """One panel per series: its daily values, the series' MSER-5 truncation (solid vertical
    line), and optionally the overall recommendation (dashed) and the scenario's current
    warm-up (dotted).

    ``series_frame``: ``series, day, value, unit`` (e.g.
    :func:`carecap.analysis.warmup.mean_series`);
    ``truncation``: series → days, or a frame with ``series`` and ``truncation_days`` (e.g.
    :func:`carecap.analysis.warmup.warmup_table`).
    """
    if isinstance(truncation, pd.DataFrame):
        truncation = dict(zip(truncation["series"], truncation["truncation_days"], strict=True))
    names = list(dict.fromkeys(series_frame["series"]))
    fig, axes = _grid(len(names))
    for ax, name in zip(axes, names, strict=False):
        one = series_frame[series_frame["series"] == name]
        ax.plot(one["day"], one["value"], color="tab:blue", linewidth=1)
        if name in truncation:
            ax.axvline(truncation[name], color="tab:red", label=f"MSER-5: {truncation[name]:g} d")
        if recommended_days is not None:
            ax.axvline(
                recommended_days,
                color="black",
                linestyle="--",
                label=f"recommended: {recommended_days:g} d",
            )
        if current_days is not None:
            ax.axvline(
                current_days, color="grey", linestyle=":", label=f"current: {current_days:g} d"
            )
        unit = one["unit"].iloc[0] if len(one) else ""
        ax.set_title(
            f"{name}: truncate {truncation[name]:g} d" if name in truncation else name,
            fontsize="medium",
        )
        ax.set_xlabel("day")
        ax.set_ylabel(unit)
    # One legend for all panels (the line styles mean the same everywhere).
    handles, labels = axes[0].get_legend_handles_labels()
    labels = ["MSER-5 truncation of the series" if lb.startswith("MSER") else lb for lb in labels]
    fig.legend(handles, labels, loc="outside lower center", ncols=3, fontsize="small")
    if title:
        fig.suptitle(title)
    return fig


def plot_backlog(backlog_frame: pd.DataFrame, title: str | None = None) -> Figure:
    """Requests waiting over time, as steps (x in days).

    ``backlog_frame``: ``time_min`` and ``waiting`` (e.g.
    :func:`carecap.sim.metrics.replication.backlog_series`);
    with a ``service`` column, one line per service.
    """
    fig = _figure(8, 3.5)
    ax = fig.add_subplot()
    groups = (
        backlog_frame.groupby("service", sort=False, observed=True)
        if "service" in backlog_frame.columns
        else [(None, backlog_frame)]
    )
    for service, one in groups:
        ax.step(one["time_min"] / DAY_MIN, one["waiting"], where="post", label=service, linewidth=1)
    ax.set_xlabel("day")
    ax.set_ylabel("requests waiting")
    if "service" in backlog_frame.columns:
        ax.legend(fontsize="small")
    ax.set_title(title or "Backlog")
    return fig


def plot_waits_by_tier(requests_frame: pd.DataFrame, title: str | None = None) -> Figure:
    """Empirical CDF of the waits, one line per priority tier, one panel per service.

    ``requests_frame``: request records with ``service``, ``tier``, ``wait_min`` (requests never
    started, wait NaN, are left out). Waits in days (minutes for alarms, as in the metrics).
    """
    started = requests_frame[requests_frame["wait_min"].notna()]
    services = list(dict.fromkeys(started["service"].astype(str)))
    fig, axes = _grid(len(services))
    for ax, service in zip(axes, services, strict=False):
        mine = started[(started["service"] == service).to_numpy()]
        scale, unit = (1.0, "min") if service == "alarm" else (DAY_MIN, "days")
        tiers = mine["tier"]
        order = list(tiers.cat.categories) if hasattr(tiers, "cat") else list(dict.fromkeys(tiers))
        for tier in order:
            waits = mine.loc[(tiers == tier).to_numpy(), "wait_min"].to_numpy(np.float64)
            if len(waits):
                ax.ecdf(waits / scale, label=str(tier))
        ax.set_title(service, fontsize="medium")
        ax.set_xlabel(f"wait ({unit})")
        ax.set_ylabel("share of requests")
        ax.legend(title="tier", fontsize="small")
    if title:
        fig.suptitle(title)
    return fig


def plot_sweep_response(
    summary_frame: pd.DataFrame,
    x_param: str,
    metric: str,
    service: str,
    title: str | None = None,
) -> Figure:
    """A metric's mean across sweep points against one parameter, with its 95 % band.

    ``summary_frame``: one row per point and metric, with columns ``x_param``, ``service``,
    ``metric``, ``mean``, ``ci_low``, ``ci_high`` (and ``slice``: only ``all`` is drawn, and
    ``unit``); rows are drawn in increasing ``x_param``.
    """
    rows = summary_frame[
        (summary_frame["service"] == service) & (summary_frame["metric"] == metric)
    ]
    if "slice" in rows.columns:
        rows = rows[rows["slice"] == "all"]
    rows = rows.sort_values(x_param)
    fig = _figure(6, 4)
    ax = fig.add_subplot()
    ax.plot(rows[x_param], rows["mean"], marker="o", color="tab:blue", label="mean")
    ax.fill_between(
        rows[x_param],
        rows["ci_low"].to_numpy(np.float64),
        rows["ci_high"].to_numpy(np.float64),
        color="tab:blue",
        alpha=0.2,
        label="95 % interval",
    )
    unit = rows["unit"].iloc[0] if "unit" in rows.columns and len(rows) else ""
    ax.set_xlabel(x_param)
    ax.set_ylabel(f"{service} {metric}" + (f" ({unit})" if unit else ""))
    ax.legend(fontsize="small")
    ax.set_title(title or f"{service} {metric} against {x_param}")
    return fig


def plot_comparison(compare_frame: pd.DataFrame, title: str | None = None) -> Figure:
    """Paired differences B - A with their 95 % intervals, one panel per unit (shares in
    percentage points); significant differences (interval excludes 0) in red.

    ``compare_frame``: :func:`carecap.analysis.compare.compare_metrics` output (``service, slice,
    slice_value, metric, unit, diff, half_width, significant``).
    """
    units = list(dict.fromkeys(compare_frame["unit"]))
    fig = _figure(7, 1.0 + 0.3 * len(compare_frame) + 0.6 * len(units))
    axes = [fig.add_subplot(len(units), 1, i + 1) for i in range(max(1, len(units)))]
    for ax, unit in zip(axes, units, strict=False):
        rows = compare_frame[compare_frame["unit"] == unit]
        scale, label = (100.0, "percentage points") if unit == "share" else (1.0, unit)
        labels = [
            f"{r.service} {r.metric}" + ("" if r.slice == "all" else f" {r.slice_value}")
            for r in rows.itertuples(index=False)
        ]
        y = np.arange(len(rows))
        colors = np.where(rows["significant"].to_numpy(bool), "tab:red", "tab:grey")
        ax.errorbar(
            rows["diff"].to_numpy(np.float64) * scale,
            y,
            xerr=np.nan_to_num(rows["half_width"].to_numpy(np.float64)) * scale,
            fmt="none",
            ecolor=colors,
            capsize=3,
        )
        ax.scatter(rows["diff"].to_numpy(np.float64) * scale, y, c=colors, zorder=3)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_yticks(y, labels, fontsize="small")
        ax.invert_yaxis()
        ax.set_xlabel(f"B - A ({label})")
    if title:
        fig.suptitle(title)
    return fig
