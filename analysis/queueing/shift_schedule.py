"""M/M/c(t): Poisson arrivals (λ), exponential service (μ), FIFO, and a number of servers on
shift that changes with the time of day, solved exactly as a periodic continuous-time Markov
chain (rates per minute, times in minutes).

A server whose shift ends finishes the job it has (non-preemptive) and then leaves, so the busy
servers may outnumber those on shift. The state (requests waiting q, servers busy b) is Markov
only if it is clear which servers leave, so servers may join at any time but leave only all
together (the count on shift drops to 0): e.g. two servers 06:00–24:00 and two more
10:00–24:00. A job still under way when servers return is assumed to belong to a server that is
off shift (the chance that a job spans a whole off period T is e^{−μT}: about 1e−8 for six hours
off and 20-minute jobs).

Within a period of constant s servers on shift the chain is time-homogeneous (an arrival starts
at once when b < s, else queues; a completion starts the next request when s > 0 and q > 0);
when s rises, min(q, s − b) waiting requests start at once. The distribution at the start of
the period is iterated to its periodic fixed point; each stretch is propagated with
``expm_multiply`` on the generator augmented with its time integral, so the time averages are
exact (up to the truncation of q, checked to hold less than 1e−10 of the mass). Then the mean
wait of the requests made is ∫E[q] dt / (λT) (Little's law over a period), the utilisation
∫E[b] dt / ∫s dt (busy time, overtime included, over on-shift time), and the share of requests
that wait at all the time average of P(b ≥ s(t)) (Poisson arrivals see time averages).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import expm_multiply

_TRUNCATED_MASS = 1e-10
_CONVERGED_L1 = 1e-11


@dataclass(frozen=True)
class PeriodicShiftQueue:
    """Time averages over one period of the periodic steady state."""

    wait_mean: float
    """Mean time in queue of the requests made (minutes)."""
    wait_probability: float
    """Share of requests that find no server free."""
    queue_mean: float
    """Time-average number waiting."""
    utilisation: float
    """Busy server-time / on-shift server-time."""
    periods: int
    """Periods iterated to reach the fixed point."""


def _check_steps(steps: Sequence[tuple[float, int]], period_min: float) -> None:
    starts = [start for start, _ in steps]
    if not steps or starts[0] != 0 or starts != sorted(set(starts)) or starts[-1] >= period_min:
        raise ValueError("steps must start at 0 and rise strictly within the period")
    counts = [count for _, count in steps]
    if min(counts) < 0 or max(counts) < 1:
        raise ValueError("server counts must be >= 0, and some > 0")
    for before, after in zip([counts[-1], *counts], counts, strict=False):
        if 0 < after < before:
            raise ValueError(
                f"servers may leave only all together (the count drops to 0), not {before} -> "
                f"{after}: which ones leave would change the queue"
            )


class _Chain:
    """The truncated state space q = 0..cap, b = 0..B, index q·(B + 1) + b."""

    def __init__(self, arrival_rate: float, service_rate: float, top: int, cap: int):
        self.lam, self.mu, self.top, self.cap = arrival_rate, service_rate, top, cap
        q, b = np.divmod(np.arange((cap + 1) * (top + 1)), top + 1)
        self.q, self.b, self.size = q, b, len(q)

    def index(self, q: np.ndarray, b: np.ndarray) -> np.ndarray:
        return q * (self.top + 1) + b

    def augmented(self, servers: int) -> sparse.csr_matrix:
        """[[Gᵀ, 0], [I, 0]]: d/dt (p, ∫p) under the generator G with ``servers`` on shift."""
        q, b, n = self.q, self.b, self.size
        rows, cols, rates = [], [], []
        joins = (servers > 0) & (b < servers)
        queues = ~joins & (q < self.cap)
        for ok, to in ((joins, self.index(q, b + 1)), (queues, self.index(q + 1, b))):
            rows.append(np.flatnonzero(ok))
            cols.append(to[ok])
            rates.append(np.full(ok.sum(), self.lam))
        done = b > 0
        next_up = done & (servers > 0) & (q > 0) & (b <= servers)
        to = np.where(next_up, self.index(q - 1, b), self.index(q, b - 1))
        rows.append(np.flatnonzero(done))
        cols.append(to[done])
        rates.append(b[done] * self.mu)
        rows, cols, rates = (np.concatenate(x) for x in (rows, cols, rates))
        out = np.bincount(rows, weights=rates, minlength=n)
        g_t = sparse.coo_matrix(
            (
                np.concatenate([rates, -out]),
                (np.concatenate([cols, np.arange(n)]), np.concatenate([rows, np.arange(n)])),
            ),
            shape=(n, n),
        )
        zero = sparse.csr_matrix((n, n))
        return sparse.bmat([[g_t, zero], [sparse.identity(n), zero]], format="csr")

    def start_waiting(self, p: np.ndarray, servers: int) -> np.ndarray:
        """Servers joining: min(q, s − b) waiting requests start at once."""
        starts = np.minimum(self.q, np.maximum(servers - self.b, 0))
        to = self.index(self.q - starts, self.b + starts)
        return np.bincount(to, weights=p, minlength=len(p))


def periodic_shift_queue(
    arrival_rate: float,
    service_rate: float,
    steps: Sequence[tuple[float, int]],
    period_min: float = 1440.0,
) -> PeriodicShiftQueue:
    """The periodic M/M/c(t) queue; ``steps`` = [(start minute in the period, servers on shift
    from then), ...], the first at minute 0."""
    if arrival_rate <= 0 or service_rate <= 0 or period_min <= 0:
        raise ValueError("need arrival_rate > 0, service_rate > 0 and period_min > 0")
    _check_steps(steps, period_min)
    ends = [start for start, _ in steps[1:]] + [period_min]
    shift_min = sum((end - start) * s for (start, s), end in zip(steps, ends, strict=True))
    if arrival_rate * period_min >= service_rate * shift_min:
        raise ValueError(
            f"unstable queue: {arrival_rate * period_min:g} requests a period need more than "
            f"{service_rate * shift_min:g} service completions a period"
        )
    cap = 128
    while True:
        result, truncated = _solve(arrival_rate, service_rate, steps, ends, shift_min, cap)
        if truncated < _TRUNCATED_MASS:
            return result
        if cap > 20_000:
            raise ValueError("the queue grows too long to solve (over 20,000 waiting)")
        cap *= 2


def _solve(lam, mu, steps, ends, shift_min, cap):
    top = max(s for _, s in steps)
    chain = _Chain(lam, mu, top, cap)
    ops = {s: chain.augmented(s) for s in {s for _, s in steps}}
    p = np.zeros(chain.size)
    p[0] = 1.0
    zeros = np.zeros(chain.size)
    periods, moved = 0, 1.0
    while moved >= _CONVERGED_L1:
        periods += 1
        if periods > 1000:
            raise ValueError("no periodic steady state after 1,000 periods")
        start_p = p
        totals = np.zeros(chain.size)  # ∫ p dt over the period
        waits = 0.0  # ∫ P(b >= s(t)) dt
        for (start, servers), end in zip(steps, ends, strict=True):
            p = chain.start_waiting(p, servers)
            both = expm_multiply(ops[servers] * (end - start), np.concatenate([p, zeros]))
            p, integral = np.clip(both[: chain.size], 0, None), both[chain.size :]
            p /= p.sum()
            totals += integral
            waits += integral[chain.b >= servers].sum()
        moved = np.abs(p - start_p).sum()
    period = ends[-1]
    result = PeriodicShiftQueue(
        wait_mean=float(totals @ chain.q) / (lam * period),
        wait_probability=float(waits) / period,
        queue_mean=float(totals @ chain.q) / period,
        utilisation=float(totals @ chain.b) / shift_min,
        periods=periods,
    )
    return result, float(totals[chain.q == cap].sum()) / period
