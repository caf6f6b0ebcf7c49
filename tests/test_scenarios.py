"""The shipped scenarios: each validates and runs; the baseline matches the reported figures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from carecap.sim.cli.main import main
from carecap.sim.engine.kernel import run_replication
from carecap.sim.metrics.invariants import check_all
from carecap.sim.scenario.loader import load_scenario
from carecap.sim.units import DAY_MIN

SCENARIOS = sorted((Path(__file__).parent.parent / "scenarios").glob("*.yaml"))
BASELINE = Path(__file__).parent.parent / "scenarios" / "taiyuan-2022.yaml"
REPORT_DAY = 239  # 28 Aug 2022, the report's date, counted from 1 Jan 2022
REPORTED_VISITS = 16_564  # in-home service visits, Jan 1 - Aug 28 2022
REPORTED_BEDS = 3_076


def test_there_is_a_baseline_and_at_least_five_variants():
    assert BASELINE in SCENARIOS
    variants = [p for p in SCENARIOS if p != BASELINE]
    assert len(variants) >= 5
    for path in variants:
        assert "extends: taiyuan-2022.yaml" in path.read_text(encoding="utf-8"), path.name


def test_carecap_check_accepts_every_shipped_scenario(capsys):
    assert main(["check", *map(str, SCENARIOS)]) == 0
    assert capsys.readouterr().out.count("ok  ") == len(SCENARIOS)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_shipped_scenario_runs_and_keeps_the_invariants(path):
    # Ten weeks keep the suite fast while every service, shift and routing rule is exercised.
    scenario = load_scenario(path).with_overrides(
        {"calendar.horizon_days": 70, "calendar.warmup_days": 14}
    )
    records = run_replication(scenario, 0)
    assert len(records.requests) > 0
    assert check_all(records, scenario) == []


def test_baseline_bed_count_on_the_report_date_matches_the_report():
    scenario = load_scenario(BASELINE)
    counts = []
    for rep in range(3):
        elders = run_replication(scenario, rep).elders
        t = REPORT_DAY * DAY_MIN
        present = (elders.enrol_min <= t) & (elders.exit_min > t) & elders.has_bed
        counts.append(int(present.sum()))
    # Poisson roll-out: the count is random; its mean is 3,076 by construction (sd ~ 55).
    assert abs(np.mean(counts) - REPORTED_BEDS) < 3 * 60 / np.sqrt(len(counts)) + 10


def test_baseline_is_calibrated_to_the_reported_in_home_visits():
    """Care-plan plus alarm visits made Jan 1 - Aug 28 fit the reported 16,564 (within 3 %)."""
    scenario = load_scenario(BASELINE)
    visits = []
    for rep in range(3):
        req = run_replication(scenario, rep).requests
        home = req.service.isin(["care_visit", "alarm"])
        started = req.start_min.notna() & (req.start_min < REPORT_DAY * DAY_MIN)
        visits.append(int((home & started).sum()))
    assert abs(np.mean(visits) / REPORTED_VISITS - 1) < 0.03, visits
