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
(expanded in :mod:`carecap.sim.experiments.sweep_points`).

Every point's scenario is built and validated before anything runs: a path that does not exist
in the base scenario, or a value the scenario rejects, is a
:class:`~carecap.sim.errors.ScenarioError`
naming the sweep file, the path and the point. Every point of replication ``r`` is simulated with
the same seed and replication number, so all points see the same demand (common random numbers).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeInt,
    PositiveInt,
    ValidationError,
    model_validator,
)

from carecap.sim.errors import FileRef, ScenarioError
from carecap.sim.experiments.manifest import scenario_hash
from carecap.sim.experiments.sweep_points import Point, build_points, same_field_twice
from carecap.sim.scenario.document import read_document
from carecap.sim.scenario.loader import load_scenario_with_sources
from carecap.sim.scenario.messages import validation_error_to_scenario_error
from carecap.sim.scenario.model import Name, Scenario
from carecap.sim.scenario.paths import PATH_PATTERN as _PATH
from carecap.sim.scenario.set_options import apply_set_options
from carecap.sim.scenario.sweep_blocks import POINT_BLOCKS
from carecap.sim.scenario.wording import show

RESERVED_PATHS = {"seed": "seed", "replications": "replications"}
"""Scenario fields a sweep sets itself (its own ``seed`` and ``replications``)."""
BLOCKS = POINT_BLOCKS
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
    sets: dict[str, Any] = field(default_factory=dict)
    """``--set`` settings applied to the base scenario (part of the content hash through it)."""

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


# --- loading ----------------------------------------------------------------------------------


def load_sweep(path: str | os.PathLike[str], sets: dict[str, Any] | None = None) -> Sweep:
    """Read and validate the sweep file at ``path``, its base scenario (with the ``--set``
    settings ``sets`` applied, as ``carecap run --set`` does) and every point.

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
        _refuse_a_scenario_file(file, doc.data)
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
    base = apply_set_options(base, sets or {}, base_path)  # UsageError naming --set
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
    same_field_twice(file, spec, base, locate)
    points = build_points(file, spec, base, locate)
    return Sweep(
        file=file,
        spec=spec,
        base=base,
        base_files=base_files,
        points=tuple(points),
        replications=replications,
        seed=seed,
        content_hash=_content_hash(base, points, replications, seed, spec.antithetic),
        sets=dict(sets or {}),
    )


def _refuse_a_scenario_file(file: Path, data: Any) -> None:
    """A scenario file given where a sweep file is expected (it has scenario sections and no
    ``base:``) is refused in one sentence saying so, not with every scenario key it has."""
    if not isinstance(data, dict) or "base" in data:
        return
    sections = [k for k in _SCENARIO_SECTIONS if k in data]
    if sections:
        raise ScenarioError(
            file,
            "",
            f"this is a scenario file (it has {', '.join(map(repr, sections))} and no 'base'), "
            "not a sweep file: run it with 'carecap run', or write a sweep file whose 'base:' "
            "names it and whose grid, zip, variants or sample say what to vary",
        )


_SCENARIO_SECTIONS = ("calendar", "population", "services", "caregivers", "districts")
"""Top-level keys of scenario files that no sweep file has."""


def _read_sweep_document(file: Path):
    """The parsed sweep file (plain data, with key positions); errors worded for sweeps."""
    try:
        return read_document(Path(os.path.abspath(file)))
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
