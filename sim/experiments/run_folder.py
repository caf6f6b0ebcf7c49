"""The results folder of ``carecap run``: the run's own, put in place whole, never mixed.

:func:`run_to_folder` simulates a scenario's replications into a fresh *staging* folder next to
the target (``.NAME.staging-<pid>-<random>``) and moves it into place only when it is finished:

* target absent or empty: the staging folder becomes the target (one rename); a folder holding
  only ``carecap warmup``'s default plot (``warmup.png``) counts as empty, the plot carried over;
* target holding the *same* carecap run (same scenario hash, seed, replications and precision
  settings), or a different one with ``overwrite``: the old run is replaced as a whole (old renamed
  aside, new renamed in, old deleted); files in it that a run does not write (a plot, notes) are
  carried over into the new folder;
* target holding a different carecap run without ``overwrite``: refused before anything runs;
* target holding anything else (not a carecap results folder): refused always, ``overwrite`` or
  not — carecap never deletes or overwrites files it did not create.

One run at a time writes into a target: the lock file ``.NAME.lock`` next to it (``flock``,
released by the system however the process ends; the file removed when the run ends) makes a
second one fail at once.

The manifest's ``status`` is ``complete``, ``interrupted`` (Ctrl-C) or ``failed`` (an error, with
its message), and it lists exactly the replications whose records and metrics are beside it. An
interrupted or failed run is kept: at the target if the target was absent or empty, otherwise
next to it as ``NAME.interrupted-<time>`` (``NAME.failed-<time>``), so an old complete run is never
destroyed. A killed process (SIGKILL, power cut) leaves the previous state plus at worst a staging
folder, which the next run into the same target removes. The target folder itself (inspection,
lock, staging, installation) is handled in :mod:`carecap.sim.experiments.run_target`.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from carecap.sim.errors import UsageError, file_label, results_folder_errors
from carecap.sim.experiments.atomic import (
    write_json_atomic,
    write_parquet_atomic,
    write_text_atomic,
)
from carecap.sim.experiments.manifest import build_manifest, scenario_hash
from carecap.sim.experiments.replications import (
    ReplicationResult,
    default_workers,
    run_replications,
)
from carecap.sim.experiments.run_target import (
    COMPLETE,
    FAILED,
    INTERRUPTED,
    MANIFEST,
    STAGING_MARK,
    Target,
    has_records,
    inspect_target,
    install,
    interrupts_deferred,
    keep_only,
    locked,
    make_parent,
    new_staging,
    recover,
    remove_stale,
)
from carecap.sim.metrics.summary import summarise
from carecap.sim.scenario.footprint import check_footprint
from carecap.sim.scenario.loader import load_scenario_with_sources
from carecap.sim.scenario.model import Scenario
from carecap.sim.scenario.schedule_warnings import scenario_warnings
from carecap.sim.scenario.set_options import apply_set_options, jsonable_sets

DEFAULT_ROOT = Path("results")

MoreReplications = Callable[[list[ReplicationResult], list[int]], list[int]]
"""After each round: given every finished result and the replications asked for so far, the
next replication numbers to run (empty: stop). E.g. the precision rule of
:class:`carecap.analysis.precision.PrecisionRule`."""


@dataclass
class RunOutcome:
    """What :func:`run_to_folder` did: where the results are and what they hold."""

    status: str
    folder: Path
    scenario: str
    seed: int
    replications: list[int]
    """Replication numbers asked for (grows with ``more``)."""
    finished: list[int]
    """Replications in the folder (records and metrics)."""
    summary: pd.DataFrame = field(repr=False)
    error: str | None = None
    model: Scenario | None = field(default=None, repr=False)
    """The validated scenario that ran (its labels name the slices)."""


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a run; its finished replications were put in place (``outcome``) and
    ``message`` says where."""

    def __init__(self, message: str, outcome: RunOutcome) -> None:
        super().__init__(message)
        self.message = message
        self.outcome = outcome


