"""Running a sweep into its results folder, resumably: the library behind ``carecap sweep``.

:func:`run_sweep_file` validates the sweep file and every point, opens (or resumes) the results
folder (:mod:`carecap.sim.experiments.sweep_store`), runs the runs not yet done — never run,
failed, or damaged — on local processes or a Dask cluster
(:mod:`carecap.sim.experiments.executors`), each run writing its own files as it completes, then
writes ``summary.parquet``. :func:`run_sweep` is the loop itself, for a loaded sweep, an open
store and any executor.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carecap.sim.errors import UsageError, file_label, results_folder_errors
from carecap.sim.experiments.executors import (
    DaskExecutor,
    Executor,
    ExecutorUnavailable,
    LocalExecutor,
)
from carecap.sim.experiments.sweep_files import row_relpath, write_files
from carecap.sim.experiments.sweep_points import point_warnings
from carecap.sim.experiments.sweep_progress import Progress, QuietProgress, make_progress
from carecap.sim.experiments.sweep_results import write_summary
from carecap.sim.experiments.sweep_spec import Sweep, load_sweep
from carecap.sim.experiments.sweep_store import RunStatus, SweepStore, open_store
from carecap.sim.experiments.sweep_task import RunTask, failed_row, row_bytes, run_task

RESULTS_ROOT = Path("results") / "sweeps"


@dataclass(frozen=True)
class SweepOutcome:
    """What one session of a sweep did."""

    ran: int
    ok: int
    failed: int
    wall_s: float


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a sweep session; ``message`` says what is kept and how to resume."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SweepSession:
    """The result of :func:`run_sweep_file`: the folder, what this session did (None when
    nothing was pending) and the folder's status afterwards."""

    folder: Path
    name: str
    outcome: SweepOutcome | None
    status: RunStatus


def tasks_for(
    sweep: Sweep,
    store: SweepStore,
    runs: list[tuple[str, int]],
    write_in_worker: bool,
    records: bool,
):
    """Lazily, the task of each run (so that the parent holds only the tasks in flight)."""
    points = {p.point_id: p for p in sweep.points}
    out_dir = str(store.dir.resolve()) if write_in_worker else None
    for point_id, rep in runs:
        p = points[point_id]
        yield RunTask(
            sweep_hash=sweep.content_hash,
            point_id=point_id,
            label=p.label,
            parameters=p.parameters,
            scenario=p.scenario,
            scenario_hash=p.scenario_hash,
            replication=rep,
            seed=sweep.seed,
            antithetic=sweep.antithetic,
            out_dir=out_dir,
            records=records,
        )


def run_sweep(
    sweep: Sweep,
    store: SweepStore,
    executor: Executor,
    *,
    records: bool = False,
    progress: Progress | None = None,
) -> SweepOutcome:
    """Run every pending run of ``sweep`` into ``store`` on ``executor``.

    Each finished run is on disk before the next result is taken; a run whose worker raised or
    died is recorded as failed. Ctrl-C propagates (``KeyboardInterrupt``) after the executor has
    stopped; what finished is kept.
    """
    runs = store.pending_runs()
    progress = progress or QuietProgress(len(store.all_runs()), len(store.all_runs()) - len(runs))
    started = time.perf_counter()
    tasks = tasks_for(sweep, store, runs, executor.shares_filesystem, records)
    with contextlib.closing(executor.map_unordered(run_task, tasks)) as results:
        for task, result in results:
            if isinstance(result, BaseException):  # the worker died, or could not write
                row = failed_row(task, result)
                write_files(store.dir, [(row_relpath(*task.key), row_bytes(row))])
            else:
                row = result.row
                if result.files:  # a remote worker: the files travelled back
                    write_files(store.dir, result.files)
            progress.update(row)
    progress.close()
    return SweepOutcome(
        progress.finished, progress.ok, progress.failed, time.perf_counter() - started
    )


