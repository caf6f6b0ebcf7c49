"""A font for Chinese labels: the bundled WenQuanYi Micro Hei subset, else one installed.

Scenario labels are Chinese with pinyin (``万柏林 wanbailin``). matplotlib's default font
(DejaVu Sans) has no hanzi, so :func:`cjk_family` registers the font shipped in ``fonts/``
(GB 2312 hanzi; see its README for the licence) with matplotlib's font manager, or finds an
installed font that covers the characters asked for. When none does, :func:`display_label`
drops the hanzi and keeps the pinyin, with one warning naming the characters (a label with
boxes for missing glyphs helps no one).
"""

from __future__ import annotations

import functools
import warnings
from pathlib import Path

from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

BUNDLED = Path(__file__).parent / "fonts" / "wqy-microhei-gb2312.ttf"
"""The font shipped with carecap (a subset of WenQuanYi Micro Hei, Apache-2.0)."""
KNOWN_FAMILIES = (
    "WenQuanYi Micro Hei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
)
"""Installed families tried, in order, when the bundled font is not there."""
SAMPLE = "万柏林区特困低保"


class CjkFontWarning(UserWarning):
    """No font covers the Chinese text of a label: the label is shown in pinyin only."""


def _covers(path: str, text: str) -> bool:
    try:
        charmap = FT2Font(path).get_charmap()
    except (OSError, RuntimeError, ValueError):
        return False
    return all(ord(c) in charmap for c in text if not c.isascii() and not c.isspace())


@functools.cache
def _registered(bundled: Path) -> tuple[str, str] | None:
    """(family, file) of a font with hanzi, the bundled one registered first."""
    if bundled.is_file():
        font_manager.fontManager.addfont(str(bundled))
        return font_manager.FontProperties(fname=str(bundled)).get_name(), str(bundled)
    for family in KNOWN_FAMILIES:
        try:
            path = font_manager.findfont(
                font_manager.FontProperties(family=family), fallback_to_default=False
            )
        except ValueError:
            continue
        if _covers(path, SAMPLE):
            return family, path
    return None


def cjk_family() -> str | None:
    """The font family to draw hanzi with (registered with matplotlib), or None."""
    found = _registered(BUNDLED)
    return found[0] if found else None


def has_hanzi(text: str) -> bool:
    return any(not c.isascii() and c.isalpha() for c in text)


def display_label(text: str) -> str:
    """``text`` as it can be drawn: unchanged when a font covers it; otherwise its ASCII
    words only (the pinyin), with a :class:`CjkFontWarning`."""
    if not has_hanzi(text):
        return text
    found = _registered(BUNDLED)
    if found and _covers(found[1], text):
        return text
    words = [w for w in text.split() if w.isascii()]
    fallback = " ".join(words) or text.encode("ascii", "replace").decode()
    warnings.warn(
        f"no installed font covers {text!r}: shown as {fallback!r} (reinstall carecap, whose "
        f"font file is {BUNDLED}, or install a Chinese font such as fonts-wqy-microhei)",
        CjkFontWarning,
        stacklevel=2,
    )
    return fallback
