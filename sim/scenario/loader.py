"""Read scenario files: YAML in, a validated :class:`~carecap.sim.scenario.model.Scenario` out.

A scenario file is plain YAML, read safely (only mappings, lists, text, numbers, dates, true/false
and null; tags such as ``!!python/object`` are rejected) with the YAML 1.2 core schema (``yes``,
``no``, ``on``, ``off`` are text) and bounded size, depth and alias expansion
(:mod:`carecap.sim.scenario.yaml_core`). A file may start from another::

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
  other days). A child mapping without ``dist`` (``{sd: 20}``) still merges into the base's.

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
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from carecap.sim.errors import FileRef, ScenarioError
from carecap.sim.scenario import limits
from carecap.sim.scenario.messages import Locator, show, validation_error_to_scenario_error
from carecap.sim.scenario.model import Scenario
from carecap.sim.scenario.paths import PATH_PATTERN, PathError, set_path
from carecap.sim.scenario.yaml_core import (
    CoreLoader,
    FileProblem,
    LimitExceeded,
    precheck,
    read_text,
)

__all__ = [
    "EXTENDS",
    "SET",
    "ScenarioError",
    "load_scenario",
    "load_scenario_data",
    "load_scenario_with_sources",
    "validate_scenario_data",
    "validation_error_to_scenario_error",
]

EXTENDS = "extends"
"""Top-level key naming the file a scenario starts from."""
SET = "set"
"""Top-level key of dotted-path settings applied after ``extends:`` is resolved."""

_MERGE_TAG = "tag:yaml.org,2002:merge"
_DAY = r"(?:mon|tue|wed|thu|fri|sat|sun)"
_DAY_KEY = re.compile(rf"^\s*(?:daily|{_DAY}(?:\s*-\s*{_DAY})?)\s*$", re.IGNORECASE)
_MISSING = object()


# --- public API -------------------------------------------------------------------------------


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
    chain = _load_chain(Path(path))
    scenario = validate_scenario_data(chain.data, chain.top, locate=chain.locate)
    return scenario, [doc.path for doc in chain.docs]


def load_scenario_data(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The merged mapping of the scenario at ``path`` (``extends:`` and ``set:`` applied and
    removed).

    Not validated: use :func:`validate_scenario_data` or :func:`load_scenario` for that.

    Raises:
        ScenarioError: a file cannot be read or parsed, or the ``extends:`` chain is broken.
    """
    return copy.deepcopy(_load_chain(Path(path)).data)


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
        raise ScenarioError(file, prefix, _not_a_mapping(data))
    try:
        return Scenario.model_validate(dict(data))
    except ValidationError as exc:
        raise validation_error_to_scenario_error(
            exc, file, prefix, locate=locate, data=data
        ) from None


# --- reading one file -------------------------------------------------------------------------


class _SafeLoader(CoreLoader):
    """The safe YAML 1.2 core loader (plain data only) with precise errors for impossible dates."""


def _construct_timestamp(loader: _SafeLoader, node: ScalarNode) -> Any:
    try:
        return CoreLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:  # e.g. 2022-13-01 matches the date pattern but is no date
        raise ConstructorError(
            None, None, f"{node.value!r} is not a valid date ({exc})", node.start_mark
        ) from None


# add_constructor copies the table onto the subclass: yaml.SafeLoader itself is not changed.
# (The stubs only admit constructors taking one of PyYAML's own loader classes.)
_SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)  # type: ignore[type-var]

Position = tuple[int, int]
"""1-based (line, column)."""


@dataclass
class _Document:
    """One YAML file as read: its data and where each key and list item is written."""

    path: Path
    data: dict[str, Any]
    positions: dict[tuple[str, ...], Position] = field(default_factory=dict)

    def value_at(self, path: tuple[str, ...]) -> Any:
        node: Any = self.data
        for key in path:
            if isinstance(node, dict):
                node = next((v for k, v in node.items() if str(k) == key), _MISSING)
            elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
                node = node[int(key)]
            else:
                return _MISSING
            if node is _MISSING:
                return _MISSING
        return node


