"""Care-plan visits by caregivers to family beds: configuration."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from carecap.sim.scenario.base import (
    Frozen,
    Name,
    PositiveDays,
    Probability,
    SeasonalFactors,
    positive_interval,
)
from carecap.sim.scenario.distributions import DistOrNumber


class LevelVisitPlan(Frozen):
    interval_days: DistOrNumber
    duration_min: DistOrNumber

    @model_validator(mode="after")
    def _interval(self):
        positive_interval(self.interval_days, "interval_days")
        return self


class CareVisitService(Frozen):
    """Care-plan visits to family beds by caregivers."""

    mode: Literal["after_delivery", "calendar"] = "calendar"
    """``calendar``: due dates follow one another by the interval (an exponential interval makes
    a Poisson stream); ``after_delivery``: the next visit falls due an interval after the last one
    ended."""
    by_care_level: dict[Name, LevelVisitPlan]
    """Levels not listed have no care-plan visits."""
    target_days: PositiveDays
    give_up_days: PositiveDays | None = None
    seasonal_factor_by_month: SeasonalFactors = Field(default_factory=dict)
    report_within_days: list[PositiveDays] = Field(default_factory=list)
    """Common thresholds (days, e.g. ``[3, 7, 14]``) reported as ``within_<threshold>``
    shares beside the service's own target, so that districts with different targets compare on
    one ruler."""
    elder_coverage_share: Probability = 0.9
    """An elder is covered when served at least this share of the visits the plan entitles."""
