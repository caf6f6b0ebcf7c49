"""Paired differences B - A with their intervals (a forest plot).

Frame from :func:`carecap.analysis.compare.compare_metrics`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from carecap.analysis.figure_words import FigureWords, figure_words
from carecap.analysis.plots.fonts import display_label
from carecap.analysis.plots.style import (
    NOT_SIGNIFICANT,
    SIGNIFICANT,
    figure,
    finish,
    styled,
)
from carecap.analysis.plots.titles import Title


def _row_label(r, w: FigureWords) -> str:
    where = "" if r.slice == "all" else f" {r.slice_value}"
    metric = w.metric_name(r.metric) + where
    return display_label(w("metric_of_service", service=w.service(r.service), metric=metric))


def plot_comparison(
    compare_frame: pd.DataFrame, title: Title | None = None, lang: str | FigureWords = "en"
) -> Figure:
    """One panel per unit (shares in percentage points): each metric's mean paired difference
    B - A and its 95 % interval; red where the interval excludes 0, grey otherwise; a line at
    no difference. ``title``: text, or pieces never split across lines (:mod:`.titles`).
    Words in ``lang`` (:mod:`carecap.analysis.figure_words`; metrics by
    :meth:`~carecap.analysis.figure_words.FigureWords.metric_name`)."""
    w = figure_words(lang)
    units = list(dict.fromkeys(compare_frame["unit"]))
    with styled():
        fig = figure(7.5, 1.2 + 0.32 * len(compare_frame) + 0.7 * len(units))
        grid = fig.add_gridspec(
            max(1, len(units)),
            1,
            height_ratios=[max(1, (compare_frame["unit"] == u).sum()) for u in units] or [1],
        )
        for i, unit in enumerate(units):
            ax = fig.add_subplot(grid[i, 0])
            rows = compare_frame[compare_frame["unit"] == unit]
            scale, words = (100.0, w("compare.points")) if unit == "share" else (1.0, w.unit(unit))
            y = np.arange(len(rows))
            diff = rows["diff"].to_numpy(np.float64) * scale
            half = np.nan_to_num(rows["half_width"].to_numpy(np.float64)) * scale
            colours = np.where(rows["significant"].to_numpy(bool), SIGNIFICANT, NOT_SIGNIFICANT)
            for yi, d, h, c in zip(y, diff, half, colours, strict=True):
                ax.errorbar(d, yi, xerr=h, fmt="none", ecolor=c, capsize=3)
            ax.scatter(diff, y, c=colours, zorder=3, s=22)
            ax.axvline(0, color="black", linewidth=0.8)
            ax.set_yticks(y, [_row_label(r, w) for r in rows.itertuples(index=False)])
            ax.invert_yaxis()
            ax.set_xlabel(w("compare.x", unit=words))
        return finish(fig, title or w("compare.title"))