def run_to_folder(
    scenario_path: str | os.PathLike[str],
    *,
    reps: int | None = None,
    seed: int | None = None,
    out: str | os.PathLike[str] | None = None,
    workers: int | None = None,
    overwrite: bool = False,
    force: bool = False,
    more: MoreReplications | None = None,
    more_settings: dict[str, Any] | None = None,
    max_reps: int | None = None,
    summary_text: Callable[[pd.DataFrame, Scenario], str] | None = None,
    progress: Callable[[str], None] | None = None,
    argv: list[str] | None = None,
    sets: Mapping[str, Any] | None = None,
    records: bool = True,
    warn: Callable[[str], None] | None = None,
) -> RunOutcome:
    """Simulate a scenario's replications into its results folder; see the module docstring.

    Args:
        scenario_path: the scenario YAML file.
        reps, seed: replications ``0 .. reps-1`` and the root seed (default: the scenario's).
        out: the results folder (default ``results/<scenario name>``).
        workers: local processes (default: all cores); results do not depend on it.
        overwrite: replace a folder holding a *different* carecap run.
        force: run even if one replication is estimated not to fit in its share of the
            available memory (:func:`carecap.sim.scenario.footprint.check_footprint`).
        more: asked after each round for more replications (see :data:`MoreReplications`);
            ``more_settings`` (plain data) says what it is, for the manifest and run identity.
        max_reps: the most replications ``more`` may bring the run to (``--max-reps``); a run
            that would *start* with more (``reps`` or the scenario's ``replications``) is refused
            before anything runs, never silently run past it.
        summary_text: how ``summary.txt`` is written from the summary and the scenario (default:
            the summary frame as text).
        progress: called with one line of text per event (start, each replication, the end).
        argv: the command line recorded in the manifest (default ``sys.argv``).
        sets: ``--set`` settings, ``{dotted.path: value}``, applied in order after the file's own
            ``extends:`` and ``set:`` (:mod:`carecap.sim.scenario.set_options`); recorded in the
            manifest (``set``) and part of the run's identity.
        records: write the record tables (``requests/`` ...); without them a replication keeps
            only its metrics, computed as it runs (:mod:`carecap.sim.experiments.replications`).
        warn: called before anything runs with each warning about the scenario
            (:mod:`carecap.sim.scenario.schedule_warnings`), one line each; default: ``progress``.

    Returns the outcome of a complete run. On Ctrl-C the finished replications are put in place
    (status ``interrupted``) and :class:`RunInterrupted` (a ``KeyboardInterrupt``) is raised with
    that outcome; on an error, likewise with status ``failed``, and the error propagates.

    Raises:
        ScenarioError: the scenario file cannot be used.
        UsageError: a ``sets`` path does not exist in the scenario, or its value is refused;
            ``max_reps`` is below the replications the run starts with.
        ResultsError: the target cannot be used (not carecap's, a different run without
            ``overwrite``, another run writing into it, unwritable, disk full).
    """
    say = progress or (lambda text: None)
    scenario, sources = load_scenario_with_sources(scenario_path)
    scenario = apply_set_options(scenario, sets or {}, scenario_path)
    set_record = jsonable_sets(sets or {})
    reps_list = list(range(reps or scenario.replications))
    if max_reps is not None and len(reps_list) > max_reps:
        raise UsageError(
            "--max-reps", _start_above_cap(max_reps, len(reps_list), reps, scenario_path)
        )
    for field_path, message in scenario_warnings(scenario):
        (warn or say)(f"carecap: warning: {file_label(scenario_path)}: {field_path}: {message}")
    seed = scenario.seed if seed is None else seed
    shown = Path(out) if out is not None else DEFAULT_ROOT / scenario.name
    target = Path(os.path.abspath(shown))
    n_workers = workers or default_workers()
    if not force:  # before anything is created: a run that cannot fit is refused at once
        check_footprint(scenario, scenario_path, min(n_workers, len(reps_list)))
    run_key = {
        "scenario_hash": scenario_hash(scenario),
        "seed": seed,
        "replications": len(reps_list),
        "more": more_settings,
        "set": set_record,
    }
    if not records:  # (a run with records keeps the identity it always had)
        run_key["records"] = False
    with results_folder_errors(shown):
        inspect_target(shown, target, run_key, overwrite)  # refuse before creating anything
        make_parent(shown, target)
        with locked(shown, target):
            recover(target)
            state = inspect_target(shown, target, run_key, overwrite)
            remove_stale(target)
            staging = new_staging(target)
            say(
                f"carecap: {scenario.name}: {len(reps_list)} replication(s), seed {seed}, "
                f"{min(n_workers, len(reps_list))} worker(s) -> {shown}"
            )
            finished: list[ReplicationResult] = []
            started = time.perf_counter()

            def on_done(result: ReplicationResult) -> None:
                finished.append(result)
                say(
                    f"  replication {result.replication:>3} done in "
                    f"{result.timings['total_s']:.2f} s  ({len(finished)}/{len(reps_list)})"
                )

            def finish(status: str, error: str | None) -> RunOutcome:
                with interrupts_deferred():
                    return _finish(
                        staging,
                        target,
                        shown,
                        state,
                        status,
                        error,
                        scenario,
                        sources,
                        seed,
                        reps_list,
                        finished,
                        time.perf_counter() - started,
                        n_workers,
                        run_key,
                        summary_text,
                        argv,
                        records,
                    )

            try:
                batch = list(reps_list)
                while batch:
                    workers_now = max(1, min(n_workers, len(batch)))
                    out_dir = staging if records else None
                    run_replications(scenario, batch, seed, out_dir, workers_now, on_done)
                    batch = more(list(finished), list(reps_list)) if more else []
                    reps_list.extend(batch)
            except KeyboardInterrupt:
                outcome = finish(INTERRUPTED, None)
                raise RunInterrupted(
                    f"carecap: interrupted: {len(outcome.finished)} of {len(reps_list)} "
                    f"replication(s) kept in {_label(outcome.folder, shown, target)} "
                    "(status interrupted)",
                    outcome,
                ) from None
            except BaseException as exc:
                outcome = _finish_after_error(finish, exc)
                if outcome is not None:
                    say(
                        f"carecap: failed: {len(outcome.finished)} finished replication(s) kept "
                        f"in {_label(outcome.folder, shown, target)} (status failed)"
                    )
                raise
            outcome = finish(COMPLETE, None)
            say(f"\nresults: {shown}")
            return outcome


