"""The scenario loader: safe YAML, ``extends:`` merging, and where errors point."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from pathlib import Path

import pytest
from pydantic import ValidationError

from carecap.sim.errors import ScenarioError
from carecap.sim.scenario.loader import (
    load_scenario,
    load_scenario_data,
    load_scenario_with_sources,
    validate_scenario_data,
    validation_error_to_scenario_error,
)
from carecap.sim.scenario.model import Scenario

SMALL_SCENARIO = Path(__file__).parent / "data" / "small.yaml"


def test_small_scenario_loads():
    scenario = load_scenario(SMALL_SCENARIO)
    assert isinstance(scenario, Scenario)
    assert scenario.name == "small"
    assert scenario.calendar.start_date == dt.date(2022, 1, 1)


def test_load_scenario_data_is_the_mapping_before_validation():
    data = load_scenario_data(SMALL_SCENARIO)
    assert data["name"] == "small"
    assert data["calendar"]["start_date"] == dt.date(2022, 1, 1)  # YAML dates stay dates
    assert data["services"]["care_visit"]["by_care_level"]["bedridden"]["duration_min"] == 45


# --- extends ----------------------------------------------------------------------------------


def test_extends_child_values_override_and_mappings_merge(write_scenario, small_scenario_data):
    base = write_scenario(small_scenario_data, "base.yaml")
    child = write_scenario(
        {"extends": "base.yaml", "name": "more_stations", "bathing_centre": {"stations": 3}},
        "child.yaml",
    )
    scenario, sources = load_scenario_with_sources(child)
    assert scenario.name == "more_stations"
    assert scenario.bathing_centre.stations == 3
    assert scenario.bathing_centre.district == "a"  # kept from the base
    assert scenario.bathing_centre.vans.count == 1
    assert sources == [child, base]
    assert "extends" not in load_scenario_data(child)


def test_extends_null_removes_a_key(write_scenario, small_scenario_data):
    write_scenario(small_scenario_data, "base.yaml")
    child = write_scenario(
        {
            "extends": "base.yaml",
            "bathing_centre": None,
            "initial_backlog": {"centre_bath": None},  # no centre, so no centre waiting list
            "costs": {"per_service": None},
        },
        "child.yaml",
    )
    scenario = load_scenario(child)
    assert scenario.bathing_centre is None
    assert scenario.home_bathing is not None
    assert scenario.costs.per_service == {}  # back to the default
    assert scenario.costs.caregiver_per_hour == 30
    assert "bathing_centre" not in load_scenario_data(child)


def test_extends_replaces_lists_whole(write_scenario, small_scenario_data):
    write_scenario(small_scenario_data, "base.yaml")
    child = write_scenario({"extends": "base.yaml", "tiers": ["tekun", "dibao", "other", "x"]})
    assert load_scenario(child).tiers == ["tekun", "dibao", "other", "x"]


def test_extends_a_new_distribution_replaces_the_old_one(write_scenario, small_scenario_data):
    write_scenario(small_scenario_data, "base.yaml")  # bath_duration_min is triangular
    child = write_scenario(
        {
            "extends": "base.yaml",
            "bathing_centre": {"bath_duration_min": {"dist": "uniform", "low": 40, "high": 50}},
        }
    )
    duration = load_scenario(child).bathing_centre.bath_duration_min
    assert (duration.dist, duration.low, duration.high) == ("uniform", 40, 50)


def test_extends_a_partial_distribution_merges(write_scenario, small_scenario_data):
    write_scenario(small_scenario_data, "base.yaml")
    child = write_scenario(
        {"extends": "base.yaml", "bathing_centre": {"bath_duration_min": {"mode": 55}}}
    )
    duration = load_scenario(child).bathing_centre.bath_duration_min
    assert (duration.dist, duration.low, duration.mode, duration.high) == ("triangular", 45, 55, 60)


def test_extends_new_opening_hours_replace_the_old_ones(write_scenario, small_scenario_data):
    write_scenario(small_scenario_data, "base.yaml")  # centre open mon-fri 09-17
    child = write_scenario(
        {"extends": "base.yaml", "bathing_centre": {"hours": {"sat": ["09:00-12:00"]}}}
    )
    hours = load_scenario(child).bathing_centre.hours
    assert hours.open_min_per_week == 3 * 60


def test_extends_empty_hours_close_as_set_does(write_scenario, small_scenario_data):
    """``hours: {}`` in a child replaces the base's hours (the centre closed), as
    ``--set 'bathing_centre.hours={}'`` does; it once merged as "no change", silently keeping
    the base's hours."""
    base = write_scenario(small_scenario_data, "base.yaml")
    child = write_scenario({"extends": "base.yaml", "bathing_centre": {"hours": {}}})
    from_child = load_scenario(child).bathing_centre.hours
    from_set = load_scenario(base).with_overrides({"bathing_centre.hours": {}})
    assert from_child.open_min_per_week == 0
    assert from_child == from_set.bathing_centre.hours


