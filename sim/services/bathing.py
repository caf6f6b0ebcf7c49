"""The bathing entitlement and the routing of each bath request to the centre or home."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from carecap.sim.scenario.base import (
    Count,
    Frozen,
    Name,
    PositiveDays,
    PositiveMinutes,
    SeasonalFactors,
    positive_interval,
)
from carecap.sim.scenario.distributions import DistOrNumber


class BathService(Frozen):
    """Bathing entitlement; each request is routed to the centre or a home team."""

    mode: Literal["after_delivery", "calendar"] = "after_delivery"
    interval_days_by_level: dict[Name, DistOrNumber]
    """Levels not listed are not entitled to bathing."""

    @model_validator(mode="after")
    def _intervals(self):
        for level, dist in self.interval_days_by_level.items():
            positive_interval(dist, f"interval_days_by_level.{level}")
        return self

    target_days: PositiveDays
    give_up_days: PositiveDays | None = None
    seasonal_factor_by_month: SeasonalFactors = Field(default_factory=dict)
    report_within_days: list[PositiveDays] = Field(default_factory=list)
    """Common thresholds (days, e.g. ``[3, 7, 14]``) reported as ``within_<threshold>``
    shares beside the service's own target, so that districts with different targets compare on
    one ruler."""


class Routing(Frozen):
    """Where a bath request goes, decided when it is made."""

    prefer: Literal["centre", "home"] = "centre"
    centre_care_levels: list[Name] | None = None
    """Levels that may go to the centre; default: levels with ``can_go_to_centre``."""
    max_centre_transport_min: PositiveMinutes | None = None
    """Districts whose mean transport time exceeds this are served at home."""
    overflow_to_home_when_centre_queue_over: Count | None = None
    overflow_to_centre_when_home_queue_over: Count | None = None
