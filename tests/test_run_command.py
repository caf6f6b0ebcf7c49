"""`carecap run` end to end: outputs, reproducibility across workers, Ctrl-C keeps results."""

from __future__ import annotations

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

from carecap.sim.cli.main import main

SMALL = Path(__file__).parent / "data" / "small.yaml"


@pytest.fixture
def short_small(tmp_path) -> Path:
    data = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    data["calendar"]["horizon_days"] = 30
    path = tmp_path / "short.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_run_writes_records_metrics_summary_and_manifest(short_small, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(short_small), "--reps", "3", "--out", str(out), "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    assert "Care visits" in printed or "care" in printed.lower()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["replications_finished"] == [0, 1, 2]
    assert len(manifest["scenario_hash"]) == 64
    assert manifest["scenario"]["name"] == "small"
    assert {"simpy", "numpy", "python"} <= set(manifest["versions"])
    requests = pd.read_parquet(out / "requests")
    assert sorted(requests["replication"].astype(int).unique()) == [0, 1, 2]
    metrics = pd.read_parquet(out / "metrics.parquet")
    assert set(metrics["replication"]) == {0, 1, 2}
    summary = pd.read_parquet(out / "summary.parquet")
    assert (summary.loc[summary.n > 1, "ci_low"] <= summary.loc[summary.n > 1, "mean"]).all()
    assert (out / "summary.txt").read_text().strip()
    assert not list(out.rglob(".tmp-*"))  # nothing half-written left behind


def test_json_summary_is_machine_readable(short_small, tmp_path, capsys):
    assert (
        main(["run", str(short_small), "--reps", "2", "--out", str(tmp_path / "o"), "--json"]) == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["replications"] == 2
    rows = data["summary"]
    assert any(r["metric"] == "wait_mean" and r["service"] == "care_visit" for r in rows)


def test_results_do_not_depend_on_the_number_of_workers(short_small, tmp_path):
    for workers in ("1", "2"):
        args = ["run", str(short_small), "--reps", "3", "--workers", workers, "--json"]
        assert main([*args, "--out", str(tmp_path / workers)]) == 0
    one = pd.read_parquet(tmp_path / "1" / "requests").sort_values(["replication", "request_id"])
    two = pd.read_parquet(tmp_path / "2" / "requests").sort_values(["replication", "request_id"])
    pd.testing.assert_frame_equal(one.reset_index(drop=True), two.reset_index(drop=True))
    m1 = pd.read_parquet(tmp_path / "1" / "metrics.parquet")
    m2 = pd.read_parquet(tmp_path / "2" / "metrics.parquet")
    pd.testing.assert_frame_equal(m1, m2)


def test_ctrl_c_keeps_the_finished_replications(tmp_path):
    data = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    data["calendar"]["horizon_days"] = 365  # slow enough to interrupt between replications
    scenario = tmp_path / "long.yaml"
    scenario.write_text(yaml.safe_dump(data), encoding="utf-8")
    out = tmp_path / "out"
    cmd = [
        sys.executable,
        "-m",
        "carecap.sim.cli.main",
        "run",
        str(scenario),
        "--reps",
        "200",
        "--workers",
        "1",
        "--out",
        str(out),
    ]
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        preexec_fn=ctrl_c_as_in_a_terminal,
    )
    deadline = time.monotonic() + 60
    for line in proc.stderr:  # progress lines: "replication   1 done in ... (2/200)"
        if b"(2/200)" in line or time.monotonic() > deadline:
            break
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=60)
    assert proc.returncode == 130
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted"
    finished = manifest["replications_finished"]
    assert len(finished) >= 2
    metrics = pd.read_parquet(out / "metrics.parquet")
    assert sorted(set(metrics["replication"])) == finished
    requests = pd.read_parquet(out / "requests")
    assert set(requests["replication"].astype(int)) >= set(finished)
    assert not list(out.rglob(".tmp-*"))


def test_bad_scenario_exits_2_without_traceback(tmp_path, capsys):
    assert main(["run", str(tmp_path / "missing.yaml")]) == 2
    err = capsys.readouterr().err
    assert "missing.yaml" in err and "Traceback" not in err
