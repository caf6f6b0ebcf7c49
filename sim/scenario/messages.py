"""Turn pydantic validation errors into messages a scenario author can act on.

pydantic reports each error with a location tuple that mixes real keys with internal markers (the
tag of a distribution, ``literal['all']`` for a member of a union, ``[key]`` for a dict key). This
module keeps only the keys the author wrote (walking the model along that location:
:mod:`carecap.sim.scenario.model_walk`), merges the errors of one union or of several missing keys
into one, and words each error as one sentence naming the bad value and what is allowed
(:mod:`carecap.sim.scenario.wording`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from carecap.sim.errors import FileRef, Problem, ScenarioError
from carecap.sim.scenario.model_walk import (
    field_names,
    is_model,
    union_members,
    unwrap,
    walk_location,
)
from carecap.sim.scenario.wording import error_message, show, strip_value_error

Locator = Callable[[tuple[str, ...]], tuple[FileRef, int | None, int | None]]
"""Maps a field path to ``(file, line, column)`` where it is written (line/column 1-based)."""

_LEADING_PATH = re.compile(r"^([A-Za-z_]\w*(?:\.[\w\-]+)*)(?=[\s:(]|$)")
_ABSENT = object()


def validation_error_to_scenario_error(
    exc: ValidationError,
    file: FileRef,
    prefix: str = "",
    *,
    model: type[BaseModel] | None = None,
    locate: Locator | None = None,
    data: Any = None,
) -> ScenarioError:
    """A :class:`ScenarioError` describing every error in ``exc``.

    Args:
        exc: raised by validating a mapping against ``model`` (default :class:`Scenario`), e.g. by
            ``Scenario.model_validate`` or ``Scenario.with_overrides``.
        file: the file (or a free label such as ``"sweep point 3"``) named in the message.
        prefix: dotted path prepended to every field path, for a mapping that sits inside a
            larger document (e.g. ``"points.3"``).
        model: the model that was validated, used to find allowed keys; default ``Scenario``.
        locate: optional map from a field path (without ``prefix``) to where it is written.
        data: the mapping that was validated, if at hand: paths then stop where the author wrote
            a shorthand (a bare number for a distribution gives ``travel_min.a``, not
            ``travel_min.a.value``).
    """
    if model is None:
        from carecap.sim.scenario.model import Scenario

        model = Scenario
    pre = tuple(p for p in prefix.split(".") if p)
    problems: list[Problem] = []
    for path, message in _messages(exc, model):
        if data is not None:
            path = _as_written(path, data)
        where: tuple[FileRef, int | None, int | None] = (file, None, None)
        if locate is not None:
            where = locate(path)
        problem = Problem(".".join(pre + path), message, *where)
        if problem not in problems:
            problems.append(problem)
    if not problems:  # pydantic always reports at least one error; be safe anyway
        problems.append(Problem(prefix, str(exc), file))
    return ScenarioError.from_problems(file, problems)


def _as_written(path: tuple[str, ...], data: Any) -> tuple[str, ...]:
    """``path`` cut where ``data`` holds a single value where the model has more structure."""
    node = data
    for depth, key in enumerate(path):
        if isinstance(node, Mapping):
            node = next((v for k, v in node.items() if str(k) == key), _ABSENT)
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        elif isinstance(node, list):
            node = _ABSENT
        else:
            return path[:depth]
        if node is _ABSENT:
            return path
    return path


def _refine_path(path: tuple[str, ...], message: str, at: Any) -> tuple[str, ...]:
    """Extend ``path`` by the field a model-level message starts with (``warmup_days (60) ...``)."""
    match = _LEADING_PATH.match(message)
    if match is None:
        return path
    tokens = tuple(match[1].split("."))
    at = unwrap(at)
    members = union_members(at)
    if members is not None and len(members) == 1:
        at = unwrap(members[0])
    if is_model(at) and tokens[0] in field_names(at):
        return path + tokens
    return path


def _finish(text: str) -> str:
    text = text.rstrip()
    return text if text.endswith((".", "?", "!")) else text + "."


def _messages(exc: ValidationError, model: type[BaseModel]) -> list[tuple[tuple[str, ...], str]]:
    """``(field path, message)`` for each error, with union alternatives merged."""
    errors = exc.errors(include_url=False)
    walks = [walk_location(model, tuple(e["loc"])) for e in errors]

    # A value that fits none of the members of a plain union (``districts: all | [names]``)
    # yields one error per member. Keep the errors from inside the member the value resembled;
    # if it resembled none, say once what the alternatives are.
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, w in enumerate(walks):
        if w.union_at is not None:
            groups.setdefault(w.path[: w.union_at], []).append(i)
    drop: set[int] = set()
    merged: dict[int, tuple[tuple[str, ...], str]] = {}
    for members in groups.values():
        inside = [i for i in members if walks[i].beyond_member]
        if inside:
            drop.update(i for i in members if i not in inside)
            continue
        options = []
        for i in members:
            e = errors[i]
            if e["type"] == "literal_error":
                options.append(str((e.get("ctx") or {}).get("expected", "")))
            elif e["type"] in ("list_type", "tuple_type"):
                options.append("a list")
            elif e["type"] in ("dict_type", "model_type", "model_attributes_type"):
                options.append("a mapping")
            else:
                options.append(strip_value_error(e["msg"]))
        drop.update(members[1:])
        first = walks[members[0]]
        got = f"got {show(errors[members[0]].get('input'))}"
        merged[members[0]] = (
            first.path[: first.union_at],
            f"{got}; expected {' or '.join(dict.fromkeys(options))}",
        )

    # Several required keys missing from one mapping: one message listing them.
    missing: dict[tuple[str, ...], list[int]] = {}
    for i, (err, w) in enumerate(zip(errors, walks, strict=True)):
        if err["type"] == "missing" and i not in drop and w.path:
            missing.setdefault(w.path[:-1], []).append(i)
    for parent, members in missing.items():
        if len(members) > 1:
            names = [f"'{walks[i].path[-1]}'" for i in members]
            listed = f"{', '.join(names[:-1])} and {names[-1]}"
            drop.update(members[1:])
            merged[members[0]] = (parent, f"the required keys {listed} are missing")

    out: list[tuple[tuple[str, ...], str]] = []
    for i, (err, walk) in enumerate(zip(errors, walks, strict=True)):
        if i in drop:
            continue
        path = walk.path
        if i in merged:
            path, message = merged[i]
        else:
            message = error_message(err, walk)
            if err["type"] in ("value_error", "assertion_error"):
                path = _refine_path(path, message, walk.target)
        out.append((path, _finish(message)))
    return out
