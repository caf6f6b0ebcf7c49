"""Utilisation heat-map by hour of the week, one panel per resource pool.

Frame from :func:`carecap.analysis.hour_of_week.hour_of_week_utilisation`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.figure import Figure

from carecap.analysis.figure_words import WEEKDAYS, FigureWords, figure_words
from carecap.analysis.plots.fonts import display_label
from carecap.analysis.plots.style import as_percent, figure, finish, styled
from carecap.analysis.plots.titles import wrap_to_figure

NO_SHIFT_COLOUR = "#eeeeee"
"""Hours with no one on shift."""
OVER_COLOUR = "#d62728"
"""Hours busier than the unit-hours on shift (above the 0-100 % scale)."""
_ROUNDING = 1e-9
"""Busy / on-shift ratios this close above 1 are a fully busy hour summed in floating point."""


def plot_utilisation_heatmap(
    hours: pd.DataFrame, title: str | None = None, lang: str | FigureWords = "en"
) -> Figure:
    """Per pool, a 7 x 24 grid (weekday x hour): busy unit-hours / on-shift unit-hours; hours
    with no one on shift are blank (grey). One colour scale for all pools, 0 to 100 %; an hour
    above 100 % (work begun before a shift's end and finished after it, e.g. the hour of a
    lunch break; ``inf``: work in an hour with no one on shift, e.g. a van's return run after
    van hours) is drawn in :data:`OVER_COLOUR`, so that a few such hours do not stretch the
    scale and darken every ordinary hour. ``hours``: ``pool, kind, weekday, hour,
    utilisation``. Words in ``lang`` (:mod:`carecap.analysis.figure_words`)."""
    w = figure_words(lang)
    pools = list(dict.fromkeys(hours["pool"]))
    cmap = colormaps["viridis"].with_extremes(bad=NO_SHIFT_COLOUR, over=OVER_COLOUR)
    with styled():
        columns = 1 if len(pools) == 1 else 2 if len(pools) <= 6 else 3
        fig, axes, bar_ax = _panels_and_bar(len(pools), columns)
        image = None
        for ax, pool in zip(axes, pools, strict=False):
            one = hours[hours["pool"] == pool]
            grid = np.full((7, 24), np.nan)
            grid[one["weekday"].to_numpy(int), one["hour"].to_numpy(int)] = one["utilisation"]
            grid[(grid > 1.0) & (grid <= 1.0 + _ROUNDING)] = 1.0  # fully busy, not over
            grid[np.isinf(grid)] = 2.0  # work with no one on shift: over (masked_invalid hides inf)
            image = ax.imshow(
                np.ma.masked_invalid(grid),
                aspect="auto",
                cmap=cmap,
                vmin=0,
                vmax=1.0,
                interpolation="nearest",
            )
            ax.set_yticks(range(7), [w(day) for day in WEEKDAYS])
            ax.set_xticks(range(0, 24, 3), [f"{h:02d}:00" for h in range(0, 24, 3)])
            ax.grid(False)
            kind = str(one["kind"].iloc[0])
            kind = w.get(f"kind.{kind}", kind)
            ax.set_title(
                w("utilisation.pool", pool=display_label(str(pool)), kind=kind), loc="left"
            )
            ax.set_xlabel(w("utilisation.x"))
        if image is not None:
            bar = fig.colorbar(image, cax=bar_ax, orientation="horizontal", extend="max")
            bar.set_label(w("utilisation.scale"))
            as_percent(bar.ax, "x")
        else:
            bar_ax.remove()
        finish(fig, title or w("utilisation.title"))
        wrap_to_figure(fig, bar_ax.xaxis.label)  # a caption wider than one column breaks
        return fig


PANEL_W_IN, PANEL_H_IN, BAR_H_IN = 4.6, 2.4, 0.16
"""Inches of one pool's panel and of the colour bar (its ticks and caption come on top)."""


def _panels_and_bar(n: int, columns: int):
    """``n`` panels in rows of ``columns``, and under them the colour bar's axes across the
    middle half of the width: a row of the grid of its own, so that the layout makes room for
    its ticks and caption (a colour bar hung from the panels, ``colorbar(ax=axes)``, had its
    caption cut off at the bottom of a figure of many rows)."""
    cols = min(columns, max(1, n))
    rows = math.ceil(max(1, n) / cols)
    fig = figure(PANEL_W_IN * cols, PANEL_H_IN * rows + BAR_H_IN + 0.7)
    # four grid columns a panel, so that the bar can take the middle half (a nested grid
    # collapses a row this thin)
    grid = fig.add_gridspec(rows + 1, 4 * cols, height_ratios=[PANEL_H_IN] * rows + [BAR_H_IN])
    axes = [
        fig.add_subplot(grid[i // cols, 4 * (i % cols) : 4 * (i % cols) + 4])
        for i in range(max(1, n))
    ]
    bar_ax = fig.add_subplot(grid[rows, cols : 3 * cols])
    return fig, axes, bar_ax
