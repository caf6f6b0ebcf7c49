"""Columnar event records: what one replication produces.

The engine appends to typed ``array.array`` columns (about 40 bytes a request) and hands back a
:class:`ReplicationRecords`: four tidy tables, every time in simulation minutes since
``calendar.start_date`` 00:00. Metrics (:mod:`carecap.sim.metrics.replication`) are pure functions
of these tables and
an observation window.

``requests`` (one row per request, whatever became of it):

=============  ========  ==============================================================
column         dtype     meaning
=============  ========  ==============================================================
request_id     int32     row number within the replication
service        category  ``care_visit``, ``alarm``, ``centre_bath``, ``home_bath``
elder_id       int32     key into ``elders``
district       category  the elder's district
care_level     category  the elder's care level
tier           category  the elder's priority tier (ordered, highest priority first)
request_min    float64   request time; for planned visits and baths, the due time
start_min      float64   resource seized (dispatch); NaN if never started
travel_min     float64   one-way travel (or transport) before service at the home/centre
end_min        float64   service end; for abandoned requests, the time they were dropped;
                         for ``in_service``, the planned end after following stopped; else
                         NaN
wait_min       float64   start - request, plus travel for alarms (arrival at the home); NaN
                         if never started
outcome        category  ``served``, ``abandoned``, ``waiting``, ``in_service`` (when
                         following stopped: ``followed_until_min``)
unit_id        int16     the unit that served it (key into ``units``); -1 if none
=============  ========  ==============================================================

``elders``: elder_id, district, care_level, tier, has_bed (bool), enrol_min, exit_min (inf if the
elder stays past the horizon).

``units``: unit_id, pool, kind (``caregiver``, ``station``, ``team``), serves (the services its
shift may start, comma-separated).

``shifts``: unit_id, start_min, end_min: the spans during which each unit may start work,
clipped to the horizon (with a drain that was used: to the drain's end, spans starting after
``followed_until_min`` dropped).

With a drain (``calendar.drain_days``), no request is made at or after ``horizon_min``, but
requests made before it are followed on (starts, ends, give-ups, exits) until
``followed_until_min``; the elders' ``exit_min`` are known up to the drain's end. Work done after
the horizon is recognisable by its times (``start_min``/``end_min`` >= ``horizon_min``), so
utilisation and backlog stay computed over ``[warmup_min, horizon_min)``.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from carecap.sim.services.registry import CODES as SERVICES
from carecap.sim.services.registry import SERVICES as SPECS

OUTCOMES = ("served", "abandoned", "waiting", "in_service")
SERVED, ABANDONED, WAITING, IN_SERVICE = range(4)
UNIT_KINDS = ("caregiver", "station", "team")


@dataclass(frozen=True)
class ReplicationRecords:
    """Everything one replication produced, plus what is needed to interpret it."""

    scenario: str
    replication: int
    seed: int
    horizon_min: float
    warmup_min: float
    requests: pd.DataFrame
    elders: pd.DataFrame
    units: pd.DataFrame
    shifts: pd.DataFrame
    timings: dict[str, float] = field(default_factory=dict)
    followed_until_min: float = math.nan
    """When the run stopped following the window's requests: ``horizon_min`` plus the drain
    (``calendar.drain_days``: no new demand, capacity as scheduled) actually used. A request
    still ``waiting`` in the records is right-censored here: its wait is at least
    ``followed_until_min - request_min``. NaN is read as ``horizon_min`` (no drain)."""

    van_trips: pd.DataFrame | None = None
    """The centre's van trips, one row per elder aboard (see :mod:`carecap.sim.engine.vans`);
    empty without vans."""

    @property
    def observed_end_min(self) -> float:
        """``followed_until_min``, or ``horizon_min`` when the run had no drain."""
        end = self.followed_until_min
        return self.horizon_min if end != end else end


_BLOCK = 4096
"""Rows by which the columns set after a request is made grow at once (see :class:`RequestLog`)."""
_NAN_BLOCK = array("d", [math.nan]) * _BLOCK
_ZERO_BLOCK = array("d", [0.0]) * _BLOCK
_WAITING_BLOCK = array("b", [WAITING]) * _BLOCK
_NO_UNIT_BLOCK = array("h", [-1]) * _BLOCK


class RequestLog:
    """Append-only columns for requests; fields set later are written in place by row id.

    ``service``, ``elder`` and ``request`` are appended one row at a time; the columns set
    later (``start``, ``travel``, ``end``, ``outcome``, ``unit``) hold their initial values
    (NaN, 0, NaN, waiting, -1) and grow :data:`_BLOCK` rows at a time, ahead of the rows made
    (one ``extend`` instead of five ``append`` calls a request): they may be longer than the
    log; :meth:`frame` keeps the first ``len(self)`` rows."""

    __slots__ = ("elder", "end", "outcome", "request", "service", "start", "travel", "unit")

    def __init__(self) -> None:
        self.service = array("b")
        self.elder = array("i")
        self.request = array("d")
        self.start = array("d")
        self.travel = array("d")
        self.end = array("d")
        self.outcome = array("b")
        self.unit = array("h")

    def __len__(self) -> int:
        return len(self.service)

    def new(self, service: int, elder: int, request_min: float) -> int:
        """Append a waiting request and return its row id."""
        rid = len(self.service)
        if rid == len(self.start):
            self.start.extend(_NAN_BLOCK)
            self.travel.extend(_ZERO_BLOCK)
            self.end.extend(_NAN_BLOCK)
            self.outcome.extend(_WAITING_BLOCK)
            self.unit.extend(_NO_UNIT_BLOCK)
        self.service.append(service)
        self.elder.append(elder)
        self.request.append(request_min)
        return rid

    def frame(self, elders: pd.DataFrame, tiers: list[str]) -> pd.DataFrame:
        """The ``requests`` table, with the elder's attributes joined in.

        The numeric columns are views of the log's arrays, not copies (the log is complete when
        the table is built; nothing appends to it afterwards): the table adds only ``wait_min``
        and the one-byte codes of its categorical columns to the log's memory."""
        n = len(self)
        elder = np.frombuffer(self.elder, dtype=np.int32)
        start = np.frombuffer(self.start, dtype=np.float64)[:n]
        request = np.frombuffer(self.request, dtype=np.float64)
        travel = np.frombuffer(self.travel, dtype=np.float64)[:n]
        service = pd.Categorical.from_codes(
            np.frombuffer(self.service, dtype=np.int8), pd.Index(SERVICES)
        )
        wait = start - request
        on_arrival = np.asarray(service.isin([s.code for s in SPECS if s.wait_includes_travel]))
        wait[on_arrival] += travel[on_arrival]  # e.g. alarms: the wait ends at the home
        columns = {
            "request_id": np.arange(len(elder), dtype=np.int32),
            "service": service,
            "elder_id": elder,
            "district": present_categories(elders["district"], elder),
            "care_level": present_categories(elders["care_level"], elder),
            "tier": _tiers(elders["tier"], elder, tiers),
            "request_min": request,
            "start_min": start,
            "travel_min": travel,
            "end_min": np.frombuffer(self.end, dtype=np.float64)[:n],
            "wait_min": wait,
            "outcome": pd.Categorical.from_codes(
                np.frombuffer(self.outcome, dtype=np.int8)[:n], pd.Index(OUTCOMES)
            ),
            "unit_id": np.frombuffer(self.unit, dtype=np.int16)[:n],
        }
        return pd.DataFrame(columns, copy=False)


