"""A damaged run file of a sweep (empty or truncated row or Parquet): `carecap status` reports it,
readers skip it, and resuming the sweep redoes the run, with the results of an undamaged sweep."""

from __future__ import annotations

import json
import shutil

import pytest
from sweep_helpers import assert_same_results, write_sweep

from carecap.sim.cli.main import main
from carecap.sim.experiments.sweep_files import metrics_relpath, row_relpath
from carecap.sim.experiments.sweep_results import read_point_metrics
from carecap.sim.experiments.sweep_store import store_at


def truncate(path, keep: float) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


DAMAGES = [
    ("empty parquet", lambda out: truncate(out / metrics_relpath("p0001", 0), 0.0)),
    ("truncated parquet", lambda out: truncate(out / metrics_relpath("p0001", 0), 0.6)),
    ("empty row", lambda out: truncate(out / row_relpath("p0001", 0), 0.0)),
    ("truncated row", lambda out: truncate(out / row_relpath("p0001", 0), 0.5)),
]


@pytest.mark.parametrize("damage", [d[1] for d in DAMAGES], ids=[d[0] for d in DAMAGES])
def test_damaged_run_is_reported_skipped_and_redone(tmp_path, capsys, damage):
    sweep = write_sweep(tmp_path / "spec", replications=2)
    out, reference = tmp_path / "out", tmp_path / "reference"
    argv = ["sweep", str(sweep), "--workers", "1", "--quiet"]
    assert main([*argv, "--out", str(out)]) == 0
    shutil.copytree(out, reference)
    damage(out)
    total = store_at(out).status().total

    capsys.readouterr()
    assert main(["status", str(out)]) == 0
    text = capsys.readouterr().out
    assert f"done {total - 1} / {total}" in text and "pending 1" in text
    assert "damaged" in text and "p0001/r0000" in text
    assert sorted(read_point_metrics(out, "p0001")["replication"].unique()) == [1]

    assert main([*argv, "--out", str(out)]) == 0  # resume
    status = store_at(out).status()
    assert (status.done, status.damaged) == (total, [])
    assert json.loads((out / row_relpath("p0001", 0)).read_text())["status"] == "ok"
    assert_same_results(reference, out)
