"""The planners' summary views: slices by tier, district or care level, with the scenario's
labels (Chinese characters take two columns), and the JSON form carrying every slice."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from carecap.analysis.summary_table import (
    WIDTH,
    format_summary,
    slice_labels,
    summary_json,
)
from carecap.sim.experiments.replications import simulate
from carecap.sim.metrics.summary import summarise
from carecap.sim.scenario.loader import load_scenario

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "taiyuan-2022.yaml"


def width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


@pytest.fixture(scope="module")
def baseline():
    scenario = load_scenario(BASELINE).with_overrides({"calendar.horizon_days": 120})
    metrics = [simulate(scenario, rep, 5)[1] for rep in range(2)]
    import pandas as pd

    return scenario, summarise(pd.concat(metrics, ignore_index=True))


def test_slice_labels_take_the_chinese_word_and_the_name(baseline):
    scenario, _ = baseline
    districts = slice_labels(scenario, "district")
    assert districts["wanbailin"] == "万柏林 wanbailin"
    assert districts["gujiao"] == "古交 gujiao"
    assert slice_labels(scenario, "care_level")["bedridden"] == "卧床 bedridden"
    assert slice_labels(scenario, "tier") == {
        "tekun": "特困 tekun",
        "dibao": "低保 dibao",
        "other": "other",
    }
    with pytest.raises(ValueError, match="by must be one of"):
        slice_labels(scenario, "pool")


@pytest.mark.parametrize("by", ["tier", "district", "care_level"])
def test_each_view_shows_its_slice_and_stays_narrow(baseline, by):
    scenario, summary = baseline
    text = format_summary(summary, by=by, labels=slice_labels(scenario, by))
    assert max(width(line) for line in text.splitlines()) <= WIDTH
    for heading in slice_labels(scenario, by).values():
        assert heading in text  # every heading fits its column
    assert "within 30 min" in text and "within 7 days" in text
    assert "on time served" in text and "wait mean served (days)" in text
    assert "within 1 day " in text
    vans = next(line for line in text.splitlines() if line.startswith("  vans (transport)"))
    assert vans.endswith(" h/year outside)")  # the vans' busy hours past their van hours


def test_district_view_lines_up_its_columns(baseline):
    scenario, summary = baseline
    text = format_summary(summary, by="district", labels=slice_labels(scenario, "district"))
    section = text.split("\n\n")[1].splitlines()  # the care-visit section
    # label column 24, then the cells: header and rows of one chunk are equally wide
    chunks = [i for i, line in enumerate(section) if line.startswith(" " * 24)]
    for start, end in zip(chunks, [*chunks[1:], len(section)], strict=True):
        assert len({width(line) for line in section[start:end]}) == 1


def test_a_wide_column_widens_only_itself():
    # one column of cut intervals ("99.9% [99.7, 100.0]") must not push the others to a
    # second block: each column is as wide as its own widest cell
    from carecap.analysis.summary_table import _grid

    wide, narrow = "99.9% [99.7, 100.0]", "100.0% ± 0.0"
    columns = ["all", "特困 tekun", "低保 dibao", "other"]
    lines = _grid("t", [("elder coverage", [wide, narrow, narrow, wide])], columns)
    assert len(lines) == 3  # title, one heading line, one row: a single block
    assert max(width(line) for line in lines) <= WIDTH
    row = lines[2]
    assert row.endswith("  " + wide) and f"  {narrow}  {narrow}  " in row
    heads = lines[1].split()
    assert heads == ["all", "特困", "tekun", "低保", "dibao", "other"]
    # a column still as wide as the widest text: more columns than fit wrap into blocks
    many = _grid("t", [("x", [wide] * 6)], [str(i) for i in range(6)])
    assert sum(1 for line in many if line.startswith(" " * 24)) == 2
    assert max(width(line) for line in many) <= WIDTH


def test_json_carries_every_slice(baseline):
    scenario, summary = baseline
    labels = {by: slice_labels(scenario, by) for by in ("tier", "district", "care_level")}
    data = json.loads(json.dumps(summary_json(summary, labels), ensure_ascii=False))
    alarm = data["scenarios"][scenario.name]["alarm"]
    assert set(alarm) == {"all", "tier", "district", "care_level", "alarm_class"}
    assert set(alarm["alarm_class"]) == {"urgent", "routine"}
    assert set(alarm["district"]) == set(scenario.districts)
    row = alarm["district"]["loufan"]["within_60min"]
    assert row["unit"] == "share" and row["n"] == 2 and 0 <= row["mean"] <= 1
    assert data["labels"]["district"]["loufan"] == "娄烦 loufan"


def test_unknown_view_is_refused(baseline):
    _, summary = baseline
    with pytest.raises(ValueError, match="by must be one of"):
        format_summary(summary, by="pool")


def test_run_command_prints_the_slice_asked_for_and_json_carries_every_slice(
    small_scenario_data, write_scenario, tmp_path, capsys
):
    """`carecap run --by district` heads the table with the scenario's district labels;
    `--json` carries every slice kind with its labels."""
    from carecap.sim.cli.main import main

    small_scenario_data["districts"] = {"a": {"label": "小店区 Xiaodian"}, "b": {}}
    small_scenario_data["calendar"]["horizon_days"] = 60
    small_scenario_data["calendar"]["warmup_days"] = 0
    path = write_scenario(small_scenario_data)
    argv = ["run", str(path), "--reps", "2", "--workers", "1", "--out", str(tmp_path / "r")]
    assert main([*argv, "--by", "district"]) == 0
    table = capsys.readouterr().out
    assert "by district" in table and "小店 a" in table and "by tier" not in table
    assert (tmp_path / "r" / "summary.txt").read_text(encoding="utf-8").strip() == table.strip()
    assert main([*argv, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    kinds = {
        kind
        for service in data["slices"]["scenarios"][data["scenario"]].values()
        for kind in service
    }
    assert {"all", "tier", "district", "care_level"} <= kinds
    assert data["slices"]["labels"]["district"] == {"a": "小店 a", "b": "b"}
