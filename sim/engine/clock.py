"""The engine's events on SimPy's clock: a callback scheduled at a time, and the loop that runs
them, on SimPy's event queue directly.

Every request costs the engine two scheduled callbacks (its arrival and its service's end) and
SimPy's loop two steps. Through SimPy's public API each callback is a ``Timeout`` (its
``__init__`` and ``Environment.schedule``: two Python calls and an event of five attributes) and
each step a call to ``Environment.step`` from ``Environment.run``. Here a callback is a
:class:`Call` (one slot) pushed on the queue with the entry ``schedule`` would make, and
:func:`run_until` is ``run(until=...)``'s loop without the per-event method call. Measured on
30 Nov 2026 (M/M/10 at utilisation 0.9, 432 606 requests, one replication in one process, four
runs interleaved with the public-API version on the shared 2-core machine): the replication took
1.70-1.73 s of CPU against 1.92-1.96 s, 11-12 % less, above the 10 % that the kernel's docstring
set for depending on SimPy's internals (a million requests: about 0.6 s of a 7 s ``carecap
run``).

SimPy internals used: ``Environment._queue`` (a heap of ``(time, priority, event id, event)``),
``Environment._eid`` (the event-id counter), ``Environment._now`` (the clock), and what
``Environment.step`` reads of an event (``callbacks``, ``_ok``). SimPy's own events (the shift
processes' timeouts) share the queue and the counter, so every event keeps SimPy's order:
(time, priority, the order in which they were scheduled). Checked at import.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from heapq import heappop, heappush
from typing import Any

import simpy
from simpy.events import NORMAL

_PROBE = simpy.Environment()
if not all(hasattr(_PROBE, name) for name in ("_queue", "_eid", "_now")):  # pragma: no cover
    raise ImportError(
        "carecap's engine needs SimPy 4's Environment._queue, _eid and _now "
        f"(installed: simpy {getattr(simpy, '__version__', '?')})"
    )
del _PROBE


class Call:
    """A scheduled callback, as ``Environment.step`` sees an event: its callbacks, and
    ``_ok`` (a callback never fails as an event; an exception it raises propagates)."""

    __slots__ = ("callbacks",)
    callbacks: list[Callable[[Any], None]] | None
    _ok = True


def exact_delay(now: float, time_min: float) -> float:
    """A delay that brings ``now`` to ``time_min`` or to the next representable time after it.

    ``now + (time_min - now)`` can fall an ulp short of ``time_min``, which would start a service
    before its request or its shift; sometimes no delay lands exactly, and then the clock reaches
    the first representable time after it. 0 if ``time_min`` is past.
    """
    delay = time_min - now
    if delay <= 0:
        return 0.0
    # At most a few steps: when time_min is within a factor 2 of now the subtraction is exact
    # (Sterbenz), otherwise an ulp of the delay is at least half an ulp of the sum.
    while now + delay < time_min:
        delay = math.nextafter(delay, math.inf)
    return delay


def call_at(env: simpy.Environment, time_min: float, fn: Callable[[Any], None]) -> None:
    """Call ``fn(event)`` at simulation time ``time_min`` exactly (now, if it is past), in the
    order ``env.timeout`` would: the queue entry is the one ``Environment.schedule`` makes."""
    now = env._now
    delay = time_min - now
    if delay < 0:
        delay = 0.0
    elif now + delay < time_min:  # rare: the subtraction was inexact
        delay = exact_delay(now, time_min)
    event = Call()  # (no __init__: one Python call fewer an event)
    event.callbacks = [fn]
    queue: list[tuple[float, int, int, Any]] = env._queue  # type: ignore[assignment]
    heappush(queue, (now + delay, NORMAL, next(env._eid), event))


def run_until(env: simpy.Environment, until: float) -> None:
    """``env.run(until=until)``: handle every event due before ``until``, then set the clock
    to ``until``. (``run`` stops at an urgent event it schedules at ``until``, before every
    event then due at that time; only SimPy's process starts are urgent, at their creation
    time, before ``until``.)"""
    if not until > env._now:
        raise ValueError(f"until ({until}) must be greater than the current simulation time")
    queue: list[tuple[float, int, int, Any]] = env._queue  # type: ignore[assignment]
    while queue and queue[0][0] < until:
        env._now, _, _, event = heappop(queue)
        callbacks, event.callbacks = event.callbacks, None
        for callback in callbacks:
            callback(event)
        if not event._ok and not hasattr(event, "_defused"):  # as Environment.step
            exc = type(event._value)(*event._value.args)
            exc.__cause__ = event._value
            raise exc
    env._now = until
