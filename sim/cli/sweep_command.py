"""``carecap sweep`` and ``carecap status``: run a sweep into its results folder, resumably.

``carecap sweep SWEEP.yaml`` validates the sweep file and every point, opens (or resumes) the
results folder (:mod:`carecap.sim.experiments.sweep_store`), runs the runs not yet done on local
processes or a Dask
cluster (:mod:`carecap.sim.experiments.executors`), each run writing its own files as it completes,
then writes
``summary.parquet`` and prints one line per point. Exit codes: 0 every run ok, 1 some run
failed (they are listed; rerunning the command retries them), 2 bad input, 130 interrupted
(finished runs are kept; rerunning the command resumes).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from carecap.sim.errors import ScenarioError
from carecap.sim.experiments.executors import (
    DaskExecutor,
    Executor,
    ExecutorUnavailable,
    LocalExecutor,
)
from carecap.sim.experiments.sweep_progress import Progress, QuietProgress, make_progress
from carecap.sim.experiments.sweep_spec import Sweep, load_sweep
from carecap.sim.experiments.sweep_store import (
    SweepStore,
    open_store,
    row_relpath,
    store_at,
    write_files,
    write_summary,
)
from carecap.sim.experiments.sweep_task import RunTask, failed_row, row_bytes, run_task

EXIT_OK, EXIT_FAILED_RUNS, EXIT_INTERRUPTED = 0, 1, 130
RESULTS_ROOT = Path("results") / "sweeps"


@dataclass(frozen=True)
class SweepOutcome:
    """What one session of a sweep did."""

    ran: int
    ok: int
    failed: int
    wall_s: float


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


def make_executor(args: argparse.Namespace, n_runs: int) -> Executor:
    """The executor the command line asks for (default: local processes on all cores)."""
    from carecap.sim.experiments.replications import default_workers

    try:
        if args.scheduler or args.executor == "dask":
            return DaskExecutor(args.scheduler, args.workers if not args.scheduler else None)
    except ExecutorUnavailable as exc:
        raise ScenarioError(_executor_option(args), "", str(exc)) from None
    return LocalExecutor(max(1, min(args.workers or default_workers(), n_runs)))


def _executor_option(args: argparse.Namespace) -> str:
    """The command-line option that chose the executor, as named in error messages."""
    return f"--scheduler {args.scheduler}" if args.scheduler else f"--executor {args.executor}"


def sweep(args: argparse.Namespace) -> int:
    """``carecap sweep``: see the module docstring."""
    loaded = load_sweep(args.sweep_file)
    out_dir = Path(args.out) if args.out else RESULTS_ROOT / loaded.name
    store = open_store(out_dir, loaded)
    say = (lambda text: None) if args.quiet else (lambda text: print(text, file=sys.stderr))
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
        outcome = None
        if pending:
            progress = make_progress(total, total - pending, args.quiet)
            executor = make_executor(args, pending)
            say(f"carecap sweep: {pending} run(s) on {executor.describe()}")
            try:
                with executor:
                    outcome = run_sweep(
                        loaded, store, executor, records=args.records, progress=progress
                    )
            except ExecutorUnavailable as exc:
                raise ScenarioError(_executor_option(args), "", str(exc)) from None
            except KeyboardInterrupt:
                progress.close()
                status = store.status()
                print(
                    f"carecap sweep: interrupted; {status.done} of {status.total} runs are done "
                    f"({progress.finished} in this session) and kept. Resume with the same "
                    f"command: carecap sweep {args.sweep_file} --out {out_dir}",
                    file=sys.stderr,
                )
                return EXIT_INTERRUPTED
        write_summary(out_dir)
        status = store.status()
    if outcome is not None:
        say(
            f"carecap sweep: {outcome.ran} run(s) in {outcome.wall_s:.1f} s "
            f"({outcome.ran / outcome.wall_s if outcome.wall_s else 0:.2f} runs/s)"
        )
    if not args.quiet:
        print(format_points(out_dir))
        print(f"\nresults: {out_dir}", file=sys.stderr)
    if status.failed:
        print(
            f"carecap sweep: {status.failed} of {status.total} run(s) failed (see `carecap "
            f"status {out_dir}`); rerunning the command retries them",
            file=sys.stderr,
        )
        return EXIT_FAILED_RUNS
    return EXIT_OK


# --- the per-point table ----------------------------------------------------------------------

HEADLINE = ("on_time_rate", "on time")
"""The metric shown per service in the per-point table (all requests)."""


def format_points(directory: Path) -> str:
    """One line per point: id, each service's on-time rate ± the 95 % half-width, the label."""
    from carecap.analysis.summary_table import SERVICE_ORDER, format_value

    path = Path(directory) / "summary.parquet"
    store = store_at(directory)
    wanted = [("slice", "==", "all"), ("metric", "==", HEADLINE[0])]
    summary = pd.read_parquet(path, filters=wanted) if path.is_file() else pd.DataFrame()
    cells: dict[tuple[str, str], str] = {}
    services: list[str] = []
    if not summary.empty:
        services = [s for s in SERVICE_ORDER if s in set(summary["service"])]
        for r in summary.itertuples(index=False):
            cells[(r.point_id, r.service)] = format_value(r.mean, r.half_width, r.unit, int(r.n))
    width = max([len(c) for c in cells.values()] + [len(s) for s in services] + [5]) + 2
    lines = [
        f"{HEADLINE[1]}: share of requests started within target (mean ± 95 % half-width)",
        f"{'point':<6}" + "".join(f"{s:>{width}}" for s in services) + "   parameters",
    ]
    for p in store.points():
        row = "".join(f"{cells.get((p['point_id'], s), '-'):>{width}}" for s in services)
        lines.append(f"{p['point_id']:<6}{row}   {p['label']}")
    return "\n".join(lines)


# --- carecap status ---------------------------------------------------------------------------


def status(args: argparse.Namespace) -> int:
    """``carecap status DIR``: counts of done / pending / failed runs, and the failures."""
    store = store_at(args.directory)
    st = store.status()
    info = store.info
    print(
        f"{info['name']} ({len(store.point_ids)} points x {store.replications} replications, "
        f"seed {info['seed']}, hash {info['content_hash'][:12]})"
    )
    pct = 100 * st.done / st.total if st.total else 0.0
    print(f"done {st.done} / {st.total} ({pct:.0f} %), pending {st.pending}, failed {st.failed}")
    for row in st.failed_rows[:50]:
        error = (row.get("error") or {}).get("message", "?").splitlines() or ["?"]
        print(
            f"  failed  {row['point_id']} r{int(row['replication']):04d}  "
            f"{row.get('label')}: {error[0]}"
        )
    if len(st.failed_rows) > 50:
        print(f"  ... and {len(st.failed_rows) - 50} more")
    return EXIT_OK
