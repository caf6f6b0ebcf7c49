"""The registry of services is the one list: every other place that names services agrees with it.

The scenario model keeps a few static lists (the ``services:`` section's fields, so that the type
checker knows each service's configuration; the keys of ``costs.per_service`` and
``initial_backlog``; what a caregiver shift ``serves``). Adding a service is its module plus its
registry line (CONTRIBUTING.md); these tests then say exactly which of those lines to extend.
"""

from __future__ import annotations

import typing

from carecap.sim.scenario.model import Costs, Scenario, Services
from carecap.sim.services import registry
from carecap.sim.services.caregivers import CaregiverShift


def _literal_values(annotation) -> set[str]:
    """The strings of the Literal inside an annotation such as ``dict[Literal[...], X]``."""
    found: set[str] = set()
    for arg in typing.get_args(annotation):
        if typing.get_origin(arg) is typing.Literal:
            found |= set(typing.get_args(arg))
        else:
            found |= _literal_values(arg)
    return found


def test_services_section_has_one_field_per_demand():
    assert list(Services.model_fields) == [d.name for d in registry.DEMANDS]


def test_unit_costs_per_service_name_every_service():
    assert _literal_values(Costs.model_fields["per_service"].annotation) == set(registry.CODES)


def test_waiting_lists_name_services_of_the_registry():
    keys = _literal_values(Scenario.model_fields["initial_backlog"].annotation)
    assert keys and keys <= set(registry.CODES)


def test_caregiver_shifts_serve_the_services_caregivers_do():
    serves = _literal_values(CaregiverShift.model_fields["serves"].annotation)
    assert serves == {s.code for s in registry.SERVICES if s.unit_kind == "caregiver"}


def test_ids_ranks_and_demands_are_derived_from_the_list():
    assert tuple(s.code for s in registry.SERVICES) == registry.CODES
    assert [registry.SERVICE_ID[c] for c in registry.CODES] == list(range(len(registry.CODES)))
    assert {s.demand for s in registry.SERVICES} <= set(registry.DEMAND_ID)
    assert tuple(sorted({s.rank for s in registry.SERVICES})) == registry.RANKS
