"""Expanding a sweep into points: variants x grid x zip x sample, each a validated scenario.

Each block of a :class:`~carecap.sim.experiments.sweep_spec.SweepSpec` is one factor (a list of
levels); the points are the product of the factors in the order variants, grid, zip, sample, the
first varying slowest, numbered ``p0000``, ``p0001``, ... Sampled levels come from
``scipy.stats.qmc`` (:func:`sample_values`); labels name list items by name (:func:`short_names`,
:func:`point_label`, read back item by item by :func:`label_items`). Every point's overrides are
applied to the base scenario and validated here; the problems of all points are gathered into
one :class:`SweepError`.
"""

from __future__ import annotations

import copy
import inspect
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from carecap.sim.errors import MAX_LISTED, Problem, ScenarioError, file_label
from carecap.sim.experiments.manifest import scenario_hash
from carecap.sim.scenario.loader import validate_scenario_data
from carecap.sim.scenario.model import Scenario, apply_overrides
from carecap.sim.scenario.paths import PathError, list_items, named_path, resolve
from carecap.sim.scenario.schedule_warnings import scenario_warnings
from carecap.sim.scenario.wording import show

if TYPE_CHECKING:
    from carecap.sim.experiments.sweep_spec import Sample, SweepSpec


@dataclass(frozen=True)
class Point:
    """One point of a sweep: a validated scenario and how it differs from the base."""

    point_id: str
    """``p0000``, ``p0001``, ... in expansion order."""
    label: str
    """Short description of the varied values, e.g. ``stations=8, home_core.shifts.0.count=2``."""
    overrides: dict[str, Any]
    """Every dotted path set on the base (sweep-level overrides included), in order."""
    parameters: dict[str, Any]
    """The varied values only (``variant`` first when there are variants)."""
    scenario: Scenario = field(repr=False)
    scenario_hash: str = ""


def point_warnings(points: list[Point] | tuple[Point, ...]) -> list[tuple[str, str]]:
    """The schedule warnings of a sweep's points
    (:func:`~carecap.sim.scenario.schedule_warnings.scenario_warnings`) as ``(where, message)``,
    one per distinct warning: ``where`` names the points that have it, ``point p0002 (variant=
    evening)``, ``points p0000 (...), p0003 (...)`` or ``every point (6)``, then the field path."""
    found: dict[tuple[str, str], list[Point]] = {}
    for point in points:
        for warning in scenario_warnings(point.scenario):
            found.setdefault(warning, []).append(point)
    return [
        (f"{_points_named(have, len(points))}: {field_path}", message)
        for (field_path, message), have in found.items()
    ]


def _points_named(have: list[Point], total: int) -> str:
    if total > 1 and len(have) == total:
        return f"every point ({total})"
    named = [f"{p.point_id} ({p.label})" if p.label else p.point_id for p in have[:MAX_LISTED]]
    if len(have) > MAX_LISTED:
        named.append(f"... and {len(have) - MAX_LISTED} more")
    return ("point " if len(have) == 1 else "points ") + ", ".join(named)


class SweepError(ScenarioError):
    """A :class:`ScenarioError` whose problems may sit at several points of one sweep file."""

    def __str__(self) -> str:
        problems = self.problems
        if len(problems) == 1:
            return problems[0].describe()
        lines = [f"{file_label(self.loaded_file)}: {len(problems)} problems:"]
        lines += [f"  - {p.describe()}" for p in problems[:MAX_LISTED]]
        if len(problems) > MAX_LISTED:
            lines.append(f"  ... and {len(problems) - MAX_LISTED} more")
        return "\n".join(lines)


Factor = list[tuple[dict[str, Any], list[tuple[str, str, Any]]]]
"""Levels of one block: (parameters, [(block, path, value)]) for each."""


def _factors(spec: SweepSpec) -> list[Factor]:
    factors: list[Factor] = []
    if spec.variants:
        factors.append(
            [
                ({"variant": name}, [(f"variants.{name}", p, v) for p, v in ov.items()])
                for name, ov in spec.variants.items()
            ]
        )
    if spec.grid:
        keys = list(spec.grid)
        factors.append(
            [
                (
                    dict(zip(keys, combo, strict=True)),
                    [("grid", k, v) for k, v in zip(keys, combo, strict=True)],
                )
                for combo in itertools.product(*spec.grid.values())
            ]
        )
    if spec.zip_:
        n = len(next(iter(spec.zip_.values())))
        factors.append(
            [
                (
                    {k: v[i] for k, v in spec.zip_.items()},
                    [("zip", k, v[i]) for k, v in spec.zip_.items()],
                )
                for i in range(n)
            ]
        )
    if spec.sample:
        factors.append(
            [
                (row, [("sample.ranges", k, v) for k, v in row.items()])
                for row in sample_values(spec.sample)
            ]
        )
    return factors


