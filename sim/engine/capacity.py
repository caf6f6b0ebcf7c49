"""The units of one replication: pools built from the registry's resource declarations, their
shifts, and which pool serves each service in each district.

Unit ids are numbered pool by pool in the order of :data:`~carecap.sim.services.registry.
RESOURCES` (caregivers, home-bathing teams, centre stations), shift group by shift group.
"""

from __future__ import annotations

import math
from array import array

import numpy as np
import pandas as pd

from carecap.sim.engine.pools import Pool
from carecap.sim.scenario.base import Window, window_min
from carecap.sim.scenario.model import Scenario
from carecap.sim.scenario.schedule import Intervals, WeeklySchedule
from carecap.sim.services.registry import (
    NO_POOL,
    RANK,
    SERVICES,
    pool_of,
    pool_specs,
    service_hours,
)


class Capacity:
    """Pools, units and shift spans; ``shift_end[unit]`` is when the unit's current span ends.

    A shift group's spans are held once for all its units (as float columns), and once for all
    groups with the same hours and dates, so their memory grows with the horizon times the
    distinct shift patterns, not with the units or groups too."""

    def __init__(self, scenario: Scenario, outcome, end_min: float):
        """``outcome``: the request log's outcome column (the pools skip requests no longer
        waiting); ``end_min``: shift spans are generated up to this time (horizon + drain)."""
        self.end_min = end_min
        start_weekday = scenario.calendar.start_date.weekday()
        self.shift_end: list[float] = []
        self.unit_rows: list[tuple[int, str, str, str]] = []
        self.shift_groups: list[tuple[list[int], Intervals]] = []
        """Each shift group's unit ids and the spans (up to ``end_min``, the last possibly ending
        after it) in which they are on shift."""
        self.nowhere = Pool(NO_POOL[1], NO_POOL[0], [], self.shift_end, outcome)
        self.pools: list[Pool] = []
        by_key: dict[tuple[str, str], Pool] = {NO_POOL: self.nowhere}
        start_date = scenario.calendar.start_date
        # groups with the same hours and dates (most of them) share one set of spans
        spans: dict[tuple[WeeklySchedule, Window | None], Intervals] = {}
        for spec in pool_specs(scenario):
            units, ranks = [], {}
            for g, (count, hours, serves) in enumerate(spec.shifts):
                group = []
                for _ in range(count):
                    uid = len(self.shift_end)
                    self.shift_end.append(-math.inf)
                    self.unit_rows.append((uid, spec.name, spec.kind, ",".join(serves)))
                    group.append(uid)
                    ranks[uid] = tuple(sorted({RANK[s] for s in serves}))
                window = spec.dates[g] if spec.dates else None
                intervals = spans.get((hours, window))
                if intervals is None:
                    intervals = hours.open_intervals(start_weekday, end_min)
                    if window is not None:
                        intervals = intervals.clipped(*window_min(window, start_date))
                    spans[(hours, window)] = intervals
                units.extend(group)
                self.shift_groups.append((group, intervals))
            pool = Pool(spec.name, spec.kind, units, self.shift_end, outcome, ranks)
            self.pools.append(pool)
            by_key[(spec.kind, spec.name)] = pool
        self.pool_of_unit = {u: p for p in self.pools for u in p.units}
        districts = list(scenario.districts)
        self.by_service: list[list[Pool]] = [
            [by_key.get(pool_of(scenario, s.code, d), self.nowhere) for d in districts]
            for s in SERVICES
        ]
        """``by_service[service id][district code]``: the pool whose queue the request joins."""
        self.openings: list[tuple[Pool, Intervals]] = []
        """Pools with a service whose own hours limit its starts, and those hours' intervals."""
        for s, pools in zip(SERVICES, self.by_service, strict=True):
            hours = service_hours(scenario, s.code)
            if hours is None or hours.always:
                continue
            intervals = hours.open_intervals(start_weekday, end_min)
            for pool in dict.fromkeys(p for p in pools if p is not self.nowhere):
                pool.hours[RANK[s.code]] = intervals
                self.openings.append((pool, intervals))

    def waiting(self) -> int:
        """Requests waiting in any queue now (or aboard a van on the way to the centre)."""
        return self.nowhere.live + sum(
            p.live + (p.fleet.aboard if p.fleet else 0) for p in self.pools
        )

    def units_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.unit_rows, columns=["unit_id", "pool", "kind", "serves"]).astype(
            {"unit_id": np.int16, "pool": "category", "kind": "category", "serves": "category"}
        )

    def shifts_frame(
        self, followed_until_min: float, horizon_min: float, drained: bool
    ) -> pd.DataFrame:
        """The spans in which units may start work. Without a drain, or when the drain handled
        no event (nothing waited at the horizon), they are clipped to the horizon; with one,
        spans run to the drain's end and those starting after following stopped are dropped (a
        unit may start work at the very instant following stops: the start that emptied the
        last queue, possibly at the horizon itself)."""
        groups = [(group, spans) for group, spans in self.shift_groups if group]
        shifts = pd.DataFrame(
            {
                "unit_id": np.concatenate(
                    [np.repeat(np.array(g, dtype=np.int32), len(s)) for g, s in groups]
                    or [np.empty(0, dtype=np.int32)]
                ),
                "start_min": _tiled([(len(g), s.start) for g, s in groups]),
                "end_min": _tiled([(len(g), s.capped(self.end_min).end) for g, s in groups]),
            }
        )
        if not drained and horizon_min < self.end_min:
            shifts["end_min"] = shifts.end_min.clip(upper=horizon_min)
            keep = shifts.start_min < horizon_min
        else:
            keep = shifts.start_min <= followed_until_min
            if followed_until_min == self.end_min:
                keep = shifts.start_min < followed_until_min
        shifts = shifts[keep].astype({"unit_id": np.int16})
        return shifts.reset_index(drop=True)


def _tiled(columns: list[tuple[int, array]]) -> np.ndarray:
    """The float columns one after another, each repeated whole ``count`` times (a group's
    spans once for each of its units, in unit order)."""
    parts = [np.tile(np.frombuffer(column), count) for count, column in columns]
    return np.concatenate(parts) if parts else np.empty(0)
