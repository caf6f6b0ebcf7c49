"""``carecap validate``: the quick mode passes every check and shows every configuration; a
deliberately mis-specified configuration fails (the checks have power); the verdict rule,
the exit codes, bad options and independence of the number of workers."""

from __future__ import annotations

import dataclasses
import json

import pytest

from carecap.analysis import validate as v
from carecap.analysis.validate_configs import configurations
from carecap.analysis.validate_queues import finite_source_configuration
from carecap.analysis.validate_shifts import SHIFT_GROUPS, on_shift_steps
from carecap.sim.cli.main import main
from carecap.sim.validation.configurations import RunLength

NAMES = ["M/M/c", "priority tiers", "finite source", "Erlang A", "shift schedule"]


def test_quick_mode_passes_every_check_of_every_configuration(capsys):
    """``carecap validate --quick`` on one worker: the suite's run of the whole quick mode."""
    code = main(["validate", "--quick", "--workers", "1"])
    text = capsys.readouterr().out
    rows = [line for line in text.splitlines() if line.endswith(("pass", "FAIL"))]
    assert code == 0, text
    assert rows and all(r.endswith("pass") for r in rows), text
    for name in NAMES:
        assert sum(r.startswith(name) for r in rows) >= 3, f"{name} missing:\n{text}"
    assert f"{len(rows)} of {len(rows)} checks pass (quick mode" in text
    assert "Bonferroni" in text


def _short(reps: int = 6) -> RunLength:
    return RunLength(horizon_days=21, warmup_days=1, replications=reps)


def test_a_mis_specified_engine_fails():
    """The theory of the finite-source configuration against a scenario whose visits last 10 %
    longer than the theory assumes: the waits and utilisation checks must fail."""
    right = finite_source_configuration(_short())
    wrong_scenario = right.scenario.with_overrides(
        {"services.care_visit.by_care_level.any.duration_min.mean": 11.0}
    )
    wrong = dataclasses.replace(right, name="longer visits", scenario=wrong_scenario)
    report = v.run_validation(True, workers=1, chosen=[right, wrong])
    assert all(c.passed for c in report.checks if c.configuration == right.name)
    failed = {c.check for c in report.checks if c.configuration == wrong.name and not c.passed}
    assert {"wait_mean (min)", "utilisation"} <= failed
    assert not report.passed


def test_exit_code_is_1_when_a_check_fails(monkeypatch, capsys):
    right = finite_source_configuration(_short(3))
    broken = dataclasses.replace(right, theory={"utilisation": (0.5, "share")})  # true: 0.86
    monkeypatch.setattr(v, "configurations", lambda quick, reps: [broken])
    assert main(["validate", "--workers", "1", "--reps", "3"]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and "0 of 1 checks pass" in out


def test_json_report_and_same_results_on_two_workers(monkeypatch, capsys):
    """Workers change nothing; the JSON is strict and complete."""
    config = finite_source_configuration(RunLength(6, 1, replications=4))
    monkeypatch.setattr(v, "configurations", lambda quick, reps: [config])
    reports = []
    for workers in ("1", "2"):
        assert main(["validate", "--json", "--workers", workers]) == 0
        reports.append(json.loads(capsys.readouterr().out))
    one, two = ([c["mean"] for c in r["checks"]] for r in reports)
    assert one == two
    report = reports[0]
    assert report["passed"] is True and report["family_alpha"] == v.FAMILY_ALPHA
    assert report["confidence_per_check"] == pytest.approx(1 - v.FAMILY_ALPHA / 4)
    assert {c["check"] for c in report["checks"]} == set(config.theory)
    assert report["configurations"][0]["replications"] == 4


def test_verdict_rule():
    """Pass iff |mean − theory| <= half-width + tolerance."""
    values = [1.0, 1.2, 0.8, 1.1, 0.9]  # mean 1.0
    inside = v.decide("x", "w", "min", 1.05, values, 0.95)
    assert inside.passed and inside.ci_low < 1.05 < inside.ci_high
    far = v.decide("x", "w", "min", 2.0, values, 0.95)
    assert not far.passed
    half = far.ci_high - 1.0
    edge = 1.0 + half + v.tolerance(1.0 + half, "min") * 0.99
    assert v.decide("x", "w", "min", edge, values, 0.95).passed  # saved by the tolerance
    assert v.tolerance(100.0, "min") == pytest.approx(1.0)  # 1 % of theory
    assert v.tolerance(0.01, "share") == v.ABSOLUTE_TOLERANCE["share"]  # the floor


def test_every_configuration_is_built_with_its_theory():
    quick, full = configurations(True), configurations(False, replications=5)
    assert [c.name for c in quick] == NAMES == [c.name for c in full]
    assert all(c.scenario.replications == 5 for c in full)
    for c in quick:
        assert c.theory and all(unit in v.ABSOLUTE_TOLERANCE for _, unit in c.theory.values())
    assert on_shift_steps(SHIFT_GROUPS) == [(0.0, 0), (300.0, 2), (480.0, 4), (1320.0, 0)]


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["--reps", "1"], "--reps"),
        (["--reps", "x"], "--reps"),
        (["--workers", "0"], "--workers"),
        (["--quick", "extra"], "unrecognized"),
    ],
)
def test_bad_options_are_one_paragraph(argv, option, capsys):
    assert main(["validate", *argv]) == 2
    err = capsys.readouterr().err
    assert option in err and "Traceback" not in err
