"""The waits figure says what its numbers are: the request counts in the panel titles are the
replications' sum and say over how many replications; the target lines are those the on-time
metrics judge against (each urgency class's own, named by the class)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from results_helpers import RUN_REPS, small_run_folder

from carecap.analysis import figures, load
from carecap.analysis.plots import plot_wait_ecdf
from carecap.analysis.wait_curves import wait_curves, wait_targets
from carecap.sim.engine.kernel import run_replication
from carecap.sim.scenario.model import Scenario

DATA = Path(__file__).parent / "data"
CLASSES = {
    "urgent": {"share": 0.3, "target_min": 30, "target_min_by_district": {"b": 60}},
    "routine": {"share": 0.7, "target_min": 120},
}


@pytest.fixture(scope="session")
def small_run(tmp_path_factory) -> Path:
    return small_run_folder(tmp_path_factory)


def _requests_made(res, service: str) -> int:
    """Requests made in the window, summed over the replications (the metrics' count)."""
    m = res.metrics
    rows = m[(m["service"] == service) & (m["metric"] == "requests") & (m["slice"] == "all")]
    return int(rows["value"].sum())


@pytest.mark.parametrize(
    ("lang", "pattern"),
    [
        ("en", r"^(.+): ([\d,]+) requests in (\d+) replications"),
        ("zh", r"^(.+)：(\d+)次重复共([\d,]+)个请求"),
    ],
)
def test_panel_titles_count_requests_over_the_replications_they_pool(small_run, lang, pattern):
    res = load(small_run)
    fig = figures.waits_figure(res, lang=lang)
    services = ["care_visit", "alarm", "centre_bath", "home_bath"]
    for ax, service in zip(fig.axes, services, strict=True):
        found = re.match(pattern, ax.get_title())
        assert found, ax.get_title()
        n, reps = (found[2], found[3]) if lang == "en" else (found[3], found[2])
        assert int(reps) == RUN_REPS
        assert int(n.replace(",", "")) == _requests_made(res, service)


def test_still_waiting_note_says_it_sums_the_replications(small_run):
    fig = figures.waits_figure(load(small_run), by="all")
    notes = [t.get_text() for ax in fig.axes for t in ax.texts if "still waiting" in t.get_text()]
    assert notes, "the small run has requests still waiting at the end"
    assert all(f"of {RUN_REPS} replications" in note.splitlines()[0] for note in notes)


def test_one_replication_is_not_called_a_sum():
    curves, counts = _alarm_frames(reps=1)
    fig = plot_wait_ecdf(curves, counts, replications=1)
    (title,) = [ax.get_title() for ax in fig.axes if ax.get_title().startswith("alarms")]
    assert "replication" not in title and re.match(r"alarms: [\d,]+ requests$", title)


def _class_scenario() -> Scenario:
    data = yaml.safe_load((DATA / "small.yaml").read_text(encoding="utf-8"))
    data["calendar"].update(horizon_days=20, warmup_days=2)
    data["services"]["alarm"].update(
        target_min_by_district={"b": 45}, classes=CLASSES, rate_per_bed_month=4
    )
    return Scenario.model_validate(data)


def _alarm_frames(reps: int = 2):
    scenario = _class_scenario()
    records = [run_replication(scenario, r) for r in range(reps)]
    curves, counts = wait_curves(records, scenario)
    return curves, counts


def test_alarm_classes_draw_each_class_target_named_by_its_class():
    """With classes, each alarm is on time against its class's target (and its class's
    district targets); the service's own 30 min and its 45 min in district b do not apply."""
    scenario = _class_scenario()
    records = [run_replication(scenario, r) for r in range(2)]
    curves, counts = wait_curves(records, scenario)
    targets = wait_targets(records[0], scenario)
    fig = plot_wait_ecdf(curves, counts, targets)
    (alarms,) = [ax for ax in fig.axes if ax.get_title().startswith("alarms")]
    labels = {t.get_text() for t in alarms.texts if "target" in t.get_text()}
    assert labels == {
        "urgent: target 30 min",
        "urgent: target 60 min (b)",
        "routine: target 120 min",
    }
    lines = [ln for ln in alarms.get_lines() if len(ln.get_xdata()) == 2 and ln.get_xdata()[0]]
    drawn = sorted(float(ln.get_xdata()[0]) for ln in lines if ln.get_linestyle() in ("--", ":"))
    assert drawn == [30, 60, 120]  # no line at the service's 45 min of district b
    assert alarms.get_xlim()[1] > 120  # the last label's room inside the panel
