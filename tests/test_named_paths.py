"""Named addressing in dotted paths (one resolver) and the ``set:`` block of scenario files."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from carecap.sim.errors import ScenarioError
from carecap.sim.scenario.loader import load_scenario, load_scenario_with_sources
from carecap.sim.scenario.model import apply_overrides
from carecap.sim.scenario.paths import PathError, named_path, resolve, set_path
from carecap.sim.scenario.schema import scenario_json_schema

DATA = {
    "caregivers": [
        {"name": "cg_a", "shifts": [{"name": "day", "count": 3}, {"count": 1}]},
        {"name": "cg_b", "shifts": [{"count": 2}]},
    ],
    "population": {"enrolment": [{"elders_per_day": 1}]},
    "bathing_centre": None,
}


# --- the resolver -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "caregivers.0.shifts.0.count",
        "caregivers.cg_a.shifts.0.count",
        "caregivers.cg_a.shifts.day.count",
        "caregivers.0.shifts.day.count",
    ],
)
def test_a_list_item_by_index_or_by_name_is_the_same_field(path):
    data = copy.deepcopy(DATA)
    assert set_path(data, path, 7) == ("caregivers", "0", "shifts", "0", "count")
    assert data["caregivers"][0]["shifts"][0]["count"] == 7
    # nothing else moved
    data["caregivers"][0]["shifts"][0]["count"] = 3
    assert data == DATA


@pytest.mark.parametrize(
    ("path", "at", "words"),
    [
        ("caregivers.cg_aa.shifts.0.count", "caregivers.cg_aa", ["did you mean 'cg_a'?", "cg_b"]),
        ("caregivers.cg_a.shifts.dya.count", "caregivers.cg_a.shifts.dya", ["'day'"]),
        ("caregivers.cg_a.shift.0", "caregivers.cg_a.shift", ["did you mean 'shifts'?"]),
        ("caregivers.5.shifts", "caregivers.5", ["2 items"]),
        ("population.enrolment.first", "population.enrolment.first", ["no names", "index"]),
        ("bathing_centre.stations", "bathing_centre.stations", ["absent"]),
        ("caregivers.cg_a.name.x", "caregivers.cg_a.name.x", ["single value"]),
    ],
)
def test_a_path_that_cannot_be_followed_names_where_and_the_nearest_names(path, at, words):
    data = copy.deepcopy(DATA)
    with pytest.raises(PathError) as err:
        set_path(data, path, 1)
    assert err.value.at == at
    assert isinstance(err.value, KeyError)  # callers that catch KeyError keep working
    for word in words:
        assert word in str(err.value)
    assert data == DATA  # nothing was set


def test_apply_overrides_and_with_overrides_take_names():
    scenario = load_scenario(Path(__file__).parent / "data" / "small.yaml")
    by_name = scenario.with_overrides({"home_bathing.teams.t1.shifts.0.count": 4})
    by_index = scenario.with_overrides({"home_bathing.teams.0.shifts.0.count": 4})
    assert by_name == by_index
    assert by_name.home_bathing.teams[0].shifts[0].count == 4
    with pytest.raises(KeyError, match="did you mean 'city'"):
        apply_overrides(scenario.model_dump(mode="json"), {"caregivers.cty.shifts.0.count": 1})


def test_named_path_shows_names_where_items_have_them():
    assert named_path(DATA, "caregivers.0.shifts.0.count") == "caregivers.cg_a.shifts.day.count"
    assert named_path(DATA, "caregivers.1.shifts.0.count") == "caregivers.cg_b.shifts.0.count"
    assert named_path(DATA, "nowhere.0") == "nowhere.0"


def test_resolve_create_adds_missing_mapping_keys_only():
    data = {"a": {}, "l": [1]}
    created: list = []
    _, key, concrete = resolve(data, "a.b.c", create=True, created=created)
    assert (key, concrete, created) == ("c", ("a", "b", "c"), [("a", "b"), ("a", "b", "c")])
    with pytest.raises(PathError):
        resolve(data, "l.3", create=True)  # list items are never created


# --- shift names ------------------------------------------------------------------------------


def test_shift_names_are_optional_unique_in_a_pool_and_not_digits(
    write_scenario, small_scenario_data
):
    shifts = small_scenario_data["caregivers"][0]["shifts"]
    shifts[0]["name"], shifts[1]["name"] = "day", "cover"
    scenario = load_scenario(write_scenario(small_scenario_data))
    assert [s.name for s in scenario.caregivers[0].shifts] == ["day", "cover"]
    assert (
        scenario.with_overrides({"caregivers.city.shifts.cover.count": 2})
        .caregivers[0]
        .shifts[1]
        .count
        == 2
    )

    shifts[1]["name"] = "day"
    with pytest.raises(ScenarioError) as err:
        load_scenario(write_scenario(small_scenario_data))
    assert err.value.field_path == "caregivers.0.shifts.1.name"
    assert "already used by caregivers.0.shifts.0" in str(err.value)

    shifts[1]["name"] = "12"
    with pytest.raises(ScenarioError) as err:
        load_scenario(write_scenario(small_scenario_data))
    assert err.value.field_path == "caregivers.0.shifts.1.name"
    assert "digits only" in str(err.value)


# --- set: in scenario files -------------------------------------------------------------------


def _variant(write_scenario, small_scenario_data, text: str, name: str = "v.yaml") -> Path:
    write_scenario(small_scenario_data, "base.yaml")
    return write_scenario("extends: base.yaml\nname: v\n" + text, name)


def test_set_applies_after_extends_and_equals_restating_the_list(
    write_scenario, small_scenario_data
):
    variant = _variant(
        write_scenario,
        small_scenario_data,
        "set:\n  caregivers.city.shifts.0.count: 5\n  bathing_centre.stations: 2\n",
    )
    restated = copy.deepcopy(small_scenario_data)
    restated["name"] = "v"
    restated["caregivers"][0]["shifts"][0]["count"] = 5
    restated["bathing_centre"]["stations"] = 2
    scenario, sources = load_scenario_with_sources(variant)
    assert scenario == load_scenario(write_scenario(restated, "restated.yaml"))
    assert [p.name for p in sources] == ["v.yaml", "base.yaml"]


def test_set_may_give_a_field_the_files_leave_at_its_default(write_scenario, small_scenario_data):
    variant = _variant(
        write_scenario,
        small_scenario_data,
        "set: {routing.overflow_to_centre_when_home_queue_over: 7}\n",
    )
    assert load_scenario(variant).routing.overflow_to_centre_when_home_queue_over == 7


def test_set_in_a_child_overrides_the_base_set_and_a_child_value_beats_a_base_set(
    write_scenario, small_scenario_data
):
    base = copy.deepcopy(small_scenario_data)
    base["set"] = {"bathing_centre.stations": 3, "caregivers.city.shifts.0.count": 4}
    write_scenario(base, "base.yaml")
    child = write_scenario(
        "extends: base.yaml\nname: c\nset: {bathing_centre.stations: 5}\n", "child.yaml"
    )
    scenario = load_scenario(child)
    assert scenario.bathing_centre.stations == 5
    assert scenario.caregivers[0].shifts[0].count == 4
    restates = write_scenario(
        "extends: base.yaml\nname: c\ncaregivers:\n"
        "  - {name: city, shifts: [{count: 9, hours: always}], travel_min: {a: 15, b: 25}}\n",
        "restates.yaml",
    )
    assert load_scenario(restates).caregivers[0].shifts[0].count == 9


@pytest.mark.parametrize(
    ("text", "line", "path", "words"),
    [
        (
            "set:\n  bathing_centre.stations: 2\n  caregivers.cty.shifts.0.count: 5\n",
            5,
            "set.caregivers.cty.shifts.0.count",
            ["caregivers.cty", "did you mean 'city'?"],
        ),
        (
            "set:\n  caregivers.city.shifts.7.count: 5\n",
            4,
            "set.caregivers.city.shifts.7.count",
            ["no list item 7", "2 items"],
        ),
        ("set:\n  caregivers.city.shifts.0.count: -5\n", 4, "caregivers.0.shifts.0.count", ["-5"]),
        (
            "set:\n  bathing_centr.stations: 2\n",
            4,
            "bathing_centr",
            ["did you mean 'bathing_centre'?"],
        ),
        ("set: [a]\n", 3, "set", ["expected a mapping"]),
        ("set:\n  'a..b': 1\n", 4, "set", ["not a dotted field path"]),
        ("set:\n  extends: x.yaml\n", 4, "set.extends", ["top-level key"]),
    ],
)
def test_a_bad_set_entry_is_reported_at_its_file_and_line(
    write_scenario, small_scenario_data, text, line, path, words
):
    variant = _variant(write_scenario, small_scenario_data, text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(variant)
    problem = err.value.problems[0]
    assert Path(problem.file).name == "v.yaml"
    assert problem.line == line
    assert problem.field_path == path
    for word in words:
        assert word in str(err.value)


def test_schema_has_set_and_shift_names():
    schema = scenario_json_schema()
    assert schema["properties"]["set"]["type"] == "object"
    shift = schema["$defs"]["CaregiverShift"]["properties"]
    assert "name" in shift


# --- sweeps and the shipped files -------------------------------------------------------------


def test_sweeps_take_named_paths_and_label_points_by_name(tmp_path):
    from sweep_helpers import write_sweep

    from carecap.sim.experiments.sweep_spec import load_sweep

    by_name = load_sweep(
        write_sweep(tmp_path / "n", grid={"home_bathing.teams.t1.shifts.0.count": [1, 2]})
    )
    by_index = load_sweep(
        write_sweep(tmp_path / "i", grid={"home_bathing.teams.0.shifts.0.count": [1, 2]})
    )
    assert [p.scenario for p in by_name.points] == [p.scenario for p in by_index.points]
    assert [p.label for p in by_name.points] == ["t1.shifts.0.count=1", "t1.shifts.0.count=2"]
    assert [p.label for p in by_index.points] == [p.label for p in by_name.points]


def test_a_bad_name_in_a_sweep_names_the_file_line_and_the_nearest_name(tmp_path):
    from sweep_helpers import write_sweep

    from carecap.sim.experiments.sweep_spec import load_sweep

    path = write_sweep(tmp_path, variants={"v": {"caregivers.ctiy.shifts.0.count": 2}})
    with pytest.raises(ScenarioError) as err:
        load_sweep(path)
    problem = err.value.problems[0]
    assert problem.field_path == "variants.v.caregivers.ctiy.shifts.0.count"
    assert problem.line is not None
    assert "did you mean 'city'?" in str(err.value)


def test_shipped_alarm_cover_variant_is_the_baseline_with_its_named_changes():
    """The variant's set: by pool and shift names reaches the same fields as list indexes."""
    scenarios = Path(__file__).parents[1] / "scenarios"
    baseline = load_scenario(scenarios / "taiyuan-2022.yaml")
    by_index: dict[str, object] = {}
    for i, pool in enumerate(baseline.caregivers):
        if len(pool.shifts) == 2:  # day staff and the round-the-clock cover
            by_index[f"caregivers.{i}.shifts.0.count"] = pool.shifts[0].count + 1
            by_index[f"caregivers.{i}.shifts.1.serves"] = ["alarm"]
    expected = baseline.with_overrides(by_index)
    variant = load_scenario(scenarios / "taiyuan-2022-alarm-cover.yaml")
    assert variant.caregivers == expected.caregivers
    assert variant.model_dump(exclude={"name", "description"}) == expected.model_dump(
        exclude={"name", "description"}
    )


