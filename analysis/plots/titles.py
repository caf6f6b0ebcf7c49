"""A figure's title broken into lines that fit the figure's width, so that a long title (two
sweep points' labels, a long scenario name) is never cut at the edges of the saved image.

A title is text, broken at spaces (a word wider than the figure, e.g. a run of hanzi, between
its characters), or a sequence of pieces (:data:`Title`), broken only between pieces: a piece
such as one item of a sweep point's label (``bathing_centre.stations=10,``) is never split. A
piece too wide for a line of its own gets a line of its own, shortened in its middle with an
ellipsis (``home_core.shi…count=2``), so that both the field and its value stay readable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from matplotlib.figure import Figure
from matplotlib.text import Text

WIDTH_SHARE = 0.96
"""Of the figure's width, what a title line may take (a little margin at each edge)."""
ELLIPSIS = "…"
_PIECES = re.compile(r"\S+\s*|\s+")

Title = str | Sequence[str]
"""A title as text, or as its pieces in order (lines break only between them)."""
Fits = Callable[[str], bool]


def words(text: str) -> list[str]:
    """``text`` as pieces broken at spaces (each word with the spaces after it), to put free
    text into a title given as pieces."""
    return _PIECES.findall(text)


def wrap_to_figure(fig: Figure, text: Text, pieces: Sequence[str] | None = None) -> None:
    """Breaks ``text`` into lines that each fit the figure's width: at spaces, or, given
    ``pieces`` (whose concatenation is the text), only between pieces. Call it after the text
    has its font."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    limit = fig.bbox.width * WIDTH_SHARE

    def fits(line: str) -> bool:
        text.set_text(line.rstrip())
        return text.get_window_extent(renderer).width <= limit

    if pieces is None:
        paragraphs = [words(p) for p in text.get_text().split("\n")]
        lines = [line for p in paragraphs for line in _lines(p, fits, _by_characters)]
    else:
        lines = _lines(pieces, fits, _shortened)
    text.set_text("\n".join(lines))


def _lines(pieces: Sequence[str], fits: Fits, too_wide: Callable[[str, Fits], list[str]]):
    """Pieces filled into lines; a piece wider than a line alone goes to ``too_wide``, which
    returns its full lines and the start of the next one."""
    lines: list[str] = []
    line = ""
    for piece in pieces:
        if fits(line + piece):
            line += piece
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = piece.lstrip()
        if not fits(line):
            *full, line = too_wide(line, fits)
            lines += full
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def _by_characters(piece: str, fits: Fits) -> list[str]:
    """A word broken between its characters (the last part open, spaces after it kept)."""
    lines: list[str] = []
    line = ""
    for char in piece.strip():
        if line and not fits(line + char):
            lines.append(line)
            line = ""
        line += char
    return [*lines, line + piece[len(piece.rstrip()) :]]


def _shortened(piece: str, fits: Fits) -> list[str]:
    """A piece on a line of its own, its middle replaced by an ellipsis until it fits (its
    start and end kept: a field's name and its value); the next piece starts a new line."""
    whole = piece.rstrip()
    low, high = 0, len(whole)  # characters kept: low fits, high does not
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (mid, high) if fits(_middle_cut(whole, mid)) else (low, mid)
    return [_middle_cut(whole, low), ""]


def _middle_cut(text: str, keep: int) -> str:
    head = (keep + 1) // 2
    return text[:head] + ELLIPSIS + text[len(text) - (keep - head) :]
