"""The report's embedded Chinese face: it covers every hanzi and CJK mark the page uses, is cut
to them (not the whole 1.3 MB font), the page's security policy lets it load, and the same page
gets the same bytes."""

from __future__ import annotations

import base64
import io
import re

import report_helpers
from fontTools.ttLib import TTFont

from carecap.analysis.plots.fonts import BUNDLED
from carecap.analysis.report.embedded_font import RANGES, font_face_css
from carecap.sim.cli.main import main

small_run = report_helpers.small_run  # session fixture


def embedded_font(css: str) -> TTFont:
    (data,) = re.findall(r"url\(data:font/ttf;base64,([A-Za-z0-9+/=]+)\)", css)
    return TTFont(io.BytesIO(base64.b64decode(data)))


def cjk(text: str) -> set[str]:
    return {c for c in text if any(lo <= ord(c) <= hi for lo, hi in RANGES)}


def test_the_report_embeds_every_chinese_character_it_uses(small_run, tmp_path):
    html = tmp_path / "report.html"
    assert main(["report", str(small_run), "-o", str(html)]) == 0
    page = html.read_text(encoding="utf-8")
    head, body = page.split("</head>", 1)
    used = cjk(body) | cjk(head.split("<title>")[1].split("</title>")[0])
    assert len(used) > 50  # (the small run's district labels and the report's Chinese text)
    font = embedded_font(head)
    covered = {chr(c) for c in font.getBestCmap()}
    assert used <= covered
    assert len(covered) < 2 * len(used) + 50  # cut to the page's characters
    assert "font-src data:" in head  # (the policy's default-src 'none' would block it)


def test_only_cjk_characters_the_bundled_font_has_are_embedded():
    bundled = TTFont(BUNDLED).getBestCmap()
    text = "万柏林 wanbailin，特困（tekun）é ± 𠀀"  # (U+20000: outside GB 2312)
    font = embedded_font(font_face_css(text))
    assert (
        {chr(c) for c in font.getBestCmap()}
        == {c for c in cjk(text) if ord(c) in bundled}
        == set("万柏林，特困（）")
    )
    assert font_face_css("English only, 100 % ± 2") == ""


def test_the_same_text_gives_the_same_bytes():
    text = "太原市 万柏林区 养老服务"
    assert font_face_css(text) == font_face_css(text)
