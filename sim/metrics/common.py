"""Shared pieces of the metrics: the observation window, service targets, slices, tidy rows.

Everything here is a pure function of a scenario or of record columns. Times are simulation
minutes (as in :mod:`carecap.sim.engine.records`); conversions to days happen only where a metric
is reported.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from carecap.sim.engine.records import ReplicationRecords, code_dtype
from carecap.sim.scenario.model import ALL, SERVICES, Scenario
from carecap.sim.units import DAY_MIN

__all__ = [
    "ALL",
    "CLASS_SLICE",
    "COLUMNS",
    "DAY_MIN",
    "SLICE_KINDS",
    "STARTED",
    "TIME_SLICE_KINDS",
    "ServiceTarget",
    "Window",
]

SLICE_KINDS = ("tier", "district", "care_level")
"""Slices of requests and elders, besides ``all``; each is a column of ``requests`` and
``elders``."""
TIME_SLICE_KINDS = ("year", "pool_year")
"""Slices by calendar year (runs over several years only): every metric of slice ``all`` by
year, per-pool metrics by pool and year (:mod:`carecap.sim.metrics.years`)."""
CLASS_SLICE = "alarm_class"
"""Slice of requests only (a column of ``requests``): the urgency class of services that have
classes (:attr:`ServiceTarget.by_class`)."""
STARTED = ("served", "in_service")
"""Outcomes of requests whose service started (the resource was seized) before the horizon."""
COLUMNS = ["service", "slice", "slice_value", "metric", "value", "unit"]


@dataclass(frozen=True)
class Window:
    """The observation window ``[start_min, end_min)``: from the end of warm-up to the horizon."""

    start_min: float
    end_min: float

    @classmethod
    def of(cls, records: ReplicationRecords) -> Window:
        return cls(float(records.warmup_min), float(records.horizon_min))

    @property
    def length_min(self) -> float:
        return self.end_min - self.start_min

    @property
    def days(self) -> float:
        return self.length_min / DAY_MIN

    def overlap_min(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Minutes of each span ``[start, end)`` inside the window (0 for NaN spans)."""
        # (in place: one output array and one temporary, whatever the number of spans)
        hi = np.minimum(np.asarray(end, dtype=np.float64), self.end_min)
        lo = np.maximum(np.asarray(start, dtype=np.float64), self.start_min)
        np.subtract(hi, lo, out=hi)
        del lo
        np.clip(hi, 0.0, None, out=hi)
        return np.nan_to_num(hi, copy=False, nan=0.0)


@dataclass(frozen=True)
class ServiceTarget:
    """A request-level service, its target wait (minutes) and the unit waits are reported in."""

    service: str
    target_min: float
    unit: str  # "min" or "days"
    by_district_min: Mapping[str, float] = field(default_factory=dict)
    """Targets that differ by the elder's district (minutes), e.g. for counties."""
    within: tuple[float, ...] = ()
    """Common thresholds (in the reporting unit) reported as ``within_<threshold>`` shares."""
    by_class: Mapping[str, tuple[float, Mapping[str, float]]] = field(default_factory=dict)
    """Urgency classes (column ``alarm_class``), each with its own target (minutes) and district
    targets; empty: the service has no classes."""

    def slice_kinds(self) -> tuple[str, ...]:
        """The slices reported for this service, besides ``all``."""
        return (*SLICE_KINDS, CLASS_SLICE) if self.by_class else SLICE_KINDS

    @property
    def unit_min(self) -> float:
        """Minutes in one reporting unit."""
        return 1.0 if self.unit == "min" else DAY_MIN

    def within_names(self) -> list[str]:
        """Metric names of the common thresholds: ``within_30min``, ``within_7d``."""
        suffix = "min" if self.unit == "min" else "d"
        return [f"within_{x:g}{suffix}" for x in self.within]


def service_targets(records: ReplicationRecords, scenario: Scenario) -> list[ServiceTarget]:
    """The services to report, in :data:`carecap.sim.scenario.model.SERVICES` order.

    A service is reported when the scenario defines its target and either its resource is
    configured or the records hold requests for it (so an unused route such as centre bathing in
    a city without a centre does not clutter the tables).
    """
    sv = scenario.services
    present = values_present(records.requests["service"])
    out: list[ServiceTarget] = []
    if sv.care_visit is not None:
        cv = sv.care_visit
        within = _thresholds(cv.report_within_days)
        out.append(ServiceTarget("care_visit", cv.target_days * DAY_MIN, "days", within=within))
    if sv.alarm is not None:
        al = sv.alarm
        within = _thresholds(al.report_within_min)
        by_class = (
            {n: (c.target_min, c.target_min_by_district or {}) for n, c in al.class_list()}
            if al.classes is not None
            else {}
        )
        out.append(
            ServiceTarget(
                "alarm", al.target_min, "min", al.target_min_by_district, within, by_class
            )
        )
    if sv.bath is not None:
        target = sv.bath.target_days * DAY_MIN
        within = _thresholds(sv.bath.report_within_days)
        if scenario.bathing_centre is not None or "centre_bath" in present:
            out.append(ServiceTarget("centre_bath", target, "days", within=within))
        if scenario.home_bathing is not None or "home_bath" in present:
            out.append(ServiceTarget("home_bath", target, "days", within=within))
    return sorted(out, key=lambda t: SERVICES.index(t.service))


def _thresholds(values) -> tuple[float, ...]:
    return tuple(sorted({float(v) for v in values}))


