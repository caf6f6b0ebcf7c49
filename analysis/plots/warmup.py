"""The warm-up diagnostic: daily series with their MSER-5 truncations.

Frames from :mod:`carecap.analysis.warmup`.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from matplotlib.figure import Figure

from carecap.analysis.plots.style import colour, finish, legend_below, panels, styled


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
    ``truncation``: series -> days, or a frame with ``series`` and ``truncation_days`` (e.g.
    :func:`carecap.analysis.warmup.warmup_table`).
    """
    if isinstance(truncation, pd.DataFrame):
        truncation = dict(zip(truncation["series"], truncation["truncation_days"], strict=True))
    names = list(dict.fromkeys(series_frame["series"]))
    with styled():
        fig, axes = panels(len(names))
        for ax, name in zip(axes, names, strict=False):
            one = series_frame[series_frame["series"] == name]
            ax.plot(one["day"], one["value"], color=colour(0), linewidth=1)
            if name in truncation:
                ax.axvline(
                    truncation[name], color="#d62728", label="MSER-5 truncation of the series"
                )
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
            ax.set_title(f"{name}: truncate {truncation[name]:g} d" if name in truncation else name)
            ax.set_xlabel("day")
            ax.set_ylabel(unit)
        legend_below(fig, axes, ncols=3)
        return finish(fig, title)
