"""Backlog over calendar dates: daily mean across replications, its band, the warm-up shaded.

Frame from :func:`carecap.analysis.daily.daily_backlog`.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from carecap.analysis.figure_words import FigureWords, figure_words
from carecap.analysis.plots.style import (
    BAND_ALPHA,
    SERVICE_COLOURS,
    WARMUP_COLOUR,
    finish,
    legend_below,
    panels,
    service_name,
    styled,
)


def plot_backlog(
    daily: pd.DataFrame,
    warmup_end: pd.Timestamp | None = None,
    title: str | None = None,
    lang: str | FigureWords = "en",
) -> Figure:
    """One panel per service (x shared): requests waiting, daily time-weighted mean over the
    replications (line) and its 95 % interval (band); the warm-up (before ``warmup_end``)
    shaded. ``daily``: ``service, date, mean, ci_low, ci_high, replications``. Words (and
    dates) in ``lang`` (:mod:`carecap.analysis.figure_words`)."""
    w = figure_words(lang)
    services = list(dict.fromkeys(daily["service"]))
    with styled():
        fig, axes = panels(len(services), columns=1, sharex=True, height=2.2, width=9.0)
        for ax, service in zip(axes, services, strict=False):
            one = daily[daily["service"] == service]
            x = pd.to_datetime(one["date"]).to_numpy()
            c = SERVICE_COLOURS.get(service, "#1f77b4")
            ax.plot(x, one["mean"], color=c, label=w("backlog.mean"))
            if one["replications"].max() > 1:
                ax.fill_between(
                    x,
                    one["ci_low"].to_numpy(np.float64),
                    one["ci_high"].to_numpy(np.float64),
                    color=c,
                    alpha=BAND_ALPHA,
                    linewidth=0,
                    label=w("backlog.band"),
                )
            if warmup_end is not None and warmup_end > x.min():
                ax.axvspan(
                    x.min(), warmup_end, color=WARMUP_COLOUR, alpha=0.35, label=w("backlog.warmup")
                )
            ax.set_title(service_name(service, w), loc="left")
            ax.set_ylabel(w("backlog.y"))
            ax.set_ylim(bottom=0)
            ax.set_xlim(x.min(), x.max())
        for ax in axes[:-1]:
            ax.tick_params(labelbottom=False)
        locator = mdates.AutoDateLocator()
        axes[-1].xaxis.set_major_locator(locator)
        axes[-1].xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, **w.date_formats()))
        reps = int(daily["replications"].max()) if len(daily) else 0
        legend_below(fig, axes, ncols=3)
        return finish(fig, title or w("backlog.title", n=reps))
