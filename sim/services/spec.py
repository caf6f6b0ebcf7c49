"""What a service module declares to plug into the engine (the registry lists the declarations).

Two kinds of declaration, because one demand can make requests of several services (a bath is
routed to the centre or home when it is made):

* :class:`Service`: a kind of request in the records (a row's ``service``): its queue rank, the
  pool that serves it, its target, and the demand that makes it.
* :class:`Demand`: a stream of requests whose draws do not depend on capacity: its per-elder
  draws, its rows on the demand tape, and its request handler (which makes requests of its
  services, through the kernel).

Service modules must not import the scenario model or the engine at import time (the scenario
model imports their configuration classes): the scenario, the demand plan and the kernel are
passed in, and their types are named under ``TYPE_CHECKING`` only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from carecap.sim.engine.demand import DemandPlan, Sequences
    from carecap.sim.engine.kernel import CareSystem
    from carecap.sim.scenario.model import Scenario

Handler = Callable[..., None]
"""``make(elder, k, now, travel=nan, dur=nan, route=0)``: make the elder's k-th request now.
``travel``/``dur`` are the tape's pre-drawn values, NaN when the handler must draw them itself
(a follow-up); ``route`` is a forced route (a waiting list), 0 for none."""


@dataclass(frozen=True)
class Target:
    """A service's target wait (minutes) and the unit its waits are reported in."""

    target_min: float
    unit: str  # "min" or "days"
    by_district_min: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Patience:
    """A demand's give-up time: ``dist`` (in the unit of its field) times ``scale_min``."""

    dist: Any
    scale_min: float = 1.0

    @property
    def fixed_min(self) -> float | None:
        """The give-up time in minutes when it is the same for every request, else None."""
        return self.dist.value * self.scale_min if self.dist.dist == "fixed" else None


@dataclass(frozen=True)
class TapeRows:
    """Requests of one demand known before the run (arrays of equal length). ``travel_min`` and
    ``dur_min`` are None when the handler draws them when the request is made."""

    time_min: np.ndarray
    elder: np.ndarray
    index: np.ndarray  # the elder's k (or the alarm's number): which draws the request uses
    route: np.ndarray | None = None
    travel_min: np.ndarray | None = None
    dur_min: np.ndarray | None = None


@dataclass(frozen=True)
class Service:
    """A kind of request in the records."""

    code: str
    rank: int
    """Queue rank in a pool shared with other services: lower ranks are served first."""
    unit_kind: str
    """Kind of the units that serve it (``caregiver``, ``station``, ``team``)."""
    demand: str
    """Name of the :class:`Demand` that makes its requests (follow-ups and give-up come from it)."""
    pool: Callable[[Scenario, str], str | None]
    """``pool(scenario, district)``: name of the pool whose queue a request of an elder of that
    district joins (None: no pool serves it; the request is never served). The one answer used
    by the engine, the invariant checks and the tests (via the registry's ``pool_name``)."""
    target: Callable[[Scenario], Target | None]
    """Its target (None when the scenario has no such service)."""
    eligible: Callable[[DemandPlan], np.ndarray] | None = None
    """Elders who may make its requests (a boolean mask), and so be on its initial waiting list
    (``initial_backlog``); None: the service has no waiting list."""
    wait_includes_travel: bool = False
    """Its wait ends at arrival at the home (alarms), not when the unit sets off."""


@dataclass(frozen=True)
class Demand:
    """A stream of capacity-independent demand and the handler that turns it into requests."""

    name: str
    draws: Callable[[DemandPlan], Any]
    """All the per-elder draws of the demand, made before the run (None: demand absent)."""
    tape: Callable[[DemandPlan, Any], TapeRows | None]
    """Its requests known in advance (calendar due dates, first requests, Poisson times)."""
    bind: Callable[[CareSystem, Any], Handler]
    """The request handler of one replication (called once, when the run starts)."""
    follow_up: Callable[[Any], Sequences | None]
    """Interval sequence of an ``after_delivery`` demand: its next request falls due an
    interval after each one closes. None: no follow-ups (calendar mode, Poisson times)."""
    patience_min: Callable[[Scenario], Patience | None]
    """Give-up time of its requests (None: they never give up). The k-th request of an elder
    gives up after the elder's k-th draw of stream ``<name>.patience`` (common random numbers)."""
    eligible: Callable[[DemandPlan], np.ndarray] | None = None
    """Elders who may make its requests (a boolean mask; None: all)."""
    patience_by_index: Callable[[DemandPlan, Any, Patience], np.ndarray] | None = None
    """For a demand whose ``k`` numbers its requests (alarms) rather than the elder's: the
    give-up time in minutes of request ``k``, drawn before the run. None: per-elder draws."""
    classes: Callable[[Scenario], list[str]] | None = None
    """Urgency classes of its requests, most urgent first (recorded in column ``alarm_class``);
    None: the demand's requests have no class."""
    class_by_index: Callable[[Any], np.ndarray] | None = None
    """Class (index in ``classes``) of request ``k``, drawn before the run."""


@dataclass(frozen=True)
class PoolSpec:
    """A pool of units declared by a resource module: its shift groups ``(count, hours,
    services the shift may start)`` (the centre's vans are vehicles of their own:
    :mod:`carecap.sim.engine.vans`)."""

    name: str
    kind: str
    shifts: list[tuple[int, Any, Sequence[str]]]
    dates: list[tuple[Any, Any]] = field(default_factory=list)
    """Per shift group (same order), ``(from_date, to_date)``: the group works only on
    ``[from_date, to_date)`` (None: unbounded). Empty: every group works throughout."""
