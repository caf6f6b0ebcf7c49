"""Seasonal demand as a time change.

A seasonal factor ``f(month)`` multiplies the rate of a demand stream. Demand is generated in
*operational time* ``tau = Lambda(t) = integral_0^t f(month(s)) ds`` where it is homogeneous, and
mapped back to calendar time with ``Lambda^-1``. A factor of 2 in July halves every interval that
falls in July; a Poisson stream becomes a non-homogeneous Poisson stream with rate ``f * rate``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from carecap.sim.units import DAY_MIN


class TimeWarp:
    """Piecewise-linear ``Lambda`` with knots at month starts (minutes since the start date)."""

    def __init__(self, start_date: dt.date, horizon_min: float, factors: dict[int, float]):
        self.identity = all(v == 1.0 for v in factors.values())
        knots = [0.0]
        month = dt.date(start_date.year, start_date.month, 1)
        rates = []
        while knots[-1] < horizon_min:
            nxt = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
            rates.append(factors.get(month.month, 1.0))
            knots.append((nxt - start_date).days * DAY_MIN)
            month = nxt
        # Beyond the horizon the last rate (at least a small positive one) keeps Lambda invertible.
        rates.append(max(rates[-1], 1e-9))
        knots.append(knots[-1] + 1e9)
        self.t = np.asarray(knots)
        self.tau = np.concatenate([[0.0], np.cumsum(np.diff(self.t) * np.asarray(rates))])

    def to_operational(self, t):
        """``Lambda(t)``: calendar minutes to operational minutes (vectorised)."""
        return t if self.identity else np.interp(t, self.t, self.tau)

    def to_calendar(self, tau):
        """``Lambda^-1(tau)``: operational minutes back to calendar minutes (vectorised).

        Where ``Lambda`` is flat (a month with factor 0) the earliest time is returned, so that a
        request due at operational time 0 (a waiting list) is made at calendar time 0.
        """
        if self.identity:
            return tau
        x = np.asarray(tau, dtype=np.float64)
        i = np.clip(np.searchsorted(self.tau, x, side="left"), 1, len(self.tau) - 1)
        lo_tau, hi_tau = self.tau[i - 1], self.tau[i]
        span = hi_tau - lo_tau
        frac = np.divide(x - lo_tau, span, out=np.zeros_like(x), where=span > 0)
        out = self.t[i - 1] + frac * (self.t[i] - self.t[i - 1])
        out = np.where(x <= 0, 0.0, out)
        return out if out.ndim else float(out)
