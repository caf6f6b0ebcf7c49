"""``--set PATH=VALUE``: dotted-path settings given on the command line.

``carecap run SCENARIO --set caregivers.cg_xiaodian.shifts.day.count=6 --set
bathing_centre.vans=null`` changes the loaded scenario (after its own ``extends:`` and ``set:``)
in the order given; a path given twice takes the last value. Paths are resolved by
:mod:`carecap.sim.scenario.paths` (list items by index or name), values read as one YAML 1.2
value (:func:`carecap.sim.scenario.yaml_core.parse_value`). Every problem is a
:class:`~carecap.sim.errors.UsageError` naming ``--set`` and the path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from carecap.sim.errors import FileRef, ScenarioError, UsageError, file_label
from carecap.sim.scenario.model import Scenario
from carecap.sim.scenario.paths import PATH_PATTERN, PathError, set_path
from carecap.sim.scenario.wording import show
from carecap.sim.scenario.yaml_core import ImpossibleValue, parse_value

OPTION = "--set"
_EXAMPLE = "e.g. --set caregivers.cg_xiaodian.shifts.0.count=6"


def parse_set_options(texts: Iterable[str] | None) -> dict[str, Any]:
    """``["a.b=6", "c=[1, 2]"]`` -> ``{"a.b": 6, "c": [1, 2]}`` (a path given twice: the last).

    Raises:
        UsageError: a text is not ``PATH=VALUE``, the path is not a dotted path, or the value is
            not one YAML value.
    """
    out: dict[str, Any] = {}
    for text in texts or ():
        path, eq, raw = text.partition("=")
        path = path.strip()
        if not eq:
            raise UsageError(OPTION, f"got {text!r}; expected PATH=VALUE, {_EXAMPLE}")
        if not PATH_PATTERN.match(path):
            raise UsageError(
                OPTION,
                f"got {text!r}: {path!r} is not a dotted field path such as "
                f"bathing_centre.stations or caregivers.cg_xiaodian.shifts.0.count",
            )
        try:
            value = parse_value(raw.strip())
        except ImpossibleValue as exc:
            raise UsageError(OPTION, f"{path}: {exc}") from None
        except ValueError as exc:
            raise UsageError(
                OPTION, f"{path}: the value {raw.strip()!r} is not one YAML value ({exc})"
            ) from None
        out.pop(path, None)
        out[path] = value
    return out


def jsonable_sets(sets: Mapping[str, Any]) -> dict[str, Any]:
    """The settings as plain JSON data (dates as ``YYYY-MM-DD``), for the manifest."""

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        return value

    return {path: plain(value) for path, value in sets.items()}


def apply_set_options(scenario: Scenario, sets: Mapping[str, Any], file: FileRef) -> Scenario:
    """``scenario`` with the ``--set`` settings applied, validated (``file`` names it).

    Raises:
        UsageError: a path does not exist in the scenario (with the nearest names), or the
            scenario refuses a value; the message names ``--set``, the path and what is allowed.
    """
    if not sets:
        return scenario
    from carecap.sim.scenario.loader import validate_scenario_data

    data = scenario.model_dump(mode="json", by_alias=True)
    concrete: dict[str, tuple[str, ...]] = {}
    for path, value in sets.items():
        try:
            concrete[path] = set_path(data, path, value)
        except PathError as exc:
            raise UsageError(
                OPTION,
                f"{path}: {exc.at} does not exist in scenario '{scenario.name}' "
                f"({file_label(file)}): {exc.reason}",
            ) from None
    try:
        return validate_scenario_data(data, file)
    except ScenarioError as exc:
        problems = []
        for p in exc.problems:
            field = tuple(x for x in p.field_path.split(".") if x)
            mine = [
                s for s, c in concrete.items() if field[: len(c)] == c or c[: len(field)] == field
            ]
            given = ", ".join(f"{s}={show(sets[s], 40)}" for s in mine or concrete)
            problems.append(f"{given}: {p.field_path}: {p.message}")
        raise UsageError(
            OPTION,
            f"scenario '{scenario.name}' ({file_label(file)}) refuses "
            + ("this value" if len(problems) == 1 else "these values")
            + ": "
            + " ".join(problems),
        ) from None
