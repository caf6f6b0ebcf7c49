"""Sweep files: a base scenario plus what to vary, expanded into validated points.

A sweep file is YAML (read safely, like scenario files)::

    name: bathing-capacity            # results go to results/sweeps/<name>/ by default
    description: ...
    base: ../taiyuan-2022.yaml        # relative to this file; extends: chains are resolved
    replications: 5                   # default: the base scenario's
    seed: 2022                        # default: the base scenario's
    antithetic: false                 # pairs of replications (0, 1), (2, 3), ...
    overrides: {calendar.horizon_days: 180}          # applied to every point
    variants: {baseline: {}, night: {caregivers.cg_xiaodian.shifts.cover.count: 2}}
    grid: {bathing_centre.stations: [12, 16], home_bathing.teams.home_core.shifts.0.count: [4, 5]}
    zip: {path.a: [1, 2, 3], path.b: [10, 20, 30]}   # varied together (equal lengths)
    sample: {method: lhs, n: 16, seed: 7,            # or sobol (n a power of 2)
             ranges: {bathing_centre.stations: {low: 8, high: 20, integer: true}}}

Fields are named by dotted paths into the resolved base scenario (list items by index, or by name
for pools, teams and named shift groups: :mod:`carecap.sim.scenario.paths`); point labels show
list items by name. The
points are the product variants x grid x zip x sample (a missing block is one empty factor), in
that order, the first factor varying slowest; they are numbered ``p0000``, ``p0001``, ...

Every point's scenario is built and validated before anything runs: a path that does not exist
in the base scenario, or a value the scenario rejects, is a
:class:`~carecap.sim.errors.ScenarioError`
naming the sweep file, the path and the point. Every point of replication ``r`` is simulated with
the same seed and replication number, so all points see the same demand (common random numbers).
"""

from __future__ import annotations

import copy
import hashlib
import inspect
import itertools
import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeInt,
    PositiveInt,
    ValidationError,
    model_validator,
)

from carecap.sim.errors import MAX_LISTED, FileRef, Problem, ScenarioError, file_label
from carecap.sim.experiments.manifest import scenario_hash
from carecap.sim.scenario.loader import (
    _read_document,
    load_scenario_with_sources,
    validate_scenario_data,
)
from carecap.sim.scenario.messages import show, validation_error_to_scenario_error
from carecap.sim.scenario.model import Name, Scenario, apply_overrides
from carecap.sim.scenario.paths import PATH_PATTERN as _PATH
from carecap.sim.scenario.paths import PathError, list_items, named_path, resolve

RESERVED_PATHS = {"seed": "seed", "replications": "replications"}
"""Scenario fields a sweep sets itself (its own ``seed`` and ``replications``)."""
BLOCKS = ("variants", "grid", "zip", "sample")
"""The blocks that make points, in the order they are combined (first varies slowest)."""

Values = Annotated[list[Any], Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, use_attribute_docstrings=True
    )


class Range(_Strict):
    """A range sampled uniformly (``integer``: whole numbers ``low..high``, each equally likely)."""

    low: float
    high: float
    integer: bool = False

    @model_validator(mode="after")
    def _ordered(self):
        if self.high < self.low:
            raise ValueError(f"high ({self.high:g}) must be at least low ({self.low:g})")
        if self.integer and not (self.low.is_integer() and self.high.is_integer()):
            raise ValueError(
                f"integer: true needs whole-number bounds, got low {self.low:g}, high {self.high:g}"
            )
        return self


class Sample(_Strict):
    """Quasi-random points over ranges (``scipy.stats.qmc``)."""

    method: Literal["lhs", "sobol"]
    """``lhs``: Latin hypercube; ``sobol``: scrambled Sobol sequence (``n`` a power of 2)."""
    n: PositiveInt
    seed: NonNegativeInt = 0
    ranges: dict[str, Range] = Field(min_length=1)

    @model_validator(mode="after")
    def _power_of_two(self):
        if self.method == "sobol" and self.n & (self.n - 1):
            lower = 1 << (self.n.bit_length() - 1)
            raise ValueError(
                f"n: Sobol points are balanced only in powers of 2, got {self.n}; use "
                f"{lower} or {lower * 2} (or method: lhs, which takes any n)"
            )
        return self


