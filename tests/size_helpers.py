"""Scenarios with known answers for the sizing tests: M/M/c queues built as ordinary scenarios
(:func:`carecap.sim.validation.mmc.mmc_scenario`), and the smallest c meeting a wait target
computed independently from Erlang C."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import math
from pathlib import Path
from typing import Any

import yaml

from carecap.analysis.queueing_theory import erlang_c
from carecap.sim.cli.main import main
from carecap.sim.validation.mmc import mmc_scenario

HORIZON_DAYS, WARMUP_DAYS = 6.0, 1.0
SERVERS_PATH = "caregivers.servers.shifts.0.count"


def p_wait_over(arrival_rate: float, service_mean_min: float, servers: int, t_min: float) -> float:
    """P(W > t) in M/M/c: C(c, a) exp(-(c mu - lambda) t); 1 for an unstable queue."""
    load = arrival_rate * service_mean_min
    if servers <= load:
        return 1.0
    mu = 1.0 / service_mean_min
    return erlang_c(servers, load) * math.exp(-(servers * mu - arrival_rate) * t_min)


def smallest_servers(
    arrival_rate: float, service_mean_min: float, t_min: float, alpha: float
) -> int:
    """The smallest c with P(W > t) <= alpha."""
    c = 1
    while p_wait_over(arrival_rate, service_mean_min, c, t_min) > alpha:
        c += 1
    return c


def mmc_data(arrival_rate: float, service_mean_min: float, target_min: float) -> dict[str, Any]:
    """An M/M/c scenario (as a mapping) whose care-visit target is ``target_min`` minutes, so that
    ``care_visit.on_time_rate`` estimates P(W <= target)."""
    scenario = mmc_scenario(
        arrival_rate,
        service_mean_min,
        1,
        horizon_days=HORIZON_DAYS,
        warmup_days=WARMUP_DAYS,
        seed=7,
    )
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["services"]["care_visit"]["target_days"] = target_min / 1440.0
    return data


def two_district_data(
    rate_a: float, rate_b: float, service_mean_min: float, target_min: float
) -> dict[str, Any]:
    """Two M/M/c queues side by side: districts ``a`` and ``b``, each with its own always-on
    pool (``pa``, ``pb``), Poisson arrivals of ``rate_a`` and ``rate_b`` per minute."""
    data = mmc_data(rate_a + rate_b, service_mean_min, target_min)
    elders = 300
    data["districts"] = {"a": {}, "b": {}}
    share_a = rate_a / (rate_a + rate_b)
    data["population"]["elders_by_district"] = {
        "a": round(elders * share_a),
        "b": elders - round(elders * share_a),
    }
    interval = elders / (rate_a + rate_b) / 1440.0
    level = data["services"]["care_visit"]["by_care_level"]["any"]
    level["interval_days"] = {"dist": "exponential", "mean": interval}
    pool = data["caregivers"][0]
    data["caregivers"] = []
    for name, district in (("pa", "a"), ("pb", "b")):
        p = copy.deepcopy(pool)
        p["name"], p["districts"], p["travel_min"] = name, [district], {district: 0}
        data["caregivers"].append(p)
    return data


def write(data: dict[str, Any], path: Path) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


# --- the one sizing search the size-folder tests share (fixture ``sized`` in conftest.py) -----

RATE, SERVICE_MIN, TARGET_MIN = 0.5, 10.0, 5.0
PER_HOUR = 30.0
"""The caregivers' hourly cost of the shared search's scenario (CNY)."""
VARY, TARGET = f"{SERVERS_PATH}=5:12", "care_visit.on_time_rate>=0.8"


def costed_mmc(path: Path) -> Path:
    """The shared search's M/M/c scenario (with costs) written to ``path``."""
    data = mmc_data(RATE, SERVICE_MIN, TARGET_MIN)
    data["costs"] = {"currency": "CNY", "caregiver_per_hour": PER_HOUR, "hours_per_fte_year": 1960}
    return write(data, path)


def size_search(root: Path) -> tuple[Path, Path, dict[str, Any]]:
    """(folder, scenario file, the JSON ``carecap size --json`` printed) of the shared search
    (8 pilot replications at most), made under ``root``."""
    scenario = costed_mmc(root / "mmc.yaml")
    folder = root / "sz"
    argv = ["size", str(scenario), "--vary", VARY, "--target", TARGET, "--max-reps", "8"]
    argv += ["--workers", "1", "--out", str(folder), "--json"]
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(argv)
    assert code == 0, stderr.getvalue()
    return folder, scenario, json.loads(stdout.getvalue())
