"""Warnings about schedules that are valid but almost surely not what the author meant.

Errors stop a scenario (:mod:`carecap.sim.scenario.references`); these do not, because the
model can still run them and a rare reading makes sense. ``carecap check`` and ``carecap run``
print each one as ``warning: FILE: field.path: ...``.

* Van hours that never overlap the centre's opening hours: a pick-up run leaves only within
  ``bathing_centre.vans.hours`` and its elders start only if the centre is open when it is back,
  so the vans carry someone only when a round trip happens to bridge the gap from van hours to
  opening hours (an early run that arrives at opening); usually a typo in the hours.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from carecap.sim.scenario.schedule import WeeklySchedule

if TYPE_CHECKING:
    from carecap.sim.scenario.model import Scenario


def scenario_warnings(scenario: Scenario) -> list[tuple[str, str]]:
    """``(field path, message)`` for each schedule the scenario's author should look at."""
    found: list[tuple[str, str]] = []
    if _vans_miss_the_opening_hours(scenario):
        found.append(
            (
                "bathing_centre.vans.hours",
                "the van hours never overlap the centre's opening hours (bathing_centre.hours): "
                "a pick-up run leaves only within van hours and its elders start only if the "
                "centre is open when the van is back, so the vans carry no one unless a round "
                "trip bridges the gap; give van hours that overlap the opening hours, or leave "
                "vans.hours out (default: the opening hours)",
            )
        )
    return found


def _vans_miss_the_opening_hours(scenario: Scenario) -> bool:
    centre = scenario.bathing_centre
    if centre is None or centre.vans is None or centre.vans.hours is None:
        return False  # no vans, or vans on the opening hours themselves
    return centre.vans.count > 0 and not overlap(centre.vans.hours, centre.hours)


def overlap(a: WeeklySchedule, b: WeeklySchedule) -> bool:
    """Whether the two weekly schedules are open together at some instant.

    A schedule's spans lie within one week (a span written past Sunday 24:00 is folded round to
    Monday when the schedule is made: :class:`WeeklySchedule`), and a run repeats them every
    week, so two schedules share an instant exactly when two of their spans intersect."""
    return any(lo_a < hi_b and lo_b < hi_a for lo_a, hi_a in a.spans for lo_b, hi_b in b.spans)