def test_extends_an_empty_mapping_replaces_the_bases(write_scenario, small_scenario_data):
    """Any empty mapping is one value, replaced whole (not a no-op merge)."""
    write_scenario(small_scenario_data, "base.yaml")
    key = "routing"
    assert small_scenario_data[key]  # a non-empty mapping in the base
    child = write_scenario({"extends": "base.yaml", key: {}})
    assert load_scenario_data(child)[key] == {}


def test_extends_chain_of_three(write_scenario, small_scenario_data):
    grand = write_scenario(small_scenario_data, "grand.yaml")
    parent = write_scenario(
        {"extends": "grand.yaml", "replications": 7, "bathing_centre": {"stations": 2}},
        "variants/parent.yaml",
    )
    child = write_scenario(
        {"extends": "variants/parent.yaml", "name": "child", "bathing_centre": {"stations": 4}},
        "child.yaml",
    )
    # parent.yaml lives in variants/, so its own `extends: grand.yaml` must be relative to it
    (parent.parent / "grand.yaml").write_text(grand.read_text(encoding="utf-8"), encoding="utf-8")
    scenario, sources = load_scenario_with_sources(child)
    assert (scenario.name, scenario.replications, scenario.bathing_centre.stations) == (
        "child",
        7,
        4,
    )
    assert scenario.seed == 1  # from the grandparent
    assert sources == [child, parent, parent.parent / "grand.yaml"]


def test_extends_cycle_is_an_error_naming_the_chain(write_scenario, small_scenario_data):
    a = write_scenario({**small_scenario_data, "extends": "b.yaml"}, "a.yaml")
    write_scenario({"extends": "c.yaml"}, "b.yaml")
    write_scenario({"extends": "a.yaml"}, "c.yaml")
    with pytest.raises(ScenarioError) as info:
        load_scenario(a)
    assert info.value.field_path == "extends"
    assert "a.yaml -> b.yaml -> c.yaml -> a.yaml" in str(info.value)


def test_extends_itself_is_a_cycle(write_scenario):
    a = write_scenario({"extends": "a.yaml"}, "a.yaml")
    with pytest.raises(ScenarioError, match=r"a\.yaml -> a\.yaml"):
        load_scenario(a)


def test_extends_missing_base_names_the_extending_file(write_scenario):
    child = write_scenario("name: x\nextends: nowhere.yaml\n", "child.yaml")
    with pytest.raises(ScenarioError) as info:
        load_scenario(child)
    message = str(info.value)
    assert "child.yaml:2:1: extends:" in message
    assert "'nowhere.yaml'" in message and "no such file" in message


@pytest.mark.parametrize("target", [3, ["a.yaml", "b.yaml"], ""])
def test_extends_must_name_one_file(write_scenario, target):
    path = write_scenario({"extends": target, "name": "x"})
    with pytest.raises(ScenarioError, match="expected the name of a scenario file"):
        load_scenario(path)


def test_error_in_a_base_file_points_at_the_base(write_scenario, small_scenario_data):
    small_scenario_data["bathing_centre"]["stations"] = -1
    write_scenario(small_scenario_data, "base.yaml")
    child = write_scenario({"extends": "base.yaml", "name": "child"}, "child.yaml")
    with pytest.raises(ScenarioError) as info:
        load_scenario(child)
    error = info.value
    assert error.file.name == "base.yaml"
    assert error.loaded_file.name == "child.yaml"
    assert error.field_path == "bathing_centre.stations"
    message = str(error)
    assert f"base.yaml:{error.line}:" in message and "child.yaml" in message


def test_error_in_a_child_override_points_at_the_child(write_scenario, small_scenario_data):
    write_scenario(small_scenario_data, "base.yaml")
    child = write_scenario("extends: base.yaml\nbathing_centre:\n  stations: -1\n", "child.yaml")
    with pytest.raises(ScenarioError) as info:
        load_scenario(child)
    assert (info.value.file.name, info.value.line) == ("child.yaml", 3)


# --- safe loading and positions ---------------------------------------------------------------


