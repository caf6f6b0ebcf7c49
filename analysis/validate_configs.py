"""The configurations ``carecap validate`` runs, and for how long: ``--quick`` (about a minute on
one core) or full mode (longer runs, more replications, narrower intervals).
"""

from __future__ import annotations

import dataclasses

from carecap.analysis.validate_base import Configuration
from carecap.analysis.validate_queues import (
    erlang_a_configuration,
    finite_source_configuration,
    mmc_configuration,
    priority_configuration,
)
from carecap.analysis.validate_shifts import shift_configuration
from carecap.sim.validation.configurations import RunLength

QUICK = {"short": RunLength(11, 1, replications=20), "shifts": RunLength(61, 1, replications=20)}
FULL = {"short": RunLength(21, 1, replications=40), "shifts": RunLength(201, 1, replications=40)}


def configurations(quick: bool, replications: int | None = None) -> list[Configuration]:
    """Every configuration, for ``--quick`` (shorter runs) or full mode; ``replications``
    overrides the mode's number."""
    lengths = QUICK if quick else FULL
    if replications is not None:
        lengths = {k: dataclasses.replace(v, replications=replications) for k, v in lengths.items()}
    short = lengths["short"]
    finite = _with_days(short, 4)  # the machine-repair queue is 1/4 as busy: 4x the days
    return [
        mmc_configuration(short),
        priority_configuration(short),
        finite_source_configuration(finite),
        erlang_a_configuration(short),
        shift_configuration(lengths["shifts"]),
    ]


def _with_days(length: RunLength, factor: int) -> RunLength:
    horizon = length.warmup_days + (length.horizon_days - length.warmup_days) * factor
    return dataclasses.replace(length, horizon_days=horizon)
