"""Elder coverage measures service, not the randomness of demand (MODEL.md §3): with ample
capacity (every caregiver, team, station and van count x 20) every shipped scenario covers at
least 99 % of its entitled elders, in every care level that has somewhere to be served."""

from __future__ import annotations

from pathlib import Path

import pytest

from carecap.sim.experiments.replications import simulate
from carecap.sim.scenario.loader import load_scenario
from carecap.sim.scenario.model import Scenario

SCENARIOS = sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.yaml"))
UNSERVABLE = {
    # The centre-only variant has no home teams and the bedridden cannot go to the centre: they
    # are never bathed, whatever the capacity (the point of that variant).
    ("taiyuan-2022-centre-only", "bath"): {"bedridden"},
}


def ample(scenario: Scenario, factor: int = 20) -> Scenario:
    """The scenario with every count of caregivers, teams, stations and vans x ``factor``."""
    data = scenario.model_dump(mode="json", by_alias=True)
    for pool in data.get("caregivers") or []:
        for shift in pool["shifts"]:
            shift["count"] *= factor
    for team in (data.get("home_bathing") or {}).get("teams", []):
        for shift in team["shifts"]:
            shift["count"] *= factor
    centre = data.get("bathing_centre")
    if centre:
        centre["stations"] *= factor
        if centre.get("vans"):
            centre["vans"]["count"] *= factor
    data["calendar"]["horizon_days"] = min(data["calendar"]["horizon_days"], 182)
    return Scenario.model_validate(data)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_ample_capacity_covers_every_entitled_elder(path):
    scenario = ample(load_scenario(path))
    _, m = simulate(scenario, 0, 20221130)
    rows = m[(m["metric"] == "elder_coverage") & (m["slice"] == "care_level")]
    checked = 0
    for r in rows.itertuples(index=False):
        entitled = m[
            (m["metric"] == "elders_entitled")
            & (m["service"] == r.service)
            & (m["slice"] == "care_level")
            & (m["slice_value"] == r.slice_value)
        ]["value"].iloc[0]
        if entitled == 0:
            continue
        if r.slice_value in UNSERVABLE.get((scenario.name, r.service), set()):
            assert r.value == 0.0, f"{r.service} {r.slice_value}: nowhere to be served"
            continue
        assert r.value >= 0.99, f"{r.service} {r.slice_value}: elder coverage {r.value:.3f}"
        checked += 1
    assert checked >= 2
