"""Sizing: the least capacity that meets service targets (``carecap size``).

* :mod:`~carecap.analysis.sizing.targets` — ``SERVICE.METRIC[@SLICE=VALUE] OP NUMBER``: parsing,
  checking against the metrics a scenario reports, and the one-sided confidence bound that decides
  whether a target is met;
* :mod:`~carecap.analysis.sizing.vary` — ``--vary PATH=LOW:HIGH``: integer capacity paths, the
  pool each one sizes, candidates;
* :mod:`~carecap.analysis.sizing.capacity_hours` — on-shift hours and the capacity cost per year
  of a scenario, computed from its schedules (no simulation);
* :mod:`~carecap.analysis.sizing.rough_cut` — offered busy hours ÷ on-shift hours per unit at a
  target utilisation: the first probe of the search;
* :mod:`~carecap.analysis.sizing.store` — the results folder (a sweep store whose points are the
  candidates evaluated, so ``carecap status`` reads it and a rerun reuses finished runs);
* :mod:`~carecap.analysis.sizing.evaluate` — running candidates' replications and judging them;
* :mod:`~carecap.analysis.sizing.search` — bisection (one path) or cost-ordered search (several),
  with pilot replications under common random numbers;
* :mod:`~carecap.analysis.sizing.confirm` — the fixed-sequence step-down confirmation on fresh
  replications (Hsu & Berger 1999);
* :mod:`~carecap.analysis.sizing.report` — the answer as a table and as JSON data.

Nothing here parses command lines or prints: :mod:`carecap.sim.cli.size_command` does.
"""
