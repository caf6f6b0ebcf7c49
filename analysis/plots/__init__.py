"""Plots: each function takes frames and returns a matplotlib :class:`~matplotlib.figure.Figure`.

They compute nothing beyond what they draw: the frames come from small analysis functions
(:mod:`carecap.analysis.wait_curves`, :mod:`~carecap.analysis.daily`,
:mod:`~carecap.analysis.hour_of_week`, :mod:`~carecap.analysis.equity`,
:mod:`~carecap.analysis.sweep_views`, :mod:`~carecap.analysis.compare`,
:mod:`~carecap.analysis.warmup`), usually fed from :func:`carecap.analysis.load`. One style
(:mod:`.style`); Chinese labels drawn with the bundled font (:mod:`.fonts`). Figures are drawn
by Agg without ``pyplot``: save them with ``fig.savefig("file.png")`` (``.svg``, ``.pdf``).

==========================  =======================================================================
function                    frame it takes
==========================  =======================================================================
plot_wait_ecdf              :func:`~carecap.analysis.wait_curves.wait_curves` (+ targets)
plot_backlog                :func:`~carecap.analysis.daily.daily_backlog`
plot_utilisation_heatmap    :func:`~carecap.analysis.hour_of_week.hour_of_week_utilisation`
plot_equity                 :func:`~carecap.analysis.equity.equity_table`
plot_sweep_response         :func:`~carecap.analysis.sweep_views.response_table`
plot_cost_frontier          :func:`~carecap.analysis.sweep_views.frontier_table`
plot_comparison             :func:`~carecap.analysis.compare.compare_metrics`
plot_warmup                 :func:`~carecap.analysis.warmup.mean_series` and its truncations
==========================  =======================================================================
"""

from carecap.analysis.plots.backlog import plot_backlog
from carecap.analysis.plots.compare import plot_comparison
from carecap.analysis.plots.equity import plot_equity
from carecap.analysis.plots.sweep import plot_cost_frontier, plot_sweep_response
from carecap.analysis.plots.utilisation import plot_utilisation_heatmap
from carecap.analysis.plots.waits import plot_wait_ecdf, plot_waits_by_tier
from carecap.analysis.plots.warmup import plot_warmup

__all__ = [
    "plot_backlog",
    "plot_comparison",
    "plot_cost_frontier",
    "plot_equity",
    "plot_sweep_response",
    "plot_utilisation_heatmap",
    "plot_wait_ecdf",
    "plot_waits_by_tier",
    "plot_warmup",
]
