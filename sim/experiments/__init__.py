"""Experiments: replications, sweeps and their results folders.

Lives here: one replication's records and metrics and many replications on local processes
(``replications``: ``map_replications`` is the one process-pool runner), process-pool and Dask
executors (``executors``), the results folder of ``carecap run`` (``run_folder``; its target
folder's inspection, lock, staging and installation: ``run_target``), sweep files (``sweep_spec``)
and their points (``sweep_points``), running a sweep (``sweep_run``), the resumable sweep store
(``sweep_store``; its files' names and paths: ``sweep_files``; one run's task: ``sweep_task``),
reading a sweep's results and its summary (``sweep_results``), progress lines (``sweep_progress``),
manifests (``manifest``) and atomic writes and strict JSON (``atomic``).
May import: everything in ``carecap.sim`` below the command line; never ``carecap.analysis``.
"""