def test_a_misspelt_set_key_is_an_unknown_key_with_a_hint(write_scenario, small_scenario_data):
    variant = _variant(write_scenario, small_scenario_data, "sett: {bathing_centre.stations: 2}\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(variant)
    assert err.value.problems[0].line == 3
    assert "unknown key 'sett'; did you mean 'set'?" in str(err.value)


@pytest.mark.parametrize(
    "changes",
    [
        {"overrides": {"caregivers.city.shifts.0.count": 4}},  # set, and varied by the grid
        {"variants": {"v": {"caregivers.city.shifts.0.count": 4}}},  # likewise in a variant
        {"grid": {"caregivers.0.shifts.0.count": [1, 2], "caregivers.city.shifts.0.count": [3]}},
    ],
)
def test_one_field_named_two_ways_in_a_sweep_is_refused(tmp_path, changes):
    """sweep-small.yaml varies caregivers.0.shifts.0.count in its grid."""
    from sweep_helpers import write_sweep

    from carecap.sim.experiments.sweep_spec import load_sweep

    with pytest.raises(ScenarioError) as err:
        load_sweep(write_sweep(tmp_path, **changes))
    assert "is the same field as" in str(err.value)
    assert err.value.problems[0].line is not None


def test_other_fields_of_the_same_pool_by_name_are_fine(tmp_path):
    from sweep_helpers import write_sweep

    from carecap.sim.experiments.sweep_spec import load_sweep

    sweep = load_sweep(write_sweep(tmp_path, overrides={"caregivers.city.shifts.1.count": 2}))
    assert {p.scenario.caregivers[0].shifts[1].count for p in sweep.points} == {2}
