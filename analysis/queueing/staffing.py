"""Square-root staffing (Halfin & Whitt 1981): c = R + β√R servers for an offered load R = λ/μ
erlangs, where β is set by the target probability of waiting through the Halfin–Whitt function

    P(wait) ≈ α(β) = 1 / (1 + β Φ(β) / φ(β)),

the limit of Erlang's C at c = R + β√R as R grows (Φ, φ: the standard normal cdf and density).
:func:`smallest_servers_for_delay` gives the exact answer from Erlang C, to compare with.
"""

from __future__ import annotations

import math

from scipy import optimize, special, stats

from carecap.analysis.queueing.erlang import erlang_c


def halfin_whitt_delay_probability(beta: float) -> float:
    """α(β), the limiting probability of waiting at c = R + β√R (β > 0)."""
    if beta <= 0:
        raise ValueError(f"need beta > 0, got {beta:g}")
    # 1 / (1 + e^x) with x = log(β Φ(β) / φ(β)), from logs so that a large β cannot overflow
    return float(
        special.expit(-(math.log(beta) + stats.norm.logcdf(beta) - stats.norm.logpdf(beta)))
    )


def halfin_whitt_beta(target_delay_probability: float) -> float:
    """The β with α(β) equal to the target probability of waiting (0 < target < 1)."""
    if not 0 < target_delay_probability < 1:
        raise ValueError(f"need 0 < target_delay_probability < 1, got {target_delay_probability:g}")
    return optimize.brentq(
        lambda b: halfin_whitt_delay_probability(b) - target_delay_probability,
        1e-12,
        40.0,
        xtol=1e-12,
    )


def square_root_staffing(
    arrival_rate: float, service_rate: float, target_delay_probability: float
) -> int:
    """Servers by the square-root rule: ⌈R + β√R⌉ with β = :func:`halfin_whitt_beta` (at least
    ⌊R⌋ + 1, so that the queue is stable)."""
    if arrival_rate < 0 or service_rate <= 0:
        raise ValueError("need arrival_rate >= 0 and service_rate > 0")
    load = arrival_rate / service_rate
    beta = halfin_whitt_beta(target_delay_probability)
    return max(math.ceil(load + beta * math.sqrt(load)), math.floor(load) + 1)


def smallest_servers_for_delay(
    arrival_rate: float, service_rate: float, target_delay_probability: float
) -> int:
    """The smallest c with Erlang C's P(wait) <= the target (exact, by search upwards)."""
    if arrival_rate < 0 or service_rate <= 0 or not 0 < target_delay_probability < 1:
        raise ValueError(
            "need arrival_rate >= 0, service_rate > 0 and 0 < target_delay_probability < 1"
        )
    load = arrival_rate / service_rate
    servers = math.floor(load) + 1
    while erlang_c(servers, load) > target_delay_probability:
        servers += 1
    return servers
