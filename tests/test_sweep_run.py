"""``carecap sweep`` end to end: failures, crashes and Ctrl-C mid-sweep, resume, memory."""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest
from signal_helpers import ctrl_c_as_in_a_terminal
from sweep_helpers import SWEEP_SMALL, assert_same_results, stray_files, write_sweep

import carecap.sim.experiments.sweep_task
from carecap.sim.cli.main import main
from carecap.sim.experiments.sweep_store import store_at

CLI = [sys.executable, "-m", "carecap.sim.cli.main", "sweep"]


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """sweep-small.yaml run without interruption, in this process."""
    out = tmp_path_factory.mktemp("reference") / "out"
    assert main(["sweep", str(SWEEP_SMALL), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    return out


def _ok_rows(out: Path) -> int:
    n = 0
    for path in out.glob("runs/*/r*.json"):
        with contextlib.suppress(OSError, ValueError):  # a row being replaced
            n += json.loads(path.read_text())["status"] == "ok"
    return n


def _start(out: Path, at_least: int = 3) -> subprocess.Popen:
    """Start ``carecap sweep`` on sweep-small.yaml with 2 workers; return once ``at_least``
    runs are done."""
    log = open(out.parent / "sweep.log", "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(
        [*CLI, str(SWEEP_SMALL), "--out", str(out), "--workers", "2"],
        stdout=log,
        stderr=log,
        preexec_fn=ctrl_c_as_in_a_terminal,
    )
    deadline = time.monotonic() + 120
    while _ok_rows(out) < at_least:
        assert proc.poll() is None, (out.parent / "sweep.log").read_text()
        assert time.monotonic() < deadline, "the sweep made no progress"
        time.sleep(0.02)
    return proc


def _workers(proc: subprocess.Popen) -> list[psutil.Process]:
    """The pool's worker processes: children of the forkserver, itself a child of ``proc``."""
    servers = [
        p for p in psutil.Process(proc.pid).children() if "forkserver" in " ".join(p.cmdline())
    ]
    return [w for s in servers for w in s.children()]


def _resume(out: Path) -> None:
    assert main(["sweep", str(SWEEP_SMALL), "--out", str(out), "--workers", "2", "--quiet"]) == 0


def test_parent_killed_mid_sweep_then_resumed(tmp_path, reference):
    out = tmp_path / "out"
    proc = _start(out)
    family = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    _gone, alive = psutil.wait_procs(family, timeout=15)  # orphaned workers exit by themselves
    assert not alive
    done = _ok_rows(out)
    assert 3 <= done < 24, "kill the sweep while it runs"
    assert stray_files(out) == []
    _resume(out)
    assert_same_results(reference, out)
    assert not list(out.rglob(".tmp-*"))


def test_worker_killed_then_ctrl_c_then_resumed(tmp_path, reference):
    out = tmp_path / "out"
    proc = _start(out)
    workers = _workers(proc)
    assert workers
    workers[0].kill()  # the pool is rebuilt and the lost runs are redone
    done = _ok_rows(out)
    deadline = time.monotonic() + 60
    while _ok_rows(out) < done + 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    family = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 130
    log = (tmp_path / "sweep.log").read_text()
    assert "interrupted" in log and "Resume with the same command" in log
    assert not psutil.wait_procs(family, timeout=10)[1]  # no worker left behind
    assert stray_files(out) == []
    status = store_at(out).status()
    assert status.failed == 0 and status.done > done
    _resume(out)
    assert_same_results(reference, out)


def test_a_failing_run_is_recorded_and_the_sweep_carries_on(tmp_path, monkeypatch, capsys):
    real = carecap.sim.experiments.sweep_task.simulate

    def flaky(scenario, replication, seed, **kw):
        if scenario.bathing_centre.stations == 2 and replication == 1:
            raise RuntimeError("engine exploded\nsecond line")
        return real(scenario, replication, seed, **kw)

    monkeypatch.setattr(carecap.sim.experiments.sweep_task, "simulate", flaky)
    out = tmp_path / "out"
    args = ["sweep", str(SWEEP_SMALL), "--out", str(out), "--workers", "1"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "3 of 24 run(s) failed" in err and "engine exploded" in err
    status = store_at(out).status()
    assert (status.done, status.failed) == (21, 3)
    row = status.failed_rows[0]
    assert row["error"]["type"] == "RuntimeError" and "Traceback" in row["error"]["traceback"]
    assert "summary.parquet" in os.listdir(out)
    monkeypatch.setattr(carecap.sim.experiments.sweep_task, "simulate", real)
    assert main([*args, "--quiet"]) == 0  # failed runs are retried on resume
    assert store_at(out).status().done == 24


def test_progress_lines_table_and_records(tmp_path, capsys):
    path = write_sweep(tmp_path, grid={"bathing_centre.stations": [1, 2]}, replications=2)
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--workers", "1", "--records"]) == 0
    captured = capsys.readouterr()
    assert "sweep: 4/4 runs done" in captured.err and "runs/s" in captured.err
    table = captured.out.splitlines()
    assert "care_visit" in table[1] and table[-1].startswith("p0001")
    assert table[-1].endswith("   stations=2")
    requests = pd.read_parquet(out / "runs" / "p0001" / "records" / "requests")
    assert set(requests["replication"].astype(int)) == {0, 1}
    # a second run of the same command has nothing to do, and --quiet says nothing
    assert main(["sweep", str(path), "--out", str(out), "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")


def test_progress_bar_on_a_terminal():
    from carecap.sim.experiments.sweep_progress import (
        BarProgress,
        LogProgress,
        QuietProgress,
        make_progress,
    )

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    bar = make_progress(10, 4, quiet=False, stream=screen)
    assert isinstance(bar, BarProgress)
    bar.update({"status": "ok"})
    bar.update(
        {"status": "failed", "point_id": "p0001", "replication": 2, "error": {"message": "x"}}
    )
    bar.close()
    text = screen.getvalue()
    assert "6/10" in text and "run/s" in text and "run p0001 r0002 (None) failed: x" in text
    assert isinstance(make_progress(10, 0, quiet=False, stream=io.StringIO()), LogProgress)
    assert isinstance(make_progress(10, 0, quiet=True, stream=screen), QuietProgress)


def test_points_schedule_warnings_are_shown_before_running_even_quiet(tmp_path, capsys):
    """As `carecap run` and `carecap check` do: van hours that never meet the opening hours."""
    evening = {"bathing_centre.vans.hours": {"mon-fri": ["18:00-21:00"]}}  # centre 09-17
    path = write_sweep(
        tmp_path,
        grid={"bathing_centre.stations": [1, 2]},
        variants={"evening": evening},
        replications=1,
        overrides={"calendar.horizon_days": 5, "calendar.warmup_days": 0},
    )
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [err[0]] and err[0].startswith(f"carecap: warning: {path}: every point (2): ")
    assert "bathing_centre.vans.hours: the van hours never overlap" in err[0]


def test_bad_sweep_file_exits_2(tmp_path, capsys):
    path = write_sweep(tmp_path, grid={"bathing_centre.stationz": [1]})
    assert main(["sweep", str(path), "--out", str(tmp_path / "out")]) == 2
    assert "did you mean 'stations'?" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()  # nothing runs before every point is valid


MAXRSS = (
    "import resource, sys; from carecap.sim.cli.main import main; rc = main(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss); sys.exit(rc)"
)


def _parent_peak_kb(tmp_path: Path, replications: int) -> int:
    folder = tmp_path / f"r{replications}"
    path = write_sweep(
        folder,
        grid=None,
        replications=replications,
        overrides={"calendar.horizon_days": 5, "calendar.warmup_days": 0},
    )
    args = [str(path), "--out", str(folder / "out"), "--workers", "2", "--quiet"]
    done = subprocess.run(
        [sys.executable, "-c", MAXRSS, "sweep", *args], capture_output=True, text=True, check=True
    )
    return int(done.stdout.split()[-1])  # kB on Linux


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in kB on Linux only")
def test_parent_memory_stays_flat(tmp_path):
    """The parent holds neither records nor all metrics: 10x the runs, about the same peak."""
    small, large = _parent_peak_kb(tmp_path, 20), _parent_peak_kb(tmp_path, 200)
    assert large <= 1.2 * small, (small, large)


def test_antithetic_pairs_reach_the_engine_and_the_summary(tmp_path, monkeypatch):
    """Every run of an antithetic sweep asks the engine for antithetic pairs (replication
    2k + 1 mirrors 2k: see tests/test_antithetic.py), and each pair is one observation in the
    summary."""
    real, calls = carecap.sim.experiments.sweep_task.simulate, []

    def engine(scenario, replication, seed, antithetic=False):
        calls.append((replication, antithetic))
        return real(scenario, replication, seed, antithetic)

    monkeypatch.setattr(carecap.sim.experiments.sweep_task, "simulate", engine)
    path = write_sweep(tmp_path, grid={"bathing_centre.stations": [1]}, replications=4)
    path.write_text(path.read_text() + "antithetic: true\n")
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    assert sorted(calls) == [(0, True), (1, True), (2, True), (3, True)]
    summary = pd.read_parquet(out / "summary.parquet")
    assert summary["n"].max() == 2  # 4 replications = 2 antithetic pairs
    assert (summary.loc[summary["metric"] == "requests", "n"] == 2).all()