def present_categories(column: pd.Series, rows: np.ndarray) -> pd.Categorical:
    """``column`` (categorical) taken at ``rows``, as a categorical whose categories are the
    values present, sorted (what ``astype("category")`` of the values would give), built from
    the one-byte codes without a string (or an 8-byte code) per row."""
    codes = np.asarray(column.cat.codes)[rows]
    used = np.unique(codes)
    used = used[used >= 0]
    names = column.cat.categories[used]
    order = np.argsort(np.asarray(names, dtype=object), kind="stable")
    recode = np.full(len(column.cat.categories) + 1, -1, dtype=code_dtype(len(used)))
    recode[used[order]] = np.arange(len(used))
    return pd.Categorical.from_codes(recode[codes], categories=pd.Index(list(names[order])))


def _tiers(column: pd.Series, rows: np.ndarray, tiers: list[str]) -> pd.Categorical[Any]:
    """The elders' tiers taken at ``rows``, as an ordered categorical of ``tiers``."""
    if not isinstance(column.dtype, pd.CategoricalDtype):
        return pd.Categorical(column.take(rows), categories=tiers, ordered=True)
    position = {name: i for i, name in enumerate(tiers)}
    lookup = [position.get(str(c), -1) for c in column.cat.categories] + [-1]
    recode = np.array(lookup, dtype=code_dtype(len(tiers)))
    codes = recode[np.asarray(column.cat.codes)[rows]]
    return pd.Categorical.from_codes(codes, categories=pd.Index(tiers), ordered=True)


def code_dtype(n: int) -> type[np.signedinteger]:
    """The narrowest codes for ``n`` categories (as pandas keeps them)."""
    return np.int8 if n < 127 else np.int16 if n < 32767 else np.int32
