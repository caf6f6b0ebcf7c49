"""Building blocks of the scenario model shared by its sections and the services' own
configuration models: the frozen base class, names, probabilities, seasonal factors, shifts."""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat, NonNegativeInt

from carecap.sim.scenario.schedule import WeeklySchedule

Name = Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_\-]+$")]
Probability = Annotated[float, Field(ge=0, le=1)]
ALL = "all"


class Frozen(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, use_attribute_docstrings=True
    )


def check_shares(shares: dict[str, float], what: str) -> None:
    total = sum(shares.values())
    if not math.isclose(total, 1.0, abs_tol=1e-6):
        raise ValueError(f"{what} are probabilities and must sum to 1, but they sum to {total:g}")


SeasonalFactors = dict[Annotated[int, Field(ge=1, le=12)], NonNegativeFloat]


def positive_interval(dist, where: str):
    if dist.mean() <= 0:
        raise ValueError(
            f"{where} has mean 0: an interval that is always 0 asks for infinitely many requests "
            "at one instant; give an interval with a positive mean"
        )
    return dist


class Shift(Frozen):
    count: NonNegativeInt
    hours: WeeklySchedule
