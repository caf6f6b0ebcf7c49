"""carecap's simulation library (installed as ``carecap.sim``).

Data flows one way: ``scenario`` (format) → ``engine`` (one replication, with the ``services``)
→ records → ``metrics`` → ``experiments`` (replications, sweeps, results folders) → ``cli``.
``carecap.analysis`` sits on top of this package; only ``cli`` may import it.

The public API, for notebooks and scripts::

    from carecap.sim import load_scenario, run_replication, simulate, run_replications

    scenario = load_scenario("scenarios/taiyuan-2022.yaml")
    records, metrics = simulate(scenario, replication=0, seed=1)
    summary = summarise(metrics)
"""

from __future__ import annotations

import importlib
from typing import Any

_PUBLIC = {
    "ReplicationRecords": "carecap.sim.engine.records",
    "Scenario": "carecap.sim.scenario.model",
    "ScenarioError": "carecap.sim.errors",
    "load_scenario": "carecap.sim.scenario.loader",
    "replication_metrics": "carecap.sim.metrics.replication",
    "run_replication": "carecap.sim.engine.kernel",
    "run_replications": "carecap.sim.experiments.replications",
    "simulate": "carecap.sim.experiments.replications",
    "summarise": "carecap.sim.metrics.summary",
}


def __getattr__(name: str) -> Any:
    # Imported on first use, so that `carecap check` does not pay for pandas and SimPy.
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'carecap.sim' has no attribute {name!r}")


__all__ = [
    "ReplicationRecords",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "replication_metrics",
    "run_replication",
    "run_replications",
    "simulate",
    "summarise",
]
