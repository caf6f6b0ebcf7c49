"""One scenario file as read: its plain data and the line and column of every key and list item.

:func:`read_document` reads a file (:mod:`carecap.sim.scenario.file_text`: bounded size) with the
safe YAML 1.2 core reader of :mod:`carecap.sim.scenario.yaml_core` (plain data only; bounded depth
and aliases: :mod:`carecap.sim.scenario.yaml_bounds`), rejects duplicate keys and self-containing
aliases, and words every YAML problem as a :class:`~carecap.sim.errors.ScenarioError` at its file
and line. Also the two top-level keys the loader reads itself rather than the model: ``extends:``
and ``set:``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from carecap.sim.errors import ScenarioError
from carecap.sim.scenario.file_text import FileProblem, read_text
from carecap.sim.scenario.yaml_bounds import LimitExceeded, precheck
from carecap.sim.scenario.yaml_core import CoreLoader

EXTENDS = "extends"
"""Top-level key naming the file a scenario starts from."""
SET = "set"
"""Top-level key of dotted-path settings applied after ``extends:`` is resolved."""

_MERGE_TAG = "tag:yaml.org,2002:merge"
MISSING = object()
"""What :meth:`Document.value_at` returns where the document has no value."""


Position = tuple[int, int]
"""1-based (line, column)."""


@dataclass
class Document:
    """One YAML file as read: its data and where each key and list item is written."""

    path: Path
    data: dict[str, Any]
    positions: dict[tuple[str, ...], Position] = field(default_factory=dict)

    def value_at(self, path: tuple[str, ...]) -> Any:
        node: Any = self.data
        for key in path:
            if isinstance(node, dict):
                node = next((v for k, v in node.items() if str(k) == key), MISSING)
            elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
                node = node[int(key)]
            else:
                return MISSING
            if node is MISSING:
                return MISSING
        return node


def _position(node: Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


def read_document(path: Path) -> Document:
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
    return parse_document(path, text)


def parse_document(path: Path, text: str) -> Document:
    """Parse the text of ``path`` into a document; raises :class:`ScenarioError`."""
    try:
        loader = CoreLoader(text)
    except yaml.YAMLError as exc:  # read_text has refused what the reader refuses: be safe
        raise ScenarioError(path, "", f"invalid YAML: {exc}".replace("\n", " ")) from None
    scalars: dict[Position, tuple[str, ...]] = {}  # where each value is written: its field path
    try:
        precheck(text)
        node = loader.get_single_node()
        positions: dict[tuple[str, ...], Position] = {}
        if node is not None:
            _index(node, (), positions, path, set(), scalars)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(path, exc, scalars) from None
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
        raise ScenarioError(path, "", not_a_mapping(data), line=1, column=1)
    return Document(path, data, positions)


def not_a_mapping(data: Any) -> str:
    kind = "a list" if isinstance(data, list) else f"a single value ({data!r})"
    return (
        f"the top level of a scenario must be a mapping of keys to values (name: ..., "
        f"calendar: ..., ...), but this file holds {kind}"
    )


def _yaml_error(
    path: Path, exc: yaml.MarkedYAMLError, scalars: dict[Position, tuple[str, ...]]
) -> ScenarioError:
    """The YAML problem as a scenario error at its line; a value that cannot be (a 30 February)
    also names its field path, found from where the value is written."""
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
    field_path = ""
    if mark is not None:
        line, column = mark.line + 1, mark.column + 1
        if isinstance(exc, ConstructorError):
            field_path = ".".join(scalars.get((line, column), ()))
    return ScenarioError(path, field_path, message, line=line, column=column)


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
    scalars: dict[Position, tuple[str, ...]],
) -> None:
    """Record where each key and list item is written, and the field path of the value written
    at each place (``scalars``); reject duplicate keys."""
    if isinstance(node, ScalarNode):
        scalars.setdefault(_position(node), prefix)
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
            _index(value_node, (*prefix, key), positions, path, active, scalars)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            positions[(*prefix, str(i))] = _position(item)
            _index(item, (*prefix, str(i)), positions, path, active, scalars)
    active.discard(id(node))
