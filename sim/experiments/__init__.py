"""Experiments: replications, sweeps and their results folders.

Lives here: one replication's records and metrics and many replications on local processes
(``replications``), process-pool and Dask executors (``executors``), sweep files
(``sweep_spec``), the resumable sweep store (``sweep_store``, ``sweep_task``), progress lines
(``sweep_progress``), manifests (``manifest``) and atomic writes (``atomic``).
May import: everything in ``carecap.sim`` below the command line; never ``carecap.analysis``.
"""
