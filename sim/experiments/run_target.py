"""The target folder of ``carecap run``: what is there, its lock, staging folders, installation.

:func:`inspect_target` says what the target holds now (absent, empty, only other commands' files,
or a carecap run with its manifest) and refuses a folder that a run may not replace;
:func:`locked` holds the target's lock file ``.NAME.lock`` (``flock``) for a whole run;
:func:`new_staging`, :func:`recover` and :func:`remove_stale` make staging folders and clean up
after killed runs; :func:`keep_only` trims a staging folder to the finished replications and
:func:`install` moves it into place. The rules they implement are in
:mod:`carecap.sim.experiments.run_folder`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import secrets
import shutil
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carecap.sim.errors import ResultsError, describe_os_error
from carecap.sim.experiments.atomic import TMP_PREFIX, fsync_dir
from carecap.sim.experiments.folder_lock import exclusive_lock
from carecap.sim.experiments.replications import RECORD_TABLES, record_path
from carecap.sim.experiments.run_differences import differences

MANIFEST = "manifest.json"
MARKER = "carecap_manifest"
"""The key that marks a ``manifest.json`` as written by ``carecap run``."""
RUN_FILES = (MANIFEST, "metrics.parquet", "summary.parquet", "summary.txt")
RUN_ENTRIES = frozenset(RUN_FILES) | frozenset(RECORD_TABLES)
"""What a run writes into its folder; anything else in an old run's folder is carried over."""
STAGING_MARK = ".carecap-staging"
"""A file in every staging folder: only folders holding it are ever cleaned up."""
COMPLETE, INTERRUPTED, FAILED = "complete", "interrupted", "failed"


@dataclass(frozen=True)
class Target:
    """What is at the target path now: ``absent``, ``empty``, ``side`` (only the files of other
    carecap commands, see :func:`_is_side_file`) or ``run`` (with its manifest)."""

    kind: str
    manifest: dict[str, Any] | None = None


def make_parent(shown: Path, target: Path) -> None:
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


def locked(shown: Path, target: Path) -> contextlib.AbstractContextManager[None]:
    """Hold the target's lock for the whole run; a second run into it is refused at once."""
    return exclusive_lock(
        _lock_path(target),
        lambda holder: ResultsError(
            shown,
            f"another carecap run (process {holder}) is writing into this folder; wait for "
            "it to finish (or stop it), or give another folder with --out",
        ),
    )


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


def inspect_target(shown: Path, target: Path, run_key: dict[str, Any], overwrite: bool) -> Target:
    if not target.exists():
        return Target("absent")
    if not target.is_dir():
        raise ResultsError(shown, "it is a file, not a folder; give a folder with --out")
    try:
        entries = [p.name for p in target.iterdir()]
    except OSError as exc:
        raise ResultsError(shown, f"cannot read the folder: {describe_os_error(exc)}") from None
    if not entries:
        return Target("empty")
    manifest = read_manifest(target)
    if manifest is None and all(_is_side_file(name) for name in entries):
        return Target("side")  # e.g. `carecap warmup` made the folder for its plot first
    if manifest is None:
        raise ResultsError(
            shown,
            f"the folder is not empty and is not a carecap results folder (no carecap "
            f"{MANIFEST}); carecap never deletes or overwrites files it did not create, with "
            "--overwrite or not: give a new or empty folder with --out",
        )
    old = _run_key_of(manifest)
    if old != run_key and not overwrite:
        changed = "; ".join(differences(old, run_key)) or "the run's identity"
        raise ResultsError(
            shown,
            f"the folder holds another carecap run ({manifest.get('scenario_name')}, seed "
            f"{old.get('seed')}, {old.get('replications')} replication(s), status "
            f"{manifest.get('status')}) made with different options: {changed}; add "
            "--overwrite to replace it, or give another folder with --out",
        )
    return Target("run", manifest)


# --- staging ----------------------------------------------------------------------------------


def _staging_prefix(target: Path) -> str:
    return f".{target.name}.staging-"


def _old_prefix(target: Path) -> str:
    return f".{target.name}.old-"


def new_staging(target: Path) -> Path:
    staging = target.parent / f"{_staging_prefix(target)}{os.getpid()}-{secrets.token_hex(4)}"
    staging.mkdir()
    (staging / STAGING_MARK).write_text(f"{os.getpid()}\n", encoding="utf-8")
    return staging


def recover(target: Path) -> None:
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


def remove_stale(target: Path) -> None:
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


def keep_only(staging: Path, finished: set[int]) -> None:
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


def has_records(staging: Path, replication: int) -> bool:
    return all(record_path(staging, t, replication).is_file() for t in RECORD_TABLES)


def install(staging: Path, target: Path, state: Target, status: str) -> Path:
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
def interrupts_deferred() -> Iterator[None]:
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
