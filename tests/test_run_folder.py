"""`carecap run`'s results folder is the run's own: staging, refusal, --overwrite, lock, statuses,
file modes, strict JSON; and every user-caused condition on the run/sweep/warmup paths is one
paragraph naming the file or option (exit 2), never a traceback."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from sweep_helpers import write_sweep

import carecap.sim.experiments.atomic as atomic
import carecap.sim.experiments.replications as replications
import carecap.sim.experiments.run_target as run_target
from carecap.sim.cli.main import main
from carecap.sim.experiments.atomic import dumps, write_json_atomic
from carecap.sim.experiments.run_folder import run_to_folder
from carecap.sim.experiments.run_target import read_manifest

SMALL = Path(__file__).parent / "data" / "small.yaml"
TABLES = ("requests", "elders", "units", "shifts")


@pytest.fixture
def scenario(tmp_path) -> Path:
    """small.yaml over 30 days (a fraction of a second a replication)."""
    data = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    data["calendar"]["horizon_days"] = 30
    path = tmp_path / "short.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def run(scenario: Path, out: Path, *extra: str) -> int:
    return main(["run", str(scenario), "--out", str(out), "--workers", "1", "--json", *extra])


def replications_in(folder: Path) -> dict[str, set[int]]:
    return {
        t: {int(p.name.split("=")[1]) for p in (folder / t).glob("replication=*")} for t in TABLES
    }


def strict_json(text: str):
    def refuse(token):
        raise AssertionError(f"non-standard JSON token {token}")

    return json.loads(text, parse_constant=refuse)


# --- bad input: one paragraph, exit 2, names the file or option -----------------------------


def _file_as_out(tmp, scenario, mp):
    (tmp / "out").write_text("mine")
    return ["run", str(scenario), "--out", str(tmp / "out")]


def _under_a_file(tmp, scenario, mp):
    (tmp / "plain").write_text("mine")
    return ["run", str(scenario), "--out", str(tmp / "plain" / "out")]


def _user_folder(tmp, scenario, mp, *extra):
    (tmp / "out").mkdir()
    (tmp / "out" / "notes.txt").write_text("mine")
    return ["run", str(scenario), "--out", str(tmp / "out"), *extra]


def _other_run(tmp, scenario, mp):
    run_to_folder(scenario, reps=1, out=tmp / "out", workers=1)
    return ["run", str(scenario), "--out", str(tmp / "out"), "--reps", "2"]


def _read_only(tmp, scenario, mp):
    mp.setattr(run_target.os, "access", lambda path, mode: False)  # root ignores chmod
    return ["run", str(scenario), "--out", str(tmp / "out")]


def _disk_full(tmp, scenario, mp):
    def full(path):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    mp.setattr(atomic, "_new_temporary", full)
    return ["run", str(scenario), "--out", str(tmp / "out")]


def _locked(tmp, scenario, mp):
    fd = os.open(tmp / ".out.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another run holds it (flock: per open file)
    return ["run", str(scenario), "--out", str(tmp / "out")]


def _max_reps_alone(tmp, scenario, mp):
    return ["run", str(scenario), "--out", str(tmp / "out"), "--max-reps", "3"]


def _max_reps_one(tmp, scenario, mp):
    argv = ["run", str(scenario), "--out", str(tmp / "out"), "--reps", "1"]
    return [*argv, "--precision", "0.05", "--max-reps", "1"]


def _no_simulation(mp):
    import carecap.analysis.warmup as warmup

    def refuse(*args, **kwargs):
        raise AssertionError("a simulation ran before the options were checked")

    mp.setattr(warmup, "run_series", refuse)


def _plot_bmp(tmp, scenario, mp):
    _no_simulation(mp)
    return ["warmup", str(scenario), "--plot", str(tmp / "x.bmp")]


def _plot_under_a_file(tmp, scenario, mp):
    _no_simulation(mp)
    (tmp / "plain").write_text("mine")
    return ["warmup", str(scenario), "--plot", str(tmp / "plain" / "x.png")]


def _sweep_into_user_folder(tmp, scenario, mp):
    (tmp / "out").mkdir()
    (tmp / "out" / "notes.txt").write_text("mine")
    return ["sweep", str(write_sweep(tmp / "spec")), "--out", str(tmp / "out"), "--quiet"]


def _sweep_disk_full(tmp, scenario, mp):
    sweep = write_sweep(tmp / "spec")

    def full(path):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    mp.setattr(atomic, "_new_temporary", full)
    return ["sweep", str(sweep), "--out", str(tmp / "out"), "--quiet", "--workers", "1"]


def _status_of_user_folder(tmp, scenario, mp):
    (tmp / "out").mkdir()
    return ["status", str(tmp / "out")]


def _status_of_damaged_sweep_json(tmp, scenario, mp):
    (tmp / "out").mkdir()
    (tmp / "out" / "sweep.json").write_text('{"carecap_sweep": 1, "na')
    return ["status", str(tmp / "out")]


BAD: list[tuple[str, Callable, list[str]]] = [
    ("--out is a file", _file_as_out, ["out", "is a file"]),
    ("--out under a file", _under_a_file, ["plain", "is a file"]),
    ("--out holds user files", _user_folder, ["out", "not a carecap results folder"]),
    (
        "--out holds user files, --overwrite",
        lambda t, s, m: _user_folder(t, s, m, "--overwrite"),
        ["out", "with --overwrite or not"],
    ),
    ("--out holds another run", _other_run, ["out", "another carecap run", "--overwrite"]),
    ("--out not writable", _read_only, ["out", "permission denied"]),
    ("disk full", _disk_full, ["out", "disk is full"]),
    ("another run holds the lock", _locked, ["out", "another carecap run (process"]),
    ("--max-reps without --precision", _max_reps_alone, ["--max-reps", "--precision"]),
    ("--max-reps 1", _max_reps_one, ["--max-reps", "got 1", "at least 2 replications"]),
    ("warmup --plot x.bmp", _plot_bmp, ["--plot", "x.bmp", ".png"]),
    ("warmup --plot under a file", _plot_under_a_file, ["--plot", "is a file"]),
    ("sweep into user files", _sweep_into_user_folder, ["out", "not a sweep's results folder"]),
    ("sweep, disk full", _sweep_disk_full, ["out", "disk is full"]),
    ("status of a non-sweep", _status_of_user_folder, ["out", "sweep.json"]),
    ("status, damaged sweep.json", _status_of_damaged_sweep_json, ["sweep.json", "damaged"]),
]


@pytest.mark.parametrize(("setup", "fragments"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_is_one_paragraph(tmp_path, scenario, monkeypatch, capsys, setup, fragments):
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    argv = setup(tmp_path, scenario, monkeypatch)
    capsys.readouterr()
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.count("carecap: error:") == 1, err
    message = err[err.index("carecap: error:") :]
    assert message.count("\n") == 1, message  # one paragraph, the last thing said
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    for path, content in before.items():  # nothing of the user's was touched
        if path.name != "short.yaml":
            assert path.read_bytes() == content, path


def test_disk_full_keeps_the_old_run(tmp_path, scenario, monkeypatch, capsys):
    out = tmp_path / "out"
    assert run(scenario, out) == 0
    before = (out / "manifest.json").read_bytes()

    def full(path):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(atomic, "_new_temporary", full)
    assert run(scenario, out, "--overwrite", "--reps", "3") == 2
    assert "disk is full" in capsys.readouterr().err
    assert (out / "manifest.json").read_bytes() == before
    monkeypatch.undo()
    assert run(scenario, out) == 0  # the next run cleans up what the failed one left
    assert not list(tmp_path.glob(".out.staging-*"))


# --- the folder is the run's own ---------------------------------------------------------------


def test_the_same_run_is_redone_in_place_and_user_files_stay(tmp_path, scenario):
    out = tmp_path / "out"
    assert run(scenario, out, "--reps", "2") == 0
    (out / "notes.txt").write_text("mine")
    assert run(scenario, out, "--reps", "2") == 0
    assert (out / "notes.txt").read_text() == "mine"
    assert read_manifest(out)["status"] == "complete"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "short.yaml"]  # no lock left


def test_overwrite_replaces_a_different_run_as_a_whole(tmp_path, scenario):
    out = tmp_path / "out"
    assert run(scenario, out, "--reps", "3") == 0
    (out / "plot.png").write_bytes(b"mine")
    assert run(scenario, out, "--reps", "2", "--overwrite") == 0
    manifest = read_manifest(out)
    assert manifest["replications_finished"] == [0, 1]
    assert all(reps == {0, 1} for reps in replications_in(out).values())  # nothing mixed in
    assert set(pd.read_parquet(out / "metrics.parquet")["replication"]) == {0, 1}
    assert (out / "plot.png").read_bytes() == b"mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "short.yaml"]  # no lock left


def test_a_folder_holding_only_the_warmup_plot_is_used_and_the_plot_kept(tmp_path, scenario):
    out = tmp_path / "out"
    out.mkdir()
    (out / "warmup.png").write_bytes(b"plot")  # `carecap warmup` made the folder first
    assert run(scenario, out) == 0
    assert (out / "warmup.png").read_bytes() == b"plot"
    assert read_manifest(out)["status"] == "complete"


def test_out_dot_never_touches_the_working_directorys_files(tmp_path, scenario, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "requests").mkdir()
    (tmp_path / "requests" / "keep.txt").write_text("mine")
    before = sorted(tmp_path.parent.iterdir())
    assert run(scenario, Path(".")) == 2
    assert (tmp_path / "requests" / "keep.txt").read_text() == "mine"
    assert sorted(tmp_path.parent.iterdir()) == before  # not even a lock file


def test_only_marked_staging_folders_are_cleaned_up(tmp_path, scenario):
    stale = tmp_path / ".out.staging-999999-abcd"
    stale.mkdir()
    (stale / run_target.STAGING_MARK).write_text("999999\n")
    (stale / "manifest.json").write_text("{}")
    lookalike = tmp_path / ".out.staging-1-mine"
    lookalike.mkdir()
    (lookalike / "notes.txt").write_text("mine")
    assert run(scenario, tmp_path / "out") == 0
    assert not stale.exists()
    assert (lookalike / "notes.txt").read_text() == "mine"


def test_a_crash_is_status_failed_with_the_error_and_what_finished(tmp_path, scenario, monkeypatch):
    real = replications.simulate

    def crash_on_1(scenario, replication, seed, antithetic=False):
        if replication == 1:
            raise RuntimeError("engine broke")
        return real(scenario, replication, seed, antithetic)

    monkeypatch.setattr(replications, "simulate", crash_on_1)
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match="engine broke"):
        run_to_folder(scenario, reps=3, out=out, workers=1)
    manifest = read_manifest(out)
    assert manifest["status"] == "failed" and "engine broke" in manifest["error"]
    assert manifest["replications_finished"] == [0]
    assert all(reps == {0} for reps in replications_in(out).values())
    # Next to an old complete run, the failed one goes beside it.
    monkeypatch.undo()
    assert run(scenario, out, "--overwrite") == 0
    monkeypatch.setattr(replications, "simulate", crash_on_1)
    with pytest.raises(RuntimeError):
        run_to_folder(scenario, reps=3, out=out, workers=1, overwrite=True)
    assert read_manifest(out)["status"] == "complete"
    (failed,) = tmp_path.glob("out.failed-*")
    assert read_manifest(failed)["status"] == "failed"


def test_a_bug_says_it_is_an_internal_error_and_keeps_its_traceback(
    tmp_path, scenario, monkeypatch, capsys
):
    monkeypatch.setattr(replications, "simulate", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        run(scenario, tmp_path / "out")
    assert "internal error" in capsys.readouterr().err


# --- files people can open; JSON other programs can read ---------------------------------------


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_results_follow_the_umask(tmp_path, scenario, umask):
    previous = os.umask(umask)
    try:
        assert run(scenario, tmp_path / "out", "--reps", "2") == 0
        write_json_atomic(tmp_path / "one.json", {"a": 1})
    finally:
        os.umask(previous)
    paths = [tmp_path / "out", tmp_path / "one.json", *(tmp_path / "out").rglob("*")]
    for path in paths:
        mode = stat.S_IMODE(path.stat().st_mode)
        expected = (0o777 if path.is_dir() else 0o666) & ~umask
        assert mode == expected, (path, oct(mode))


def test_json_has_null_where_a_number_is_not_finite(tmp_path, scenario, capsys):
    data = {"inf": float("inf"), "nan": np.float64("nan"), "rows": [{"x": -np.inf, "y": 1.5}]}
    assert strict_json(dumps(data)) == {"inf": None, "nan": None, "rows": [{"x": None, "y": 1.5}]}
    capsys.readouterr()
    assert run(scenario, tmp_path / "out", "--reps", "1") == 0  # n = 1: no interval (NaN)
    printed = strict_json(capsys.readouterr().out)
    assert any(row["half_width"] is None for row in printed["summary"])
    strict_json((tmp_path / "out" / "manifest.json").read_text())