def _finish_after_error(finish: Callable[[str, str | None], RunOutcome], exc: BaseException):
    """Put a failed run's folder in place; if even that fails (the disk is full), the staging
    folder stays (the next run removes it) and the first error is the one reported."""
    message = str(exc) or type(exc).__name__
    try:
        return finish(FAILED, f"{type(exc).__name__}: {message}")
    except Exception:
        return None


def _label(folder: Path, shown: Path, target: Path) -> str:
    return str(shown) if folder == target else str(shown.parent / folder.name)


def _start_above_cap(
    max_reps: int, start: int, reps: int | None, scenario_path: str | os.PathLike[str]
) -> str:
    """Why a ``--max-reps`` below the ``start`` replications (``reps``, or the scenario's) is
    refused, and what to give."""
    where = (
        f"--reps {reps}"
        if reps
        else f"the scenario's replications: {start} in {file_label(scenario_path)}"
    )
    return (
        f"{max_reps} is below the {start} replications the run starts with ({where}), and the "
        f"cap is the most replications the run may hold; give --max-reps {start} or more, or "
        f"start with fewer (--reps N with 1 <= N <= {max_reps})"
    )


def _finish(
    staging: Path,
    target: Path,
    shown: Path,
    state: Target,
    status: str,
    error: str | None,
    scenario,
    sources,
    seed: int,
    reps: list[int],
    results: list[ReplicationResult],
    wall_s: float,
    workers: int,
    run_key: dict[str, Any],
    summary_text: Callable[[pd.DataFrame, Scenario], str] | None,
    argv: list[str] | None,
    records: bool = True,
) -> RunOutcome:
    """Write the metrics, summary and manifest into the staging folder and put it in place."""
    results = sorted(
        (r for r in results if not records or has_records(staging, r.replication)),
        key=lambda r: r.replication,
    )
    finished = [r.replication for r in results]
    keep_only(staging, set(finished))
    metrics = (
        pd.concat([r.metrics for r in results], ignore_index=True) if results else pd.DataFrame()
    )
    summary = summarise(metrics) if len(metrics) else pd.DataFrame()
    if len(metrics):
        write_parquet_atomic(staging / "metrics.parquet", metrics)
        write_parquet_atomic(staging / "summary.parquet", summary)
        text = summary_text(summary, scenario) if summary_text else summary.to_string(index=False)
        write_text_atomic(staging / "summary.txt", text + "\n")
    timings = {
        "wall_s": round(wall_s, 3),
        "workers": workers,
        "per_replication": {
            r.replication: {k: round(v, 4) for k, v in r.timings.items()} for r in results
        },
    }
    manifest = build_manifest(
        scenario,
        sources,
        seed,
        reps,
        finished,
        status,
        timings,
        list(sys.argv if argv is None else argv),
        error=error,
        run_key=run_key,
    )
    write_json_atomic(staging / MANIFEST, manifest)
    (staging / STAGING_MARK).unlink()
    folder = install(staging, target, state, status)
    return RunOutcome(
        status, folder, scenario.name, seed, reps, finished, summary, error, model=scenario
    )
