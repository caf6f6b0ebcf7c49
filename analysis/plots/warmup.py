"""The warm-up diagnostic: daily series with their MSER-5 truncations.

Frames from :mod:`carecap.analysis.warmup`.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from matplotlib.figure import Figure

from carecap.analysis.figure_words import FigureWords, figure_words
from carecap.analysis.plots.style import colour, finish, legend_below, panels, styled


def _series_name(one: pd.DataFrame, name: str, w: FigureWords) -> str:
    """``backlog care visits`` (``照护上门积压``) from the frame's ``kind`` and ``service``;
    the series as named when the frame has neither."""
    if len(one) == 0 or not {"kind", "service"} <= set(one.columns):
        return name
    kind, service = str(one["kind"].iloc[0]), str(one["service"].iloc[0])
    return w("warmup.series", kind=w.get(f"warmup.{kind}", kind), service=w.service(service))


def plot_warmup(
    series_frame: pd.DataFrame,
    truncation: Mapping[str, float] | pd.DataFrame,
    recommended_days: float | None = None,
    current_days: float | None = None,
    title: str | None = None,
    lang: str | FigureWords = "en",
) -> Figure:
    """One panel per series: its daily values, the series' MSER-5 truncation (solid vertical
    line), and optionally the overall recommendation (dashed) and the scenario's current
    warm-up (dotted). Words in ``lang`` (:mod:`carecap.analysis.figure_words`).

    ``series_frame``: ``series, day, value, unit`` (e.g.
    :func:`carecap.analysis.warmup.mean_series`; with its ``kind`` and ``service`` the panels
    name the service in words);
    ``truncation``: series -> days, or a frame with ``series`` and ``truncation_days`` (e.g.
    :func:`carecap.analysis.warmup.warmup_table`).
    """
    w = figure_words(lang)
    if isinstance(truncation, pd.DataFrame):
        truncation = dict(zip(truncation["series"], truncation["truncation_days"], strict=True))
    names = list(dict.fromkeys(series_frame["series"]))
    with styled():
        fig, axes = panels(len(names))
        for ax, name in zip(axes, names, strict=False):
            one = series_frame[series_frame["series"] == name]
            ax.plot(one["day"], one["value"], color=colour(0), linewidth=1)
            if name in truncation:
                ax.axvline(truncation[name], color="#d62728", label=w("warmup.truncation"))
            if recommended_days is not None:
                ax.axvline(
                    recommended_days,
                    color="black",
                    linestyle="--",
                    label=w("warmup.recommended", days=recommended_days),
                )
            if current_days is not None:
                ax.axvline(
                    current_days,
                    color="grey",
                    linestyle=":",
                    label=w("warmup.current", days=current_days),
                )
            unit = str(one["unit"].iloc[0]) if len(one) else ""
            shown = _series_name(one, name, w)
            ax.set_title(
                w("warmup.panel", name=shown, days=truncation[name])
                if name in truncation
                else shown
            )
            ax.set_xlabel(w("warmup.x"))
            ax.set_ylabel(w.unit(unit))
        legend_below(fig, axes, ncols=3)
        return finish(fig, title)
