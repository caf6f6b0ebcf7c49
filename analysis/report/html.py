"""Small HTML builders for the report: escaped text, tables, figures as data URIs, the page.

Everything the report shows from a scenario or a results file is text and passes through
:func:`esc`; markup built here is a :class:`Markup` (a ``str`` that is already safe), so it is
not escaped twice. Images are embedded as ``data:image/png;base64,...``: the page loads nothing.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable, Sequence
from typing import Any

from carecap.analysis.report.embedded_font import font_face_css
from carecap.analysis.report.style import CSS


class Markup(str):
    """HTML that is safe to insert as it is."""


Content = Markup | str | int | float | None


def esc(value: Content) -> Markup:
    """``value`` as HTML: markup as it is, anything else as escaped text (``None`` -> empty)."""
    if isinstance(value, Markup):
        return value
    return Markup("" if value is None else html.escape(str(value), quote=True))


def join(parts: Iterable[Content], sep: str = "") -> Markup:
    return Markup(sep.join(esc(p) for p in parts))


def tag(name: str, content: Content | Iterable[Content] = None, **attrs: Any) -> Markup:
    """``<name attrs>content</name>``; attribute ``class_`` is written ``class``; a list of
    contents is joined; ``None`` attributes are left out."""
    if content is not None and not isinstance(content, str | int | float):
        content = join(content)
    text = "".join(
        f' {k.rstrip("_").replace("_", "-")}="{esc(v)}"' for k, v in attrs.items() if v is not None
    )
    return Markup(f"<{name}{text}>{esc(content)}</{name}>")


def table(
    headers: Sequence[Content],
    rows: Sequence[Sequence[Content]],
    caption: Content = None,
    numeric: Sequence[bool] | None = None,
    class_: str | None = None,
) -> Markup:
    """A table in a wrapper that scrolls on screen and is not clipped when printed. A row whose
    first element is ``("group", text)`` is a full-width sub-heading. ``numeric[i]``: column i is
    right-aligned (numbers)."""
    numeric = list(numeric or [False] * len(headers))
    head = tag("thead", tag("tr", [tag("th", h, scope="col") for h in headers]))
    body = []
    for row in rows:
        if len(row) == 2 and row[0] == "group":
            body.append(tag("tr", tag("th", row[1], colspan=len(headers)), class_="group"))
            continue
        cells = [
            tag("th", c, scope="row")
            if i == 0
            else tag("td", c, class_="num" if numeric[i] else None)
            for i, c in enumerate(row)
        ]
        body.append(tag("tr", cells))
    inner = [tag("caption", caption)] if caption else []
    inner += [head, tag("tbody", body)]
    return tag("div", tag("table", inner, class_=class_), class_="table-wrap")


def png_data_uri(figure: Any, dpi: int = 100) -> str:
    """A matplotlib Figure as a PNG data URI (the figures lay themselves out: no second,
    "tight" drawing pass)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def figure(figure_obj: Any, alt: str, caption: Content) -> Markup:
    """A figure block: the image inline (data URI) and its caption."""
    image = Markup(f'<img src="{png_data_uri(figure_obj)}" alt="{esc(alt)}">')
    return tag("figure", [image, tag("figcaption", caption)])


def page(title: str, lang: str, body: Iterable[Content]) -> str:
    """The whole document: one file, styles and the Chinese glyphs it uses inline
    (:mod:`~carecap.analysis.report.embedded_font`), no scripts, nothing fetched."""
    title_html, body_html = esc(title), join(body, chr(10))
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # No request may leave the page: even a stray URL in a label could not load anything.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src data:; font-src data:; style-src 'unsafe-inline'\">\n"
        f"<title>{title_html}</title>\n"
        f"<style>{font_face_css(title_html + body_html)}{CSS}</style>\n</head>\n<body>\n"
        f"{body_html}\n</body>\n</html>\n"
    )
