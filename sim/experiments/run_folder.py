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
released by the system however the process ends) makes a second one fail at once.

The manifest's ``status`` is ``complete``, ``interrupted`` (Ctrl-C) or ``failed`` (an error, with
its message), and it lists exactly the replications whose records and metrics are beside it. An
interrupted or failed run is kept: at the target if the target was absent or empty, otherwise
next to it as ``NAME.interrupted-<time>`` (``NAME.failed-<time>``), so an old complete run is never
destroyed. A killed process (SIGKILL, power cut) leaves the previous state plus at worst a staging
folder, which the next run into the same target removes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import secrets
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from carecap.sim.errors import ResultsError, describe_os_error, results_folder_errors
from carecap.sim.experiments.atomic import (
    TMP_PREFIX,
    fsync_dir,
    write_json_atomic,
    write_parquet_atomic,
    write_text_atomic,
)
from carecap.sim.experiments.manifest import build_manifest, scenario_hash
from carecap.sim.experiments.replications import (
    RECORD_TABLES,
    ReplicationResult,
    default_workers,
    record_path,
    run_replications,
)
from carecap.sim.metrics.summary import summarise
from carecap.sim.scenario.footprint import check_footprint
from carecap.sim.scenario.loader import load_scenario_with_sources
from carecap.sim.scenario.model import Scenario
from carecap.sim.scenario.set_options import apply_set_options, jsonable_sets

MANIFEST = "manifest.json"
MARKER = "carecap_manifest"
"""The key that marks a ``manifest.json`` as written by ``carecap run``."""
RUN_FILES = (MANIFEST, "metrics.parquet", "summary.parquet", "summary.txt")
RUN_ENTRIES = frozenset(RUN_FILES) | frozenset(RECORD_TABLES)
"""What a run writes into its folder; anything else in an old run's folder is carried over."""
STAGING_MARK = ".carecap-staging"
"""A file in every staging folder: only folders holding it are ever cleaned up."""
COMPLETE, INTERRUPTED, FAILED = "complete", "interrupted", "failed"
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


