"""The due dates of a calendar-mode demand, produced a window of time at a time.

:meth:`DemandPlan.calendar_requests` over the whole horizon computes, for each elder, the due
dates of its interval sequence chunk by chunk (``width`` draws at a time): chunk ``j`` gives
``due = tau_j + cumsum(intervals of chunk j)`` where ``tau_j`` is the last due date of chunk
``j - 1`` (the first due date for chunk 0, whose first interval is unused). :class:`CalendarStream`
computes exactly the same floats, chunk by chunk for each elder, but hands out only the due dates
below a bound each time it is asked, keeping one chunk of due dates per elder (``elders x width``
floats) instead of every request of the horizon.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from carecap.sim.units import DAY_MIN

if TYPE_CHECKING:
    from carecap.sim.engine.demand import Sequences

MARGIN_TAU_MIN = 1.0
"""Operational minutes by which a window's bound is raised before mapping due dates back to
calendar time: every due date whose calendar time is below the window's end is then produced
(the warp's rounding is ulps, far below a minute); those produced past the end wait for the next
window."""


class CalendarStream:
    """Due dates ``(time_min, elder, k)`` of one calendar-mode sequence, window by window."""

    def __init__(self, seq: Sequences, end_tau_min: np.ndarray):
        self.seq, self.end_tau = seq, end_tau_min
        self.width = width = seq.interval_days.width
        n = len(end_tau_min)
        self.alive = np.flatnonzero(seq.first_tau_min < end_tau_min)
        """Elders who may still have due dates to hand out."""
        self.chunk = np.zeros(n, dtype=np.int64)  # chunk of each elder's current due dates
        self.col = np.zeros(n, dtype=np.int64)  # next column of it to hand out
        self.due = np.zeros((n, width))  # the elder's current chunk of due dates
        self.next_due = np.full(n, np.inf)  # due[elder, col] (inf: none left)
        steps = seq.interval_days.rows(0, self.alive) * DAY_MIN
        steps[:, 0] = 0.0  # (the first due date is drawn by _first_due)
        self._set(self.alive, seq.first_tau_min[self.alive], steps)
        # due dates produced past a window's end, for the next windows: (tau, elder, k)
        self.carry = (np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))

    def _set(self, elders: np.ndarray, tau: np.ndarray, steps: np.ndarray) -> None:
        """Start the elders' next chunk of due dates from ``tau`` with these interval steps."""
        due = tau[:, None] + np.cumsum(steps, axis=1)
        self.due[elders] = due
        self.col[elders] = 0
        self.next_due[elders] = due[:, 0]

    def until(self, end_min: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every due date not handed out yet whose calendar time is below ``end_min``:
        (calendar time_min, elder, k), in no particular order."""
        warp = self.seq.warp
        bound = np.inf if end_min == np.inf else float(warp.to_operational(end_min))
        bound += MARGIN_TAU_MIN
        taus, elders, ks = [self.carry[0]], [self.carry[1]], [self.carry[2]]
        act = self.alive[self.next_due[self.alive] < bound]
        width, cols = self.width, np.arange(self.width)
        while act.size:
            due, col, end = self.due[act], self.col[act], self.end_tau[act, None]
            ok = (cols >= col[:, None]) & (due < bound) & (due < end)
            rows, at = np.nonzero(ok)
            taus.append(due[rows, at])
            elders.append(act[rows])
            ks.append(self.chunk[act][rows] * width + at)
            col = col + ok.sum(axis=1)
            self.col[act] = col
            left = col < width
            nxt = due[left, col[left]]
            self.next_due[act[left]] = np.where(nxt < end[left, 0], nxt, np.inf)
            # a whole chunk handed out (its last due date before the elder's end): the next one
            act = act[~left]
            if act.size:
                self.chunk[act] += 1
                for j, members in self._by_chunk(act):
                    steps = self.seq.interval_days.rows(j, members) * DAY_MIN
                    self._set(members, self.due[members, -1], steps)
                act = act[self.next_due[act] < bound]
        self.alive = self.alive[self.next_due[self.alive] < np.inf]
        tau, elder, k = np.concatenate(taus), np.concatenate(elders), np.concatenate(ks)
        time = warp.to_calendar(tau)
        now = time < end_min
        later = ~now
        self.carry = (tau[later], elder[later], k[later])
        return np.asarray(time)[now], elder[now], k[now]

    def _by_chunk(self, elders: np.ndarray) -> list[tuple[int, np.ndarray]]:
        """``elders`` grouped by their current chunk number."""
        chunks = self.chunk[elders]
        return [(int(j), elders[chunks == j]) for j in np.unique(chunks)]
