"""Waiting-time curves by service and group (tier), with targets; unserved requests censored.

Frames from :func:`carecap.analysis.wait_curves.wait_curves` and
:func:`~carecap.analysis.wait_curves.wait_targets`.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from matplotlib.figure import Figure

from carecap.analysis.figure_words import FigureWords, figure_words
from carecap.analysis.plots.fonts import display_label
from carecap.analysis.plots.style import (
    TARGET_COLOUR,
    as_percent,
    colour,
    finish,
    legend_below,
    panels,
    service_name,
    styled,
)

TARGET_ROOM = 1.06
"""The x axis reaches at least this times the longest target, so that its label (drawn right
of its line) stays inside the panel."""


def _districts(where: str, labels: Mapping[str, str], w: FigureWords) -> str:
    """`` (清徐 qingxu)`` for one or two districts, `` (4 districts)`` for more."""
    names = [n for n in where.split(",") if n]
    if not names:
        return ""
    if len(names) > 2:
        return w("waits.n_districts", n=len(names))
    return w("waits.districts", names=w.join(display_label(labels.get(n, n)) for n in names))


def _requests_title(w: FigureWords, service: str, n: int, replications: int | None) -> str:
    """``alarms: 1,852 requests in 2 replications``: the count is the replications' sum."""
    if replications is None:
        return w("waits.requests", service=service, n=n)
    key = "waits.requests_in_one" if replications == 1 else "waits.requests_in"
    return w(key, service=service, n=n, reps=replications)


def _still_waiting_heading(w: FigureWords, replications: int | None) -> str:
    if replications is None or replications == 1:
        return w("waits.still_waiting")
    return w("waits.still_waiting_in", reps=replications)


def plot_wait_ecdf(
    curves: pd.DataFrame,
    counts: pd.DataFrame,
    targets: pd.DataFrame | None = None,
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
    lang: str | FigureWords = "en",
    replications: int | None = None,
) -> Figure:
    """One panel per service: per group (tier), the share of requests whose wait had ended
    (started, or given up) by each wait, all requests made counted; a curve that stops below
    100 % ends at the longest follow-up, with the share still waiting marked there. Vertical
    dashed lines: the service's target (dotted: district targets that differ); a service with
    urgency classes (``targets["alarm_class"]``) has each class's targets, named by the class.
    ``counts`` pool the replications: the panel titles say over how many (``replications``;
    ``None``: not said). Words in ``lang`` (:mod:`carecap.analysis.figure_words`)."""
    w = figure_words(lang)
    labels = dict(labels or {})
    services = list(dict.fromkeys(curves["service"]))
    groups = list(dict.fromkeys(curves["group"]))
    with styled():
        fig, axes = panels(len(services))
        for ax, service in zip(axes, services, strict=False):
            mine = curves[curves["service"] == service]
            unit = w.unit(str(mine["unit"].iloc[0]))
            waiting = []
            for i, group in enumerate(groups):
                one = mine[mine["group"] == group]
                if one.empty:
                    continue
                n = counts[(counts["service"] == service) & (counts["group"] == group)].iloc[0]
                name = display_label(labels.get(str(group), str(group)))
                ax.step(one["wait"], one["share"], where="post", color=colour(i), label=name)
                if n["still_waiting"] > 0:
                    end = one.iloc[-1]
                    ax.plot(end["wait"], end["share"], marker=">", color=colour(i), ms=6)
                    waiting.append(w("waits.named", name=name, n=n["still_waiting"]))
            if waiting:  # lower right: the curves rise on the left
                ax.text(
                    0.97,
                    0.3,
                    _still_waiting_heading(w, replications) + "\n" + "\n".join(waiting),
                    transform=ax.transAxes,
                    ha="right",
                    va="bottom",
                    fontsize="x-small",
                    bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8},
                )
            if targets is not None:
                for t in targets[targets["service"] == service].itertuples(index=False):
                    where = _districts(t.where, labels, w)
                    target = w("waits.target", target=t.target, unit=unit, where=where)
                    cls = getattr(t, "alarm_class", "")
                    if cls:
                        target = w("waits.class_target", cls=display_label(cls), target=target)
                    ax.axvline(
                        t.target,
                        color=TARGET_COLOUR,
                        linestyle=":" if t.where else "--",
                        linewidth=1,
                        label=None,
                    )
                    ax.annotate(
                        target,
                        (t.target, 0.02),
                        rotation=90,
                        fontsize="x-small",
                        color=TARGET_COLOUR,
                        xytext=(3, 0),
                        textcoords="offset points",
                        va="bottom",
                    )
            n_all = counts[counts["service"] == service]
            given_up = int(n_all["abandoned"].sum())
            ax.set_title(
                _requests_title(
                    w, service_name(service, w), int(n_all["requests"].sum()), replications
                )
                + (w("waits.given_up", n=given_up) if given_up else "")
            )
            ax.set_xlabel(w("waits.x", unit=unit))
            ax.set_ylabel(w("waits.y"))
            ax.set_ylim(0, 1.03)
            ax.set_xlim(left=0)
            if targets is not None and (targets["service"] == service).any():
                # room right of the last target for its label, which is drawn beside the line
                last = float(targets.loc[targets["service"] == service, "target"].max())
                ax.set_xlim(right=max(ax.get_xlim()[1], last * TARGET_ROOM))
            as_percent(ax)
            ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
        legend_below(fig, axes, ncols=max(1, len(groups)))
        return finish(fig, title)


plot_waits_by_tier = plot_wait_ecdf
"""The former name of :func:`plot_wait_ecdf` (curves by tier)."""