def test_python_tags_are_rejected_without_running_anything(write_scenario, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("still here", encoding="utf-8")
    path = write_scenario(f"name: !!python/object/apply:os.remove ['{victim}']\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert victim.exists()
    message = str(info.value)
    assert "!!python/object/apply:os.remove" in message
    assert "plain data" in message
    assert info.value.line == 1


def test_duplicate_keys_are_an_error(write_scenario):
    path = write_scenario("name: a\nseed: 1\nname: b\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.line == 3
    assert "appears twice" in str(info.value) and "line 1" in str(info.value)


def test_errors_name_the_line_of_the_offending_key(write_scenario, small_scenario_data):
    small_scenario_data["caregivers"][0]["shifts"][1]["hours"] = {"mon": ["17:00-08:00"]}
    path = write_scenario(small_scenario_data)
    lines = path.read_text(encoding="utf-8").splitlines()
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    error = info.value
    assert error.field_path == "caregivers.0.shifts.1.hours"
    assert lines[error.line - 1].strip().startswith("hours:")


def test_all_errors_are_reported(write_scenario, small_scenario_data):
    small_scenario_data["replications"] = 0
    small_scenario_data["calendar"]["horizon_days"] = -5
    small_scenario_data["bathing_centre"]["statons"] = 2
    with pytest.raises(ScenarioError) as info:
        load_scenario(write_scenario(small_scenario_data))
    paths = {p.field_path for p in info.value.problems}
    assert paths == {"replications", "calendar.horizon_days", "bathing_centre.statons"}
    assert "3 problems" in str(info.value)


def test_a_bare_number_is_reported_as_written(write_scenario, small_scenario_data):
    small_scenario_data["bathing_centre"]["transport_min"]["b"] = -30
    with pytest.raises(ScenarioError) as info:
        load_scenario(write_scenario(small_scenario_data))
    assert info.value.field_path == "bathing_centre.transport_min.b"  # not ...b.value
    assert "got -30, but it must be at least 0" in str(info.value)


def test_scenario_error_survives_pickling(write_scenario, small_scenario_data):
    small_scenario_data["bathing_centre"]["stations"] = -1
    with pytest.raises(ScenarioError) as info:
        load_scenario(write_scenario(small_scenario_data))
    copy = pickle.loads(pickle.dumps(info.value))
    assert str(copy) == str(info.value)
    assert copy.field_path == "bathing_centre.stations"


# --- the formatting helper, for variants made by overrides ------------------------------------


def test_override_errors_use_the_same_messages():
    scenario = load_scenario(SMALL_SCENARIO)
    with pytest.raises(ValidationError) as info:
        scenario.with_overrides({"bathing_centre.stations": -2, "routing.prefer": "hom"})
    error = validation_error_to_scenario_error(info.value, "sweep.yaml point 3", prefix="points.3")
    message = str(error)
    assert "sweep.yaml point 3" in message
    assert "points.3.bathing_centre.stations: got -2, but it must be at least 0" in message
    assert "points.3.routing.prefer: got 'hom'; did you mean 'home'?" in message


def test_validate_scenario_data_labels_errors_with_the_given_file(small_scenario_data):
    small_scenario_data["calendar"]["warmup_days"] = 100
    with pytest.raises(ScenarioError) as info:
        validate_scenario_data(small_scenario_data, "variant 2")
    assert str(info.value).startswith("variant 2: calendar.warmup_days:")


def test_several_missing_keys_are_listed_once(write_scenario):
    with pytest.raises(ScenarioError) as info:
        load_scenario(write_scenario("name: x\n"))
    assert len(info.value.problems) == 1
    assert "the required keys 'calendar', 'care_levels', 'districts'" in str(info.value)


def test_a_value_containing_itself_is_an_error(write_scenario):
    with pytest.raises(ScenarioError, match="contains itself"):
        load_scenario(write_scenario("name: &x [*x]\n"))


def test_schema_accepts_the_small_scenario_and_flags_a_typo(small_scenario_data):
    jsonschema = pytest.importorskip("jsonschema")
    from carecap.sim.scenario.schema import scenario_json_schema

    validator = jsonschema.Draft202012Validator(scenario_json_schema())
    # as an editor sees YAML: dates and mapping keys are text
    data = json.loads(json.dumps(small_scenario_data, default=str))
    data["extends"] = "base.yaml"
    assert list(validator.iter_errors(data)) == []
    data["bathing_centre"]["statons"] = 2
    assert list(validator.iter_errors(data)) != []


def test_files_are_named_relative_to_the_working_directory_but_never_as_a_dot(
    tmp_path, monkeypatch
):
    from carecap.sim.errors import file_label

    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert file_label(tmp_path / "sub" / "a.yaml") == "a.yaml"
    assert file_label(tmp_path / "sub") == str(tmp_path / "sub")  # the folder itself, not "."
    assert file_label(tmp_path / "b.yaml") == str(tmp_path / "b.yaml")  # outside: absolute
    assert file_label("sweep point 3") == "sweep point 3"
