"""`carecap run` under real signals: Ctrl-C (SIGINT to the process group, as a terminal sends it)
and SIGKILL of the parent, with 1 and 2 workers.

Invariants checked: exit 130 within a few seconds of Ctrl-C; no process of the run's group left;
the manifest lists exactly the replications whose record parts and metrics are present; an old
complete run is never destroyed; a killed run leaves at worst a staging folder, which the next run
removes.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from signal_helpers import ctrl_c_as_in_a_terminal

from carecap.sim.experiments.run_folder import run_to_folder

psutil = pytest.importorskip("psutil")

ROOT = Path(__file__).resolve().parent.parent
TAIYUAN = ROOT / "scenarios" / "taiyuan-2022.yaml"  # about 1 s a replication
SMALL = Path(__file__).parent / "data" / "small.yaml"
TABLES = ("requests", "elders", "units", "shifts")


def start_run(out: Path, workers: int, *extra: str) -> subprocess.Popen:
    """`carecap run` of the Taiyuan scenario, 8 replications, in its own process group."""
    cmd = [sys.executable, "-m", "carecap.sim.cli.main", "run", str(TAIYUAN), "--reps", "8"]
    cmd += ["--workers", str(workers), "--out", str(out), *extra]
    return subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        preexec_fn=ctrl_c_as_in_a_terminal,
    )


def wait_for_first_replication(proc: subprocess.Popen) -> None:
    """Read the progress lines until one replication is done (the signal then lands mid-run)."""
    for line in proc.stderr:
        if b"(1/8)" in line:
            return
    pytest.fail("the run ended before its first replication was reported")


def group_processes(pgid: int) -> list:
    out = []
    for p in psutil.process_iter(["pid"]):
        try:
            if os.getpgid(p.pid) == pgid and p.status() != psutil.STATUS_ZOMBIE:
                out.append(p)
        except (ProcessLookupError, psutil.Error):
            pass
    return out


def assert_group_gone(pgid: int, within_s: float = 10.0) -> None:
    deadline = time.monotonic() + within_s
    while group_processes(pgid) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = group_processes(pgid)
    assert not left, f"processes of the run left behind: {[p.cmdline() for p in left]}"


def parts_present(folder: Path) -> dict[str, set[int]]:
    return {
        table: {int(p.name.split("=")[1]) for p in (folder / table).glob("replication=*")}
        for table in TABLES
    }


def assert_manifest_matches_files(folder: Path, status: str) -> list[int]:
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["status"] == status
    finished = manifest["replications_finished"]
    assert set(finished) <= set(manifest["replications_requested"])
    for table, reps in parts_present(folder).items():
        assert reps == set(finished), table
    if finished:
        metrics = pd.read_parquet(folder / "metrics.parquet")
        assert set(metrics["replication"]) == set(finished)
    else:
        assert not (folder / "metrics.parquet").exists()
    assert not list(folder.rglob(".tmp-*"))
    return finished


@pytest.fixture
def old_run(tmp_path):
    """``old_run(out)``: a complete run of small.yaml over 30 days into ``out``, in this process
    (a different run from the Taiyuan one; calling it again is the same run)."""
    data = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    data["calendar"]["horizon_days"] = 30
    short = tmp_path / "short.yaml"
    short.write_text(yaml.safe_dump(data), encoding="utf-8")

    def run(out: Path):
        return run_to_folder(short, reps=2, out=out, workers=1)

    return run


def staging_folders(out: Path) -> list[Path]:
    return list(out.parent.glob(f".{out.name}.staging-*"))


@pytest.mark.parametrize("workers", [1, 2])
def test_ctrl_c_exits_130_leaves_nothing_running_and_a_consistent_partial_folder(tmp_path, workers):
    out = tmp_path / "out"
    proc = start_run(out, workers)
    pgid = os.getpgid(proc.pid)
    wait_for_first_replication(proc)
    sent = time.monotonic()
    os.killpg(pgid, signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            os.killpg(pgid, signal.SIGKILL)
    assert proc.returncode == 130, err.decode()
    assert time.monotonic() - sent < 10
    assert b"Traceback" not in err
    assert_group_gone(pgid)
    finished = assert_manifest_matches_files(out, "interrupted")
    assert len(finished) >= 1
    assert not staging_folders(out)
    assert not (tmp_path / ".out.lock").exists()  # the lock file goes with the run


@pytest.mark.parametrize("workers", [1, 2])
def test_ctrl_c_keeps_an_old_complete_run_and_puts_the_partial_one_beside_it(
    tmp_path, workers, old_run
):
    out = tmp_path / "out"
    assert old_run(out).status == "complete"
    before = (out / "manifest.json").read_bytes()
    proc = start_run(out, workers, "--overwrite")
    pgid = os.getpgid(proc.pid)
    wait_for_first_replication(proc)
    os.killpg(pgid, signal.SIGINT)
    try:
        proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            os.killpg(pgid, signal.SIGKILL)
    assert proc.returncode == 130
    assert_group_gone(pgid)
    assert (out / "manifest.json").read_bytes() == before  # the old run, untouched
    assert_manifest_matches_files(out, "complete")
    (partial,) = tmp_path.glob("out.interrupted-*")
    assert_manifest_matches_files(partial, "interrupted")
    assert not staging_folders(out)


@pytest.mark.parametrize("workers", [1, 2])
def test_sigkill_of_the_parent_keeps_the_old_run_and_the_next_run_cleans_up(
    tmp_path, workers, old_run
):
    out = tmp_path / "out"
    assert old_run(out).status == "complete"
    before = (out / "manifest.json").read_bytes()
    proc = start_run(out, workers, "--overwrite")
    pgid = os.getpgid(proc.pid)
    wait_for_first_replication(proc)
    proc.kill()  # SIGKILL to the parent only: its workers must exit by themselves
    proc.communicate(timeout=15)
    try:
        assert_group_gone(pgid)
    finally:
        with_group_killed(pgid)
    assert (out / "manifest.json").read_bytes() == before
    assert_manifest_matches_files(out, "complete")
    assert len(staging_folders(out)) == 1  # what the killed run was writing
    assert (tmp_path / ".out.lock").exists()  # a killed process removes nothing; nobody holds it
    assert old_run(out).status == "complete"  # the same run as the old one: no --overwrite
    assert_manifest_matches_files(out, "complete")
    assert not staging_folders(out)
    assert not (tmp_path / ".out.lock").exists()  # the next run took it and removed it


def with_group_killed(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)
