"""The event kernel: one replication of a scenario simulated with SimPy, records out.

Lives here: named random streams and per-elder draw sequences (``streams``, ``draws``), the
population and the capacity-independent demand tape (``population``, ``demand``), seasonal time
warp (``timewarp``), pools of units with their priority queues (``pools``), the units and shifts
built from the services' resource declarations (``capacity``), service starts and ends
(``dispatch``), reneging (``giveup``), the columnar request log and record tables (``records``)
and the kernel (``kernel``: :func:`run_replication`, with the horizon's drain). What each service
does lives in :mod:`carecap.sim.services`, listed by its registry.
May import: ``carecap.sim.scenario``, ``carecap.sim.services``, ``carecap.sim.units``,
``carecap.sim.errors``.
"""
