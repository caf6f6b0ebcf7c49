"""Shared fixtures. Keep each small and say what it gives."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

SMALL_SCENARIO = Path(__file__).parent / "data" / "small.yaml"
"""A small valid scenario (two districts, every service and resource present)."""


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
