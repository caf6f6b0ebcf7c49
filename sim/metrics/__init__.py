"""Metrics: pure functions of a replication's records and an observation window.

Lives here: per-request metrics by slice (``replication``), coverage (``coverage``), resources and
costs (``resources``), backlog (``backlog``), shared helpers (``common``), the invariants of
MODEL.md §4 as checks over records (``invariants``) and the Student-t summary across replications
(``summary``).
May import: ``carecap.sim.engine`` (records), ``carecap.sim.scenario``, ``carecap.sim.services``,
``carecap.sim.units``.
"""