def _position(node: Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _read_document(path: Path) -> _Document:
    """Read and parse ``path``; raises :class:`ScenarioError`."""
    try:
        text = read_text(path)
    except FileProblem as exc:
        raise ScenarioError(
            path,
            "",
            f"cannot read the scenario file: {exc.reason}",
            line=exc.line,
            column=exc.column,
        ) from None
    return _parse_document(path, text)


def _parse_document(path: Path, text: str) -> _Document:
    """Parse the text of ``path`` into a document; raises :class:`ScenarioError`."""
    try:
        loader = _SafeLoader(text)
    except yaml.YAMLError as exc:  # read_text has refused what the reader refuses: be safe
        raise ScenarioError(path, "", f"invalid YAML: {exc}".replace("\n", " ")) from None
    try:
        precheck(text)
        node = loader.get_single_node()
        positions: dict[tuple[str, ...], Position] = {}
        if node is not None:
            _index(node, (), positions, path, set())
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(path, exc) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(path, "", f"invalid YAML: {exc}".replace("\n", " ")) from None
    finally:
        loader.dispose()
    if data is None:
        raise ScenarioError(
            path,
            "",
            "the file is empty (or holds only comments); a scenario is a mapping with keys "
            "such as name, calendar, care_levels, districts, population and services",
        )
    if not isinstance(data, dict):
        raise ScenarioError(path, "", _not_a_mapping(data), line=1, column=1)
    return _Document(path, data, positions)


def _not_a_mapping(data: Any) -> str:
    kind = "a list" if isinstance(data, list) else f"a single value ({data!r})"
    return (
        f"the top level of a scenario must be a mapping of keys to values (name: ..., "
        f"calendar: ..., ...), but this file holds {kind}"
    )


def _yaml_error(path: Path, exc: yaml.MarkedYAMLError) -> ScenarioError:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "cannot be parsed"
    context = exc.context or ""
    if isinstance(exc, LimitExceeded):
        message = problem
    elif isinstance(exc, ConstructorError) and "could not determine a constructor" in problem:
        message = (
            f"the YAML tag {_tag_in(problem)} is not allowed: scenario files hold plain data "
            "only (mappings, lists, text, numbers, dates, true/false, null), never Python objects"
        )
    elif isinstance(exc, ConstructorError):  # well-formed YAML, impossible value (a bad date)
        message = problem
    elif "expected a single document" in context:
        message = (
            "the file holds more than one YAML document (a line '---' starts another); "
            "a scenario file is a single document"
        )
    else:
        message = f"invalid YAML: {problem}"
        if context and context != problem:
            message += f" ({context})"
        if "mapping values are not allowed" in problem:
            message += "; check the indentation, and quote text that contains ': '"
        elif "'\\t'" in problem:
            message += "; indent YAML with spaces, not tabs"
    line = column = None
    if mark is not None:
        line, column = mark.line + 1, mark.column + 1
    return ScenarioError(path, "", message, line=line, column=column)


def _tag_in(problem: str) -> str:
    match = re.search(r"'([^']+)'", problem)
    tag = match[1] if match else "?"
    return "!!" + tag.removeprefix("tag:yaml.org,2002:")


def _index(
    node: Node,
    prefix: tuple[str, ...],
    positions: dict[tuple[str, ...], Position],
    path: Path,
    active: set[int],
) -> None:
    """Record where each key and list item is written; reject duplicate keys."""
    if id(node) in active:
        raise ScenarioError(
            path,
            ".".join(prefix),
            "this value contains itself (an alias refers to an anchor around it)",
            line=_position(node)[0],
            column=_position(node)[1],
        )
    active.add(id(node))
    if isinstance(node, MappingNode):
        seen: dict[str, Position] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG or not isinstance(key_node, ScalarNode):
                continue
            key, where = key_node.value, _position(key_node)
            if key in seen:
                dotted = ".".join((*prefix, key))
                raise ScenarioError(
                    path,
                    dotted,
                    f"the key '{key}' appears twice in the same mapping (first on line "
                    f"{seen[key][0]}); YAML would silently keep only the last one",
                    line=where[0],
                    column=where[1],
                )
            seen[key] = where
            positions[(*prefix, key)] = where
            _index(value_node, (*prefix, key), positions, path, active)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            positions[(*prefix, str(i))] = _position(item)
            _index(item, (*prefix, str(i)), positions, path, active)
    active.discard(id(node))


# --- extends ----------------------------------------------------------------------------------


def _atomic(value: Any) -> bool:
    """A mapping that is one value (a distribution, a weekly schedule), replaced whole."""
    if not isinstance(value, dict):
        return True
    if "dist" in value:
        return True
    return bool(value) and all(isinstance(k, str) and _DAY_KEY.match(k) for k in value)


def _merge(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in child.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(out.get(key), dict) and not _atomic(value):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


@dataclass
class _Chain:
    """A scenario file and the files it extends (``docs[0]`` is the file loaded)."""

    top: Path
    docs: list[_Document]
    data: dict[str, Any]
    origins: dict[tuple[str, ...], tuple[Path, Position]] = field(default_factory=dict)
    """Fields given by a ``set:`` entry (concrete paths, list items by index): where the entry
    is written."""

    def locate(self, path: tuple[str, ...]) -> tuple[FileRef, int | None, int | None]:
        """Where the value at ``path`` of the merged data is written (file, line, column)."""
        for k in range(len(path), 0, -1):  # a value set by `set:` (or inside one) is written there
            if path[:k] in self.origins:
                file, (line, column) = self.origins[path[:k]]
                return file, line, column
        candidates = self.docs
        found: tuple[Path, Position | None] = (self.top, None)
        for k in range(1, len(path) + 1):
            prefix = path[:k]
            owner_at = next((i for i, d in enumerate(candidates) if prefix in d.positions), None)
            if owner_at is None:
                break  # not written anywhere (a missing key): point at its parent
            owner = candidates[owner_at]
            found = (owner.path, owner.positions[prefix])
            value = owner.value_at(prefix)
            if _atomic(value):  # the owner's value replaced the bases' whole
                deeper = (path[:j] for j in range(len(path), k, -1))
                hit = next((p for p in deeper if p in owner.positions), None)
                if hit is not None:
                    found = (owner.path, owner.positions[hit])
                break
            # a merged mapping: deeper keys come from the owner or the files it extends, down to
            # the first one whose value here is not merged
            kept = [owner]
            for doc in candidates[owner_at + 1 :]:
                below = doc.value_at(prefix)
                if below is _MISSING:
                    continue
                if not isinstance(below, dict):
                    break
                kept.append(doc)
                if _atomic(below):
                    break
            candidates = kept
        file, position = found
        return (file, *position) if position else (file, None, None)


def _load_chain(path: Path) -> _Chain:
    top = Path(os.path.abspath(path))
    docs = [_read_document(top)]
    while True:
        doc = docs[-1]
        target = doc.data.get(EXTENDS, _MISSING)
        if target is _MISSING or target is None:
            break
        line, column = doc.positions.get((EXTENDS,), (None, None))

        def fail(message: str, doc: _Document = doc, line=line, column=column) -> ScenarioError:
            return ScenarioError(
                doc.path, EXTENDS, message, line=line, column=column, loaded_file=top
            )

        if not isinstance(target, str) or not target.strip():
            raise fail(f"got {target!r}; expected the name of a scenario file, e.g. base.yaml")
        if len(docs) >= limits.MAX_EXTENDS:
            raise fail(
                f"the chain of extends is longer than {limits.MAX_EXTENDS} files; "
                "a variant needs one or two"
            )
        try:
            base = Path(os.path.abspath(doc.path.parent / Path(target).expanduser()))
        except (RuntimeError, ValueError) as exc:  # ~user unknown, a NUL in the name
            raise fail(f"got {target!r}, which is not a usable file name ({exc})") from None
        try:
            text = read_text(base)  # first: a symlink loop or a FIFO must not reach resolve()
        except FileProblem as exc:
            raise fail(f"cannot read {target!r} (looked for {base}): {exc.reason}") from None
        try:
            seen = [d.path.resolve() for d in docs]
            resolved = base.resolve()
        except (OSError, RuntimeError) as exc:  # a symlink loop made after reading
            raise fail(f"cannot read {target!r} (looked for {base}): {exc}") from None
        if resolved in seen:
            loop = [d.path for d in docs[seen.index(resolved) :]] + [base]
            names = " -> ".join(Path(os.path.relpath(p, top.parent)).as_posix() for p in loop)
            raise fail(f"the chain of extends loops back on itself: {names}")
        try:
            docs.append(_parse_document(base, text))
        except ScenarioError as exc:
            exc.loaded_file = top  # the problem is in the base file, met while loading top
            raise

    # merge from the root base towards the file loaded; each file's `set:` right after it
    origins: dict[tuple[str, ...], tuple[Path, Position]] = {}
    data = copy.deepcopy(_own(docs[-1]))
    _apply_set(docs[-1], data, origins, top)
    for doc in reversed(docs[:-1]):
        data = copy.deepcopy(_merge(data, _own(doc)))
        for where in [o for o in origins if _rewritten(doc, o)]:
            del origins[where]
        _apply_set(doc, data, origins, top)
    return _Chain(top, docs, data, origins)


def _own(doc: _Document) -> dict[str, Any]:
    return {k: v for k, v in doc.data.items() if k not in (EXTENDS, SET)}


def _rewritten(doc: _Document, path: tuple[str, ...]) -> bool:
    """Whether ``doc`` writes the value at ``path`` itself (or a single value around it), so
    a base's ``set:`` no longer decides it."""
    for k in range(1, len(path) + 1):
        if path[:k] in doc.positions:
            value = doc.value_at(path[:k])
            if k == len(path) or not isinstance(value, dict) or _atomic(value):
                return True
    return False


def _apply_set(
    doc: _Document,
    data: dict[str, Any],
    origins: dict[tuple[str, ...], tuple[Path, Position]],
    top: Path,
) -> None:
    """Apply ``doc``'s ``set: {dotted.path: value}`` to the merged ``data``, in order."""
    block = doc.data.get(SET, _MISSING)
    if block is _MISSING or block is None:
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
