"""Equity by district: wait and share started within a common threshold, with intervals.

Frame from :func:`carecap.analysis.equity.equity_table`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from carecap.analysis.figure_words import FigureWords, figure_words
from carecap.analysis.plots.fonts import display_label
from carecap.analysis.plots.style import (
    SERVICE_COLOURS,
    as_percent,
    figure,
    finish,
    service_name,
    styled,
)


def _interval(
    ax,
    rows: pd.DataFrame,
    prefix: str,
    y: np.ndarray,
    colour: str,
    none_words: str,
    top: float = np.inf,
) -> None:
    """Means with their intervals, drawn within ``[0, top]`` (a wait or a share cannot leave
    it; a missing interval, one replication: the point alone); ``none_words`` where a district
    has no requests."""
    mean = rows[f"{prefix}_mean"].to_numpy(np.float64)
    low = np.where(np.isnan(low := rows[f"{prefix}_low"].to_numpy(np.float64)), mean, low)
    high = np.where(np.isnan(high := rows[f"{prefix}_high"].to_numpy(np.float64)), mean, high)
    low, high = np.clip(low, 0, top), np.clip(high, 0, top)
    for yi in y[np.isnan(mean)]:  # e.g. no centre baths from a county that bathes at home
        ax.annotate(
            none_words,
            (0, yi),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize="x-small",
            color="#7f7f7f",
        )
    ax.errorbar(mean, y, xerr=[mean - low, high - mean], fmt="o", color=colour, capsize=3, ms=5)


def plot_equity(
    table: pd.DataFrame, title: str | None = None, lang: str | FigureWords = "en"
) -> Figure:
    """One row of two panels per service, districts down the side: the mean wait (left) and the
    share of requests started within the service's common threshold (right, every district on
    the same 0-100 % ruler), each with its 95 % interval (drawn within 0-100 % and from 0).
    Words in ``lang`` (:mod:`carecap.analysis.figure_words`; ``share_label`` is the table's,
    from :func:`~carecap.analysis.equity.equity_table` in the same language)."""
    w = figure_words(lang)
    services = list(dict.fromkeys(table["service"]))
    n_districts = max(1, table.groupby("service")["district"].count().max()) if len(table) else 1
    row_h = 0.9 + 0.28 * n_districts
    with styled():
        fig = figure(10.0, max(2.5, row_h * len(services)))
        grid = fig.add_gridspec(max(1, len(services)), 2)
        share_axes = []
        for i, service in enumerate(services):
            one = table[table["service"] == service]
            y = np.arange(len(one))
            names = [display_label(str(label)) for label in one["label"]]
            c = SERVICE_COLOURS.get(service, "#1f77b4")
            left = fig.add_subplot(grid[i, 0])
            right = fig.add_subplot(grid[i, 1], sharey=left)
            share_axes.append(right)
            _interval(left, one, "wait", y, c, w("equity.none"))
            _interval(right, one, "share", y, c, w("equity.none"), top=1.0)
            left.set_yticks(y, names)
            left.set_ylim(len(one) - 0.5, -0.5)  # first district on top
            left.set_xlim(left=0)
            right.tick_params(labelleft=False)
            name = service_name(service, w)
            unit = w.unit(str(one["wait_unit"].iloc[0]))
            left.set_title(w("equity.wait", service=name, unit=unit), loc="left")
            share = str(one["share_label"].iloc[0])
            right.set_title(w("equity.share", service=name, share=share), loc="left")
        for ax in share_axes:
            ax.set_xlim(0, 1.02)
            as_percent(ax, "x")
        return finish(fig, title or w("equity.title"))