def slice_values(scenario: Scenario, frame: pd.DataFrame, kind: str) -> list[str]:
    """All values of a slice: the scenario's names first (so every replication reports the same
    rows, empty ones included), then any unexpected value found in ``frame``."""
    declared = {
        "tier": list(scenario.tiers),
        "district": list(scenario.districts),
        "care_level": list(scenario.care_levels),
        CLASS_SLICE: [n for n, _ in scenario.services.alarm.class_list()]
        if scenario.services.alarm is not None
        else [],
    }[kind]
    found = values_present(frame[kind])
    return declared + sorted(found - set(declared))


def as_codes(
    values: pd.Series, categories: list[str], rows: np.ndarray | None = None, narrow: bool = False
) -> np.ndarray:
    """Integer codes of ``values`` in ``categories`` (-1 for values not listed or missing); with
    ``rows``, of those rows only (``as_codes(values, categories)[rows]`` without the others).

    ``narrow``: in the narrowest integers that hold them (one byte for up to 126 categories)
    instead of int64, for columns a request long; arithmetic on them must widen first (numpy
    keeps ``int8 * 3`` in int8)."""
    dtype = code_dtype(len(categories) + 1) if narrow else np.int64
    if isinstance(values.dtype, pd.CategoricalDtype):
        # Re-code through a lookup of the categories: O(rows) integer work, no string conversion.
        position = {name: i for i, name in enumerate(categories)}
        lookup = [position.get(str(c), -1) for c in values.cat.categories] + [-1]
        codes = values.cat.codes.to_numpy()
        # (code -1 picks the trailing -1)
        return np.array(lookup, dtype=dtype)[codes if rows is None else codes[rows]]
    out = pd.Categorical(values.astype(str), categories=categories).codes.astype(dtype)
    return out if rows is None else out[rows]


def values_present(values: pd.Series) -> set[str]:
    """The distinct non-missing values of a column, as strings (for a categorical column from
    its one-byte codes, without a copy of the column and its index)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = np.unique(values.cat.codes.to_numpy())
        return {str(values.cat.categories[c]) for c in codes[codes >= 0]}
    return {str(v) for v in values.dropna().unique()}


def group_sort(groups: np.ndarray, n_groups: int) -> np.ndarray:
    """A stable argsort of small integer group codes (radix sort when they fit in int16)."""
    dtype = np.int16 if n_groups < np.iinfo(np.int16).max else np.int64
    return np.argsort(groups.astype(dtype, copy=False), kind="stable")


CHUNK_ROWS = 1 << 16
"""Rows of a record table a metric reads at a time where it can (its temporaries then cost a
chunk's size, not the table's: a ten-year run has about a million requests)."""


def row_chunks(n_rows: int, size: int = CHUNK_ROWS) -> Iterator[slice]:
    """Consecutive slices of ``size`` rows covering ``range(n_rows)``."""
    for lo in range(0, n_rows, size):
        yield slice(lo, min(lo + size, n_rows))


def first_rows(ids: np.ndarray) -> np.ndarray:
    """Positions of the first row of each distinct id, in the table's order (ids written in
    runs, like a trip's rows, are read without sorting them)."""
    if len(ids) == 0:
        return np.zeros(0, dtype=np.int64)
    if not np.all(ids[1:] >= ids[:-1]):  # (in any order: by sorting)
        _, first = np.unique(ids, return_index=True)
        return np.sort(first)
    new = np.empty(len(ids), dtype=bool)  # (sorted: the first of each run)
    new[0] = True
    np.not_equal(ids[1:], ids[:-1], out=new[1:])
    return np.flatnonzero(new)


def isin_codes(values: pd.Series, categories: list[str], wanted: tuple[str, ...]) -> np.ndarray:
    """Boolean mask: which ``values`` are among ``wanted`` (of ``categories``); for a categorical
    column straight from its one-byte codes."""
    missing = [w for w in wanted if w not in categories]
    if missing:
        raise ValueError(f"{missing} not among the categories {categories}")
    if isinstance(values.dtype, pd.CategoricalDtype):
        chosen = [str(c) in wanted for c in values.cat.categories] + [False]
        return np.array(chosen)[values.cat.codes.to_numpy()]  # (code -1: the trailing False)
    return np.isin(as_codes(values, categories, narrow=True), [categories.index(w) for w in wanted])


Block = dict[str, np.ndarray]
"""Columns of tidy metric rows (:data:`COLUMNS`), as numpy arrays of equal length."""


def block(service, slice_kind, slice_value, metric, value, unit) -> Block:
    """A block of tidy metric rows; arguments are scalars or arrays, scalars are broadcast."""
    value = np.atleast_1d(np.asarray(value, dtype=np.float64))
    out: Block = {"value": value}
    for name, x in zip(
        COLUMNS, (service, slice_kind, slice_value, metric, None, unit), strict=True
    ):
        if name != "value":
            out[name] = np.broadcast_to(np.asarray(x, dtype=object), value.shape)
    return out


def to_frame(blocks: list[Block]) -> pd.DataFrame:
    """One tidy DataFrame (columns :data:`COLUMNS`) from blocks, built once (pandas is slow at
    many small frames)."""
    if not blocks:
        return pd.DataFrame(
            {c: pd.Series(dtype=np.float64 if c == "value" else str) for c in COLUMNS}
        )
    return pd.DataFrame({c: np.concatenate([b[c] for b in blocks]) for c in COLUMNS})
