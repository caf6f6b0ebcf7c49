"""The scenario section says where its sources stand: read from the scenario file of the run,
flagged when that file has changed since the run, left out (said so) when it is gone."""

from __future__ import annotations

import yaml
from report_helpers import parse_report
from results_helpers import DATA

from carecap.analysis import load
from carecap.analysis.report.build import report_input
from carecap.analysis.report.document import report_html
from carecap.analysis.report.text import Lang
from carecap.sim.experiments.run_folder import run_to_folder

CHANGED = "has changed since this run"
GONE = "no longer where the manifest says"


def _html(folder) -> str:
    return report_html(report_input(load(folder), [], with_figures=False), Lang("en"))


def test_sources_current_changed_and_gone(tmp_path):
    data = yaml.safe_load((DATA / "small.yaml").read_text(encoding="utf-8"))
    data["calendar"].update(horizon_days=14, warmup_days=0)
    text = yaml.safe_dump(data, sort_keys=False).replace(
        "  stations: 1\n", "  stations: 1   # ASSUMPTION: one station to start with\n"
    )
    scenario = tmp_path / "s.yaml"
    scenario.write_text(text, encoding="utf-8")
    out = tmp_path / "run"
    run_to_folder(scenario, reps=2, seed=3, out=out, workers=1)

    html = _html(out)
    assert CHANGED not in html and GONE not in html
    rows = {r[0]: r for r in parse_report(html).table("scenario").rows}
    assert "one station to start with" in rows["Centre bathing stations"][2]

    scenario.write_text(text.replace("stations: 1 ", "stations: 2 "), encoding="utf-8")
    html = _html(out)
    assert CHANGED in html
    rows = {r[0]: r for r in parse_report(html).table("scenario").rows}
    assert rows["Centre bathing stations"][1] == "1"  # the run's value, not the file's

    scenario.unlink()
    html = _html(out)
    assert GONE in html and "one station" not in html
