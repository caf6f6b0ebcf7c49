"""Building blocks of the scenario model shared by its sections and the services' own
configuration models: the frozen base class, names, probabilities, seasonal factors, shifts."""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Annotated, ClassVar, Final

from pydantic import BaseModel, ConfigDict, Field, model_validator

from carecap.sim.scenario import limits
from carecap.sim.scenario.schedule import WeeklySchedule
from carecap.sim.units import DAY_MIN

Name = Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_\-]+$")]
Probability = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
ALL: Final = "all"

# Bounded numbers (limits and their reasons: :mod:`carecap.sim.scenario.limits`). Every float is
# finite: ``.inf`` and ``.nan`` are refused with "expected a finite number".
PositiveDays = Annotated[float, Field(gt=0, le=limits.MAX_DAYS, allow_inf_nan=False)]
NonNegativeDays = Annotated[float, Field(ge=0, le=limits.MAX_DAYS, allow_inf_nan=False)]
PositiveMinutes = Annotated[float, Field(gt=0, le=limits.MAX_MIN, allow_inf_nan=False)]
UnitCount = Annotated[int, Field(ge=0, le=limits.MAX_UNITS)]
"""A number of caregivers, stations or teams."""
Count = Annotated[int, Field(ge=0, le=limits.MAX_COUNT)]
Cost = Annotated[float, Field(ge=0, le=limits.MAX_COST, allow_inf_nan=False)]


class Frozen(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=True,
        use_attribute_docstrings=True,
        allow_inf_nan=False,
    )


def check_shares(shares: dict[str, float], what: str) -> None:
    total = sum(shares.values())
    if not math.isclose(total, 1.0, abs_tol=1e-6):
        raise ValueError(f"{what} are probabilities and must sum to 1, but they sum to {total:g}")


SeasonalFactor = Annotated[float, Field(ge=0, le=limits.MAX_SEASONAL_FACTOR, allow_inf_nan=False)]
SeasonalFactors = dict[Annotated[int, Field(ge=1, le=12)], SeasonalFactor]


def positive_interval(dist, where: str):
    mean = dist.mean()
    if mean <= 0:
        raise ValueError(
            f"{where} has mean 0: an interval that is always 0 asks for infinitely many requests "
            "at one instant; give an interval with a positive mean"
        )
    if mean < limits.MIN_INTERVAL_DAYS:
        raise ValueError(
            f"{where} has mean {mean:g} days, but an interval's mean must be at least "
            f"{limits.MIN_INTERVAL_DAYS:g} days ({limits.MIN_INTERVAL_DAYS * 1440:g} minutes): "
            "a shorter one asks each elder for hundreds of requests a day"
        )
    return dist


ShiftName = Annotated[
    str, Field(min_length=1, pattern=r"^[A-Za-z0-9_\-]*[A-Za-z_\-][A-Za-z0-9_\-]*$")
]
"""A shift group's name: like :data:`Name`, but not digits only (a key of digits in a dotted
path is a list index)."""


class DatedCapacity(Frozen):
    """Capacity that exists on ``[from_date, to_date)`` only (a shift group, a pool, the vans):
    the one check that ``to_date`` comes after ``from_date``, the error naming the capacity by
    :attr:`CAPACITY_WORD`. Each subclass declares both fields itself, after its own fields and
    with its own words for what the dates mean (a base class's fields would come first in the
    resolved scenario, the schema and the messages)."""

    CAPACITY_WORD: ClassVar[str]
    """The capacity in the error: "the {word} works on [from_date, to_date)"."""

    if TYPE_CHECKING:
        from_date: dt.date | None
        to_date: dt.date | None

    @model_validator(mode="after")
    def _dates(self):
        check_window(self.from_date, self.to_date, self.CAPACITY_WORD)
        return self


class Shift(DatedCapacity):
    CAPACITY_WORD = "group"

    name: ShiftName | None = None
    """Optional; unique within the pool. Names the shift group in dotted paths
    (``caregivers.cg_xiaodian.shifts.day.count``)."""
    count: UnitCount
    hours: WeeklySchedule
    from_date: dt.date | None = None
    """First day the group works (capacity exists on ``[from_date, to_date)``); None: from the
    start."""
    to_date: dt.date | None = None
    """Day the group stops (exclusive); None: to the end."""


Window = tuple[dt.date | None, dt.date | None]
"""``(from_date, to_date)``: capacity exists on ``[from_date, to_date)`` (None: unbounded)."""


def check_window(from_date: dt.date | None, to_date: dt.date | None, what: str) -> None:
    """A dated capacity's ``to_date`` comes after its ``from_date``."""
    if from_date and to_date and to_date <= from_date:
        raise ValueError(
            f"to_date ({to_date}) must come after from_date ({from_date}): the {what} works on "
            "[from_date, to_date)"
        )


def within(*windows: Window) -> Window:
    """The intersection of dated windows (e.g. a shift group's inside its pool's)."""
    froms = [f for f, _ in windows if f is not None]
    tos = [t for _, t in windows if t is not None]
    return (max(froms) if froms else None, min(tos) if tos else None)


def window_min(window: Window, start_date: dt.date) -> tuple[float, float]:
    """The dated ``window`` in simulation minutes (from ``start_date``; -inf/inf if unbounded)."""
    from_date, to_date = window
    lo = -math.inf if from_date is None else (from_date - start_date).days * DAY_MIN
    hi = math.inf if to_date is None else (to_date - start_date).days * DAY_MIN
    return lo, hi


def clip_to_window(
    intervals: list[tuple[float, float]], window: Window, start_date: dt.date
) -> list[tuple[float, float]]:
    """The parts of ``intervals`` (simulation minutes) on the dated ``window``: capacity that
    opens, or closes, on a date (an empty window, e.g. a group outside its pool's dates, leaves
    nothing). :meth:`~carecap.sim.scenario.schedule.Intervals.clipped` does the same for
    float columns."""
    lo, hi = window_min(window, start_date)
    out = [(max(a, lo), min(b, hi)) for a, b in intervals]
    return [(a, b) for a, b in out if b > a]
