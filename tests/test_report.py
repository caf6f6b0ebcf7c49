"""``carecap report``: every section is there, the numbers are the results files', nothing is
fetched from the network, the languages, sweeps ranked against targets, and bad input."""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest
import report_helpers
from report_helpers import bad, parse_report

from carecap.sim.cli.main import main

RUN_SECTIONS = ["scenario", "key-figures", "equity", "figures", "method", "glossary"]
SWEEP_SECTIONS = ["scenario", "key-figures", "equity", "figures", "options", "method", "glossary"]
small_run = report_helpers.small_run  # session fixtures
small_sweep = report_helpers.small_sweep
CJK = re.compile(r"[\u4e00-\u9fff]")


def report(folder, out, *options) -> str:
    assert main(["report", str(folder), "-o", str(out), *options]) == 0
    return out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def run_reports(small_run, tmp_path_factory) -> dict[str, str]:
    """The small run's report in each language (made once: figures take seconds)."""
    folder = tmp_path_factory.mktemp("reports")
    return {
        lang: report(small_run, folder / f"{lang}.html", "--lang", lang)
        for lang in ("zh", "en", "both")
    }


def test_run_report_has_every_section_in_order(run_reports):
    parsed = parse_report(run_reports["both"])
    assert parsed.section_ids == RUN_SECTIONS
    headings = " | ".join(parsed.headings)
    for part in (
        "1 Objectives",
        "2 Logic",
        "3 Data and assumptions",
        "4 Experimentation",
        "5 Implementation",
        "By district",
        "By priority tier",
        "Resources and cost",
    ):
        assert part in headings
    assert parsed.table("scenario").rows[1:], "the scenario in words has rows"
    assert "img" in parsed.tags


def test_no_external_url_no_script_and_a_print_stylesheet(run_reports):
    text = run_reports["both"]
    parsed = parse_report(text)
    assert parsed.urls, "the contents and the figure have a link and a source"
    for url in parsed.urls:
        assert url.startswith(("data:image/png;base64,", "#")), url
    assert not parsed.tags & {"script", "link", "iframe", "object", "embed"}
    assert "http://" not in text and "https://" not in text
    assert "@media print" in text and "break-inside: avoid" in text


def _number(cell: str) -> float:
    return float(cell.split()[0].replace(",", ""))


def test_key_figures_are_the_summary_rows(small_run, run_reports):
    parsed = parse_report(run_reports["en"])
    rows = parsed.table("key-figures").rows
    head = rows[0]
    summary = pd.read_parquet(small_run / "summary.parquet")
    every = summary[summary["slice"] == "all"].set_index(["service", "metric"])
    names = {
        "Care-plan visits": "care_visit",
        "Alarm responses": "alarm",
        "Centre baths": "centre_bath",
        "Home baths": "home_bath",
    }
    assert {r[0] for r in rows[1:]} == {
        n for n, s in names.items() if (s, "requests") in every.index
    }
    # (metric, column, scale to the shown unit, rounding of the shown value)
    shown = (("requests", "requests", 1, 0.5), ("on_time_rate", "on time", 100, 0.05))
    for row in rows[1:]:
        service = names[row[0]]
        for metric, label, scale, rounding in shown:
            cell = row[head.index(label)]
            want = every.loc[(service, metric)]
            low, high = re.search(r"\[(.*) – (.*)\]", cell).groups()
            got = [_number(cell), _number(low), _number(high)]
            expected = [scale * want[k] for k in ("mean", "ci_low", "ci_high")]
            assert got == pytest.approx(expected, abs=rounding + 1e-9)


def test_languages_and_the_scenarios_chinese_labels(run_reports):
    zh, en, both = (parse_report(run_reports[k]) for k in ("zh", "en", "both"))
    assert "关键数字" in zh.headings and "Key figures" not in " ".join(zh.headings)
    assert "Key figures" in en.headings and not any(CJK.search(h) for h in en.headings)
    assert any("关键数字" in h and "Key figures" in h for h in both.headings)
    districts = both.table("equity")  # the first: care visits by district
    labels = [r[0] for r in districts.rows[1:]]
    assert "万柏林区 Wanbailin" in labels and "清徐县 Qingxu" in labels  # the scenario's labels
    en_labels = [r[0] for r in en.table("equity").rows]
    assert "Wanbailin" in en_labels and not any(CJK.search(x) for x in en_labels)


def test_sweep_report_ranks_the_options_against_the_targets(small_sweep, tmp_path):
    text = report(
        small_sweep,
        tmp_path / "s.html",
        "--lang",
        "en",
        "--target",
        "care_visit.requests>=0",
        "--target",
        "centre_bath.on_time_rate>=1.5",
    )
    parsed = parse_report(text)
    assert parsed.section_ids == SWEEP_SECTIONS
    rows = parsed.table("options").rows
    points = json.loads((small_sweep / "sweep.json").read_text())["points"]
    assert len(rows) - 1 == len(points)
    # no share reaches 150 %: every option fails, and they come cheapest first
    assert {r[-1] for r in rows[1:]} == {"fails"}
    costs = [_number(r[2]) for r in rows[1:]]
    assert costs == sorted(costs)


