"""Alarms from the bed monitoring platform answered by caregivers: configuration."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from carecap.sim.scenario import limits
from carecap.sim.scenario.base import Frozen, Name, PositiveMinutes, Probability, SeasonalFactors
from carecap.sim.scenario.distributions import DistOrNumber


class AlarmService(Frozen):
    """Alarms from the monitoring platform: a Poisson stream per bed."""

    rate_per_bed_month: Annotated[
        float, Field(ge=0, le=limits.MAX_ALARM_RATE_PER_BED_MONTH, allow_inf_nan=False)
    ]
    visit_share: Probability
    """Share of alarms that need a caregiver at the home (the rest are handled remotely)."""
    duration_min: DistOrNumber
    target_min: PositiveMinutes
    target_min_by_district: dict[Name, PositiveMinutes] = Field(default_factory=dict)
    """Districts whose target differs from ``target_min`` (e.g. 60 min in the counties)."""
    give_up_min: PositiveMinutes | None = None
    seasonal_factor_by_month: SeasonalFactors = Field(default_factory=dict)
    report_within_min: list[PositiveMinutes] = Field(default_factory=list)
    """Common thresholds (minutes, e.g. ``[15, 30, 60]``) reported as ``within_<threshold>``
    shares beside the service's own target, so that districts with different targets compare on
    one ruler."""
