"""Checks shared by the plot tests (tests/test_plots*.py): a figure drawn to PNG is not blank,
and every character of its text had a glyph."""

from __future__ import annotations

import io
import warnings

import numpy as np
from matplotlib.figure import Figure
from matplotlib.image import imread
from matplotlib.text import Text


def rendered(fig: Figure) -> np.ndarray:
    """The figure drawn as PNG (RGBA array); fails on any missing-glyph warning."""
    buffer = io.BytesIO()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(buffer, format="png", dpi=60)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert not missing, missing
    buffer.seek(0)
    return imread(buffer)


def assert_not_blank(fig: Figure, min_sd: float = 0.05) -> None:
    """The drawn figure has content: its pixels vary (a blank figure is one colour)."""
    pixels = rendered(fig)[..., :3]
    assert pixels.std() > min_sd, f"pixel sd {pixels.std():.3f}"
    assert (pixels.mean(axis=2) < 0.5).mean() > 0.005  # some dark ink: text, lines


def texts(fig: Figure) -> list[str]:
    """Every text of the figure (titles, labels, tick labels, legends, annotations), drawn
    first so that the tick labels exist."""
    fig.canvas.draw()
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]
