"""A sizing search's folder is a first-class result (issue 11 with issue 10): ``carecap size``
writes its answer to ``size.json`` (the same data as ``--json``), ``analysis.load`` gives it as
kind ``size`` with ``sizing``, the report leads with the answer and details the answer's point,
the export has a ``sizing`` sheet, and a folder without ``size.json`` still opens as a sweep.

One small M/M/c search (as in :mod:`size_helpers`, 8 pilot replications at most, 6-day horizon)
is made once per session; the other cases copy its folder, so their reruns reuse its runs."""

from __future__ import annotations

import html as html_text
import json
import re
import shutil

import openpyxl
import pandas as pd
import pytest
from size_helpers import PER_HOUR, SERVERS_PATH, TARGET, VARY

from carecap.analysis import load
from carecap.analysis.report.numbers import fmt
from carecap.analysis.sizing import size as size_module
from carecap.analysis.sizing.size import size_scenario
from carecap.sim.cli.main import main
from carecap.sim.errors import ResultsError
from carecap.sim.experiments import sweep_run

HOURS_PER_YEAR = 24 * 365  # the pool is on shift round the clock


def _copy(sized, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(sized[0], copy)
    return copy


def test_size_json_is_written_and_equals_the_json_output(sized):
    folder, scenario, printed = sized
    written = json.loads((folder / "size.json").read_text(encoding="utf-8"))
    assert written == printed
    assert written["status"] == "complete" and written["feasible"] is True
    c = written["answer"][SERVERS_PATH]
    # the capacity cost, computed independently: c caregivers on shift all year at 30 an hour
    assert written["cost_per_year"] == pytest.approx(PER_HOUR * HOURS_PER_YEAR * c)
    assert written["cost_change_per_year"] == pytest.approx(PER_HOUR * HOURS_PER_YEAR * (c - 1))
    assert written["options"]["vary"] == [VARY] and written["options"]["target"] == [TARGET]
    assert written["options"]["max_reps"] == 8 and written["options"]["scenario"] == str(scenario)
    assert written["varied"] == [
        {"path": SERVERS_PATH, "given_as": SERVERS_PATH, "low": 5, "high": 12, "given": 1}
    ]
    # the answer meets the target and its one-smaller neighbour does not (the search's claim)
    assert all(j["meets"] for j in written["targets"])
    (neighbour,) = written["neighbours"]
    assert neighbour["values"] == {SERVERS_PATH: c - 1}
    assert not all(j["meets"] for j in neighbour["targets"])
    assert not list(folder.glob(".tmp-*"))


def test_loader_gives_kind_size_with_the_answer_and_every_sweep_attribute(sized):
    folder, _, printed = sized
    results = load(folder)
    assert results.kind == "size" and results.status == "complete"
    assert results.sizing == printed
    c = printed["answer"][SERVERS_PATH]
    answer_id = f"c{c}"
    assert answer_id in results.point_ids and results.point(answer_id)["parameters"] == {
        SERVERS_PATH: c
    }
    assert set(results.points["point_id"]) == set(results.point_ids)
    assert results.parameters == [SERVERS_PATH]
    assert set(results.summary["point_id"]) == set(results.point_ids)
    assert set(results.metrics["point_id"]) <= set(results.point_ids)
    assert results.point_scenario(answer_id).caregivers[0].shifts[0].count == c


def _section(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    end = html.find("<h2", start + 1)
    return html_text.unescape(html[start : end if end > 0 else len(html)])


def _answer_on_time(results, point_id: str) -> float:
    s = results.summary
    hit = s[
        (s["point_id"] == point_id)
        & (s["service"] == "care_visit")
        & (s["slice"] == "all")
        & (s["metric"] == "on_time_rate")
    ]
    return float(hit["mean"].iloc[0])


def test_report_leads_with_the_answer_and_details_the_answers_point(sized, tmp_path):
    folder, _, printed = sized
    out = tmp_path / "report.html"
    assert main(["report", str(folder), "-o", str(out), "--lang", "en"]) == 0
    html = out.read_text(encoding="utf-8")
    assert html.index('id="sizing"') < html.index('id="scenario"')
    sizing = _section(html, "sizing")
    c = printed["answer"][SERVERS_PATH]
    assert re.search(rf"<td[^>]*>{c}</td>", sizing)  # the answer table's answer column
    assert "5 to 12" in sizing and TARGET in sizing and "95%" in sizing
    answer_estimate = fmt(printed["targets"][0]["estimate"], "share")
    neighbour_estimate = fmt(printed["neighbours"][0]["targets"][0]["estimate"], "share")
    assert answer_estimate in sizing and neighbour_estimate in sizing
    assert "not met" in sizing and f"{printed['cost_per_year']:,.0f} CNY" in sizing
    # key figures: the answer's point, not the largest candidate
    results = load(folder)
    key = _section(html, "key-figures")
    assert f"(c{c})" in key and "(c12)" not in key
    assert fmt(_answer_on_time(results, f"c{c}"), "share") in key
    # options ranked against the search's own target without --target
    options = _section(html, "options")
    assert "care_visit.on_time_rate >= 0.8" in options
    assert "No targets were given" not in options


def test_export_has_the_sizing_sheet(sized, tmp_path):
    folder, _, printed = sized
    out = tmp_path / "size.xlsx"
    assert main(["export", str(folder), "--xlsx", str(out)]) == 0
    book = openpyxl.load_workbook(out, read_only=True)
    assert "sizing" in book.sheetnames and "sweep_points" in book.sheetnames
    sheet = pd.read_excel(out, sheet_name="sizing")
    assert len(sheet) == len(printed["candidates"])
    (answer_row,) = sheet[sheet["role"] == "answer"].itertuples(index=False)
    values = dict(zip(sheet.columns, answer_row, strict=True))
    assert values[SERVERS_PATH] == printed["answer"][SERVERS_PATH]
    assert values[f"{TARGET}: estimate (share)"] == pytest.approx(printed["targets"][0]["estimate"])
    assert bool(values[f"{TARGET}: met"]) is True


@pytest.mark.parametrize("kind", ["sweep", "cost"])
def test_sweep_and_cost_plots_work_on_a_size_folder(sized, tmp_path, kind):
    out = tmp_path / f"{kind}.png"
    assert main(["plot", kind, str(sized[0]), "-o", str(out)]) == 0
    assert out.stat().st_size > 1000


def test_a_folder_without_size_json_opens_as_a_sweep_with_a_note(sized, tmp_path):
    folder = _copy(sized, tmp_path)
    (folder / "size.json").unlink()
    results = load(folder)
    assert results.kind == "sweep" and results.sizing is None
    out = tmp_path / "old.html"
    assert main(["report", str(folder), "-o", str(out), "--lang", "en"]) == 0
    html = out.read_text(encoding="utf-8")
    assert 'id="sizing"' not in html and "no answer (size.json)" in html


def test_a_damaged_size_json_is_named(sized, tmp_path):
    folder = _copy(sized, tmp_path)
    (folder / "size.json").write_text('{"feasible": tr', encoding="utf-8")
    with pytest.raises(ResultsError, match=r"size\.json is damaged"):
        load(folder)


def test_an_interrupted_search_writes_what_it_knows(sized, tmp_path, monkeypatch):
    _, scenario, printed = sized
    copy = _copy(sized, tmp_path)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(size_module, "confirm", interrupted)
    with pytest.raises(KeyboardInterrupt):
        size_scenario(scenario, [VARY], [TARGET], max_reps=8, workers=1, out=copy)
    data = json.loads((copy / "size.json").read_text(encoding="utf-8"))
    assert data["status"] == "interrupted" and data["answer"] is None
    pilots = [c["values"] for c in printed["candidates"] if c["stage"] == "pilot"]
    assert [c["values"] for c in data["candidates"]] == pilots  # reused, judged again
    results = load(copy)
    assert results.kind == "size" and results.status == "interrupted"
    out = tmp_path / "interrupted.html"
    assert main(["report", str(copy), "-o", str(out), "--lang", "en"]) == 0
    assert "The search was interrupted" in _section(out.read_text(encoding="utf-8"), "sizing")


def test_a_not_feasible_search_names_the_binding_target(sized, tmp_path):
    _, scenario, _ = sized
    copy = _copy(sized, tmp_path)
    outcome = size_scenario(scenario, [f"{SERVERS_PATH}=5:6"], [TARGET], max_reps=8, out=copy)
    assert not outcome.feasible
    data = json.loads((copy / "size.json").read_text(encoding="utf-8"))
    assert data["feasible"] is False and data["binding_target"] == TARGET
    out = tmp_path / "infeasible.html"
    assert main(["report", str(copy), "-o", str(out), "--lang", "en"]) == 0
    sizing = _section(out.read_text(encoding="utf-8"), "sizing")
    assert "Not feasible" in sizing and f"Binding target: {TARGET}" in sizing
    assert "at the best found" in sizing


def test_ctrl_c_in_the_command_leaves_an_interrupted_size_json(sized, tmp_path, monkeypatch):
    _, scenario, _ = sized
    out = tmp_path / "fresh"
    real, calls = sweep_run.run_task, {"n": 0}

    def interrupted_on_the_sixth_run(task):
        calls["n"] += 1
        if calls["n"] == 6:
            raise KeyboardInterrupt
        return real(task)

    monkeypatch.setattr(sweep_run, "run_task", interrupted_on_the_sixth_run)
    argv = ["size", str(scenario), "--vary", VARY, "--target", TARGET, "--max-reps", "8"]
    assert main([*argv, "--workers", "1", "--out", str(out)]) == 130
    data = json.loads((out / "size.json").read_text(encoding="utf-8"))
    assert data["status"] == "interrupted" and data["answer"] is None
    # the top (12) was judged on its 4 pilots; the run that stopped was the second candidate's
    assert [c["values"] for c in data["candidates"]] == [{SERVERS_PATH: 12}]
    assert load(out).status == "interrupted"
