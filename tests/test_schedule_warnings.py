"""Warnings about valid but doubtful schedules (sim/scenario/schedule_warnings.py): van hours that
never overlap the centre's opening hours are warned about by `carecap check` (exit 0) and
`carecap run`, and the warning's premise holds: such vans carry no one."""

from __future__ import annotations

import pytest

from carecap.sim.cli.main import main
from carecap.sim.engine.kernel import run_replication
from carecap.sim.scenario.loader import load_scenario
from carecap.sim.scenario.schedule import WeeklySchedule
from carecap.sim.scenario.schedule_warnings import overlap, scenario_warnings

EVENING = {"mon-fri": ["18:00-21:00"]}  # small.yaml's centre: mon-fri 09:00-17:00


@pytest.fixture
def evening_vans(small_scenario_data, write_scenario):
    small_scenario_data["calendar"]["horizon_days"] = 30
    small_scenario_data["bathing_centre"]["vans"]["hours"] = EVENING
    return write_scenario(small_scenario_data, "evening.yaml")


def test_check_warns_about_van_hours_outside_the_opening_hours(evening_vans, capsys):
    assert main(["check", str(evening_vans)]) == 0  # a warning, not an error
    out, err = capsys.readouterr()
    assert out.startswith("ok  ")
    assert "carecap: warning: " in err and "evening.yaml: bathing_centre.vans.hours:" in err
    assert "never overlap the centre's opening hours" in err
    assert len(err.strip().splitlines()) == 1


def test_run_warns_before_running_even_with_json(evening_vans, tmp_path, capsys):
    argv = ["run", str(evening_vans), "--reps", "1", "--workers", "1", "--json"]
    assert main([*argv, "--out", str(tmp_path / "out")]) == 0
    assert "warning: " in capsys.readouterr().err


def test_the_premise_vans_outside_opening_hours_carry_no_one(evening_vans):
    scenario = load_scenario(evening_vans)
    records = run_replication(scenario, 0, 1)
    assert not (records.van_trips.kind == "pickup").any()
    opening = scenario.with_overrides({"bathing_centre.vans.hours": {"mon-fri": ["09:00-17:00"]}})
    assert (run_replication(opening, 0, 1).van_trips.kind == "pickup").any()


@pytest.mark.parametrize(
    ("van_hours", "warned"),
    [
        (EVENING, True),
        ({"sat-sun": ["09:00-17:00"]}, True),
        ({"mon-fri": ["07:00-09:00"]}, True),  # ends as the centre opens: no instant in common
        ({"mon-fri": ["16:00-18:00"]}, False),
        ({"fri": ["16:59-17:30"]}, False),
        ("always", False),
    ],
)
def test_only_schedules_with_no_instant_in_common_are_warned_about(
    small_scenario_data, write_scenario, van_hours, warned
):
    small_scenario_data["bathing_centre"]["vans"]["hours"] = van_hours
    scenario = load_scenario(write_scenario(small_scenario_data))
    assert bool(scenario_warnings(scenario)) is warned


def test_no_warning_without_vans_or_with_the_default_van_hours(small_scenario_data, write_scenario):
    assert scenario_warnings(load_scenario(write_scenario(small_scenario_data))) == []
    small_scenario_data["bathing_centre"]["vans"] = None
    assert scenario_warnings(load_scenario(write_scenario(small_scenario_data))) == []


def test_overlap_is_symmetric_and_open_ended():
    day = WeeklySchedule.model_validate({"mon": ["09:00-17:00"]})
    evening = WeeklySchedule.model_validate({"mon": ["17:00-20:00"]})
    late = WeeklySchedule.model_validate({"mon": ["16:00-20:00"]})
    assert not overlap(day, evening) and not overlap(evening, day)
    assert overlap(day, late) and overlap(late, day)


# A night shift Sunday 22:00 -> Monday 06:00, written as one span of the internal form (minutes
# from Monday 00:00, running past the week's end, as a run reads it) or as two day spans.
NIGHT_SPAN = {"spans": [[6 * 1440 + 22 * 60, 7 * 1440 + 6 * 60]]}
NIGHT_DAYS = {"sun": ["22:00-24:00"], "mon": ["00:00-06:00"]}


@pytest.mark.parametrize("night", [NIGHT_SPAN, NIGHT_DAYS])
@pytest.mark.parametrize(
    ("centre_hours", "together"),
    [
        ({"mon": ["05:00-09:00"]}, True),  # Monday 05:00-06:00 in common
        ({"sun": ["23:00-24:00"]}, True),
        ({"mon": ["06:00-09:00"]}, False),  # opens as the night ends
        ({"sat": ["22:00-24:00"], "tue": ["00:00-06:00"]}, False),  # a day either side
    ],
)
def test_overlap_reads_a_night_across_the_week_boundary_as_the_run_does(
    night, centre_hours, together
):
    """The engine's open intervals are the ground truth: shared minutes over two weeks."""
    a, b = WeeklySchedule.model_validate(night), WeeklySchedule.model_validate(centre_hours)
    assert overlap(a, b) is together and overlap(b, a) is together
    shared = [
        (max(lo, lo2), min(hi, hi2))
        for lo, hi in a.intervals(0, 2 * 10080)
        for lo2, hi2 in b.intervals(0, 2 * 10080)
        if max(lo, lo2) < min(hi, hi2)
    ]
    assert bool(shared) is together


def test_vans_on_a_night_span_past_the_weeks_end_are_not_warned_about_when_they_meet_opening(
    small_scenario_data, write_scenario
):
    small_scenario_data["bathing_centre"]["hours"] = {"mon": ["05:00-09:00"]}
    small_scenario_data["bathing_centre"]["vans"]["hours"] = NIGHT_SPAN
    assert scenario_warnings(load_scenario(write_scenario(small_scenario_data))) == []
    small_scenario_data["bathing_centre"]["hours"] = {"mon": ["06:00-09:00"]}
    assert scenario_warnings(load_scenario(write_scenario(small_scenario_data)))
