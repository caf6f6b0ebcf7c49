"""The one look of carecap's figures: sizes, colours, fonts, axis formats, service names (their
words in :mod:`carecap.analysis.figure_words`).

Every plot builds its figure with :func:`figure` or :func:`panels` inside :func:`styled` and
ends with :func:`finish`, so that all figures share fonts (Chinese labels included, see
:mod:`carecap.analysis.plots.fonts`), colours and formats. Figures are drawn by Agg without
``pyplot`` (no display, no global figure registry): save them with ``fig.savefig(...)``.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator, Sequence

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator

from carecap.analysis.figure_words import FigureWords, figure_words
from carecap.analysis.plots.fonts import cjk_family
from carecap.analysis.plots.ticks import StepPercentFormatter
from carecap.analysis.plots.titles import Title, wrap_to_figure

PANEL_W, PANEL_H = 5.2, 3.2
"""Inches of one panel."""
SERVICE_COLOURS = {
    "care_visit": "#1f77b4",
    "alarm": "#d62728",
    "centre_bath": "#2ca02c",
    "home_bath": "#9467bd",
}
SEQUENCE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")
"""Colours of groups (tiers, values of a second parameter), in order."""
BAND_ALPHA = 0.2
WARMUP_COLOUR = "#bbbbbb"
TARGET_COLOUR = "#444444"
SIGNIFICANT, NOT_SIGNIFICANT = "#d62728", "#7f7f7f"
_RC = {
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e5e5e5",
    "grid.linewidth": 0.8,
    "axes.titlesize": "medium",
    "axes.labelsize": "medium",
    "legend.fontsize": "small",
    "legend.frameon": False,
    "xtick.labelsize": "small",
    "ytick.labelsize": "small",
    "lines.linewidth": 1.6,
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "pdf.fonttype": 42,  # TrueType in PDF: text stays text, hanzi included
    "svg.fonttype": "none",
}


def _fonts() -> list[str]:
    family = cjk_family()
    return ["DejaVu Sans", family] if family else ["DejaVu Sans"]


@contextlib.contextmanager
def styled() -> Iterator[None]:
    """matplotlib settings of carecap's figures, for the time a figure is built."""
    with matplotlib.rc_context({**_RC, "font.family": "sans-serif", "font.sans-serif": _fonts()}):
        yield


def figure(width: float, height: float) -> Figure:
    """An empty figure (constrained layout) on an Agg canvas."""
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def panels(
    n: int,
    columns: int = 2,
    *,
    sharex: bool = False,
    height: float = PANEL_H,
    width: float = PANEL_W,
):
    """A figure with ``n`` panels in rows of ``columns`` (none left empty); returns
    ``(fig, axes)``."""
    n = max(1, n)
    cols = min(columns, n)
    rows = math.ceil(n / cols)
    fig = figure(width * cols, height * rows)
    axes: list[Axes] = []
    for i in range(n):
        share = axes[0] if sharex and axes else None
        axes.append(fig.add_subplot(rows, cols, i + 1, sharex=share))
    return fig, axes


def finish(fig: Figure, title: Title | None = None) -> Figure:
    """Title (in as many lines as the figure's width needs: text broken at spaces, a title
    given as pieces only between them, see :mod:`.titles`), and the fonts on every text (tick
    labels made later copy the first tick's)."""
    pieces = None if title is None or isinstance(title, str) else list(title)
    text = "".join(pieces) if pieces is not None else title
    heading = fig.suptitle(text, fontsize="large") if text else None  # no bold: CJK has one
    families = _fonts()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            # touching the lazy tick lists makes the template ticks that later ticks copy
            axis.majorTicks[0]
            axis.minorTicks[0]
    for text in fig.findobj(Text):
        text.set_fontfamily(families)
    if heading is not None:
        wrap_to_figure(fig, heading, pieces)
    return fig


def service_name(service: str, lang: str | FigureWords = "en") -> str:
    """``care_visit`` -> ``care visits`` (``照护上门`` with ``lang="zh"``)."""
    return figure_words(lang).service(service)


def as_percent(ax: Axes, axis: str = "y") -> None:
    """Shares (0-1) shown as percentages, with as many decimals as the ticks' step needs."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(StepPercentFormatter())


def integer_ticks(ax: Axes, axis: str = "x") -> None:
    """Ticks on whole numbers only (a count of staff or stations is never 2.5)."""
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(MaxNLocator(integer=True))


def colour(i: int) -> str:
    return SEQUENCE[i % len(SEQUENCE)]


def legend_below(
    fig: Figure, axes: Sequence[Axes], ncols: int = 4, title: str | None = None
) -> None:
    """One legend for all panels (same entries everywhere), under them: outside every axes, so
    it covers no data (matplotlib's "best" place inside the axes weighs lines and markers but
    not filled bands); in ``ncols`` columns, or fewer when that would be wider than the
    figure."""
    seen: dict[str, object] = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            seen.setdefault(label, handle)
    if not seen:
        return
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    for n in range(max(1, ncols), 0, -1):  # fewer columns until it fits the figure's width
        legend = fig.legend(
            list(seen.values()), list(seen), loc="outside lower center", ncols=n, title=title
        )
        for text in [*legend.get_texts(), legend.get_title()]:  # measured with hanzi
            text.set_fontfamily(_fonts())
        if n == 1 or legend.get_window_extent(renderer).width <= fig.bbox.width * 0.98:
            return
        legend.remove()
