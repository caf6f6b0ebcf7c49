"""Waiting-time curves by service and group (tier), with targets; unserved requests censored.

Frames from :func:`carecap.analysis.wait_curves.wait_curves` and
:func:`~carecap.analysis.wait_curves.wait_targets`.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from matplotlib.figure import Figure

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


def plot_wait_ecdf(
    curves: pd.DataFrame,
    counts: pd.DataFrame,
    targets: pd.DataFrame | None = None,
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
) -> Figure:
    """One panel per service: per group (tier), the share of requests whose wait had ended
    (started, or given up) by each wait, all requests made counted; a curve that stops below
    100 % ends at the longest follow-up, with the share still waiting marked there. Vertical
    dashed lines: the service's target (dotted: district targets that differ)."""
    labels = dict(labels or {})
    services = list(dict.fromkeys(curves["service"]))
    groups = list(dict.fromkeys(curves["group"]))
    with styled():
        fig, axes = panels(len(services))
        for ax, service in zip(axes, services, strict=False):
            mine = curves[curves["service"] == service]
            unit = mine["unit"].iloc[0]
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
                    ax.annotate(
                        f"{n['still_waiting']} still waiting",
                        (end["wait"], end["share"]),
                        textcoords="offset points",
                        xytext=(0, 6 + 9 * i),
                        ha="right",
                        fontsize="x-small",
                        color=colour(i),
                    )
            if targets is not None:
                for t in targets[targets["service"] == service].itertuples(index=False):
                    where = f" ({display_label(labels.get(t.where, t.where))})" if t.where else ""
                    ax.axvline(
                        t.target,
                        color=TARGET_COLOUR,
                        linestyle=":" if t.where else "--",
                        linewidth=1,
                        label=None,
                    )
                    ax.annotate(
                        f"target {t.target:g} {unit}{where}",
                        (t.target, 0.02),
                        rotation=90,
                        fontsize="x-small",
                        color=TARGET_COLOUR,
                        xytext=(3, 0),
                        textcoords="offset points",
                        va="bottom",
                    )
            n_all = counts[counts["service"] == service]
            ax.set_title(
                f"{service_name(service)}: {int(n_all['requests'].sum()):,} requests"
                + (
                    f", {int(n_all['abandoned'].sum()):,} given up"
                    if n_all["abandoned"].sum()
                    else ""
                )
            )
            ax.set_xlabel(f"wait ({unit})")
            ax.set_ylabel("wait ended (started or gave up)")
            ax.set_ylim(0, 1.12)
            ax.set_xlim(left=0)
            as_percent(ax)
            ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
        legend_below(fig, axes, ncols=max(1, len(groups)))
        return finish(fig, title)


plot_waits_by_tier = plot_wait_ecdf
"""The former name of :func:`plot_wait_ecdf` (curves by tier)."""
