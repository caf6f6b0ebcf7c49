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


def _error(
    doc: Document, field: str, message: str, where: tuple[int, int], top: Path
) -> ScenarioError:
    """A problem of the ``set:`` block, at ``where`` (line, column) in ``doc``."""
    return ScenarioError(doc.path, field, message, line=where[0], column=where[1], loaded_file=top)


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
        raise _error(
            doc,
            SET,
            f"got {show(block)}; expected a mapping of dotted field paths to values, e.g. "
            "set: {caregivers.cg_xiaodian.shifts.0.count: 6}",
            (line, column),
            top,
        )
    for path, value in block.items():
        where = doc.positions.get((SET, str(path)), (line, column))
        if not isinstance(path, str) or not PATH_PATTERN.match(path):
            raise _error(
                doc,
                SET,
                f"{show(path)} is not a dotted field path such as bathing_centre.stations or "
                "caregivers.cg_xiaodian.shifts.0.count",
                where,
                top,
            )
        if path.split(".")[0] in (EXTENDS, SET):
            raise _error(
                doc,
                f"{SET}.{path}",
                f"'{path.split('.')[0]}' cannot be set by set: (write it as a top-level key)",
                where,
                top,
            )
        created: list[tuple[str, ...]] = []
        try:
            concrete = set_path(data, path, copy.deepcopy(value), create=True, created=created)
        except PathError as exc:
            raise _error(doc, f"{SET}.{path}", f"{exc.at}: {exc.reason}", where, top) from None
        for below in [o for o in origins if o[: len(concrete)] == concrete]:
            del origins[below]
        for c in [*created, concrete]:
            origins[c] = (doc.path, where)
