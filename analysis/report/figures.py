"""The report's figures: an adapter from a loaded results folder to the figures of
:mod:`carecap.analysis.plots` (each takes frames and returns a Figure; nothing is computed
here beyond choosing the frames). A figure whose frames the folder lacks (a sweep saved without
``--records``) is left out, and a figure that fails to draw is left out with a note rather than
losing the whole report.
"""

from __future__ import annotations

from typing import Any

from carecap.sim.errors import ResultsError

FigureSpec = tuple[Any, str, str]
"""(matplotlib Figure, alt text, caption)."""


def report_figures(results: Any) -> tuple[list[FigureSpec], list[str]]:
    """The figures for ``results`` (a :class:`carecap.analysis.load.Results`) and notes on
    the ones left out."""
    from carecap.analysis.plots import plot_waits_by_tier

    figures: list[FigureSpec] = []
    notes: list[str] = []
    if results.kind != "run" or not results.has_records:
        return figures, ["Figures need the record tables of a run (requests/)."]
    try:
        requests = results.requests
    except ResultsError as exc:
        return figures, [f"Figures left out: {exc}"]
    figures.append(
        (
            plot_waits_by_tier(requests),
            "Waiting time by priority tier, per service",
            "Waiting time by priority tier: share of requests waiting no longer than x.",
        )
    )
    return figures, notes
