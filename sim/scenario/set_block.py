"""A scenario file's ``set:`` block: dotted field paths set, in order, on the merged mapping.

Paths are resolved by :mod:`carecap.sim.scenario.paths` (a key a mapping lacks is added); each
field set is remembered with the file and line of its entry, so that a value the model later
rejects is reported there.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from carecap.sim.errors import ScenarioError
from carecap.sim.scenario.document import EXTENDS, MISSING, SET, Document, Position
from carecap.sim.scenario.paths import PATH_PATTERN, PathError, set_path
from carecap.sim.scenario.wording import show


def apply_set(
    doc: Document,
    data: dict[str, Any],
    origins: dict[tuple[str, ...], tuple[Path, Position]],
    top: Path,
) -> None:
    """Apply ``doc``'s ``set: {dotted.path: value}`` to the merged ``data``, in order."""
    block = doc.data.get(SET, MISSING)
    if block is MISSING or block is None:
        return
    line, column = doc.positions.get((SET,), (1, 1))  # always known: set: is a key of this document
    if not isinstance(block, dict):
        raise ScenarioError(
            doc.path,
            SET,
            f"got {show(block)}; expected a mapping of dotted field paths to values, e.g. "
            "set: {caregivers.cg_xiaodian.shifts.0.count: 6}",
            line=line,
            column=column,
            loaded_file=top,
        )
    for path, value in block.items():
        where = doc.positions.get((SET, str(path)), (line, column))
        if not isinstance(path, str) or not PATH_PATTERN.match(path):
            raise ScenarioError(
                doc.path,
                SET,
                f"{show(path)} is not a dotted field path such as bathing_centre.stations or "
                "caregivers.cg_xiaodian.shifts.0.count",
                line=where[0],
                column=where[1],
                loaded_file=top,
            )
        if path.split(".")[0] in (EXTENDS, SET):
            raise ScenarioError(
                doc.path,
                f"{SET}.{path}",
                f"'{path.split('.')[0]}' cannot be set by set: (write it as a top-level key)",
                line=where[0],
                column=where[1],
                loaded_file=top,
            )
        created: list[tuple[str, ...]] = []
        try:
            concrete = set_path(data, path, copy.deepcopy(value), create=True, created=created)
        except PathError as exc:
            raise ScenarioError(
                doc.path,
                f"{SET}.{path}",
                f"{exc.at}: {exc.reason}",
                line=where[0],
                column=where[1],
                loaded_file=top,
            ) from None
        for below in [o for o in origins if o[: len(concrete)] == concrete]:
            del origins[below]
        for c in [*created, concrete]:
            origins[c] = (doc.path, where)
