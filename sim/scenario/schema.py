"""JSON Schema of the scenario file format, for editors that validate and complete YAML.

Generated from :class:`~carecap.sim.scenario.model.Scenario`, then adjusted so that it describes
what authors *write* rather than the validated objects: ``extends:`` and ``set:`` are allowed at
the top level, a bare number stands for a fixed distribution, and weekly schedules are
``always`` or a mapping of days to ``"HH:MM-HH:MM"`` spans. Point an editor at it, e.g. with a
first line ``# yaml-language-server: $schema=carecap-scenario.schema.json``.
"""

from __future__ import annotations

from typing import Any

from carecap.sim.scenario.distributions import DIST_NAMES
from carecap.sim.scenario.model import Scenario
from carecap.sim.scenario.paths import PATH_PATTERN

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

_DAY = "(mon|tue|wed|thu|fri|sat|sun)"
_SPAN = r"^\s*\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}\s*$"

_SCHEDULE: dict[str, Any] = {
    "title": "WeeklySchedule",
    "description": (
        "Opening hours or a shift: 'always', or a mapping from days (mon..sun, a range such as "
        'mon-fri, or daily) to a list of "HH:MM-HH:MM" spans; a span must end after it starts.'
    ),
    "anyOf": [
        {"const": "always"},
        {
            "type": "object",
            "propertyNames": {"pattern": rf"^\s*(daily|{_DAY}(\s*-\s*{_DAY})?)\s*$"},
            "additionalProperties": {
                "anyOf": [
                    {"type": "string", "pattern": _SPAN},
                    {"type": "array", "items": {"type": "string", "pattern": _SPAN}},
                ]
            },
        },
    ],
}


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario YAML file."""
    schema = Scenario.model_json_schema()
    schema = _allow_bare_numbers(schema)
    schema["$defs"]["WeeklySchedule"] = _SCHEDULE
    schema["properties"] = {
        "extends": {
            "type": "string",
            "title": "Extends",
            "description": (
                "Scenario file this one starts from (relative to this file); mappings merge, "
                "other values replace, null removes a key."
            ),
        },
        "set": {
            "type": "object",
            "title": "Set",
            "description": (
                "Dotted field paths and their values, applied after extends: is resolved, e.g. "
                "{caregivers.cg_xiaodian.shifts.0.count: 6}; a list item by index or, for pools, "
                "teams and named shift groups, by name."
            ),
            "propertyNames": {"pattern": PATH_PATTERN.pattern},
        },
        **schema["properties"],
    }
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        **schema,
        "title": "carecap scenario",
    }


def _allow_bare_numbers(node: Any) -> Any:
    """Wrap each distribution (a union discriminated on ``dist``) to also accept a number."""
    if isinstance(node, list):
        return [_allow_bare_numbers(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _allow_bare_numbers(value) for key, value in node.items()}
    discriminator = out.get("discriminator")
    if isinstance(discriminator, dict) and discriminator.get("propertyName") == "dist":
        union = {key: out.pop(key) for key in ("discriminator", "oneOf") if key in out}
        out["anyOf"] = [
            {"type": "number", "minimum": 0, "description": "a fixed value"},
            union,
        ]
        out.setdefault("description", f"A number, or a distribution: {', '.join(DIST_NAMES)}.")
    return out
