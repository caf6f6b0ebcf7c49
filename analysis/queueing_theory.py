"""Closed-form and numerical results for Markovian queues, against which the simulator is
validated (MODEL.md §4.9). The models live in :mod:`carecap.analysis.queueing`, one module per
model; this module re-exports them so that ``from carecap.analysis.queueing_theory import
erlang_c`` (and every name it offered before the split) keeps working.

Rates are per minute and times in minutes: ``arrival_rate`` is λ, ``service_rate`` μ (1 / mean
service time), ``servers`` c. The M/M/c functions need a stable queue, λ < c·μ, and raise
``ValueError`` otherwise; the models with abandonment or finitely many sources are stable at any
load.
"""

from carecap.analysis.queueing import *  # noqa: F403 (a re-export: the list is queueing.__all__)
from carecap.analysis.queueing import __all__  # noqa: F401
from carecap.analysis.queueing.erlang import check_stable as _check  # noqa: F401 (old private name)
