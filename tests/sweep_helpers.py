"""Helpers shared by the sweep tests (tests/test_sweep_*.py, tests/test_executors.py)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

DATA = Path(__file__).parent / "data"
SWEEP_SMALL = DATA / "sweep-small.yaml"
"""6 points x 4 replications of small.yaml over 20 days (about 0.1 s a run)."""


def write_sweep(folder: Path, name: str = "sweep.yaml", **changes: Any) -> Path:
    """A copy of sweep-small.yaml in ``folder`` with top-level keys replaced (``None`` removes
    one); the base scenario is copied next to it."""
    data = yaml.safe_load(SWEEP_SMALL.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA / "small.yaml", folder / "small.yaml")
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def metric_files(directory: Path) -> list[str]:
    """The runs' metrics files of a results folder, relative to it, sorted."""
    return sorted(str(p.relative_to(directory)) for p in Path(directory).glob("runs/*/r*.parquet"))


def assert_same_results(a: Path, b: Path) -> None:
    """Two results folders hold the same runs with identical metrics frames."""
    files = metric_files(a)
    assert files, f"no runs in {a}"
    assert files == metric_files(b)
    for rel in files:
        pd.testing.assert_frame_equal(pd.read_parquet(a / rel), pd.read_parquet(b / rel))


def stray_files(directory: Path) -> list[Path]:
    """Files in a results folder that are neither a known output nor a temporary (.tmp-*)."""
    known = {"sweep.json", "summary.parquet", ".lock"}
    out = []
    for p in Path(directory).rglob("*"):
        if p.is_dir() or p.name in known or p.name.startswith(".tmp-"):
            continue
        if p.parent.parent.name == "runs" and p.suffix in (".json", ".parquet"):
            continue
        out.append(p)
    return out


# --- task functions for the executor tests (module-level: workers import them by name) ---------


def square_or_fail(x: int) -> int:
    """``x * x``; raises ``ValueError`` for odd ``x``."""
    if x % 2:
        raise ValueError(f"odd {x}")
    return x * x


def die_once(task: tuple[str, int]) -> int:
    """Kill the worker process the first time it sees ``task`` (a marker file remembers it)."""
    import os
    import signal

    marker, x = task
    if x == 3 and not os.path.exists(marker):
        open(marker, "w").close()
        os.kill(os.getpid(), signal.SIGKILL)
    return x


def die_always(x: int) -> int:
    """Kill the worker process for ``x == 3``, every time."""
    import os
    import signal
    import time

    if x == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(0.05)
    return x
