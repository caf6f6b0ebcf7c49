"""A figure's title fits the figure: a long one (two sweep points' labels, a long scenario name,
a run of hanzi without spaces) is broken into lines, none cut at the image's edges, none over
the panels, its words unchanged; a title given in pieces (the compare figure's, one piece per
item of a point's label) breaks only between pieces, a piece too wide alone shortened on its own
line."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import pandas as pd
import pytest
from plot_checks import assert_not_blank
from results_helpers import small_sweep_folder

from carecap.analysis import figures, load
from carecap.analysis.plots import plot_comparison
from carecap.analysis.plots.style import figure, finish, styled
from carecap.analysis.plots.titles import ELLIPSIS
from carecap.sim.experiments.sweep_points import label_items, point_label

LONG_LABEL = "bathing_centre.routing=queue, bathing_centre.stations=10, home_core.shifts.0.count=2"


@pytest.fixture(scope="session")
def small_sweep(tmp_path_factory) -> Path:
    return small_sweep_folder(tmp_path_factory)


def assert_title_inside(fig, want: str) -> None:
    """The drawn title lies within the figure, above every panel, and says ``want`` (lines
    broken at spaces, or between hanzi)."""
    fig.canvas.draw()
    title = fig.texts[0]
    box = title.get_window_extent()
    page = fig.bbox
    assert page.x0 <= box.x0 and box.x1 <= page.x1, (box, page)
    assert page.y0 <= box.y0 and box.y1 <= page.y1, (box, page)
    renderer = fig.canvas.get_renderer()
    panels_top = max(ax.get_tightbbox(renderer).y1 for ax in fig.axes)
    assert box.y0 >= panels_top - 1, (box, panels_top)
    drawn = title.get_text()
    assert " ".join(drawn.split()) == " ".join(want.split()) or drawn.replace("\n", "") == want


def _comparison_frame(n: int = 3) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "service": ["alarm"] * n,
            "metric": [f"wait_p{q}" for q in range(n)],
            "slice": "all",
            "slice_value": "",
            "unit": "min",
            "diff": [1.0, -2.0, 0.5][:n],
            "half_width": [0.5, 0.5, 1.0][:n],
            "significant": [True, True, False][:n],
        }
    )


def test_compare_figure_of_two_sweep_points_keeps_its_title_inside(small_sweep):
    res = load(small_sweep)
    fig = figures.compare_figure(res, points=["p0000", "p0005"])
    labels = [res.point(p)["label"] for p in ("p0000", "p0005")]
    assert all(labels)
    want = f"B - A: A = p0000 ({labels[0]}), B = p0005 ({labels[1]})"
    assert_title_inside(fig, want)
    assert_not_blank(fig)


def test_a_deliberately_long_title_is_wrapped_inside_the_figure():
    want = f"B - A: A = p0000 ({LONG_LABEL}), B = p0008 ({LONG_LABEL.replace('=2', '=5')})"
    fig = plot_comparison(_comparison_frame(), title=want)
    assert_title_inside(fig, want)
    assert fig.texts[0].get_text().count("\n") >= 1


def test_one_word_wider_than_the_figure_and_hanzi_without_spaces_are_broken():
    for want in ("x" * 300, "娄烦县清徐县万柏林区小店区" * 8):
        with styled():
            fig = figure(4, 3)
            fig.add_subplot().plot([0, 1], [0, 1])
            finish(fig, want)
        assert_title_inside(fig, want)
        assert fig.texts[0].get_text().replace("\n", "") == want


def test_a_short_title_stays_on_one_line():
    fig = plot_comparison(_comparison_frame(), title="B - A: A = base, B = more")
    assert fig.texts[0].get_text() == "B - A: A = base, B = more"


def read_pieces(lines: list[str], pieces: list[str]) -> None:
    """Asserts that ``lines`` are ``pieces`` in order, each line whole consecutive pieces
    (spaces at its ends dropped) or one piece shortened in its middle (``start…end``)."""
    k = 0
    for line in lines:
        assert k < len(pieces), (line, lines)
        if ELLIPSIS in line and ELLIPSIS not in pieces[k]:
            head, _, tail = line.partition(ELLIPSIS)
            whole = pieces[k].strip()
            assert whole.startswith(head) and whole.endswith(tail), (line, whole)
            assert len(line) < len(whole)
            k += 1
            continue
        j = k + 1
        while j <= len(pieces) and "".join(pieces[k:j]).strip() != line:
            j += 1
        assert j <= len(pieces), f"line {line!r} is not whole pieces from {pieces[k]!r}"
        k = j
    assert k == len(pieces) or not "".join(pieces[k:]).strip(), pieces[k:]


def _title_lines(fig) -> list[str]:
    fig.canvas.draw()
    return fig.texts[0].get_text().split("\n")


def _assert_title_within_page(fig) -> None:
    box, page = fig.texts[0].get_window_extent(), fig.bbox
    assert page.x0 <= box.x0 and box.x1 <= page.x1, (box, page)


def test_a_title_in_pieces_breaks_only_between_them():
    items = [*LONG_LABEL.split(", "), 'shifts.0.days=["mon", "tue", "wed", "thu"]']
    pieces = ["B - A: ", f"A = p0000 ({items[0]}, ", *(i + ", " for i in items[1:-1])]
    pieces += [f"{items[-1]}), ", f"B = p0008 ({items[0]}, ", *(i + ", " for i in items[1:])]
    pieces[-1] = pieces[-1].removesuffix(", ") + ")"
    fig = plot_comparison(_comparison_frame(), title=pieces)
    lines = _title_lines(fig)
    assert len(lines) >= 3
    read_pieces(lines, pieces)
    _assert_title_within_page(fig)


def test_a_piece_too_wide_for_a_line_gets_its_own_line_shortened_in_the_middle():
    too_wide = "home_core.shifts.0.count=" + "9" * 200 + "7"
    pieces = ["B - A: ", "A = p0000 (stations=2, ", f"{too_wide}), ", "B = p0001 (stations=3)"]
    fig = plot_comparison(_comparison_frame(), title=pieces)
    lines = _title_lines(fig)
    read_pieces(lines, pieces)
    (short,) = [line for line in lines if ELLIPSIS in line]
    assert short.startswith("home_core.shifts") and short.endswith("7),")  # field and value
    _assert_title_within_page(fig)


def test_compare_figure_never_breaks_inside_an_item_of_a_point_label(small_sweep):
    res = load(small_sweep)
    manifest = copy.deepcopy(res.manifest)
    long_items = {
        "p0000": [*LONG_LABEL.split(", "), "bathing_centre.slot_min=[30, 45, 60, 90]"],
        "p0005": ["night shift", "home_core.shifts.0.count_of_teams_on_call=" + "8" * 150],
    }
    for point in manifest["points"]:
        if point["point_id"] in long_items:
            point["label"] = ", ".join(long_items[point["point_id"]])
    fig = figures.compare_figure(
        dataclasses.replace(res, manifest=manifest), points=["p0000", "p0005"]
    )
    text = fig.texts[0]
    fig.canvas.draw()
    drawn = text.get_text().split("\n")
    assert len(drawn) >= 3
    for items in long_items.values():
        for item in items:
            on_one_line = [line for line in drawn if item in line]
            shortened = [
                line
                for line in drawn
                if ELLIPSIS in line and item.startswith(line.partition(ELLIPSIS)[0][:12])
            ]
            assert on_one_line or shortened, (item, drawn)
    _assert_title_within_page(fig)


@pytest.mark.parametrize(
    "parameters",
    [
        {"caregivers.0.shifts.0.count": 2, "bathing_centre.stations": 10},
        {"variant": "night", "slots": [30, 45, 60], "name": "a, b", "flag": True},
        {"days": ["mon", "tue"], "long": list(range(40)), "x": {"a": 1, "b": [2, 3]}},
        {},
    ],
)
def test_label_items_reads_back_each_item_of_a_point_label(parameters):
    label = point_label(parameters, {})
    want = [point_label({k: v}, {}) for k, v in parameters.items()] or ["base"]
    assert label_items(label) == want