class SweepSpec(_Strict):
    """A sweep file as written (validated, paths not yet checked against the scenario)."""

    name: Name
    description: str = ""
    base: str = Field(min_length=1)
    """The base scenario file, relative to the sweep file."""
    replications: PositiveInt | None = None
    """Replications per point; default: the base scenario's."""
    seed: NonNegativeInt | None = None
    """Root seed, the same for every point (common random numbers); default: the base's."""
    antithetic: bool = False
    """Antithetic pairs: replication 2k+1 mirrors the draws of 2k (needs an even count)."""
    overrides: dict[str, Any] = Field(default_factory=dict)
    """Set for every point (a variant may override them)."""
    variants: dict[Name, dict[str, Any]] | None = Field(default=None, min_length=1)
    grid: dict[str, Values] | None = Field(default=None, min_length=1)
    zip_: dict[str, Values] | None = Field(default=None, alias="zip", min_length=1)
    sample: Sample | None = None

    @model_validator(mode="after")
    def _consistent(self):
        blocks: dict[str, list[str]] = {"overrides": list(self.overrides)}
        for name, ov in (self.variants or {}).items():
            blocks[f"variants.{name}"] = list(ov)
        blocks["grid"] = list(self.grid or {})
        blocks["zip"] = list(self.zip_ or {})
        blocks["sample.ranges"] = list(self.sample.ranges) if self.sample else []
        for block, paths in blocks.items():
            for path in paths:
                if not isinstance(path, str) or not _PATH.match(path):
                    raise ValueError(
                        f"{block}: {show(path)} is not a dotted field path such as "
                        "bathing_centre.stations or caregivers.cg_xiaodian.shifts.1.count"
                    )
                if path in RESERVED_PATHS:
                    raise ValueError(
                        f"{block}: {path} is set by the sweep itself (its top-level "
                        f"{RESERVED_PATHS[path]}); it cannot be varied"
                    )
        if self.zip_:
            lengths = {k: len(v) for k, v in self.zip_.items()}
            if len(set(lengths.values())) > 1:
                listed = ", ".join(f"{k}: {n}" for k, n in lengths.items())
                raise ValueError(
                    f"zip: the lists are varied together and need equal lengths ({listed})"
                )
        # A path may be varied in one place only (else one setting silently hides another).
        varied = ["grid", "zip", "sample.ranges"]
        owner: dict[str, str] = {}
        for block in varied:
            for path in blocks[block]:
                if path in owner:
                    raise ValueError(
                        f"{block}: {path} is also varied in {owner[path]}; vary it in one place"
                    )
                owner[path] = block
        for block, paths in blocks.items():
            if block in varied:
                continue
            for path in paths:
                if path in owner:
                    raise ValueError(
                        f"{block}: {path} is set here and varied in {owner[path]}; the varied "
                        "value would hide this one"
                    )
        if self.antithetic and self.replications is not None and self.replications % 2:
            raise ValueError(
                f"replications: antithetic replications come in pairs, so their number must be "
                f"even, got {self.replications}"
            )
        return self


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


@dataclass(frozen=True)
class Sweep:
    """A loaded sweep: the file, its spec, the resolved base scenario and every point."""

    file: Path
    spec: SweepSpec
    base: Scenario = field(repr=False)
    base_files: list[Path]
    points: tuple[Point, ...]
    replications: int
    seed: int
    content_hash: str
    """SHA-256 over the base scenario hash, the points' overrides, replications, seed and
    antithetic: equal sweeps (whatever their comments or formatting) have equal hashes."""

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def antithetic(self) -> bool:
        return self.spec.antithetic

    @property
    def parameter_names(self) -> list[str]:
        """The names of the varied parameters, as in every point's ``parameters``."""
        return list(self.points[0].parameters) if self.points else []

    def n_runs(self) -> int:
        return len(self.points) * self.replications


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


# --- loading ----------------------------------------------------------------------------------


def load_sweep(path: str | os.PathLike[str]) -> Sweep:
    """Read and validate the sweep file at ``path``, its base scenario and every point.

    Raises:
        ScenarioError: the sweep file, its base scenario or any point is invalid (the message
            names the file, the path and, for a point, its id and parameters).
    """
    file = Path(path)
    doc = _read_sweep_document(file)

    def locate(where: tuple[str, ...]) -> tuple[FileRef, int | None, int | None]:
        for k in range(len(where), 0, -1):
            if where[:k] in doc.positions:
                return (file, *doc.positions[where[:k]])
        return file, None, None

    try:
        spec = SweepSpec.model_validate(doc.data)
    except ValidationError as exc:
        raise validation_error_to_scenario_error(
            exc, file, model=SweepSpec, locate=locate, data=doc.data
        ) from None
    base_path = Path(os.path.abspath(file.parent / Path(spec.base).expanduser()))
    if not base_path.is_file():
        raise ScenarioError(
            file,
            "base",
            f"cannot read {spec.base!r} (looked for {base_path}): no such file",
            line=locate(("base",))[1],
            column=locate(("base",))[2],
        )
    base, base_files = load_scenario_with_sources(base_path)
    replications = spec.replications if spec.replications is not None else base.replications
    seed = spec.seed if spec.seed is not None else base.seed
    if spec.antithetic and replications % 2:
        raise ScenarioError(
            file,
            "antithetic",
            "antithetic replications come in pairs, so their number must be even, but the "
            f"base scenario's replications ({replications}) is odd; set replications",
            line=locate(("antithetic",))[1],
        )
    _same_field_twice(file, spec, base, locate)
    points = _build_points(file, spec, base, locate)
    return Sweep(
        file=file,
        spec=spec,
        base=base,
        base_files=base_files,
        points=tuple(points),
        replications=replications,
        seed=seed,
        content_hash=_content_hash(base, points, replications, seed, spec.antithetic),
    )


def _read_sweep_document(file: Path):
    """The parsed sweep file (plain data, with key positions); errors worded for sweeps."""
    try:
        return _read_document(Path(os.path.abspath(file)))
    except ScenarioError as exc:
        msg = exc.message
        if msg.startswith("cannot read the scenario file"):
            msg = msg.replace("scenario file", "sweep file")
        elif msg.startswith(("the file is empty", "the top level of a scenario")):
            msg = (
                "a sweep file is a mapping with keys such as name, base, replications, seed "
                "and grid, but " + ("the file is empty" if "empty" in msg else "it is not one")
            )
        else:
            raise
        raise ScenarioError(file, "", msg, line=exc.line, column=exc.column) from None


# --- expanding points -------------------------------------------------------------------------

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
    return ", ".join(bits) or "base"


def _same_field_twice(file: Path, spec: SweepSpec, base: Scenario, locate) -> None:
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


def _build_points(file: Path, spec: SweepSpec, base: Scenario, locate) -> list[Point]:
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


def _content_hash(
    base: Scenario, points: list[Point], replications: int, seed: int, antithetic: bool
) -> str:
    payload = {
        "base_scenario": scenario_hash(base),
        "points": [[[p, v] for p, v in pt.overrides.items()] for pt in points],
        "replications": replications,
        "seed": seed,
        "antithetic": antithetic,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
