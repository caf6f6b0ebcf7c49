"""Queueing theory against which the simulator is validated (MODEL.md §4.9), one module per model.

Rates are per minute and times in minutes throughout: λ ``arrival_rate``, μ ``service_rate``
(1 / mean service time), c ``servers``.

=========================  =====================================================================
module                     model
=========================  =====================================================================
``erlang``                 M/M/c (Erlang C: P(wait), mean wait, P(wait > t)) and M/M/c/c (B)
``priority``               M/M/c with non-preemptive priority classes, one service rate (Cobham)
``finite_source``          finite-source M/M/c (machine repair)
``erlang_a``               M/M/c+M (Erlang A: exponential patience)
``deterministic_patience`` M/M/c+D (fixed patience)
``staffing``               square-root staffing (Halfin–Whitt) and the exact Erlang C staffing
``shift_schedule``         M/M/c(t): servers on shift by time of day, as a periodic Markov chain
=========================  =====================================================================

Every public name is re-exported here and by :mod:`carecap.analysis.queueing_theory`.
"""

from carecap.analysis.queueing.deterministic_patience import (
    PatienceQueue,
    mmc_deterministic_patience,
)
from carecap.analysis.queueing.erlang import (
    check_stable,
    erlang_b,
    erlang_c,
    mm1_mean_wait,
    mmc_mean_queue_length,
    mmc_mean_wait,
    mmc_mean_wait_of_waiting,
    mmc_utilisation,
    mmc_wait_probability,
    mmc_wait_quantile,
    mmc_wait_tail,
)
from carecap.analysis.queueing.erlang_a import ErlangAQueue, erlang_a
from carecap.analysis.queueing.finite_source import FiniteSourceQueue, finite_source_mmc
from carecap.analysis.queueing.priority import mmc_priority_mean_waits
from carecap.analysis.queueing.shift_schedule import PeriodicShiftQueue, periodic_shift_queue
from carecap.analysis.queueing.staffing import (
    halfin_whitt_beta,
    halfin_whitt_delay_probability,
    smallest_servers_for_delay,
    square_root_staffing,
)

__all__ = [
    "ErlangAQueue",
    "FiniteSourceQueue",
    "PatienceQueue",
    "PeriodicShiftQueue",
    "check_stable",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "finite_source_mmc",
    "halfin_whitt_beta",
    "halfin_whitt_delay_probability",
    "mm1_mean_wait",
    "mmc_deterministic_patience",
    "mmc_mean_queue_length",
    "mmc_mean_wait",
    "mmc_mean_wait_of_waiting",
    "mmc_priority_mean_waits",
    "mmc_utilisation",
    "mmc_wait_probability",
    "mmc_wait_quantile",
    "mmc_wait_tail",
    "periodic_shift_queue",
    "smallest_servers_for_delay",
    "square_root_staffing",
]
