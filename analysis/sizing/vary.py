"""``--vary PATH=LOW:HIGH``: the integer capacity fields a sizing search may change.

``PATH`` is a dotted path as in sweeps and ``--set`` (list items by index or by name:
``caregivers.cg_xiaodian.shifts.day.count``, ``bathing_centre.stations``,
``bathing_centre.vans.count``, ``home_bathing.teams.home_core.shifts.0.count``). It must exist in
the scenario and hold a whole number; ``LOW <= HIGH``. A path that sizes a pool's shift group,
the centre's stations or its vans knows its unit's hours and cost
(:mod:`carecap.analysis.sizing.capacity_hours`); any other integer field may be varied too, with
no cost (the search then counts added units).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from carecap.sim.errors import ScenarioError, UsageError
from carecap.sim.scenario.loader import validate_scenario_data
from carecap.sim.scenario.model import Scenario
from carecap.sim.scenario.paths import PATH_PATTERN, PathError, named_path, resolve, set_path

OPTION = "--vary"
_RANGE = re.compile(r"^\s*(-?\d+)\s*:\s*(-?\d+)\s*$")
_EXAMPLE = "e.g. --vary bathing_centre.stations=10:24"

Candidate = tuple[int, ...]
"""One value per varied path, in the order of the ``--vary`` options."""


@dataclass(frozen=True)
class Varied:
    """One varied path: its range, its value in the scenario as given, and what it sizes."""

    path: str
    """As given on the command line."""
    shown: str
    """With list items by name (``caregivers.cg_xiaodian.shifts.day.count``)."""
    concrete: tuple[str, ...]
    low: int
    high: int
    given: int
    """Its value in the scenario as given (after ``--set``)."""
    pool: str | None
    """The pool whose units it counts (``centre`` for stations, ``vans``), or None."""
    group: int
    """The shift group within the pool (0 for stations and vans)."""


def parse_vary(texts: list[str] | None, scenario: Scenario) -> list[Varied]:
    """Parse and check the ``--vary`` options against ``scenario``.

    Raises:
        UsageError: naming ``--vary``, the text and what is wrong: not ``PATH=LOW:HIGH``, a
            path that does not exist (with the nearest names), a field that is not a whole
            number, ``LOW > HIGH``, or one field given twice.
    """
    if not texts:
        raise UsageError(OPTION, f"give at least one field to vary, {_EXAMPLE}")
    data = scenario.model_dump(mode="json", by_alias=True)
    out: list[Varied] = []
    for text in texts:
        path, eq, rng = text.partition("=")
        path = path.strip()
        match = _RANGE.match(rng)
        if not eq or not PATH_PATTERN.match(path) or not match:
            raise UsageError(
                OPTION,
                f"got {text!r}; expected PATH=LOW:HIGH with a dotted field path and two whole "
                f"numbers, {_EXAMPLE}",
            )
        low, high = int(match.group(1)), int(match.group(2))
        try:
            container, key, concrete = resolve(data, path)
        except PathError as exc:
            raise UsageError(
                OPTION,
                f"{path}: {exc.at} does not exist in scenario '{scenario.name}': {exc.reason}",
            ) from None
        value = container[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise UsageError(
                OPTION,
                f"{path}: the field holds {value!r}, not a whole number; only integer fields "
                "(shift counts, stations, vans) can be varied",
            )
        if low > high:
            raise UsageError(OPTION, f"{text!r}: LOW ({low}) is greater than HIGH ({high})")
        if low < 0:
            raise UsageError(OPTION, f"{text!r}: LOW ({low}) must be at least 0")
        for other in out:
            if other.concrete == concrete:
                raise UsageError(
                    OPTION, f"{path} is the same field as {other.path}; vary each field once"
                )
        pool, group = _pool_of(data, concrete)
        shown = named_path(data, path)
        out.append(Varied(path, shown, concrete, low, high, value, pool, group))
    return out


def _pool_of(data: dict[str, Any], concrete: tuple[str, ...]) -> tuple[str | None, int]:
    """The pool (and shift group) whose units the field at ``concrete`` counts."""
    c = concrete
    if len(c) == 5 and c[0] == "caregivers" and c[2] == "shifts" and c[4] == "count":
        return str(data["caregivers"][int(c[1])]["name"]), int(c[3])
    if len(c) == 6 and c[:2] == ("home_bathing", "teams") and (c[3], c[5]) == ("shifts", "count"):
        return str(data["home_bathing"]["teams"][int(c[2])]["name"]), int(c[4])
    if c == ("bathing_centre", "stations"):
        return "centre", 0
    if c == ("bathing_centre", "vans", "count"):
        return "vans", 0
    return None, 0


class CandidateBuilder:
    """Builds (and caches) the validated scenario of each candidate."""

    def __init__(self, scenario: Scenario, varied: list[Varied]) -> None:
        self.base = scenario
        self.varied = varied
        self._data = scenario.model_dump(mode="json", by_alias=True)
        self._cache: dict[Candidate, Scenario] = {}

    def overrides(self, candidate: Candidate) -> dict[str, int]:
        return {v.shown: int(x) for v, x in zip(self.varied, candidate, strict=True)}

    def scenario(self, candidate: Candidate) -> Scenario:
        """The scenario with each varied path at its candidate value.

        Raises:
            UsageError: the scenario refuses a value of the range (names ``--vary``).
        """
        if candidate not in self._cache:
            data = copy.deepcopy(self._data)
            for v, x in zip(self.varied, candidate, strict=True):
                set_path(data, v.path, int(x))
            label = ", ".join(f"{v.shown}={x}" for v, x in zip(self.varied, candidate, strict=True))
            try:
                self._cache[candidate] = validate_scenario_data(data, f"candidate {label}")
            except ScenarioError as exc:
                raise UsageError(
                    OPTION, f"scenario '{self.base.name}' refuses the candidate {label}: {exc}"
                ) from None
        return self._cache[candidate]

    def top(self) -> Candidate:
        return tuple(v.high for v in self.varied)

    def given(self) -> Candidate:
        return tuple(v.given for v in self.varied)
