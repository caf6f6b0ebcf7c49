"""What makes a results folder's run differ from the run asked for, in the user's options.

A run's identity (its ``run`` key in ``manifest.json``) is the scenario hash, the seed, the
number of replications, the ``--precision`` settings, the ``--set`` settings and, when off, the
records. :func:`differences` names each part that differs as the option that sets it, with this
run's value and the folder's, so the refusal to replace a folder says what to change.
"""

from __future__ import annotations

import json
from typing import Any

NOT_GIVEN = "not given"

_PRECISION_OPTIONS = (
    ("precision", "--precision"),
    ("metrics", "--precision-metrics"),
    ("max_reps", "--max-reps"),
)


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """One phrase per differing part of the run keys ``old`` (the folder's) and ``new``, e.g.
    ``"--precision not given (the folder's run: 0.05)"``; empty when they are equal."""
    found: list[str] = []
    sets_differ = (old.get("set") or {}) != (new.get("set") or {})
    # --set changes the resolved scenario and so its hash: then --set is the difference named
    if old.get("scenario_hash") != new.get("scenario_hash") and not sets_differ:
        found.append(
            f"the scenario (hash {_short(new.get('scenario_hash'))}; the folder's run: "
            f"{_short(old.get('scenario_hash'))}: the file, a file it extends or its set: "
            "changed)"
        )
    for key, option in (("seed", "--seed"), ("replications", "--reps")):
        if old.get(key) != new.get(key):
            found.append(f"{option} {new.get(key)} (the folder's run: {old.get(key)})")
    found += _precision_differences(old.get("more"), new.get("more"))
    if sets_differ:
        found.append(f"--set {_sets(new.get('set'))} (the folder's run: {_sets(old.get('set'))})")
    if old.get("records", True) != new.get("records", True):
        found.append(f"--{_records(new)} (the folder's run: --{_records(old)})")
    known = {"scenario_hash", "seed", "replications", "more", "set", "records"}
    for key in sorted((set(old) | set(new)) - known):  # a part this version does not know
        if old.get(key) != new.get(key):
            found.append(f"{key} {new.get(key)} (the folder's run: {old.get(key)})")
    return found


def _precision_differences(old: Any, new: Any) -> list[str]:
    if old == new:
        return []
    if not isinstance(old, dict) or not isinstance(new, dict):  # given in one run only
        return [f"--precision {_precision(new)} (the folder's run: {_precision(old)})"]
    return [
        f"{option} {_value(new.get(key))} (the folder's run: {_value(old.get(key))})"
        for key, option in _PRECISION_OPTIONS
        if old.get(key) != new.get(key)
    ]


def _precision(more: Any) -> str:
    if not isinstance(more, dict):
        return NOT_GIVEN
    return str(more.get("precision"))


def _value(value: Any) -> str:
    if value is None:
        return NOT_GIVEN
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def _sets(sets: Any) -> str:
    if not sets:
        return NOT_GIVEN
    return " ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in sets.items())


def _records(key: dict[str, Any]) -> str:
    return "records" if key.get("records", True) else "no-records"


def _short(scenario_hash: Any) -> str:
    return str(scenario_hash)[:12]
