"""Session-scoped results folders for the loader and plot tests (tests/test_load*.py,
tests/test_plots*.py): one small real run and one small real sweep, each made once per session.

A test module declares its own session fixture calling :func:`small_run_folder` or
:func:`small_sweep_folder`; each folder is still made once per session (kept here). Tests must
not change these folders: copy one (:func:`copy_folder`) to damage it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from sweep_helpers import write_sweep

from carecap.sim.experiments.run_folder import run_to_folder
from carecap.sim.experiments.sweep_run import run_sweep_file

DATA = Path(__file__).parent / "data"
RUN_REPS = 3
RUN_HORIZON_DAYS, RUN_WARMUP_DAYS = 42, 7
DISTRICT_LABELS = {"a": "万柏林区 Wanbailin", "b": "清徐县 Qingxu"}


def small_scenario(folder: Path) -> Path:
    """tests/data/small.yaml over 42 days (7 of warm-up), districts labelled in Chinese, a
    district target for alarms in b, and common thresholds (``report_within_*``)."""
    data = yaml.safe_load((DATA / "small.yaml").read_text(encoding="utf-8"))
    data["calendar"].update(horizon_days=RUN_HORIZON_DAYS, warmup_days=RUN_WARMUP_DAYS)
    for name, label in DISTRICT_LABELS.items():
        data["districts"][name] = {"label": label}
    services = data["services"]
    services["alarm"].update(target_min_by_district={"b": 60}, report_within_min=[30, 60])
    services["care_visit"]["report_within_days"] = [2, 7]
    services["bath"]["report_within_days"] = [7, 14]
    path = folder / "small-labelled.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


_MADE: dict[str, Path] = {}


def small_run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete ``carecap run`` folder: :func:`small_scenario`, 3 replications, seed 5."""
    if "run" not in _MADE:
        root = tmp_path_factory.mktemp("small-run")
        out = root / "run"
        run_to_folder(small_scenario(root), reps=RUN_REPS, seed=5, out=out, workers=1)
        _MADE["run"] = out
    return _MADE["run"]


def small_sweep_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete ``carecap sweep --records`` folder: tests/data/sweep-small.yaml (3 x 2
    points: day-shift caregivers x centre stations, 20 days), 3 replications."""
    if "sweep" not in _MADE:
        root = tmp_path_factory.mktemp("small-sweep")
        sweep_file = write_sweep(root, replications=3)
        out = root / "sweep"
        run_sweep_file(sweep_file, out=out, workers=1, records=True)
        _MADE["sweep"] = out
    return _MADE["sweep"]


def copy_folder(folder: Path, to: Path) -> Path:
    """A copy of a results folder, to damage in a test."""
    shutil.copytree(folder, to)
    return to
