"""Alarms from the bed monitoring platform answered by caregivers: configuration."""

from __future__ import annotations

from pydantic import Field, NonNegativeFloat, PositiveFloat

from carecap.sim.scenario.base import Frozen, Name, Probability, SeasonalFactors
from carecap.sim.scenario.distributions import DistOrNumber


class AlarmService(Frozen):
    """Alarms from the monitoring platform: a Poisson stream per bed."""

    rate_per_bed_month: NonNegativeFloat
    visit_share: Probability
    """Share of alarms that need a caregiver at the home (the rest are handled remotely)."""
    duration_min: DistOrNumber
    target_min: PositiveFloat
    target_min_by_district: dict[Name, PositiveFloat] = Field(default_factory=dict)
    """Districts whose target differs from ``target_min`` (e.g. 60 min in the counties)."""
    give_up_min: PositiveFloat | None = None
    seasonal_factor_by_month: SeasonalFactors = Field(default_factory=dict)
    report_within_min: list[PositiveFloat] = Field(default_factory=list)
    """Common thresholds (minutes, e.g. ``[15, 30, 60]``) reported as ``within_<threshold>``
    shares beside the service's own target, so that districts with different targets compare on
    one ruler."""
