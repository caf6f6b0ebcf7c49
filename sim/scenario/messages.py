"""Turn pydantic validation errors into messages a scenario author can act on.

pydantic reports each error with a location tuple that mixes real keys with internal markers (the
tag of a distribution, ``literal['all']`` for a member of a union, ``[key]`` for a dict key). This
module walks the scenario model along that location to keep only the keys the author wrote, to
find the keys allowed at that place (for "did you mean" hints), and writes one sentence per error
naming the bad value and what is allowed.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import reprlib
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from carecap.sim.errors import FileRef, Problem, ScenarioError
from carecap.sim.scenario.distributions import DIST_NAMES

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

Locator = Callable[[tuple[str, ...]], tuple[FileRef, int | None, int | None]]
"""Maps a field path to ``(file, line, column)`` where it is written (line/column 1-based)."""

DIST_EXAMPLE = "{dist: lognormal, mean: 50, sd: 15}"
_NAME_RULE = "names may contain only letters, digits, '_' and '-'"
_LEADING_PATH = re.compile(r"^([A-Za-z_]\w*(?:\.[\w\-]+)*)(?=[\s:(]|$)")
_QUOTED = re.compile(r"'([^']*)'")
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


# --- walking the model along an error location -------------------------------------------------


@dataclass
class _Walk:
    path: tuple[str, ...]
    """The keys the author wrote, as strings."""
    parent: Any
    """The type holding the last key of the location (a model class, dict type, ...)."""
    target: Any
    """The type at the location (the union member, if the location names one)."""
    union_at: int | None
    """Index in ``path`` of a plain (non-``dist``) union the location went through, if any."""
    member_tag: str | None
    """The tag of the union member that location went into."""
    beyond_member: bool
    """Whether the location continues inside that member (the input had the member's shape)."""
    is_key: bool
    """Whether the error is about a dict key rather than its value."""
    constraints: tuple[Any, ...] = ()
    """The constraints (``Ge``, ``Le``, ...) declared on the value at the location."""


def _unwrap(tp: Any) -> Any:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    return tp


def _union_members(tp: Any) -> list[Any] | None:
    if get_origin(tp) in (Union, types.UnionType):
        return [a for a in get_args(tp) if a is not type(None)]
    return None


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _field_names(model: type[BaseModel]) -> list[str]:
    """Keys allowed in a mapping for ``model`` (aliases where given)."""
    return [f.alias or name for name, f in model.model_fields.items()]


def _field_type(model: type[BaseModel], key: object) -> Any:
    for name, f in model.model_fields.items():
        if key in (name, f.alias):
            return f.annotation
    return None


def _field_constraints(model: type[BaseModel], key: object) -> tuple[Any, ...]:
    for name, f in model.model_fields.items():
        if key in (name, f.alias):
            return tuple(f.metadata)
    return ()


def _annotated_constraints(tp: Any) -> tuple[Any, ...]:
    """Constraints written as ``Annotated[float, Field(ge=0, le=...)]`` (e.g. in a dict)."""
    out: list[Any] = []
    while get_origin(tp) is Annotated:
        for meta in getattr(tp, "__metadata__", ()):
            out.extend(getattr(meta, "metadata", None) or [meta])
        tp = get_args(tp)[0]
    return tuple(out)


def _tag_matches(member: Any, tag: str) -> bool:
    """Whether pydantic's union-member tag ``tag`` designates ``member``."""
    member = _unwrap(member)
    if _is_model(member):
        if tag == member.__name__:
            return True
        for f in member.model_fields.values():  # a discriminated union: tag is the Literal value
            if get_origin(f.annotation) is Literal and tag in get_args(f.annotation):
                return True
        return False
    origin = get_origin(member)
    if origin is Literal:
        return tag.startswith("literal[")
    if origin is not None:
        return tag.startswith(f"{origin.__name__}[")
    return isinstance(member, type) and (tag == member.__name__ or tag.endswith(member.__name__))


def _is_dist_union(tp: Any) -> bool:
    members = _union_members(_unwrap(tp))
    if not members:
        return False
    return all(_is_model(m) and "dist" in m.model_fields for m in map(_unwrap, members))


def _walk(model: type[BaseModel], loc: tuple[int | str, ...]) -> _Walk:
    tp: Any = model
    parent: Any = None
    path: list[str] = []
    union_at = member_tag = None
    beyond = is_key = False
    constraints: tuple[Any, ...] = ()
    for el in loc:
        if el == "[key]":  # the error is about the key just passed, not its value
            is_key = True
            continue
        parent = tp = _unwrap(tp)
        members = _union_members(tp)
        if members is not None and len(members) == 1:  # X | None: pydantic adds no tag
            parent = tp = _unwrap(members[0])
            members = None
        if members is not None:
            # pydantic names the member it tried: the ``dist`` tag or e.g. "list[constrained-str]"
            if not _is_dist_union(tp):
                union_at, member_tag, beyond = len(path), str(el), False
            tp = next((_unwrap(m) for m in members if _tag_matches(m, str(el))), None)
            continue
        if member_tag is not None and union_at == len(path):
            beyond = True
        path.append(str(el))
        if _is_model(tp):
            constraints = _field_constraints(tp, el)
            tp = _field_type(tp, el)
        elif get_origin(tp) is dict:
            tp = get_args(tp)[1]
            constraints = _annotated_constraints(tp)
        elif get_origin(tp) in (list, tuple):
            args = [a for a in get_args(tp) if a is not Ellipsis]
            tp = args[min(el, len(args) - 1)] if args and isinstance(el, int) else None
            constraints = _annotated_constraints(tp)
        else:
            tp, constraints = None, ()
        constraints += _annotated_constraints(tp)
    return _Walk(tuple(path), parent, tp, union_at, member_tag, beyond, is_key, constraints)


def _range(constraints: tuple[Any, ...]) -> str:
    """``" (at least 0 and at most 36,525)"`` for declared bounds, or ``""``."""

    def num(x: Any) -> str:
        if isinstance(x, (int, float)) and float(x).is_integer() and abs(x) < 1e15:
            return f"{int(x):,}"
        return _number(x)

    low = high = None
    for c in constraints:
        if getattr(c, "ge", None) is not None:
            low = f"at least {num(c.ge)}"
        elif getattr(c, "gt", None) is not None:
            low = f"greater than {num(c.gt)}"
        if getattr(c, "le", None) is not None:
            high = f"at most {num(c.le)}"
        elif getattr(c, "lt", None) is not None:
            high = f"less than {num(c.lt)}"
    bounds = [b for b in (low, high) if b]
    return f" ({' and '.join(bounds)})" if bounds else ""


# --- messages ---------------------------------------------------------------------------------


def show(value: Any, limit: int = 60) -> str:
    """A value as the author would write it in YAML, shortened to about ``limit`` characters."""
    if value is None:
        text = "null"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = repr(value)
    elif isinstance(value, (int, float)):
        text = f"{value:g}" if isinstance(value, float) else str(value)
    elif isinstance(value, (dt.date, dt.datetime)):
        text = value.isoformat()
    else:
        try:
            text = json.dumps(value, default=str, ensure_ascii=False)
        except ValueError:  # a structure that contains itself
            text = reprlib.repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def did_you_mean(word: str, choices: Sequence[str]) -> str | None:
    """The closest of ``choices`` to ``word`` (a likely typo), or None when none is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def _hint(word: str, choices: Sequence[str]) -> str:
    """``"; did you mean 'x'? "`` for the closest of ``choices``, else ``". "``."""
    close = did_you_mean(word, choices)
    return f"; did you mean '{close}'? " if close else ". "


def _number(x: Any) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _message(err: ErrorDetails, walk: _Walk) -> str:
    kind: str = err["type"]
    ctx: dict[str, Any] = err.get("ctx") or {}
    value = err.get("input")
    got = f"got {show(value)}"
    last = walk.path[-1] if walk.path else ""

    if kind == "missing":
        return f"the required key '{last}' is missing"
    if kind == "extra_forbidden":
        allowed = _field_names(walk.parent) if _is_model(walk.parent) else []
        if len(walk.path) == 1 and getattr(walk.parent, "__name__", "") == "Scenario":
            allowed += ["extends", "set"]  # loader keys, removed before validation
        if not allowed:
            return f"unknown key '{last}'"
        return f"unknown key '{last}'{_hint(last, allowed)}Allowed keys here: {', '.join(allowed)}"
    if walk.is_key:
        what = f"the key {show(value)} is not allowed here"
        if kind == "string_pattern_mismatch":
            return f"{what}: {_NAME_RULE}"
        if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
            months = any("month" in key for key in walk.path[-2:])
            note = " (months are numbered 1 to 12)" if months else ""
            return f"{what}: it must be {_bound(kind, ctx)}{note}"
        return f"{what}: {_lower(err['msg'])}"
    if kind in ("value_error", "assertion_error"):
        return _strip_value_error(err["msg"])
    if kind == "invalid_key":
        return f"the key {show(value)} is not text; keys are names (quote it if need be)"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        return f"{got}, but it must be {_bound(kind, ctx)}"
    if kind in ("int_type", "int_parsing"):
        return f"{got} ({_kind(value)}); expected a whole number"
    if kind == "int_from_float":
        return f"{got}; expected a whole number (no fractional part)"
    if kind in ("float_type", "float_parsing"):
        return f"{got} ({_kind(value)}); expected a number"
    if kind == "finite_number":
        return f"{got}; expected a finite number{_range(walk.constraints)}"
    if kind in ("bool_type", "bool_parsing"):
        return f"{got}; expected true or false"
    if kind == "string_type":
        return f"{got} ({_kind(value)}); expected text"
    if kind == "string_pattern_mismatch":
        if isinstance(value, str) and value.isdigit():
            return (
                f"{got}, which is not a valid name here: a shift name must not be digits only "
                "(a key of digits in a dotted path is a list index)"
            )
        return f"{got}, which is not a valid name: {_NAME_RULE}"
    if kind == "string_too_short":
        return f"{got}; it must not be empty"
    if kind == "too_short":
        n = ctx.get("min_length", 1)
        return f"{got}; it needs at least {n} entr{'y' if n == 1 else 'ies'}"
    if kind in ("list_type", "tuple_type"):
        return f"{got} ({_kind(value)}); expected a list, e.g. [a, b]"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        if _is_dist_union(walk.target):
            return (
                f"{got} ({_kind(value)}); expected a number (a fixed value) or a distribution "
                f"such as {DIST_EXAMPLE}; distributions: {', '.join(DIST_NAMES)}"
            )
        return f"{got} ({_kind(value)}); expected a mapping of keys to values (key: value)"
    if kind == "literal_error":
        allowed = _QUOTED.findall(str(ctx.get("expected", "")))
        hint = _hint(str(value), allowed) if isinstance(value, str) else ". "
        return f"{got}{hint}Allowed: {', '.join(allowed) or ctx.get('expected', '?')}"
    if kind == "union_tag_invalid":
        tag = str(ctx.get("tag", value))
        allowed = _QUOTED.findall(str(ctx.get("expected_tags", ""))) or list(DIST_NAMES)
        return f"unknown distribution '{tag}'{_hint(tag, allowed)}Allowed: {', '.join(allowed)}"
    if kind == "union_tag_not_found":
        return (
            f"{got}: a distribution needs a 'dist' key naming one of {', '.join(DIST_NAMES)} "
            f"(e.g. {DIST_EXAMPLE}), or write a bare number for a fixed value"
        )
    if kind.startswith(("date_", "datetime_")):
        detail = f" ({ctx['error']})" if "error" in ctx else ""
        return f"{got}{detail}; expected a date written as YYYY-MM-DD"
    if kind == "recursion_loop":
        return "this value contains itself (a loop of YAML anchors and aliases)"
    return f"{got}; {_lower(err['msg'])}"


def _bound(kind: str, ctx: dict[str, Any]) -> str:
    return {
        "greater_than_equal": lambda: f"at least {_number(ctx.get('ge'))}",
        "greater_than": lambda: f"greater than {_number(ctx.get('gt'))}",
        "less_than_equal": lambda: f"at most {_number(ctx.get('le'))}",
        "less_than": lambda: f"less than {_number(ctx.get('lt'))}",
    }[kind]()


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _strip_value_error(msg: str) -> str:
    for lead in ("Value error, ", "Assertion failed, "):
        if msg.startswith(lead):
            return msg[len(lead) :]
    return msg


def _refine_path(path: tuple[str, ...], message: str, at: Any) -> tuple[str, ...]:
    """Extend ``path`` by the field a model-level message starts with (``warmup_days (60) ...``)."""
    match = _LEADING_PATH.match(message)
    if match is None:
        return path
    tokens = tuple(match[1].split("."))
    at = _unwrap(at)
    members = _union_members(at)
    if members is not None and len(members) == 1:
        at = _unwrap(members[0])
    if _is_model(at) and tokens[0] in _field_names(at):
        return path + tokens
    return path


def _finish(text: str) -> str:
    text = text.rstrip()
    return text if text.endswith((".", "?", "!")) else text + "."


def _messages(exc: ValidationError, model: type[BaseModel]) -> list[tuple[tuple[str, ...], str]]:
    """``(field path, message)`` for each error, with union alternatives merged."""
    errors = exc.errors(include_url=False)
    walks = [_walk(model, tuple(e["loc"])) for e in errors]

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
                options.append(_strip_value_error(e["msg"]))
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
            message = _message(err, walk)
            if err["type"] in ("value_error", "assertion_error"):
                path = _refine_path(path, message, walk.target)
        out.append((path, _finish(message)))
    return out
