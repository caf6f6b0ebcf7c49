"""Walking the scenario model along a pydantic error location.

pydantic reports each error with a location tuple that mixes real keys with internal markers (the
tag of a distribution, ``literal['all']`` for a member of a union, ``[key]`` for a dict key).
:func:`walk_location` follows that location through the model's types and returns a
:class:`Walk`: the keys the author wrote, the type holding the last one (for the keys allowed
there), the union member tried and the declared bounds of the value.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel


@dataclass
class Walk:
    """Where an error location leads in the model (see :func:`walk_location`)."""

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


def unwrap(tp: Any) -> Any:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    return tp


def union_members(tp: Any) -> list[Any] | None:
    if get_origin(tp) in (Union, types.UnionType):
        return [a for a in get_args(tp) if a is not type(None)]
    return None


def is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def field_names(model: type[BaseModel]) -> list[str]:
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
    member = unwrap(member)
    if is_model(member):
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


def is_dist_union(tp: Any) -> bool:
    members = union_members(unwrap(tp))
    if not members:
        return False
    return all(is_model(m) and "dist" in m.model_fields for m in map(unwrap, members))


def walk_location(model: type[BaseModel], loc: tuple[int | str, ...]) -> Walk:
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
        parent = tp = unwrap(tp)
        members = union_members(tp)
        if members is not None and len(members) == 1:  # X | None: pydantic adds no tag
            parent = tp = unwrap(members[0])
            members = None
        if members is not None:
            # pydantic names the member it tried: the ``dist`` tag or e.g. "list[constrained-str]"
            if not is_dist_union(tp):
                union_at, member_tag, beyond = len(path), str(el), False
            tp = next((unwrap(m) for m in members if _tag_matches(m, str(el))), None)
            continue
        if member_tag is not None and union_at == len(path):
            beyond = True
        path.append(str(el))
        if is_model(tp):
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
    return Walk(tuple(path), parent, tp, union_at, member_tag, beyond, is_key, constraints)
