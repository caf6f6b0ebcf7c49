"""Chinese labels: the bundled font covers the shipped scenarios' labels, is registered with
matplotlib, and without any font the labels fall back to pinyin with a warning."""

from __future__ import annotations

from pathlib import Path

import pytest
from plot_checks import rendered

from carecap.analysis.plots import fonts
from carecap.analysis.plots.style import figure, finish, styled
from carecap.analysis.summary_table import slice_labels
from carecap.sim.scenario.loader import load_scenario

SCENARIOS = sorted((Path(__file__).parent.parent / "scenarios").glob("*.yaml"))


def test_bundled_font_is_registered_and_covers_every_shipped_label():
    assert fonts.BUNDLED.is_file()
    assert fonts.cjk_family() == "WenQuanYi Micro Hei"
    assert SCENARIOS
    for path in SCENARIOS:
        scenario = load_scenario(path)
        for by in ("district", "tier", "care_level"):
            for label in slice_labels(scenario, by).values():
                assert fonts._covers(str(fonts.BUNDLED), label), (path.name, label)
                assert fonts.display_label(label) == label


def test_a_chinese_title_renders_without_missing_glyphs():
    with styled():
        fig = figure(3, 2)
        ax = fig.add_subplot()
        ax.set_yticks([0, 1], ["万柏林 wanbailin", "特困 tekun"])
    rendered(finish(fig, "娄烦县 Loufan"))  # fails on a missing-glyph warning


def test_without_a_font_labels_fall_back_to_pinyin_with_a_warning(monkeypatch, tmp_path):
    monkeypatch.setattr(fonts, "BUNDLED", tmp_path / "gone.ttf")
    monkeypatch.setattr(fonts, "KNOWN_FAMILIES", ())
    assert fonts.cjk_family() is None
    with pytest.warns(fonts.CjkFontWarning, match="wanbailin"):
        assert fonts.display_label("万柏林 wanbailin") == "wanbailin"
    assert fonts.display_label("plain text") == "plain text"
