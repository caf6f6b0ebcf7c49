"""`carecap summary RESULTS`: a folder's summary table again, by any slice, nothing simulated;
`carecap status` of a run folder."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import report_helpers
from results_helpers import DISTRICT_LABELS, copy_folder

from carecap.sim.cli.main import main

small_run, small_sweep = report_helpers.small_run, report_helpers.small_sweep  # session fixtures


def summary_of(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["summary", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_default_view_is_what_carecap_run_printed(
    small_scenario_data, write_scenario, tmp_path, capsys
):
    small_scenario_data["calendar"]["horizon_days"] = 20
    scenario = write_scenario(small_scenario_data, "short.yaml")
    out = tmp_path / "out"
    for by in ("tier", "district"):
        run = ["run", str(scenario), "--reps", "2", "--workers", "1", "--out", str(out)]
        assert main([*run, "--by", by]) == 0
        printed = capsys.readouterr().out
        code, shown, err = summary_of(capsys, str(out), "--by", by)
        assert code == 0 and not err
        assert shown == printed


def test_another_slice_shows_each_district_under_its_label(small_run, capsys):
    code, out, _ = summary_of(capsys, str(small_run), "--by", "district")
    assert code == 0
    assert "by district" in out and "by priority tier" not in out
    for label in DISTRICT_LABELS.values():
        assert label.split()[0].rstrip("区县市") in out  # headed with its Chinese label
    # the slice "all" column is the same whatever --by is shown beside it
    _, tier_view, _ = summary_of(capsys, str(small_run), "--by", "tier")

    def all_column(text: str) -> list[list[str]]:  # each row's label and its "all" cell
        rows = [re.split(r" {2,}", line.strip()) for line in text.splitlines()]
        return [row[:2] for row in rows if len(row) > 2 and row[0] != "all"]  # (not headings)

    assert all_column(out)[:12] == all_column(tier_view)[:12]


def test_json_holds_every_row_of_summary_parquet(small_run, capsys):
    code, out, _ = summary_of(capsys, str(small_run), "--json")
    assert code == 0
    data = json.loads(out)
    summary = pd.read_parquet(small_run / "summary.parquet")
    assert data["status"] == "complete" and data["point_id"] is None
    assert data["replications"] == int(summary["n"].max())
    assert len(data["summary"]) == len(summary)
    by_slice = data["slices"]["scenarios"]["small"]["care_visit"]
    assert {"all", "tier", "district", "care_level"} <= set(by_slice)
    made = summary[(summary.service == "care_visit") & (summary.metric == "requests")]
    for row in made.itertuples():
        assert by_slice[row.slice][row.slice_value]["requests"]["mean"] == row.mean


def test_a_sweep_needs_a_point_and_shows_that_points_numbers(small_sweep, capsys):
    code = main(["summary", str(small_sweep)])
    err = capsys.readouterr().err
    assert code == 2 and "--point" in err and "p0000" in err and "Traceback" not in err
    summary = pd.read_parquet(small_sweep / "summary.parquet")
    for point in ("p0000", "p0005"):
        code, out, _ = summary_of(capsys, str(small_sweep), "--point", point, "--json")
        assert code == 0
        rows = json.loads(out)["summary"]
        mine = summary[summary["point_id"] == point]
        assert len(rows) == len(mine) and {r["point_id"] for r in rows} == {point}
        requests = mine[(mine.metric == "requests") & (mine.slice == "all")]
        shown = {(r["service"], r["mean"]) for r in rows if r["metric"] == "requests"}
        assert set(zip(requests.service, requests["mean"], strict=True)) <= shown


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--point", "p0000"], "run folder: it has no points"),
        (["--by", "street"], "invalid choice"),
    ],
)
def test_bad_options_get_a_clear_error(small_run, capsys, argv, says):
    try:
        code = main(["summary", str(small_run), *argv])
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and says in err and "Traceback" not in err


def test_unknown_point_and_missing_folder(small_sweep, tmp_path, capsys):
    assert main(["summary", str(small_sweep), "--point", "p9999"]) == 2
    assert "no point 'p9999'" in capsys.readouterr().err
    assert main(["summary", str(tmp_path / "nowhere")]) == 2
    assert "no such results folder" in capsys.readouterr().err


def test_an_interrupted_run_says_so_beside_its_table(small_run, tmp_path, capsys):
    folder = copy_folder(small_run, tmp_path / "cut")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["status"] = "interrupted"
    manifest["replications_requested"] = [0, 1, 2, 3, 4]
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    code, out, err = summary_of(capsys, str(folder))
    assert code == 0 and out.startswith("Scenario ")
    finished = len(manifest["replications_finished"])
    assert f"interrupted: {finished} of 5 replications finished" in err


def test_the_command_line_offers_the_slices_the_table_can_show():
    from carecap.analysis.summary_table import BY as TABLE_SLICES
    from carecap.sim.cli.summary_command import BY as OPTION_SLICES

    assert OPTION_SLICES == TABLE_SLICES


def test_a_sizing_folder_shows_its_answers_point_by_default(sized, capsys):
    folder, _scenario, answer = sized
    code, out, _ = summary_of(capsys, str(folder), "--json")
    assert code == 0
    data = json.loads(out)
    summary = pd.read_parquet(folder / "summary.parquet")
    point = data["point_id"]
    assert len(data["summary"]) == (summary["point_id"] == point).sum() > 0
    # the point whose values are the answer's
    points = {p["point_id"]: p for p in json.loads((folder / "sweep.json").read_text())["points"]}
    assert list(points[point]["parameters"].values()) == list(answer["answer"].values())


def test_status_of_a_run_folder_says_how_the_run_ended(small_run, tmp_path, capsys):
    assert main(["status", str(small_run)]) == 0
    out = capsys.readouterr().out
    finished = json.loads((small_run / "manifest.json").read_text())["replications_finished"]
    assert f"complete: {len(finished)} of {len(finished)} replications finished" in out
    folder = copy_folder(small_run, tmp_path / "failed")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest |= {"status": "failed", "error": "engine broke\nTraceback (most recent call last)"}
    manifest["replications_requested"] = [0, 1, 2, 3]
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert main(["status", str(folder)]) == 0
    out = capsys.readouterr().out
    assert f"failed: {len(finished)} of 4 replications finished" in out
    assert "error: engine broke" in out and "Traceback" not in out


def test_status_of_a_folder_that_is_neither_names_both_kinds(tmp_path, capsys):
    assert main(["status", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "manifest.json" in err and "sweep.json" in err and "Traceback" not in err
