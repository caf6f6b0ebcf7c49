"""Bad ``population.projection`` input: ``carecap check`` exits 2 with one paragraph naming the
file, the field path and what is allowed; never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from carecap.sim.cli.main import main

SMALL = Path(__file__).parent / "data" / "small.yaml"
GOOD = {
    "from_year": 2022,
    "growth_per_year": 0.03,
    "transitions_per_year": {"semi_disabled": {"disabled": 0.1}},
    "exit_rate_per_year_by_level": {"bedridden": 0.3},
}
P = "population.projection"

CASES = {
    "negative transition hazard": (
        {"transitions_per_year": {"semi_disabled": {"disabled": -0.1}}},
        [f"{P}.transitions_per_year.semi_disabled.disabled", "-0.1", "0"],
    ),
    "transition hazard above the limit": (
        {"transitions_per_year": {"semi_disabled": {"disabled": 5000}}},
        [f"{P}.transitions_per_year.semi_disabled.disabled", "1000"],
    ),
    "hazards out of a level add up above the limit": (
        {
            "transitions_per_year": {"semi_disabled": {"disabled": 600, "bedridden": 600}},
        },
        [f"{P}.transitions_per_year.semi_disabled", "1200", "1000"],
    ),
    "infinite hazard": (
        {"transitions_per_year": {"semi_disabled": {"disabled": float("inf")}}},
        [f"{P}.transitions_per_year.semi_disabled.disabled", "finite"],
    ),
    "negative exit rate by level": (
        {"exit_rate_per_year_by_level": {"bedridden": -0.2}},
        [f"{P}.exit_rate_per_year_by_level.bedridden", "-0.2"],
    ),
    "transition from an unknown level": (
        {"transitions_per_year": {"semidisabled": {"disabled": 0.1}}},
        [f"{P}.transitions_per_year.semidisabled", "semi_disabled"],
    ),
    "transition to an unknown level": (
        {"transitions_per_year": {"semi_disabled": {"dead": 0.1}}},
        [f"{P}.transitions_per_year.semi_disabled.dead", "bedridden"],
    ),
    "transition to the same level": (
        {"transitions_per_year": {"disabled": {"disabled": 0.1}}},
        [f"{P}.transitions_per_year.disabled.disabled", "itself"],
    ),
    "exit rate of an unknown level": (
        {"exit_rate_per_year_by_level": {"bed": 0.2}},
        [f"{P}.exit_rate_per_year_by_level.bed", "bedridden"],
    ),
    "negative growth beyond halving": (
        {"growth_per_year": -0.8},
        [f"{P}.growth_per_year", "-0.8", "-0.5"],
    ),
    "growth written as a percentage": (
        {"growth_per_year": 5},
        [f"{P}.growth_per_year", "5", "1"],
    ),
    "growth of an unknown district": (
        {"growth_per_year_by_district": {"c": 0.02}},
        [f"{P}.growth_per_year_by_district.c", "a, b"],
    ),
    "targets in the wrong order": (
        {"targets": [{"year": 2023, "elders": 200}, {"year": 2022, "elders": 150}]},
        [f"{P}.targets.1.year", "increasing"],
    ),
    "the same target year twice": (
        {"targets": [{"year": 2022, "elders": 200}, {"year": 2022, "elders": 150}]},
        [f"{P}.targets.1.year", "increasing"],
    ),
    "negative target": (
        {"targets": [{"year": 2022, "elders": -5}]},
        [f"{P}.targets.0.elders", "-5"],
    ),
    "target year before the projected years": (
        {"from_year": 2023, "targets": [{"year": 2022, "elders": 150}]},
        [f"{P}.targets.0.year", "2022", "2023"],
    ),
    "from_year before the horizon": (
        {"from_year": 2020},
        [f"{P}.from_year", "2020", "2022"],
    ),
    "from_year not a year": (
        {"from_year": 20220},
        [f"{P}.from_year", "20220"],
    ),
    "new level shares that do not sum to 1": (
        {"new_level_shares": {"semi_disabled": 0.5, "disabled": 0.1}},
        [f"{P}.new_level_shares", "sum to 1"],
    ),
    "growth that would enrol millions": (
        {"growth_per_year": 1.0, "horizon_days": 36500},
        [P, "1,000,000", "growth"],
    ),
    "a typo in a key": (
        {"growth_per_yaer": 0.02},
        [f"{P}.growth_per_yaer", "growth_per_year"],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_projection_is_one_paragraph_naming_the_field(name, tmp_path, capsys):
    change, fragments = CASES[name]
    data = yaml.safe_load(SMALL.read_text())
    change = dict(change)
    if "horizon_days" in change:  # a calendar change that goes with the case
        data["calendar"]["horizon_days"] = change.pop("horizon_days")
    data["population"]["projection"] = {**GOOD, **change}
    file = tmp_path / "bad.yaml"
    file.write_text(yaml.safe_dump(data, allow_unicode=True))
    code = main(["check", str(file)])
    _out, err = capsys.readouterr()
    assert code == 2, err
    assert err.startswith("carecap: error: ") and "Traceback" not in err
    assert "bad.yaml" in err
    for fragment in fragments:
        assert fragment in err, f"{fragment!r} not in {err!r}"


def test_the_good_projection_is_valid(tmp_path, capsys):
    data = yaml.safe_load(SMALL.read_text())
    data["population"]["projection"] = GOOD
    file = tmp_path / "good.yaml"
    file.write_text(yaml.safe_dump(data))
    assert main(["check", str(file)]) == 0, capsys.readouterr().err


def test_run_by_names_year_among_its_choices(capsys):
    assert main(["run", str(SMALL), "--by", "decade"]) == 2
    err = capsys.readouterr().err
    assert "--by" in err and "'year'" in err and "Traceback" not in err
