"""Booked slots for home bathing (``home_bathing.booking``) and for the centre's stations
(``bathing_centre.booking``; with ``vans`` the van runs are booked too, see
:mod:`carecap.sim.engine.booked_runs`).

Design. When a home bath falls due it is booked, not queued: of its pool's teams, the earliest
slot at or after the due time and at most ``book_ahead_days`` after it in which one team is free
for the whole visit (travel + set-up + bath + pack-up: the request's own drawn minutes) is taken,
and the bath starts exactly then (a booking is kept; service is non-preemptive). Slots start every
``slot_min`` minutes from the start of each of a team's shift spans; a slot counts only if it
starts before that span ends (a zero-length visit too: a span's end is off shift), the whole
visit ends within that span and the service's own hours (if any) are open at its start.
A team is free for ``[t, t + length)`` when no booking of it overlaps and the queued work it is
doing (if any) has ended by ``t``. Ties in time go to the lowest unit id.

Requests falling due at the same instant are collected and booked in queue order (highest rank,
then highest tier, then the earlier request), so the same rule that orders a queue orders who gets
the earliest slot.

A request for which no slot in the window has a free team waits in the pool's queue as without
booking (it may give up there). Queued work and booked work never overlap on a team: a free team
takes the best waiting request only if that visit ends by the team's next booking; otherwise it
stays idle (it does not skip to a lower request) and looks again when it next becomes free or its
next shift starts. A booked request whose elder leaves before the slot frees the slot.

At the centre the same holds with stations for teams and the centre's opening spans for shifts;
without vans the visit is the elder's transport + bath (the station is held from departure, as
without booking); with vans it is the bath, from the van's arrival (``booked_runs``).

Booked requests count as waiting (``Pool.live``) until they start, so the drain follows them.
"""

from __future__ import annotations

import math
from bisect import bisect_left, insort
from collections.abc import Callable

from carecap.sim.scenario.schedule import Intervals


class Book:
    """The bookings of one pool's units: per unit a sorted list of booked ``(start, end)``."""

    __slots__ = ("ahead_min", "batch", "booked", "busy_until", "shifts", "slot_min", "units")

    def __init__(
        self,
        units: list[int],
        shifts: dict[int, Intervals],
        slot_min: float,
        ahead_min: float,
    ):
        self.units = units
        none = Intervals.of([], [])
        self.shifts = {u: shifts.get(u, none) for u in units}  # on-shift spans per unit
        self.slot_min, self.ahead_min = slot_min, ahead_min
        self.booked: dict[int, list[tuple[float, float]]] = {u: [] for u in units}
        self.busy_until: dict[int, float] = dict.fromkeys(units, -math.inf)  # queued work
        self.batch: list[tuple] = []  # requests due now, booked together in queue order

    def free(self, unit: int, start: float, end: float) -> bool:
        """Whether ``unit`` is free for ``[start, end)``: no booking overlaps it and its queued
        work has ended by ``start``."""
        if start < self.busy_until[unit]:
            return False
        spans = self.booked[unit]
        i = bisect_left(spans, (start, -math.inf))
        if i < len(spans) and spans[i][0] < end:
            return False
        return not (i > 0 and spans[i - 1][1] > start)

    def find(
        self, due: float, length: float, is_open: Callable[[float], bool]
    ) -> tuple[float, int] | None:
        """The earliest ``(slot start, unit)`` free for ``length`` minutes, or None."""
        last = due + self.ahead_min
        best: tuple[float, int] | None = None
        for unit in self.units:
            limit = last if best is None else min(last, best[0])
            spans = self.shifts[unit]
            starts, ends = spans.start, spans.end
            for i in range(spans.first_ending_after(due), len(spans)):
                lo, hi = starts[i], ends[i]
                if lo > limit:
                    break
                j = max(0, math.ceil((due - lo) / self.slot_min))
                while True:
                    t = lo + j * self.slot_min
                    if t < due:  # rounding: never before the due time
                        j += 1
                        continue
                    # a slot starts on shift (t < hi, which t + length <= hi does not give
                    # for a zero-length visit) and the whole visit ends within the span
                    if t > limit or t >= hi or t + length > hi:
                        break
                    if self.free(unit, t, t + length) and is_open(t):
                        if best is None or (t, unit) < best:
                            best = (t, unit)
                        break
                    j += 1
                if best is not None and best[1] == unit:
                    break
        return best

    def add(self, unit: int, start: float, end: float) -> None:
        insort(self.booked[unit], (start, end))

    def remove(self, unit: int, start: float, end: float) -> None:
        spans = self.booked[unit]
        i = bisect_left(spans, (start, end))
        if i < len(spans) and spans[i] == (start, end):
            del spans[i]

    def fits(self, unit: int, now: float, end: float) -> bool:
        """Whether queued work from ``now`` to ``end`` ends by the unit's next booking; drops
        bookings that have ended."""
        spans = self.booked[unit]
        while spans and spans[0][1] <= now and spans[0][0] < now:
            spans.pop(0)
        i = bisect_left(spans, (now, -math.inf))
        return not (i < len(spans) and spans[i][0] < end)
