"""The command line runs OpenBLAS on one thread unless the environment says otherwise
(``sim/cli/__init__.py``): checked in fresh processes, where numpy loads after the setting."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = (
    "import os, carecap.sim.cli, numpy; "
    "print(os.environ['OPENBLAS_NUM_THREADS'], numpy.__name__ in __import__('sys').modules)"
)


@pytest.mark.parametrize(("given", "expected"), [(None, "1"), ("3", "3")])
def test_one_blas_thread_unless_set(given: str | None, expected: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == [expected, "True"]


def test_the_cli_package_loads_before_numpy() -> None:
    """Importing the command's entry point must not have loaded numpy before the setting (the
    package ``carecap.sim`` loads its modules on first use)."""
    code = (
        "import sys, carecap.sim; assert 'numpy' not in sys.modules; "
        "import carecap.sim.cli; assert 'numpy' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(("given", "expected"), [(None, "system"), ("mimalloc", "mimalloc")])
def test_arrow_allocates_with_malloc_unless_set(given: str | None, expected: str) -> None:
    """Record tables are converted and written through pyarrow: its default pool (mimalloc)
    keeps their memory after writing, the system allocator returns it (sim/cli/__init__.py)."""
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if given is not None:
        env["ARROW_DEFAULT_MEMORY_POOL"] = given
    probe = "import carecap.sim.cli, pyarrow; print(pyarrow.default_memory_pool().backend_name)"
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split()[-1] == expected