def sample_values(sample: Sample) -> list[dict[str, float | int]]:
    """The ``n`` sampled points: ``{path: value}``, reproducible from ``sample.seed``.

    Each unit-cube coordinate ``u`` becomes ``low + u (high - low)`` (rounded to 6 significant
    digits), or for integer ranges ``floor(low + u (high - low + 1))``, so that each whole number
    of ``low..high`` gets an equal share of the cube.
    """
    from scipy.stats import qmc

    keys = list(sample.ranges)
    cls = qmc.LatinHypercube if sample.method == "lhs" else qmc.Sobol
    rng = np.random.default_rng(sample.seed)
    # scipy >= 1.15 calls the generator argument `rng`; older versions `seed`
    keyword = "rng" if "rng" in inspect.signature(cls).parameters else "seed"
    engine = cls(len(keys), scramble=True, **{keyword: rng})
    cube = engine.random(sample.n)
    rows = []
    for u in cube:
        row: dict[str, float | int] = {}
        for key, x in zip(keys, u, strict=True):
            r = sample.ranges[key]
            if r.integer:
                row[key] = int(min(r.high, math.floor(r.low + x * (r.high - r.low + 1))))
            else:
                row[key] = float(f"{r.low + x * (r.high - r.low):.6g}")
        rows.append(row)
    return rows


def short_names(paths: list[str], data: Mapping[str, Any] | None = None) -> dict[str, str]:
    """The shortest dotted suffix of each path that tells it apart from the others.

    ``bathing_centre.stations`` -> ``stations``. With the base scenario's ``data``, a list item
    given by index is shown by its name where it has one (``home_bathing.teams.0.shifts.0.count``
    -> ``home_core.shifts.0.count``). A suffix starts no later than the first list item: a named
    item stands for itself (``home_core.shifts.0.count``), an index keeps the name of its list
    (``teams.0.shifts.0.count``, never ``shifts.0.count`` or ``0.count``), as an index means
    nothing without its list.
    """
    out: dict[str, str] = {}
    shown = {p: named_path(data, p) if data is not None else p for p in paths}
    split = {p: shown[p].split(".") for p in paths}
    for p, parts in split.items():
        items = list_items(data, shown[p]) if data is not None else [x.isdigit() for x in parts]
        first = next((i for i, item in enumerate(items) if item), None)
        if first is None:
            shortest = 1
        elif parts[first].isdigit():
            shortest = len(parts) - first + 1
        else:
            shortest = len(parts) - first
        tail = parts
        for k in range(shortest, len(parts) + 1):
            tail = parts[-k:]
            if not any(q != p and qp[-len(tail) :] == tail for q, qp in split.items()):
                break
        out[p] = ".".join(tail)
    return out