def make_executor(
    executor: str = "local", workers: int | None = None, scheduler: str | None = None, n_runs=1
) -> Executor:
    """The executor asked for: ``local`` processes (default: all cores, at most ``n_runs``), or
    ``dask`` (a local cluster, or the one at ``scheduler``).

    Raises:
        UsageError: Dask is missing or the scheduler cannot be reached (names the option).
    """
    from carecap.sim.experiments.replications import default_workers

    option = f"--scheduler {scheduler}" if scheduler else f"--executor {executor}"
    if executor not in ("local", "dask"):
        raise UsageError("--executor", f"got {executor!r}, but it must be local or dask")
    try:
        if scheduler or executor == "dask":
            return DaskExecutor(scheduler, workers if not scheduler else None)
    except ExecutorUnavailable as exc:
        raise UsageError(option, str(exc)) from None
    return LocalExecutor(max(1, min(workers or default_workers(), n_runs)))


def run_sweep_file(
    sweep_file: str | os.PathLike[str],
    *,
    out: str | os.PathLike[str] | None = None,
    workers: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    records: bool = False,
    quiet: bool = True,
    say: Callable[[str], None] | None = None,
    sets: dict[str, Any] | None = None,
    warn: Callable[[str], None] | None = None,
) -> SweepSession:
    """Run (or resume) the sweep of ``sweep_file`` into ``out`` (default
    ``results/sweeps/<name>``); see the module docstring.

    ``sets``: ``--set`` settings for the base scenario (see :func:`load_sweep`). ``quiet`` turns
    off the progress bar/lines; ``say`` receives the session's messages; ``warn`` (default
    ``say``) each schedule warning of the points, before anything runs
    (:func:`~carecap.sim.experiments.sweep_points.point_warnings`), one line each. On
    Ctrl-C the executor is stopped, what finished is kept (a rerun resumes), a message says how
    to resume, and :class:`SweepInterrupted` (a ``KeyboardInterrupt``) propagates with it.

    Raises:
        ScenarioError: the sweep file or a point cannot be used.
        ResultsError: the folder holds another sweep or other files, or is locked by a session.
        UsageError: the executor cannot be used.
    """
    say = say or (lambda text: None)
    loaded = load_sweep(sweep_file, sets)
    for where, message in point_warnings(loaded.points):
        (warn or say)(f"carecap: warning: {file_label(sweep_file)}: {where}: {message}")
    out_dir = Path(out) if out is not None else RESULTS_ROOT / loaded.name
    with results_folder_errors(out_dir, "write the sweep's results folder"):
        return _run_session(
            loaded, sweep_file, out_dir, workers, executor, scheduler, records, quiet, say
        )


def _run_session(loaded, sweep_file, out_dir, workers, executor, scheduler, records, quiet, say):
    store = open_store(out_dir, loaded)
    with store.locked():
        if store.remove_temporaries():
            say("carecap sweep: removed unfinished files of an interrupted session")
        total = loaded.n_runs()
        pending = len(store.pending_runs())
        resumed = f", resuming: {total - pending} done" if pending < total else ""
        say(
            f"carecap sweep: {loaded.name}: {len(loaded.points)} point(s) x "
            f"{loaded.replications} replication(s), seed {loaded.seed}{resumed} -> {out_dir}"
        )
        damaged = store.status().damaged
        if damaged:
            say(f"carecap sweep: {len(damaged)} damaged file(s) found; their runs are redone")
        outcome = None
        if pending:
            progress = make_progress(total, total - pending, quiet)
            chosen = make_executor(executor, workers, scheduler, pending)
            say(f"carecap sweep: {pending} run(s) on {chosen.describe()}")
            try:
                with chosen:
                    outcome = run_sweep(loaded, store, chosen, records=records, progress=progress)
            except ExecutorUnavailable as exc:
                option = f"--scheduler {scheduler}" if scheduler else f"--executor {executor}"
                raise UsageError(option, str(exc)) from None
            except KeyboardInterrupt:
                progress.close()
                status = store.status()
                raise SweepInterrupted(
                    f"carecap sweep: interrupted; {status.done} of {status.total} runs are done "
                    f"({progress.finished} in this session) and kept. Resume with the same "
                    f"command: carecap sweep {sweep_file} --out {out_dir}"
                ) from None
        write_summary(out_dir)
        status = store.status()
    if outcome is not None:
        say(
            f"carecap sweep: {outcome.ran} run(s) in {outcome.wall_s:.1f} s "
            f"({outcome.ran / outcome.wall_s if outcome.wall_s else 0:.2f} runs/s)"
        )
    return SweepSession(out_dir, loaded.name, outcome, status)
