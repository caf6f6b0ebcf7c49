"""Shared fixtures. Keep each small and say what it gives."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, settings

SMALL_SCENARIO = Path(__file__).parent / "data" / "small.yaml"
"""A small valid scenario (two districts, every service and resource present)."""


@pytest.fixture(scope="session")
def sized(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Any]]:
    """(folder, scenario file, the JSON ``carecap size --json`` printed) of one small M/M/c
    sizing search (size_helpers.size_search), made once per session for the size-folder and
    report tests."""
    from size_helpers import size_search

    return size_search(tmp_path_factory.mktemp("size-report"))


@pytest.fixture
def small_scenario_data() -> dict[str, Any]:
    """A fresh, mutable copy of tests/data/small.yaml as a mapping."""
    return yaml.safe_load(SMALL_SCENARIO.read_text(encoding="utf-8"))


@pytest.fixture
def write_scenario(tmp_path: Path) -> Callable[..., Path]:
    """``write_scenario(data, name="scenario.yaml") -> Path``: write a mapping (as YAML) or a
    string (verbatim) to ``tmp_path / name`` and return the path."""

    def write(data: Any, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        return path

    return write


# --- hypothesis profiles (property tests: tests/strategies.py) --------------------------------
# ``HYPOTHESIS_PROFILE=ci pytest``: the same examples on every CI run (derandomized, no example
# database), no per-example deadline (a simulation run takes tens of milliseconds, more on a
# loaded runner), and the failing example printed in full. Tests keep their own max_examples.
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# CI (which sets CI=true) uses the ci profile unless told otherwise.
_default_profile = "ci" if os.environ.get("CI") else "default"
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", _default_profile))


# --- one worker for the tests that read the session's shared results folders -----------------
# A session fixture is made once per pytest-xdist worker, so ``sized``, ``small_run`` and
# ``small_sweep`` (real runs, ~50 s of CPU together) were made on both workers. The tests that
# use them form one xdist group (``--dist loadgroup`` in pyproject.toml), run by one worker;
# every other test is still handed out one at a time.
SHARED_RESULTS = frozenset({"sized", "small_run", "small_sweep"})


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own, which reads the group markers
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SHARED_RESULTS & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.xdist_group("shared-results"))
