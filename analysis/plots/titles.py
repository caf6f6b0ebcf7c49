"""A figure's title broken into lines that fit the figure's width, so that a long title (two
sweep points' labels, a long scenario name) is never cut at the edges of the saved image."""

from __future__ import annotations

import re

from matplotlib.figure import Figure
from matplotlib.text import Text

WIDTH_SHARE = 0.96
"""Of the figure's width, what a title line may take (a little margin at each edge)."""
_PIECES = re.compile(r"\S+\s*|\s+")


def wrap_to_figure(fig: Figure, text: Text) -> None:
    """Breaks ``text`` at spaces so that each of its lines fits the figure's width; a word wider
    than that (a run of hanzi has no spaces) is broken between its characters. Call it after
    the text has its font."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    limit = fig.bbox.width * WIDTH_SHARE

    def fits(line: str) -> bool:
        text.set_text(line.rstrip())
        return text.get_window_extent(renderer).width <= limit

    lines: list[str] = []
    for paragraph in text.get_text().split("\n"):
        line = ""
        for piece in _PIECES.findall(paragraph):
            if fits(line + piece):
                line += piece
                continue
            if line.strip():
                lines.append(line.rstrip())
            line = piece.lstrip()
            if fits(line):
                continue
            line = ""
            for char in piece.strip():
                if line and not fits(line + char):
                    lines.append(line)
                    line = ""
                line += char
            line += piece[len(piece.rstrip()) :]
        lines.append(line.rstrip())
    text.set_text("\n".join(lines))