@dataclass(frozen=True)
class _Target:
    """What is at the target path now: ``absent``, ``empty``, ``side`` (only the files of other
    carecap commands, see :func:`_is_side_file`) or ``run`` (with its manifest)."""

    kind: str
    manifest: dict[str, Any] | None = None


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
    summary_text: Callable[[pd.DataFrame, Scenario], str] | None = None,
    progress: Callable[[str], None] | None = None,
    argv: list[str] | None = None,
    sets: Mapping[str, Any] | None = None,
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
        summary_text: how ``summary.txt`` is written from the summary and the scenario (default:
            the summary frame as text).
        progress: called with one line of text per event (start, each replication, the end).
        argv: the command line recorded in the manifest (default ``sys.argv``).
        sets: ``--set`` settings, ``{dotted.path: value}``, applied in order after the file's own
            ``extends:`` and ``set:`` (:mod:`carecap.sim.scenario.set_options`); recorded in the
            manifest (``set``) and part of the run's identity.

    Returns the outcome of a complete run. On Ctrl-C the finished replications are put in place
    (status ``interrupted``) and :class:`RunInterrupted` (a ``KeyboardInterrupt``) is raised with
    that outcome; on an error, likewise with status ``failed``, and the error propagates.

    Raises:
        ScenarioError: the scenario file cannot be used.
        UsageError: a ``sets`` path does not exist in the scenario, or its value is refused.
        ResultsError: the target cannot be used (not carecap's, a different run without
            ``overwrite``, another run writing into it, unwritable, disk full).
    """
    say = progress or (lambda text: None)
    scenario, sources = load_scenario_with_sources(scenario_path)
    scenario = apply_set_options(scenario, sets or {}, scenario_path)
    set_record = jsonable_sets(sets or {})
    reps_list = list(range(reps or scenario.replications))
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
    with results_folder_errors(shown):
        _inspect(shown, target, run_key, overwrite)  # refuse before creating anything
        _make_parent(shown, target)
        with _locked(shown, target):
            _recover(target)
            state = _inspect(shown, target, run_key, overwrite)
            _remove_stale(target)
            staging = _new_staging(target)
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
                with _interrupts_deferred():
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
                    )

            try:
                batch = list(reps_list)
                while batch:
                    workers_now = max(1, min(n_workers, len(batch)))
                    run_replications(scenario, batch, seed, staging, workers_now, on_done)
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


# --- the target and its lock ----------------------------------------------------------------------


def _make_parent(shown: Path, target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise ResultsError(
            shown, "it is a file, not a folder; give a folder (new or empty) with --out"
        )
    if target.parent.exists() and not target.parent.is_dir():
        raise ResultsError(shown, f"{target.parent} is a file, not a folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise ResultsError(
            shown,
            f"cannot write into {shown.parent or '.'} (permission denied): the results are "
            "prepared next to the folder; choose a folder you can write to",
        )


def _lock_path(target: Path) -> Path:
    return target.parent / f".{target.name}.lock"


@contextlib.contextmanager
def _locked(shown: Path, target: Path) -> Iterator[None]:
    """Hold the target's lock for the whole run; a second run into it is refused at once."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    fd = os.open(_lock_path(target), os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
            raise ResultsError(
                shown,
                f"another carecap run (process {holder}) is writing into this folder; wait for "
                "it to finish (or stop it), or give another folder with --out",
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The ``manifest.json`` of a ``carecap run`` folder, or None when there is none (or it is
    not carecap's)."""
    try:
        data = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and MARKER in data else None


def _run_key_of(manifest: dict[str, Any]) -> dict[str, Any]:
    if isinstance(manifest.get("run"), dict):
        return {"set": {}, **manifest["run"]}  # written before --set existed: no settings
    return {  # a manifest written before the run key existed
        "scenario_hash": manifest.get("scenario_hash"),
        "seed": manifest.get("seed"),
        "replications": len(manifest.get("replications_requested") or []),
        "more": None,
        "set": {},
    }


def _inspect(shown: Path, target: Path, run_key: dict[str, Any], overwrite: bool) -> _Target:
    if not target.exists():
        return _Target("absent")
    if not target.is_dir():
        raise ResultsError(shown, "it is a file, not a folder; give a folder with --out")
    try:
        entries = [p.name for p in target.iterdir()]
    except OSError as exc:
        raise ResultsError(shown, f"cannot read the folder: {describe_os_error(exc)}") from None
    if not entries:
        return _Target("empty")
    manifest = read_manifest(target)
    if manifest is None and all(_is_side_file(name) for name in entries):
        return _Target("side")  # e.g. `carecap warmup` made the folder for its plot first
    if manifest is None:
        raise ResultsError(
            shown,
            f"the folder is not empty and is not a carecap results folder (no carecap "
            f"{MANIFEST}); carecap never deletes or overwrites files it did not create, with "
            "--overwrite or not: give a new or empty folder with --out",
        )
    old = _run_key_of(manifest)
    if old != run_key and not overwrite:
        raise ResultsError(
            shown,
            f"the folder holds another carecap run ({manifest.get('scenario_name')}, seed "
            f"{old.get('seed')}, {old.get('replications')} replication(s), scenario hash "
            f"{str(old.get('scenario_hash'))[:12]}, status {manifest.get('status')}); this run "
            f"(seed {run_key['seed']}, {run_key['replications']} replication(s), scenario hash "
            f"{run_key['scenario_hash'][:12]}{_set_note(old, run_key)}) would replace it: add "
            "--overwrite to replace it, or give another folder with --out",
        )
    return _Target("run", manifest)


def _set_note(old: dict[str, Any], new: dict[str, Any]) -> str:
    """``", --set a=1 (the folder's run: none)"`` when the ``--set`` settings differ."""
    if old.get("set") == new.get("set"):
        return ""

    def shown(sets: Any) -> str:
        if not sets:
            return "none"
        return " ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in sets.items())

    return f", --set {shown(new.get('set'))} (the folder's run: {shown(old.get('set'))})"


# --- staging ----------------------------------------------------------------------------------


def _staging_prefix(target: Path) -> str:
    return f".{target.name}.staging-"


def _old_prefix(target: Path) -> str:
    return f".{target.name}.old-"


def _new_staging(target: Path) -> Path:
    staging = target.parent / f"{_staging_prefix(target)}{os.getpid()}-{secrets.token_hex(4)}"
    staging.mkdir()
    (staging / STAGING_MARK).write_text(f"{os.getpid()}\n", encoding="utf-8")
    return staging


def _recover(target: Path) -> None:
    """Undo what a run killed while replacing ``target`` left half done (between its renames):
    the old run set aside comes back if the target is missing, and files carried over from it
    are moved into the new run. Called with the target's lock held."""
    for aside in sorted(target.parent.glob(_old_prefix(target) + "*")):
        if not aside.is_dir():
            continue
        if not target.exists():
            os.rename(aside, target)
            continue
        for entry in aside.iterdir():
            if not _is_run_entry(entry.name) and not (target / entry.name).exists():
                os.rename(entry, target / entry.name)
        if all(_is_run_entry(p.name) for p in aside.iterdir()):
            shutil.rmtree(aside, ignore_errors=True)


def _remove_stale(target: Path) -> None:
    """Remove the staging folders (marked as carecap's) that killed runs into ``target`` left.
    Called with the target's lock held, so no live run is using them."""
    for path in target.parent.glob(_staging_prefix(target) + "*"):
        if path.is_dir() and (path / STAGING_MARK).is_file():
            shutil.rmtree(path, ignore_errors=True)


def _is_side_file(name: str) -> bool:
    """Files other carecap commands write into a run's folder (``carecap warmup``'s default
    plot): a folder holding only these is taken as empty, and they are carried over."""
    return name.startswith("warmup.") and not name.startswith(TMP_PREFIX)


def _is_run_entry(name: str) -> bool:
    return name in RUN_ENTRIES or name.startswith(TMP_PREFIX)


def _keep_only(staging: Path, finished: set[int]) -> None:
    """Remove from the staging folder every record part of a replication that did not finish
    (a worker stopped mid-write) and every temporary file."""
    for table in RECORD_TABLES:
        folder = staging / table
        if not folder.is_dir():
            continue
        for part in folder.iterdir():
            rep = part.name.partition("=")[2]
            if not (part.name.startswith("replication=") and rep.isdigit()) or (
                int(rep) not in finished
            ):
                shutil.rmtree(part, ignore_errors=True) if part.is_dir() else part.unlink()
    for tmp in staging.rglob(TMP_PREFIX + "*"):
        tmp.unlink(missing_ok=True)


def _has_records(staging: Path, replication: int) -> bool:
    return all(record_path(staging, t, replication).is_file() for t in RECORD_TABLES)


def _finish(
    staging: Path,
    target: Path,
    shown: Path,
    state: _Target,
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
) -> RunOutcome:
    """Write the metrics, summary and manifest into the staging folder and put it in place."""
    results = sorted(
        (r for r in results if _has_records(staging, r.replication)), key=lambda r: r.replication
    )
    finished = [r.replication for r in results]
    _keep_only(staging, set(finished))
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
    folder = _install(staging, target, state, status)
    return RunOutcome(
        status, folder, scenario.name, seed, reps, finished, summary, error, model=scenario
    )


def _install(staging: Path, target: Path, state: _Target, status: str) -> Path:
    """Move the finished staging folder into place; returns where it went."""
    parent = target.parent
    if state.kind == "absent" or (state.kind == "empty" and _is_empty_dir(target)):
        os.replace(staging, target)  # replaces an empty folder too (rename(2))
        fsync_dir(parent)
        return target
    if status != COMPLETE and state.kind == "run":  # keep the old run whole: the partial one
        # goes next to it
        stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
        dest = parent / f"{target.name}.{status}-{stamp}"
        n = 1
        while dest.exists():
            n += 1
            dest = parent / f"{target.name}.{status}-{stamp}-{n}"
        os.rename(staging, dest)
        fsync_dir(parent)
        return dest
    aside = parent / f"{_old_prefix(target)}{os.getpid()}-{secrets.token_hex(4)}"
    os.rename(target, aside)
    os.rename(staging, target)
    fsync_dir(parent)
    for entry in aside.iterdir():  # the user's files in the old folder stay with the run
        if not _is_run_entry(entry.name):
            os.rename(entry, target / entry.name)
    shutil.rmtree(aside, ignore_errors=True)
    return target


def _is_empty_dir(path: Path) -> bool:
    return path.is_dir() and not any(path.iterdir())


@contextlib.contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """While the folder is being put in place, a second Ctrl-C waits (it would leave a half
    installed run); the run is already being stopped anyway."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: None)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
