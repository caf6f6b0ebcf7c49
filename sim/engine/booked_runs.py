"""Booked centre baths fetched by van (``bathing_centre.booking`` together with ``vans``).

Design. When a centre bath falls due it is booked into the earliest station slot (at or after
its due time, at most ``book_ahead_days`` after it) for which

* a station is free for the bath itself, ``[slot, slot + bath)`` (the station is held from the
  elder's arrival at the centre, as with vans without booking), and
* a van can fetch the elder so as to arrive at the slot's start: either the run already booked
  for that slot and the elder's district has a seat left and can leave ``per_stop_min`` earlier
  for one more stop, or a van is free for a new run ``[slot - 2 x transport - stop, slot)``
  (the transport is the first elder's own draw, as for unbooked runs) and for as long again on
  either side of it, so that booked runs leave room between them for the return runs (every
  pick-up needs one of about the same length). A run must leave within van hours and not before
  the booking is made.

Booked elders of the same slot and district are fetched together by one van run (a second run
is booked only when the first is full). A van's booked runs never overlap, and the vans' other
work (return runs, runs fetching baths that found no slot and queue as without booking) is
taken only if it is back before the van's next booked run (:meth:`Book.fits`), so a van is never
in two places. A station's queued use blocks it for booking until that bath ends. At the run's
departure the elders still waiting get in (one whose elder has left frees their station); the
van arrives at the slot's start, each elder's station is held from then to the end of the bath,
and the return run goes as without booking.

Booked requests count as waiting (``Pool.live``) until their run leaves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from carecap.sim.engine.booking import Book
from carecap.sim.engine.records import WAITING

if TYPE_CHECKING:
    from carecap.sim.engine.vans import Fleet


@dataclass
class BookedRun:
    """One booked pick-up run: its van, when it leaves, the slot it arrives at, its district."""

    van: int
    depart_min: float
    slot_min: float
    drive_min: float
    district: int
    riders: list[int] = field(default_factory=list)
    stations: list[int] = field(default_factory=list)
    bath_ends_min: list[float] = field(default_factory=list)
    """When each rider's booked bath ends (the station's booking: ``slot_min`` + its bath)."""


class BookedRuns:
    """The booked pick-up runs of the centre's vans (``vans`` books van time like a
    :class:`~carecap.sim.engine.booking.Book` books units: its spans are the booked runs)."""

    def __init__(self, fleet: Fleet, stations: Book, van_count: int):
        self.fleet, self.stations = fleet, stations
        self.vans = Book(list(range(van_count)), {}, stations.slot_min, stations.ahead_min)
        self.runs: dict[tuple[float, int], list[BookedRun]] = {}  # by (slot, district)

    def plan(
        self, slot: float, district: int, drive: float, now: float
    ) -> tuple[BookedRun | None, int, float] | None:
        """How an elder of ``district`` (transport ``drive``) would reach ``slot``: ``(run to
        join or None, van, departure)``, or None when no van can."""
        fleet, stop = self.fleet, self.fleet.stop_min
        for run in self.runs.get((slot, district), ()):
            if len(run.riders) >= fleet.seats:
                continue
            depart = run.depart_min - stop
            later = depart >= now and fleet.in_hours(depart)
            gap = slot - depart
            if later and (stop == 0 or self.vans.free(run.van, depart - gap, run.depart_min)):
                return run, run.van, depart
        depart = slot - 2 * drive - stop
        if depart < now or not fleet.in_hours(depart):
            return None
        gap = slot - depart  # as long as the run itself: room for a return run on each side
        for van in self.vans.units:
            if self.vans.free(van, depart - gap, slot + gap):
                return None, van, depart
        return None

    def book(self, rid: int, due: float, is_open) -> bool:
        """Book request ``rid`` (due at ``due``) into a slot with a van run; False: none in the
        window (it queues)."""
        sys = self.fleet.sys
        now, drive, bath = sys.env.now, sys.log.travel[rid], sys.dur[rid]
        district = sys.district_of[sys.log.elder[rid]]

        seen: dict[float, bool] = {}  # find() asks again for the same slot of every station

        def reachable(t: float) -> bool:
            ok = seen.get(t)
            if ok is None:
                ok = seen[t] = is_open(t) and self.plan(t, district, drive, now) is not None
            return ok

        slot = self.stations.find(due, bath, reachable)
        if slot is None:
            return False
        t, station = slot
        choice = self.plan(t, district, drive, now)
        assert choice is not None  # find() checked it at this very slot
        run, van, depart = choice
        self.stations.add(station, t, t + bath)
        if run is None:
            run = BookedRun(van, depart, t, drive, district)
            self.runs.setdefault((t, district), []).append(run)
            self.vans.add(van, depart, t)
            sys.at(depart, partial(self._leave, run, depart))
        elif depart != run.depart_min:
            self.vans.remove(van, run.depart_min, t)
            self.vans.add(van, depart, t)
            run.depart_min = depart
            sys.at(depart, partial(self._leave, run, depart))
        run.riders.append(rid)
        run.stations.append(station)
        run.bath_ends_min.append(t + bath)
        self.fleet.pool.live += 1  # booked: waiting for its run
        return True

    def _leave(self, run: BookedRun, depart: float, _ev: object) -> None:
        """The run's departure time: the elders still waiting get in."""
        if run.depart_min != depart:  # it was moved earlier for one more stop
            return
        fleet, outcome = self.fleet, self.fleet.sys.log.outcome
        if run.van not in fleet.idle_vans:
            # back from its previous run at this very instant (runs may take no time): wait
            # for that event, scheduled before this one
            assert fleet.back_at[run.van] <= depart, "a booked van is away at its departure"
            fleet.sys.at(depart, partial(self._leave, run, depart))
            return
        self.runs[(run.slot_min, run.district)].remove(run)
        riders, stations = [], []
        for rid, station, bath_end in zip(run.riders, run.stations, run.bath_ends_min, strict=True):
            if outcome[rid] == WAITING:
                riders.append(rid)
                stations.append(station)
            else:  # withdrawn: the station's slot is free again
                self.stations.remove(station, run.slot_min, bath_end)
        if not riders:
            self.vans.remove(run.van, run.depart_min, run.slot_min)
            fleet.kick()
            return
        fleet.idle_vans.remove(run.van)
        fleet.depart(run.van, riders, stations, run.drive_min, depart, run.slot_min, booked=True)
