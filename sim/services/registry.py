"""The registry: which services and demands exist, in which order.

Everything that enumerates services is derived from here: the service codes and their integer
ids in the records (``CODES``, ``SERVICE_ID``), queue ranks (``RANK``, ``RANKS``), the demand
kinds on the tape (``DEMANDS``, ``DEMAND_ID``), the resources whose pools are built (in unit-id
order), and the one answer to "which pool serves this request" (:func:`pool_of`).

Adding a service: write its module (configuration model, draws, tape rows, handler, pool, target;
see :mod:`carecap.sim.services.spec`) and add it to ``SERVICES`` (and its demand to ``DEMANDS``).
Appending keeps the ids of the existing ones, and so the records of existing scenarios.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from carecap.sim.services import alarm, bathing, care_visit, caregivers, centre_bath, home_bath
from carecap.sim.services.spec import Demand, PoolSpec, Service, Target

if TYPE_CHECKING:
    from carecap.sim.scenario.model import Scenario

SERVICES: tuple[Service, ...] = (
    care_visit.SERVICE,
    alarm.SERVICE,
    centre_bath.SERVICE,
    home_bath.SERVICE,
)
"""Request services, in the order of their integer ids in the records."""

DEMANDS: tuple[Demand, ...] = (care_visit.DEMAND, alarm.DEMAND, bathing.DEMAND)
"""Demand streams, in the order of their kind ids on the tape."""

RESOURCES = (caregivers.pool_specs, home_bath.pool_specs, centre_bath.pool_specs)
"""Functions declaring the pools of a scenario, in the order their units are numbered."""

CODES: tuple[str, ...] = tuple(s.code for s in SERVICES)
SERVICE_ID: dict[str, int] = {code: i for i, code in enumerate(CODES)}
BY_CODE: dict[str, Service] = {s.code: s for s in SERVICES}
RANK: dict[str, int] = {s.code: s.rank for s in SERVICES}
RANKS: tuple[int, ...] = tuple(sorted(set(RANK.values())))
"""Queue ranks in use, best first."""
DEMAND_ID: dict[str, int] = {d.name: i for i, d in enumerate(DEMANDS)}

NO_POOL = ("none", "unserved")
"""Pool key of requests no pool serves (they wait until they give up or the run ends)."""


def pool_of(scenario: Scenario, service: str, district: str) -> tuple[str, str]:
    """``(unit kind, pool name)`` of the pool whose queue a request of ``service`` made by an
    elder of ``district`` joins; :data:`NO_POOL` when none serves it. The engine, the invariant
    checks and the tests all ask this function."""
    spec = BY_CODE[service]
    name = spec.pool(scenario, district)
    return NO_POOL if name is None else (spec.unit_kind, name)


def queue_order(scenario: Scenario, service: str) -> str:
    """How a service's requests are ordered within their queue rank: ``tier`` (welfare tier),
    ``urgency`` (the request's class, most urgent first) or ``fifo`` (none), then the earliest
    request. Read from the ``priority`` field of the service's demand configuration (default
    ``tier``). The engine and the invariant checks both ask this function."""
    config = getattr(scenario.services, BY_CODE[service].demand, None)
    return getattr(config, "priority", "tier")


def service_hours(scenario: Scenario, service: str):
    """When a service's requests may be started (the ``hours`` of its demand's configuration),
    or None: whenever a unit is on shift. The engine and the invariant checks both ask this."""
    config = getattr(scenario.services, BY_CODE[service].demand, None)
    return getattr(config, "hours", None)


def pool_specs(scenario: Scenario) -> list[PoolSpec]:
    """Every pool of the scenario, in unit-id order."""
    return [spec for declare in RESOURCES for spec in declare(scenario)]


def targets(scenario: Scenario) -> dict[str, Target]:
    """Each service's target, for the services the scenario has (in ``CODES`` order)."""
    out = {}
    for s in SERVICES:
        target = s.target(scenario)
        if target is not None:
            out[s.code] = target
    return out
