"""The engine keeps a request's planned minutes and draw index only while the request is open,
so that this memory follows the requests in the system rather than every request of the run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from carecap.sim.engine.kernel import CareSystem
from carecap.sim.engine.records import ABANDONED, IN_SERVICE, WAITING
from carecap.sim.scenario.loader import load_scenario
from carecap.sim.scenario.set_options import apply_set_options, parse_set_options

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


# Short give-ups in an overloaded city: many requests close without starting (give-ups, exits)
IMPATIENT = ["services.bath.give_up_days=2", "services.care_visit.give_up_days=1"]
FREQUENT = ["calendar.horizon_days=120", "services.alarm.rate_per_bed_month=60"]


@pytest.mark.parametrize(
    ("name", "settings"),
    [
        # queues, give-ups, exits, vans; alarms often enough for an elder who leaves to have
        # made more than 32 requests
        ("taiyuan-2022.yaml", FREQUENT),
        ("taiyuan-2022-booking.yaml", IMPATIENT),  # booked slots and van runs
        ("taiyuan-2022-double-beds.yaml", IMPATIENT),
    ],
)
def test_only_open_requests_keep_their_planned_minutes_and_index(
    name: str, settings: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = SCENARIOS / name
    scenario = load_scenario(path)
    options = parse_set_options(["calendar.horizon_days=45", *settings])  # (a later one wins)
    scenario = apply_set_options(scenario, options, path)
    seen: dict[str, object] = {}
    release = CareSystem._release

    def look_then_release(system: CareSystem) -> None:
        outcome = np.frombuffer(system.log.outcome, dtype=np.int8)[: len(system.log)]
        seen["not_started"] = set(np.flatnonzero(outcome == WAITING).tolist())
        is_open = (outcome == WAITING) | (outcome == IN_SERVICE)
        seen["open"] = set(np.flatnonzero(is_open).tolist())
        service = np.frombuffer(system.log.service, dtype=np.int8)
        follows = [s for s, f in enumerate(system._follow) if f is not None]
        seen["open_following"] = set(np.flatnonzero(is_open & np.isin(service, follows)).tolist())
        seen["dur"], seen["seq_k"] = set(system.dur), set(system.seq_k)
        seen["rows"] = len(system.log)
        seen["closed_unstarted"] = int(np.count_nonzero(outcome == ABANDONED))
        elder = np.frombuffer(system.log.elder, dtype=np.int32)
        waiting_of: dict[int, set[int]] = {}
        for rid in np.flatnonzero(outcome == WAITING).tolist():
            waiting_of.setdefault(int(elder[rid]), set()).add(rid)
        seen["pending"] = {
            e: (list(rows), waiting_of.get(e, set())) for e, rows in system.pending.items()
        }
        release(system)

    monkeypatch.setattr(CareSystem, "_release", look_then_release)
    records = CareSystem(scenario, 0, scenario.seed).run()
    assert seen["rows"] == len(records.requests) > 1000
    # planned minutes: until the request starts (or closes without starting)
    assert seen["dur"] == seen["not_started"]
    # draw index: until the request closes, for services whose follow-up is made from it
    assert seen["seq_k"] == seen["open_following"]
    assert len(seen["open"]) < len(records.requests) / 10  # type: ignore[arg-type]
    # an elder who will leave keeps the rows to withdraw then: all its waiting ones, and at
    # most 31 that closed since the list last forgot its closed rows
    for rows, waiting in seen["pending"].values():  # type: ignore[attr-defined]
        assert waiting <= set(rows)
        assert len(rows) <= len(waiting) + 31
    if settings is FREQUENT:
        per_elder = records.requests.groupby("elder_id", observed=True).size()
        assert per_elder[records.elders.exit_min < records.horizon_min].max() > 32
    if settings is IMPATIENT:  # (the case of requests that close without starting)
        assert seen["open_following"]  # (baths, due a month after the last)
        assert seen["closed_unstarted"] > 0  # type: ignore[operator]
