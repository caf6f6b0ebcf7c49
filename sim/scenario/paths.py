"""Dotted field paths into a scenario mapping: the one resolver behind every override.

A path names one value of a scenario, key by key: ``bathing_centre.stations``,
``services.alarm.target_min_by_district.qingxu``. An item of a list is named by its index
(``caregivers.0``) or, when the list's items carry a ``name`` (caregiver pools, home-bathing team
pools, shift groups given a ``name``), by that name (``caregivers.cg_xiaodian.shifts.day.count``).
A key made of digits only is always an index.

:func:`set_path` is used by :func:`carecap.sim.scenario.model.apply_overrides` (and so by
:meth:`Scenario.with_overrides`, sweeps and ``carecap run --set``) and by the ``set:`` block of
scenario files (:mod:`carecap.sim.scenario.loader`). Its errors (:class:`PathError`) name the part
of the path that does not exist, say why, and offer the nearest names.
"""

from __future__ import annotations

import re
from typing import Any

from carecap.sim.scenario.wording import did_you_mean

PATH_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*(\.[A-Za-z0-9_\-]+)*$")
"""A dotted path: keys of letters, digits, ``_`` and ``-``, separated by dots."""
_LISTED = 12


class PathError(KeyError):
    """A dotted path that does not lead to a value; ``str()`` is one readable sentence.

    ``path`` is the whole path, ``at`` the part of it that could not be followed, ``reason``
    why (with a "did you mean" hint where one is close).
    """

    def __init__(self, path: str, at: str, reason: str) -> None:
        super().__init__(f"{at}: {reason}")
        self.path, self.at, self.reason = path, at, reason

    def __str__(self) -> str:
        return f"{self.at}: {self.reason}"


def _names(items: list[Any]) -> list[str]:
    return [str(it["name"]) for it in items if isinstance(it, dict) and it.get("name") is not None]


def _listing(words: list[str]) -> str:
    shown = ", ".join(words[:_LISTED])
    return shown + (f" and {len(words) - _LISTED} more" if len(words) > _LISTED else "")


def _step(node: Any, key: str, path: str, here: str) -> tuple[Any, int | str]:
    """The key or index of ``node`` that ``key`` designates; raises :class:`PathError`."""
    if isinstance(node, list):
        if key.isdigit():
            if int(key) >= len(node):
                raise PathError(
                    path,
                    here,
                    f"no list item {key} (the list has {len(node)} item"
                    f"{'' if len(node) == 1 else 's'}, numbered from 0)",
                )
            return node, int(key)
        names = _names(node)
        if not names:
            raise PathError(
                path,
                here,
                f"the items of this list have no names; address them by index "
                f"(0 to {len(node) - 1})"
                if node
                else "the list is empty",
            )
        for i, item in enumerate(node):
            if isinstance(item, dict) and str(item.get("name")) == key:
                return node, i
        hint = did_you_mean(key, names)
        raise PathError(
            path,
            here,
            f"no item named '{key}' in this list"
            + (f"; did you mean '{hint}'?" if hint else ".")
            + f" Names: {_listing(names)} (or an index, 0 to {len(node) - 1})",
        )
    if isinstance(node, dict):
        if key in node:
            return node, key
        keys = [str(k) for k in node]
        hint = did_you_mean(key, keys)
        raise PathError(
            path,
            here,
            "no such field"
            + (f"; did you mean '{hint}'?" if hint else "")
            + (f" Fields here: {_listing(keys)}" if keys else ""),
        )
    if node is None:
        raise PathError(path, here, "the section above it is absent in this scenario")
    raise PathError(path, here, "the value above it is a single value, not a mapping or a list")


def resolve(
    data: Any, path: str, *, create: bool = False, created: list[tuple[str, ...]] | None = None
) -> tuple[Any, int | str, tuple[str, ...]]:
    """``(container, key, concrete)`` for ``path`` in ``data``.

    ``container[key]`` is the value the path names; ``concrete`` is the path with every list item
    written as its index (``("caregivers", "0", "shifts", "1", "count")``), as field paths of
    validation errors are.

    ``create``: a key missing from a mapping is added (an empty mapping on the way, nothing at
    the end: the caller sets it), and its concrete path appended to ``created``. Used for the
    ``set:`` block of a scenario file, which may set a field its files leave at the default; the
    scenario's validation then refuses a key that is no field (with a "did you mean").

    Raises:
        PathError: a part of the path does not exist (typo, index out of range, unknown name, a
            section absent in this scenario).
    """
    parts = path.split(".")
    node = data
    concrete: list[str] = []
    container: Any = None
    key: int | str = ""
    last = len(parts) - 1
    for depth, part in enumerate(parts):
        here = ".".join(parts[: depth + 1])
        if create and isinstance(node, dict) and part not in node:
            concrete.append(part)
            if created is not None:
                created.append(tuple(concrete))
            if depth == last:
                return node, part, tuple(concrete)
            node[part] = {}
        container, key = _step(node, part, path, here)
        if len(concrete) == depth:
            concrete.append(str(key))
        node = container[key]
    return container, key, tuple(concrete)


def set_path(
    data: Any,
    path: str,
    value: Any,
    *,
    create: bool = False,
    created: list[tuple[str, ...]] | None = None,
) -> tuple[str, ...]:
    """Set the value at ``path`` in ``data``, in place; returns the concrete path (list items
    by index). The path must exist unless ``create`` (see :func:`resolve`). Raises
    :class:`PathError`."""
    container, key, concrete = resolve(data, path, create=create, created=created)
    container[key] = value
    return concrete


def named_path(data: Any, path: str) -> str:
    """``path`` with each list index replaced by the item's name where the item has one
    (``home_bathing.teams.0.shifts.0.count`` -> ``home_bathing.teams.home_core.shifts.0.count``).
    A path that does not resolve is returned as it is."""
    parts = path.split(".")
    node = data
    out: list[str] = []
    for part in parts:
        try:
            container, key = _step(node, part, path, part)
        except PathError:
            return path
        item = container[key]
        if isinstance(key, int) and isinstance(item, dict) and item.get("name") is not None:
            name = str(item["name"])
            out.append(name if not name.isdigit() else part)
        else:
            out.append(part)
        node = item
    return ".".join(out)


def list_items(data: Any, path: str) -> list[bool]:
    """For each part of ``path``, whether it names an item of a list (by index or name)."""
    parts = path.split(".")
    node = data
    out: list[bool] = []
    for part in parts:
        is_item = isinstance(node, list)
        out.append(is_item)
        try:
            container, key = _step(node, part, path, part)
        except PathError:
            return out + [p.isdigit() for p in parts[len(out) :]]
        node = container[key]
    return out
