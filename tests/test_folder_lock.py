"""The lock of a results folder (sim/experiments/folder_lock.py): one holder at a time, and no
lock file left once the command ends, normally, on an error or on Ctrl-C; removing it never lets
two holders in (a process that opened the file before its removal must not hold a lock on it)."""

from __future__ import annotations

import fcntl
import os

import pytest

from carecap.sim.cli.main import main
from carecap.sim.experiments.folder_lock import exclusive_lock


class Busy(Exception):
    pass


def lock(path):
    return exclusive_lock(path, lambda holder: Busy(holder))


def test_the_lock_file_is_removed_when_the_block_ends_however_it_ends(tmp_path):
    path = tmp_path / ".out.lock"
    with lock(path):
        assert path.read_text() == str(os.getpid())
        with pytest.raises(Busy, match=str(os.getpid())), lock(path):
            pass  # a second holder is refused at once (flock: per open file)
    assert not path.exists()
    for stop in (RuntimeError("failed"), KeyboardInterrupt()):
        with pytest.raises(type(stop)), lock(path):
            raise stop
        assert not path.exists()


def test_a_refused_holder_leaves_the_holders_file(tmp_path):
    path = tmp_path / ".out.lock"
    with lock(path):
        with pytest.raises(Busy), lock(path):
            pass
        assert path.exists()  # still the holder's


def test_a_file_opened_before_its_removal_is_not_taken_for_the_lock(tmp_path):
    from carecap.sim.experiments.folder_lock import _names

    path = tmp_path / ".out.lock"
    with lock(path):
        early = os.open(path, os.O_RDWR)  # a second process, between its open and its flock
    try:
        with lock(path):  # a third process takes the lock on a new file at the path
            fcntl.flock(early, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the removed file: no conflict
            assert not _names(path, early)  # so the second process starts again ...
            with pytest.raises(Busy), lock(path):  # ... and is refused on the new file
                pass
    finally:
        os.close(early)


def test_no_lock_file_beside_the_folder_after_a_run(small_scenario_data, write_scenario, tmp_path):
    small_scenario_data["calendar"]["horizon_days"] = 20
    scenario = write_scenario(small_scenario_data)
    argv = ["run", str(scenario), "--reps", "1", "--workers", "1", "--out", str(tmp_path / "out")]
    assert main(argv) == 0
    assert main([*argv, "--reps", "2"]) == 2  # refused: a different run in the folder
    assert not list(tmp_path.glob(".*.lock"))
