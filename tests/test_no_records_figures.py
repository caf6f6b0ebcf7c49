"""Figures that need the record tables, of a run made with ``--no-records``: the plot command and
the report say so in words for a run (not a sweep), without an option prefix."""

from __future__ import annotations

from carecap.analysis import figures
from carecap.sim.cli.main import main


def test_a_run_without_records_is_told_how_to_get_them(
    small_scenario_data, write_scenario, tmp_path, capsys
):
    small_scenario_data["calendar"]["horizon_days"] = 20
    scenario = write_scenario(small_scenario_data, "s.yaml")
    out = tmp_path / "out"
    run = ["run", str(scenario), "--reps", "2", "--workers", "1", "--out", str(out)]
    assert main([*run, "--no-records"]) == 0
    capsys.readouterr()
    assert main(["plot", "waits", str(out), "-o", str(tmp_path / "w.png")]) == 2
    err = capsys.readouterr().err
    assert figures.NO_RECORDS_RUN in err and "sweep" not in err
    for lang, want in (("en", figures.NO_RECORDS_RUN), ("zh", "本次运行未保存记录表")):
        page = tmp_path / f"r-{lang}.html"
        assert main(["report", str(out), "-o", str(page), "--lang", lang]) == 0
        html = page.read_text(encoding="utf-8")
        assert html.count(want) >= 3  # waits, backlog and utilisation figures left out
        assert "KIND" not in html and "sweep did not keep" not in html
