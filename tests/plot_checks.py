"""Checks shared by the plot tests (tests/test_plots*.py): a figure drawn to PNG is not blank,
every character of its text had a glyph, and a Chinese figure draws no English words."""

from __future__ import annotations

import io
import re
import warnings

import numpy as np
from matplotlib.figure import Figure
from matplotlib.image import imread
from matplotlib.text import Text

WORD_RUN = re.compile(r"[A-Za-z'’-]+(?:[ ,;:()/]+[A-Za-z'’-]+)*")
"""Latin words in a row, separated by spaces and ASCII punctuation."""
KEY_LIKE = re.compile(r"\S*[0-9_.=]\S*")
"""A token with a digit, ``_``, ``.`` or ``=``: a number, a key or a parameter path, which ends
a run of words."""
UNITS = {"min", "FTE", "CNY"}


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


def english_runs(text: str, names: set[str]) -> list[str]:
    """The runs of Latin words in ``text`` holding two words of three letters or more (``hour
    of day``), once the allowed names, units and key-like tokens are set aside."""
    for name in sorted(names | UNITS, key=len, reverse=True):
        text = re.sub(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])", "|", text)
    text = KEY_LIKE.sub("|", text)
    return [
        run
        for run in WORD_RUN.findall(text)
        if sum(len(word) >= 3 for word in re.findall(r"[A-Za-z'’-]+", run)) >= 2
    ]
