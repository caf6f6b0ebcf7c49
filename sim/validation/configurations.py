"""The Markovian configurations of ``carecap validate``, each an ordinary scenario built from the
M/M/c mapping of :mod:`carecap.sim.validation.mmc` (care-plan visits, exponential service, zero
travel, one pool of caregivers), changed only through scenario fields:

============================  ===================================================================
builder                       model (what makes it so)
============================  ===================================================================
``erlang_c_scenario``         M/M/c: calendar visits with exponential intervals (Poisson), FIFO
``priority_scenario``         M/M/c with non-preemptive priority classes: the elders' welfare
                              tiers, ``care_visit.priority: tier`` (the default)
``finite_source_scenario``    finite-source M/M/c (machine repair): ``mode: after_delivery`` with
                              exponential intervals, so each elder asks again an exponential time
                              after the previous visit ended; each elder is one source
``erlang_a_scenario``         M/M/c+M: ``give_up_days`` exponential
``shift_scenario``            M/M/c(t): shift groups with daily hours instead of ``always``
============================  ===================================================================

Every builder follows each request to its end (``drain_days``), so no wait is censored, and sets
the service's target to ``target_min`` so that ``on_time_rate`` is the share served within it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from carecap.sim.scenario.model import Scenario
from carecap.sim.units import DAY_MIN
from carecap.sim.validation.mmc import mmc_document


@dataclass(frozen=True)
class RunLength:
    """How long each replication runs (days), and how many replications by default."""

    horizon_days: float
    warmup_days: float
    drain_days: float = 2.0
    replications: int = 10
    seed: int = 20221130


def _scenario(
    doc: dict[str, Any], name: str, description: str, length: RunLength, target_min: float
) -> Scenario:
    doc["name"], doc["description"] = name, description
    doc["calendar"] = {
        "start_date": "2022-01-03",
        "horizon_days": length.horizon_days,
        "warmup_days": length.warmup_days,
        "drain_days": length.drain_days,
    }
    doc["replications"], doc["seed"] = length.replications, length.seed
    doc["services"]["care_visit"]["target_days"] = target_min / DAY_MIN
    return Scenario.model_validate(doc)


def _visits(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["services"]["care_visit"]["by_care_level"]["any"]


def erlang_c_scenario(
    arrival_rate_per_min: float,
    service_mean_min: float,
    servers: int,
    target_min: float,
    length: RunLength,
) -> Scenario:
    """M/M/c: Poisson requests of ``arrival_rate_per_min``, ``servers`` caregivers always on."""
    doc = mmc_document(arrival_rate_per_min, service_mean_min, servers)
    return _scenario(doc, "validate-mmc", "M/M/c (Erlang C)", length, target_min)


def priority_scenario(
    arrival_rate_per_min: float,
    service_mean_min: float,
    servers: int,
    tier_shares: dict[str, float],
    elders: int,
    target_min: float,
    length: RunLength,
) -> Scenario:
    """M/M/c with priority classes: tiers listed highest first, each elder's tier drawn from
    ``tier_shares``, so class k asks at ``arrival_rate_per_min`` x (its share of the ``elders``
    drawn in the replication)."""
    doc = mmc_document(arrival_rate_per_min, service_mean_min, servers, elders=elders)
    doc["tiers"] = list(tier_shares)
    doc["population"]["tier_shares"] = dict(tier_shares)
    doc["services"]["care_visit"]["priority"] = "tier"
    return _scenario(doc, "validate-priority", "M/M/c, priority tiers", length, target_min)


def finite_source_scenario(
    sources: int,
    idle_mean_min: float,
    service_mean_min: float,
    servers: int,
    target_min: float,
    length: RunLength,
) -> Scenario:
    """Machine repair: ``sources`` elders, each asking again an exponential ``idle_mean_min``
    after its previous visit ended (``mode: after_delivery``)."""
    doc = mmc_document(1.0, service_mean_min, servers, elders=sources)
    doc["services"]["care_visit"]["mode"] = "after_delivery"
    _visits(doc)["interval_days"] = {"dist": "exponential", "mean": idle_mean_min / DAY_MIN}
    return _scenario(doc, "validate-finite-source", "finite-source M/M/c", length, target_min)


def erlang_a_scenario(
    arrival_rate_per_min: float,
    service_mean_min: float,
    servers: int,
    patience_mean_min: float,
    target_min: float,
    length: RunLength,
) -> Scenario:
    """M/M/c+M: as :func:`erlang_c_scenario`, each request giving up after an exponential
    patience of mean ``patience_mean_min``."""
    doc = mmc_document(arrival_rate_per_min, service_mean_min, servers)
    patience = {"dist": "exponential", "mean": patience_mean_min / DAY_MIN}
    doc["services"]["care_visit"]["give_up_days"] = patience
    return _scenario(doc, "validate-erlang-a", "M/M/c+M (Erlang A)", length, target_min)


def shift_scenario(
    arrival_rate_per_min: float,
    service_mean_min: float,
    shift_groups: Sequence[tuple[int, str]],
    target_min: float,
    length: RunLength,
) -> Scenario:
    """M/M/c(t): Poisson requests served by shift groups ``[(count, "HH:MM-HH:MM"), ...]``, each
    working those hours every day."""
    doc = mmc_document(arrival_rate_per_min, service_mean_min, 1)
    doc["caregivers"][0]["shifts"] = [
        {"count": count, "hours": {"daily": [span]}} for count, span in shift_groups
    ]
    return _scenario(doc, "validate-shifts", "M/M/c(t), daily shifts", length, target_min)
