"""The run manifest: what was run, how, with what, and how long it took."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from carecap.sim.scenario.model import Scenario

PACKAGES = ("carecap", "simpy", "numpy", "scipy", "pandas", "pyarrow", "pydantic", "pyyaml")


def scenario_content(scenario: Scenario) -> dict[str, Any]:
    """The fully resolved scenario as plain JSON data."""
    return scenario.model_dump(mode="json", by_alias=True)


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the resolved scenario's canonical JSON: equal scenarios, equal hashes."""
    text = json.dumps(scenario_content(scenario), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def package_versions() -> dict[str, str]:
    out = {"python": sys.version.split()[0]}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def build_manifest(
    scenario: Scenario,
    sources: list[Path],
    seed: int,
    replications: list[int],
    finished: list[int],
    status: str,
    timings: dict[str, Any],
    argv: list[str],
    error: str | None = None,
    run_key: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The manifest of ``carecap run``'s results folder.

    ``status`` is ``complete``, ``interrupted`` or ``failed`` (then ``error`` says why);
    ``replications_finished`` are exactly the replications whose records and metrics are in the
    folder. ``run`` (``run_key``) is what makes two runs the same run: scenario hash, seed, the
    initial replications, the precision settings and the ``--set`` settings (``set``, also
    recorded at the top level: ``{dotted.path: value}``, applied after the scenario files).
    """
    return {
        "carecap_manifest": 1,
        "status": status,
        "error": error,
        "run": run_key,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": argv,
        "scenario_name": scenario.name,
        "scenario_hash": scenario_hash(scenario),
        "scenario_files": [str(p) for p in sources],
        "set": (run_key or {}).get("set") or {},
        "seed": seed,
        "replications_requested": replications,
        "replications_finished": sorted(finished),
        "versions": package_versions(),
        "platform": platform.platform(),
        "timings": timings,
        "scenario": scenario_content(scenario),
    }
