"""The bathing centre's vans as vehicles: pick-up runs, return runs, and the stations they feed.

A van is one vehicle, in one place at a time. When a van is idle at the centre:

1. **Return first.** If elders whose baths have ended wait to go home, the van takes the group of
   the oldest finished pick-up run home (one return run per pick-up group, left when the last
   bath of the group ends): it drives the group's transport time out, stops ``per_stop_min`` per
   elder and drives back. Return runs go whenever baths end, even after van hours.
2. **Pick-up.** Within van hours (``vans.hours``, default the centre's opening hours), it takes
   the best waiting centre-bath request (highest tier, earliest within the tier), and with it up
   to ``seats`` waiting elders of that request's district, best first. It drives that first
   elder's transport time (the k-th draw of their ``centre_bath.transport`` stream: what is
   demanded never depends on capacity), stops ``per_stop_min`` per elder, and drives the same time
   back. The run takes only as many elders as there are stations that can be had at its arrival
   (free by then and on shift at that time); none: it waits for a station to come free. A run
   that would arrive after following stops (the horizon, or the drain's end) does not leave.

Each elder's station is held from the van's arrival at the centre to the end of the bath.

With ``bathing_centre.booking`` the baths are booked with their van runs
(:mod:`carecap.sim.engine.booked_runs`); the runs above then serve only the returns and the baths
that found no slot, and a van takes one only if it is back before its next booked run.

Records: a centre bath's ``start_min`` is the arrival at the centre (the station starts),
``end_min`` = start + bath, and ``travel_min`` stays the elder's drawn one-way transport (what was
demanded; the van drove the first elder's). So the wait runs until the bath can begin, the van
ride included. Every
trip is a row of ``van_trips`` per elder aboard: ``trip_id``, ``van``, ``kind`` (``pickup`` or
``return``), ``depart_min`` (leaves the centre), ``back_min`` (back at the centre; for a pick-up,
the elders' arrival), ``request_id``, ``home_min`` (the elder's own time at home: a pick-up's
k-th elder, k = 0, 1, ..., boards at ``depart_min + drive + (k + 1) x per_stop_min``, and a return
run sets its k-th elder down at the same offset from its departure; ``drive`` is the run's
one-way drive).
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_right
from functools import partial
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from carecap.sim.engine.booked_runs import BookedRuns
from carecap.sim.engine.records import IN_SERVICE, SERVED, WAITING
from carecap.sim.services.registry import RANK

if TYPE_CHECKING:
    from carecap.sim.engine.kernel import CareSystem
    from carecap.sim.engine.pools import Pool
    from carecap.sim.services.centre_bath import BathingCentre

TRIP_KINDS = ("pickup", "return")
CENTRE_RANK = RANK["centre_bath"]


class Fleet:
    """The vans of the centre pool ``pool``; waiting centre baths queue here, by district."""

    def __init__(self, system: CareSystem, pool: Pool, centre: BathingCentre, start_weekday: int):
        vans = centre.vans
        assert vans is not None
        self.sys, self.pool = system, pool
        self.seats, self.stop_min = vans.seats, vans.per_stop_min
        self.idle_vans = list(range(vans.count - 1, -1, -1))  # van 0 leaves first
        self.hours = centre.van_intervals(system.s.calendar.start_date, system.end_min)
        self.hour_starts = [lo for lo, _ in self.hours]
        self.queues: list[list[tuple]] = [[] for _ in system.district_names]
        self.free_at = dict.fromkeys(pool.units, float("-inf"))  # when each station comes free
        self.returns: list[tuple[float, int, list[int], float]] = []  # (ready, trip, riders, drive)
        self.aboard = 0  # elders picked up, not yet at the centre
        self.wake_pending = False
        self.trips = TripLog()
        self.back_at = [0.0] * vans.count  # when each van is back from its latest run
        self.book = pool.book  # the stations' bookings (engine.booking), or None
        self.booked = None if pool.book is None else BookedRuns(self, pool.book, vans.count)
        """Booked pick-up runs (engine.booked_runs); None without booking."""

    # --- entry points (dispatch and the kernel) ------------------------------------------------

    def request(self, rid: int, tier: int, now: float) -> None:
        """A centre-bath request joins its district's queue."""
        heapq.heappush(self.queues[self.sys.district_of[self.sys.log.elder[rid]]], (tier, now, rid))
        self.pool.live += 1
        self.kick()

    def kick(self, _ev=None) -> None:
        """Send idle vans out while there is something they can do now."""
        while self.idle_vans:
            now = self.sys.env.now
            if self.returns and self.returns[0][0] <= now:
                _, _trip, riders, drive = self.returns[0]
                van = self._idle_van(now, now + 2 * drive + len(riders) * self.stop_min)
                if van is not None:
                    heapq.heappop(self.returns)
                    self.idle_vans.remove(van)
                    self._return_run(van, riders, drive, now)
                    continue
            if not self.in_hours(now):
                self._wake_at_opening(now)
                return
            if not self._pickup(now):
                return

    # --- runs -------------------------------------------------------------------------------

    def in_hours(self, t: float) -> bool:
        """Whether a pick-up run may leave at ``t`` (van hours)."""
        i = bisect_right(self.hour_starts, t) - 1
        return i >= 0 and t < self.hours[i][1]

    def _wake_at_opening(self, now: float) -> None:
        i = bisect_right(self.hour_starts, now)
        if not self.wake_pending and i < len(self.hours) and self.pool.live:
            self.wake_pending = True
            self.sys.at(self.hours[i][0], self._woken)

    def _woken(self, _ev) -> None:
        self.wake_pending = False
        self.kick()

    def _head(self, queue: list[tuple]) -> tuple | None:
        """The best entry of a district queue still waiting (stale ones dropped)."""
        outcome = self.sys.log.outcome
        while queue and outcome[queue[0][2]] != WAITING:
            heapq.heappop(queue)
        return queue[0] if queue else None

    def _pickup(self, now: float) -> bool:
        """Start one pick-up run now, if there is a run to make; whether one left."""
        heads = [(h, d) for d, q in enumerate(self.queues) if (h := self._head(q)) is not None]
        if not heads:
            return False
        _, district = min(heads)
        queue, outcome = self.queues[district], self.sys.log.outcome
        riders: list[int] = []
        while queue and len(riders) < self.seats:
            rid = heapq.heappop(queue)[2]
            if outcome[rid] == WAITING:
                riders.append(rid)
        drive = self.sys.log.travel[riders[0]]  # the first elder's transport draw, one way
        stations, van = [], None
        while riders:
            arrival = now + 2 * drive + len(riders) * self.stop_min
            stations = self._stations_at(arrival, riders)
            van = self._idle_van(now, arrival)
            if len(stations) >= len(riders) and van is not None:
                break
            rid = riders.pop()
            heapq.heappush(
                queue, (self.sys.tier_of[self.sys.log.elder[rid]], self.sys.log.request[rid], rid)
            )
        if not riders or van is None or arrival >= self.sys.end_min:
            for rid in riders:
                heapq.heappush(
                    queue,
                    (self.sys.tier_of[self.sys.log.elder[rid]], self.sys.log.request[rid], rid),
                )
            return False
        self.idle_vans.remove(van)
        self.depart(van, riders, stations, drive, now, arrival)
        return True

    def _idle_van(self, now: float, back: float) -> int | None:
        """The idle van to send on a run from ``now`` to ``back`` (the last to come back; with
        booking, one back before its next booked run), or None."""
        if self.booked is None:
            return self.idle_vans[-1] if self.idle_vans else None
        vans = self.booked.vans
        return next((v for v in reversed(self.idle_vans) if vans.fits(v, now, back)), None)

    def _stations_at(self, arrival: float, riders: list[int]) -> list[int]:
        """Stations free by ``arrival`` and on shift then, earliest free first (with booking:
        free of bookings for the longest of the riders' baths)."""
        if not self.pool.is_open(CENTRE_RANK, arrival):  # outside the baths' own hours
            return []
        shift_end = self.sys.shift_end
        free = [(t, u) for u, t in self.free_at.items() if t <= arrival < shift_end[u]]
        if self.book is not None:
            end = arrival + max(self.sys.dur[rid] for rid in riders)
            free = [(t, u) for t, u in free if self.book.free(u, arrival, end)]
        return [u for _, u in sorted(free)]

    def depart(self, van, riders, stations, drive, now, arrival, booked: bool = False) -> None:
        """Van ``van`` leaves now with ``riders`` for ``stations``, arriving at ``arrival``
        (``booked``: a booked run, whose van and stations were booked for it)."""
        sys, log = self.sys, self.sys.log
        if self.booked is not None and not booked:  # not bookable until this run is over
            self.booked.vans.busy_until[van] = arrival
        trip = self.trips.new_trip(van, 0, now, arrival)
        self.back_at[van] = arrival
        self.pool.live -= len(riders)
        self.aboard += len(riders)
        last_end = arrival
        for i, rid in enumerate(riders):
            unit = stations[i]
            end = arrival + sys.dur.pop(rid)  # (started: its planned minutes are used up)
            log.outcome[rid] = IN_SERVICE
            log.start[rid] = arrival
            log.end[rid] = end
            log.unit[rid] = unit
            self.free_at[unit] = end
            if self.book is not None and not booked:
                self.book.busy_until[unit] = max(self.book.busy_until[unit], end)
            last_end = max(last_end, end)
            home = now + drive + (i + 1) * self.stop_min  # boards at the end of its stop
            self.trips.append(trip, rid, home)
            sys.at(end, partial(self._bath_done_at, rid, unit))
        group = (last_end, trip, riders, drive)
        sys.at(arrival, lambda _ev: self._arrived(van, len(riders)))
        sys.at(last_end, lambda _ev: self._group_done(group))

    def _bath_done_at(self, rid: int, unit: int, _ev: object) -> None:
        self._bath_done(rid, unit)

    def _arrived(self, van: int, n: int) -> None:
        self.aboard -= n
        self.idle_vans.append(van)
        self.kick()

    def _bath_done(self, rid: int, unit: int) -> None:
        self.sys.log.outcome[rid] = SERVED
        self.sys._after(rid)
        self.kick()  # the station is free: a van may leave for it

    def _group_done(self, group) -> None:
        heapq.heappush(self.returns, group)
        self.kick()

    def _return_run(self, van: int, riders: list[int], drive: float, now: float) -> None:
        back = now + 2 * drive + len(riders) * self.stop_min
        trip = self.trips.new_trip(van, 1, now, back)
        self.back_at[van] = back
        if self.booked is not None:
            self.booked.vans.busy_until[van] = back
        for i, rid in enumerate(riders):
            self.trips.append(trip, rid, now + drive + (i + 1) * self.stop_min)

        def home(_ev) -> None:
            self.idle_vans.append(van)
            self.kick()

        self.sys.at(back, home)

    # --- records ----------------------------------------------------------------------------

    def frame(self) -> pd.DataFrame:
        """The ``van_trips`` table: one row per elder aboard each trip."""
        return self.trips.frame()


