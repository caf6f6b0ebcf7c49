"""Read scenario files: YAML in, a validated :class:`~carecap.sim.scenario.model.Scenario` out.

A scenario file is plain YAML, read safely (only mappings, lists, text, numbers, dates, true/false
and null; tags such as ``!!python/object`` are rejected) with the YAML 1.2 core schema (``yes``,
``no``, ``on``, ``off`` are text) and bounded size, depth and alias expansion
(:mod:`carecap.sim.scenario.yaml_core`, :mod:`~carecap.sim.scenario.yaml_bounds`,
:mod:`~carecap.sim.scenario.file_text`). A file may start from another::

    extends: taiyuan_2022.yaml     # relative to this file
    name: taiyuan_more_stations
    bathing_centre: {stations: 6}  # merged into the base's bathing_centre
    home_bathing: null             # removed: this variant has no home bathing

Merge rules (child over base, applied along a chain of any length):

* mappings merge key by key, recursively; the child's value wins;
* lists, text and numbers are replaced whole;
* ``null`` removes the key (the field falls back to its default, e.g. no bathing centre);
* a distribution (a mapping with a ``dist`` key) and a weekly schedule (a mapping of days to
  spans) are single values: when the child gives a whole new one it replaces the base's rather
  than mixing with it (``{dist: uniform, low: 30, high: 60}`` over a lognormal would otherwise
  keep the lognormal's ``mean`` and ``sd``; new opening hours would otherwise keep the base's
  other days). A child mapping without ``dist`` (``{sd: 20}``) still merges into the base's;
* an empty mapping replaces the base's (``hours: {}`` closes, as ``--set PATH={}`` does).

After the chain is merged, a file's ``set:`` block sets dotted field paths, in order (each
file's right after it is merged over its bases)::

    extends: taiyuan-2022.yaml
    name: taiyuan-more-day-staff
    set:
      caregivers.cg_xiaodian.shifts.day.count: 8    # a list item by name (or index: .0.)
      bathing_centre.stations: 18

Paths are resolved by :mod:`carecap.sim.scenario.paths` (the resolver of sweeps and ``--set``);
a key a mapping lacks is added (validation then refuses one that is no field). A path that cannot
be followed, or a value the model rejects, is reported at the ``set:`` entry's file and line.

Every problem raises :class:`~carecap.sim.errors.ScenarioError` naming the file and line where the
bad
text is written (which may be a base file), the dotted field path, the bad value and what is
allowed.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from carecap.sim.errors import FileRef, Problem, ScenarioError
from carecap.sim.scenario.document import not_a_mapping
from carecap.sim.scenario.extends import load_chain
from carecap.sim.scenario.messages import Locator, validation_error_to_scenario_error
from carecap.sim.scenario.model import Scenario
from carecap.sim.scenario.sweep_blocks import VARYING_BLOCKS

__all__ = [
    "ScenarioError",
    "SweepFileGiven",
    "load_scenario",
    "load_scenario_data",
    "load_scenario_with_sources",
    "validate_scenario_data",
    "validation_error_to_scenario_error",
]


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read, merge (``extends:``) and validate the scenario file at ``path``.

    Raises:
        ScenarioError: the file cannot be read or parsed, or the scenario is invalid.
    """
    return load_scenario_with_sources(path)[0]


def load_scenario_with_sources(path: str | os.PathLike[str]) -> tuple[Scenario, list[Path]]:
    """The scenario at ``path`` and the files it was built from, for the run manifest.

    The files are absolute paths, ``path`` first, then the file it extends, and so on.

    Raises:
        ScenarioError: the file cannot be read or parsed, or the scenario is invalid.
    """
    chain = load_chain(Path(path))
    try:
        scenario = validate_scenario_data(chain.data, chain.top, locate=chain.locate)
    except ScenarioError as exc:
        base = _sweep_base_problem(exc)
        if base is not None:
            raise SweepFileGiven(base.file, line=base.line, column=base.column) from None
        raise
    return scenario, [doc.path for doc in chain.docs]


class SweepFileGiven(ScenarioError):
    """A sweep file where a scenario file is expected (``carecap check`` then validates it as a
    sweep file). Built as ``SweepFileGiven(file, line=..., column=...)``; the positional
    arguments are :class:`ScenarioError`'s, so that it pickles (a worker's error)."""

    MESSAGE = (
        "this is a sweep file (it has a top-level 'base:' and what to vary, which no scenario "
        "has), not a scenario: run it with 'carecap sweep', check it with 'carecap check'"
    )

    def __init__(
        self, file: FileRef, field_path: str = "base", message: str = MESSAGE, **where: Any
    ) -> None:
        super().__init__(file, field_path, message, **where)


def _sweep_base_problem(exc: ScenarioError) -> Problem | None:
    """The problem "unknown key 'base'", when ``exc`` refused a sweep file: a top-level ``base:``
    and a block saying what to vary (``grid:`` ...), both written in the loaded file itself (a
    scenario that wrote ``base:`` for ``extends:`` gets the ordinary message)."""
    unknown = {
        p.field_path: p
        for p in exc.problems
        if p.message.startswith("unknown key") and p.file == exc.loaded_file
    }
    if "base" in unknown and any(block in unknown for block in VARYING_BLOCKS):
        return unknown["base"]
    return None


def load_scenario_data(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The merged mapping of the scenario at ``path`` (``extends:`` and ``set:`` applied and
    removed).

    Not validated: use :func:`validate_scenario_data` or :func:`load_scenario` for that.

    Raises:
        ScenarioError: a file cannot be read or parsed, or the ``extends:`` chain is broken.
    """
    return copy.deepcopy(load_chain(Path(path)).data)


def validate_scenario_data(
    data: Mapping[str, Any],
    file: FileRef = None,
    prefix: str = "",
    *,
    locate: Locator | None = None,
) -> Scenario:
    """Validate a scenario mapping, reporting errors as a :class:`ScenarioError` about ``file``.

    ``file`` may be a path or a free label (``"sweep point 3"``); ``prefix`` is prepended to the
    field paths in messages; ``locate`` maps a field path to ``(file, line, column)``.
    """
    if not isinstance(data, Mapping):
        raise ScenarioError(file, prefix, not_a_mapping(data))
    try:
        return Scenario.model_validate(dict(data))
    except ValidationError as exc:
        raise validation_error_to_scenario_error(
            exc, file, prefix, locate=locate, data=data
        ) from None
