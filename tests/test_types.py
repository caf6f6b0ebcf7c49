"""The type checker (mypy, configured in pyproject.toml) is clean on ``carecap.sim``.

The folders ``sim/`` and ``analysis/`` install as ``carecap.sim`` and ``carecap.analysis``
through a setuptools mapping that mypy cannot follow, so the check runs on a temporary tree in
which ``carecap/sim`` and ``carecap/analysis`` are links to the folders. By hand::

    python tests/test_types.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_mypy(tree: Path) -> subprocess.CompletedProcess[str]:
    package = tree / "carecap"
    package.mkdir(exist_ok=True)
    for name in ("sim", "analysis"):
        link = package / name
        if not link.exists():
            link.symlink_to(ROOT / name, target_is_directory=True)
    return subprocess.run(
        [
            *(sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml")),
            *("--cache-dir", str(tree / ".mypy_cache"), "-p", "carecap.sim"),
        ],
        cwd=tree,
        capture_output=True,
        text=True,
        env={**os.environ, "MYPYPATH": str(tree)},
    )


def test_sim_type_checks(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    result = run_mypy(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        done = run_mypy(Path(tmp))
        print(done.stdout + done.stderr, end="")
        sys.exit(done.returncode)