def test_sweep_report_options_meeting_every_target_come_first(small_sweep, tmp_path):
    summary = pd.read_parquet(small_sweep / "summary.parquet")
    ontime = summary[
        (summary["service"] == "centre_bath")
        & (summary["slice"] == "all")
        & (summary["metric"] == "on_time_rate")
    ].set_index("point_id")
    threshold = float(ontime["ci_low"].median())
    parsed = parse_report(
        report(
            small_sweep,
            tmp_path / "s.html",
            "--lang",
            "en",
            "--target",
            f"centre_bath.on_time_rate>={threshold}",
        )
    )
    verdicts = [r[-1] for r in parsed.table("options").rows[1:]]
    meets = {p for p in ontime.index if ontime.loc[p, "ci_low"] >= threshold}
    assert verdicts.count("meets") == len(meets) > 0
    assert verdicts[: len(meets)] == ["meets"] * len(meets)


def test_bad_input_is_one_paragraph_naming_what_to_change(small_run, tmp_path, capsys):
    bad(["report", str(tmp_path)], capsys, str(tmp_path), "not a carecap results folder")
    bad(["report", str(tmp_path / "none")], capsys, "no such results folder")
    bad(["report", str(small_run), "--lang", "fr"], capsys, "--lang", "zh, en or both")
    bad(["report", str(small_run), "-o", str(tmp_path)], capsys, "-o/--out", "is a folder")
    (tmp_path / "file").write_text("x")
    bad(
        ["report", str(small_run), "-o", str(tmp_path / "file" / "r.html")],
        capsys,
        "-o/--out",
        "is a file, not a folder",
    )
    bad(["report", str(small_run), "-o", str(tmp_path / "r.pdf")], capsys, "-o/--out", ".html")
    bad(
        ["report", str(small_run), "--target", "alarm.on_time_rate=0.9"],
        capsys,
        "--target",
        "SERVICE.METRIC",
    )
    bad(
        ["report", str(small_run), "--target", "alarm.no_such>=1"],
        capsys,
        "--target",
        "no metric 'no_such'",
    )
    bad(
        ["report", str(small_run), "--target", "alarm.on_time_rate@district=zz>=0.5"],
        capsys,
        "--target",
        "no slice district=zz",
    )


def test_method_appendix_reads_the_manifest(small_run, run_reports):
    manifest = json.loads((small_run / "manifest.json").read_text())
    parsed = parse_report(run_reports["en"])
    method = {r[0]: r[1] for r in parsed.tables[-1].rows[1:]}  # the experimentation table
    assert method["Root seed"] == str(manifest["seed"])
    assert method["Replications"].startswith(f"{len(manifest['replications_finished'])} ")
    warmup = manifest["scenario"]["calendar"]["warmup_days"]
    assert method["Warm-up (excluded)"].startswith(f"{warmup:g} days")
    text = run_reports["en"]
    for package, version in manifest["versions"].items():
        assert f"{package} {version}" in text
    assert "SeedSequence" in text and "common random numbers" in text


def test_an_interrupted_run_is_flagged(small_run, tmp_path):
    from carecap.analysis import load
    from carecap.analysis.report.build import report_input
    from carecap.analysis.report.document import report_html
    from carecap.analysis.report.text import Lang

    folder = tmp_path / "run"
    shutil.copytree(small_run, folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    complete = report_html(report_input(load(folder), [], with_figures=False), Lang("en"))
    assert "This run is" not in complete
    manifest["status"] = "interrupted"
    manifest["replications_requested"] = [*manifest["replications_finished"], 99]
    (folder / "manifest.json").write_text(json.dumps(manifest))
    html = report_html(report_input(load(folder), [], with_figures=False), Lang("en"))
    n = len(manifest["replications_finished"])
    assert f"This run is interrupted: {n} of {n + 1} replications finished" in html


def test_a_runs_targets_are_judged_on_their_intervals(small_run, tmp_path):
    summary = pd.read_parquet(small_run / "summary.parquet")
    row = summary[
        (summary["service"] == "alarm")
        & (summary["slice"] == "all")
        & (summary["metric"] == "on_time_rate")
    ].iloc[0]
    assert row["ci_low"] < row["ci_high"]
    below, above = row["ci_low"] - 0.001, row["ci_high"] + 0.001
    middle = (row["ci_low"] + row["ci_high"]) / 2
    targets = [f"alarm.on_time_rate>={x}" for x in (below, above, middle)]
    targets.append(f"alarm.on_time_rate<={above}")
    argv = [arg for t in targets for arg in ("--target", t)]
    parsed = parse_report(report(small_run, tmp_path / "t.html", "--lang", "en", *argv))
    verdicts = [r[-1] for r in parsed.table("targets").rows[1:]]
    assert verdicts == ["meets", "fails", "undecided", "meets"]
