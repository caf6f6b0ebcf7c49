"""The report's Chinese glyphs, carried inside the page.

The report names Chinese fonts that Windows, macOS and most Linux desktops have, but a machine
without any (a fresh Linux, a server's headless browser printing the PDF) would show every hanzi
as a box. So the page embeds, as a data-URI ``@font-face``, the bundled WenQuanYi Micro Hei
subset (:data:`carecap.analysis.plots.fonts.BUNDLED`, Apache-2.0, the font of the figures) cut
down with fontTools to the characters the page actually uses: typically a few hundred glyphs,
~100-200 KB, instead of the 1.3 MB font. The face is limited to the CJK code points
(:data:`RANGES`, its ``unicode-range``) and named first in the stylesheet: Chinese reads the
same on every machine, as in the figures, and Latin text keeps the reader's fonts. (Named after
the reader's own Chinese fonts, as a fallback, it was not used everywhere: Chromium 156 drew some
table cells' hanzi with Liberation Sans, as boxes, even once the face had loaded.)

The subset is a pure function of the page's characters (no timestamp is written into it), so the
same report is the same bytes.
"""

from __future__ import annotations

import base64
import io

FAMILY = "carecap CJK"
"""The ``font-family`` name of the embedded face (first in the stylesheet's list)."""
RANGES = ((0x2E80, 0x9FFF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF))
"""The code points the face is used for (its ``unicode-range``): CJK radicals, symbols and
punctuation, kana, hanzi, compatibility ideographs and forms, full-width forms. Latin text keeps
the reader's fonts."""


def font_face_css(text: str) -> str:
    """An ``@font-face`` rule embedding the glyphs of the characters of ``text`` in
    :data:`RANGES` that the bundled font has; ``""`` when there are none (a page in English
    only)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    from carecap.analysis.plots.fonts import BUNDLED

    font = TTFont(BUNDLED, recalcTimestamp=False)
    cmap = font.getBestCmap()
    # (the distinct characters first: the page's text holds its figures as base64, ~1 MB)
    wanted = sorted(c for c in map(ord, set(text)) if _in_ranges(c) and c in cmap)
    if not wanted:
        return ""
    options = subset.Options()
    options.hinting = False
    options.name_IDs = ["*"]  # (the copyright and licence names travel with the glyphs)
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    data = base64.b64encode(out.getvalue()).decode("ascii")
    ranges = ", ".join(f"U+{lo:04X}-{hi:04X}" for lo, hi in RANGES)
    return (
        f'@font-face {{ font-family: "{FAMILY}"; unicode-range: {ranges}; '
        f'src: url(data:font/ttf;base64,{data}) format("truetype"); }}\n'
    )


def _in_ranges(code: int) -> bool:
    return any(lo <= code <= hi for lo, hi in RANGES)
