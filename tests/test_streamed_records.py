"""The memory-lean paths give exactly what the whole-table paths give.

* the kernel reads the demand tape one block at a time (``kernel.FEED_BLOCK``): a block of a
  few rows gives the same records and metrics as one block holding the whole tape;
* record tables written in row groups (:mod:`carecap.sim.experiments.record_parquet`) read back
  equal to ``DataFrame.to_parquet`` of the whole table with the ``scenario`` column;
* ``carecap run --no-records`` writes the same metrics as a run with records, and no records.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from carecap.sim.cli.main import main
from carecap.sim.engine import kernel
from carecap.sim.experiments.record_parquet import write_record_parquet
from carecap.sim.experiments.replications import RECORD_TABLES, simulate
from carecap.sim.scenario.loader import load_scenario
from carecap.sim.scenario.set_options import apply_set_options

ROOT = Path(__file__).resolve().parents[1]
TAIYUAN = ROOT / "scenarios/taiyuan-2022.yaml"


@pytest.fixture(scope="module")
def short_taiyuan():
    """Six weeks of the Taiyuan baseline (alarms, visits, both bathing routes, vans)."""
    return apply_set_options(load_scenario(TAIYUAN), {"calendar.horizon_days": 42}, TAIYUAN)


@pytest.fixture(scope="module")
def whole_tape(short_taiyuan):
    return simulate(short_taiyuan, 0, 11)


def test_feed_blocks_do_not_change_records_or_metrics(short_taiyuan, whole_tape, monkeypatch):
    records, metrics = whole_tape
    assert len(records.requests) > 7 * 50  # many blocks below
    monkeypatch.setattr(kernel, "FEED_BLOCK", 7)
    small_records, small_metrics = simulate(short_taiyuan, 0, 11)
    for table in RECORD_TABLES:
        pd.testing.assert_frame_equal(
            getattr(small_records, table), getattr(records, table), check_exact=True
        )
    pd.testing.assert_frame_equal(small_metrics, metrics, check_exact=True)


def _whole_table_parquet(frame: pd.DataFrame, scenario: str, path: Path) -> pd.DataFrame:
    """What the records path wrote before: a copy with the column, converted whole."""
    copy = frame.copy()
    copy.insert(0, "scenario", pd.Categorical([scenario] * len(copy)))
    copy.to_parquet(path, index=False)
    return pd.read_parquet(path)


@pytest.mark.parametrize("table", RECORD_TABLES)
@pytest.mark.parametrize("rows", [None, 0])
def test_row_groups_read_back_equal_to_the_whole_table(whole_tape, tmp_path, table, rows):
    records = whole_tape[0]
    frame = getattr(records, table)
    frame = frame if rows is None else frame.iloc[:rows]
    expected = _whole_table_parquet(frame, records.scenario, tmp_path / "whole.parquet")
    write_record_parquet(tmp_path / "groups.parquet", frame, records.scenario, rows_per_group=97)
    got = pd.read_parquet(tmp_path / "groups.parquet")
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    for column in expected.columns:  # categories in the same order, not only the same values
        if isinstance(expected[column].dtype, pd.CategoricalDtype):
            assert got[column].dtype == expected[column].dtype, column
    if len(frame) > 97:
        import pyarrow.parquet as pq

        groups = pq.ParquetFile(tmp_path / "groups.parquet").num_row_groups
        assert groups == -(-len(frame) // 97)


def test_no_records_run_writes_the_same_metrics_and_no_records(tmp_path):
    days = ["--set", "calendar.horizon_days=42"]
    common = ["run", str(TAIYUAN), "--reps", "2", "--workers", "1", *days]
    assert main([*common, "--out", str(tmp_path / "with")]) == 0
    assert main([*common, "--no-records", "--out", str(tmp_path / "without")]) == 0
    with_records = pd.read_parquet(tmp_path / "with" / "metrics.parquet")
    without = pd.read_parquet(tmp_path / "without" / "metrics.parquet")
    pd.testing.assert_frame_equal(without, with_records, check_exact=True)
    assert all((tmp_path / "with" / t).is_dir() for t in RECORD_TABLES)
    assert not any((tmp_path / "without" / t).exists() for t in RECORD_TABLES)
    import json

    manifest = json.loads((tmp_path / "without" / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["replications_finished"] == [0, 1]
    assert manifest["run"]["records"] is False
