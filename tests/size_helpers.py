"""Scenarios with known answers for the sizing tests: M/M/c queues built as ordinary scenarios
(:func:`carecap.sim.validation.mmc.mmc_scenario`), and the smallest c meeting a wait target
computed independently from Erlang C."""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import yaml

from carecap.analysis.queueing_theory import erlang_c
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