class TripLog:
    """The rows of ``van_trips`` as typed columns: what a trip shares (van, kind, departure,
    return: 19 bytes) once per trip, and each elder's aboard (trip, request, time at home: 16
    bytes) once per row; :meth:`frame` spreads the trip's columns over its rows. (A row of all
    seven columns cost ~37 bytes, a tuple a row ~190.)"""

    __slots__ = ("back", "depart", "home", "kind", "request", "trip", "van")

    def __init__(self) -> None:
        self.van, self.kind = array("h"), array("b")  # by trip id
        self.depart, self.back = array("d"), array("d")  # by trip id
        self.trip, self.request, self.home = array("i"), array("i"), array("d")  # by row

    def __len__(self) -> int:
        return len(self.trip)

    def new_trip(self, van: int, kind: int, depart: float, back: float) -> int:
        """A new trip (kind: an index into ``TRIP_KINDS``); its id (0, 1, ...)."""
        self.van.append(van)
        self.kind.append(kind)
        self.depart.append(depart)
        self.back.append(back)
        return len(self.van) - 1

    def append(self, trip: int, rid: int, home: float) -> None:
        """Request ``rid`` aboard trip ``trip``, at home at ``home``."""
        self.trip.append(trip)
        self.request.append(rid)
        self.home.append(home)

    def frame(self) -> pd.DataFrame:
        """The table (the rows' own columns are views, as for the request log: nothing appends
        to it afterwards; same dtypes as :func:`empty_trips`)."""
        trip = np.frombuffer(self.trip, dtype=np.int32)
        kind = np.frombuffer(self.kind, dtype=np.int8)[trip]
        return pd.DataFrame(
            {
                "trip_id": trip,
                "van": np.frombuffer(self.van, dtype=np.int16)[trip],
                "kind": pd.Categorical.from_codes(kind, categories=pd.Index(TRIP_KINDS)),
                "depart_min": np.frombuffer(self.depart, dtype=np.float64)[trip],
                "back_min": np.frombuffer(self.back, dtype=np.float64)[trip],
                "request_id": np.frombuffer(self.request, dtype=np.int32),
                "home_min": np.frombuffer(self.home, dtype=np.float64),
            },
            copy=False,
        )


def empty_trips() -> pd.DataFrame:
    """``van_trips`` of a run without vans."""
    df = pd.DataFrame(
        {
            "trip_id": pd.Series([], dtype="int32"),
            "van": pd.Series([], dtype="int16"),
            "kind": pd.Categorical([], categories=TRIP_KINDS),
            "depart_min": pd.Series([], dtype="float64"),
            "back_min": pd.Series([], dtype="float64"),
            "request_id": pd.Series([], dtype="int32"),
            "home_min": pd.Series([], dtype="float64"),
        }
    )
    return df