def point_label(parameters: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """``"night, stations=8, home_core.shifts.0.count=2"`` (``variant`` by its name alone)."""
    bits = []
    for key, value in parameters.items():
        if key == "variant":
            bits.append(str(value))
        else:
            bits.append(f"{names.get(key, key)}={show(value, limit=24)}")
    return LABEL_SEPARATOR.join(bits) or "base"


LABEL_SEPARATOR = ", "
"""Between the items of a point's label."""


def label_items(label: str) -> list[str]:
    """The items of a label made by :func:`point_label`, one per parameter, a separator inside
    a value (a list, a quoted text) kept within its item: ``"a=[1, 2], b='x, y'"`` ->
    ``["a=[1, 2]", "b='x, y'"]``."""
    items: list[str] = []
    for chunk in label.split(LABEL_SEPARATOR):
        if items and _value_open(items[-1]):
            items[-1] += LABEL_SEPARATOR + chunk
        else:
            items.append(chunk)
    return items


def _value_open(item: str) -> bool:
    """Whether an item's value has a bracket or quote still open (one cut short by
    :func:`~carecap.sim.scenario.wording.show`, ending ``...``, is closed)."""
    value = item.partition("=")[2] or item
    if value.endswith("..."):
        return False
    if value[:1] in ("'", '"'):
        return len(value) < 2 or value[-1] != value[0]
    return sum(value.count(c) for c in "[{") > sum(value.count(c) for c in "]}")


def same_field_twice(file: Path, spec: SweepSpec, base: Scenario, locate) -> None:
    """Refuse two spellings of one field (``caregivers.0...`` and ``caregivers.cg_a...``) where
    one would silently hide the other: both varied, one set and one varied, or both in one
    block. (The same spelling twice is checked by :class:`SweepSpec`.)"""
    data = base.model_dump(mode="json", by_alias=True)
    written: list[tuple[str, str]] = [("overrides", p) for p in spec.overrides]
    for name, ov in (spec.variants or {}).items():
        written += [(f"variants.{name}", p) for p in ov]
    written += [("grid", p) for p in spec.grid or {}]
    written += [("zip", p) for p in spec.zip_ or {}]
    written += [("sample.ranges", p) for p in (spec.sample.ranges if spec.sample else {})]
    varied = ("grid", "zip", "sample.ranges")
    seen: dict[tuple[str, ...], tuple[str, str]] = {}
    for block, path in written:
        try:
            concrete = resolve(data, path)[2]
        except PathError:
            continue  # reported, with the point, when the points are built
        if concrete in seen:
            first_block, first = seen[concrete]
            clash = first != path and (
                block == first_block or block in varied or first_block in varied
            )
            if clash:
                line, column = locate((*block.split(".", 1), path))[1:]
                raise ScenarioError(
                    file,
                    f"{block}.{path}",
                    f"{path} is the same field as {first} (in {first_block}); name it one way "
                    "only, or one setting would silently hide the other",
                    line=line,
                    column=column,
                )
        else:
            seen[concrete] = (block, path)


def build_points(file: Path, spec: SweepSpec, base: Scenario, locate) -> list[Point]:
    base_data = base.model_dump(mode="json", by_alias=True)
    factors = _factors(spec)
    combos = list(itertools.product(*factors))
    names = short_names(
        [k for params, _ in (combos[0] if combos else ()) for k in params if k != "variant"],
        base_data,
    )
    bad_paths: dict[tuple[str, str], list] = {}  # (block, path) -> [message, first point, count]
    bad_values: dict[tuple[str, str], list] = {}  # (field path, message) -> [problem, count]
    points: list[Point] = []
    for i, combo in enumerate(combos):
        point_id = f"p{i:04d}"
        parameters: dict[str, Any] = {}
        sets = [("overrides", p, v) for p, v in spec.overrides.items()]
        for params, settings in combo:
            parameters.update(params)
            sets.extend(settings)
        label = point_label(parameters, names)
        where = f"point {point_id} ({label})"
        data = copy.deepcopy(base_data)
        broken = False
        for block, path, value in sets:
            try:
                apply_overrides(data, {path: value})
            except KeyError as exc:
                broken = True
                entry = bad_paths.setdefault(
                    (block, path), [_path_message(exc, base.name), where, 0]
                )
                entry[2] += 1
        if broken:
            continue
        overrides: dict[str, Any] = {}
        for _, path, value in sets:  # later settings win (a variant over sweep overrides)
            overrides.pop(path, None)
            overrides[path] = value
        try:
            scenario = validate_scenario_data(data, f"{file_label(file)} {where}")
        except ScenarioError as exc:
            for problem in exc.problems:
                entry = bad_values.setdefault((problem.field_path, problem.message), [problem, 0])
                entry[1] += 1
            continue
        points.append(
            Point(point_id, label, overrides, parameters, scenario, scenario_hash(scenario))
        )
    problems = []
    for (block, path), (message, first, count) in bad_paths.items():
        at = (
            f"at all {count} points"
            if count == len(combos)
            else (f"at {first}" + (f" and {count - 1} other point(s)" if count > 1 else ""))
        )
        line, column = locate((*block.split(".", 1), path))[1:]
        problems.append(Problem(f"{block}.{path}", f"{message} ({at})", file, line, column))
    for problem, count in bad_values.values():
        if count > 1:
            msg = problem.message.rstrip(".") + f" (also at {count - 1} other point(s))."
            problem = Problem(problem.field_path, msg, problem.file)
        problems.append(problem)
    if problems:
        raise SweepError.from_problems(file, problems)
    return points


def _path_message(exc: KeyError, base_name: str) -> str:
    """The :class:`~carecap.sim.scenario.paths.PathError` of :func:`apply_overrides` as a
    sentence naming the base scenario (its "did you mean" hint kept)."""
    if isinstance(exc, PathError):
        return f"{exc.at} does not exist in base scenario '{base_name}': {exc.reason}"
    text = str(exc.args[0]) if exc.args else str(exc)
    return f"{text} (base scenario '{base_name}')"
