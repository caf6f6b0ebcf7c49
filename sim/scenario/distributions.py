"""Declared probability distributions for durations, intervals and travel times.

Every duration in a scenario is one of these small frozen objects, written in YAML as a mapping
with a ``dist`` key (``{dist: lognormal, mean: 50, sd: 15}``) or as a bare number (a fixed value).
Each has ``sample(rng, size)`` returning a float64 array of non-negative draws and an analytic
``mean()``, so tests can compare simulated moments with theory. Sampling is by inverse transform
of ``rng.random(size)`` (one uniform per draw), which makes antithetic replications possible
(:mod:`carecap.sim.engine.streams`); ``rng`` is a :class:`carecap.sim.engine.streams.RandomStream`
or a numpy ``Generator``.
Units are those of the field that holds the distribution (``duration_min`` is in minutes,
``interval_days`` in days).
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal, Union

import numpy as np
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from carecap.sim.scenario.limits import MAX_DIST_VALUE


class _OnFirstUse:
    """A scipy module imported when first used: validating a scenario needs no scipy (importing
    ``scipy.stats`` costs about 0.5 s and 60 MB, which ``carecap check`` and an M/M/c run with
    only exponential draws need not pay)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        import importlib

        return getattr(importlib.import_module(self._name), attr)


special, stats = _OnFirstUse("scipy.special"), _OnFirstUse("scipy.stats")

NonNegative = Annotated[float, Field(ge=0, le=MAX_DIST_VALUE, allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0, le=MAX_DIST_VALUE, allow_inf_nan=False)]
MAX_CV = 1_000.0
"""Largest sd / mean of a log-normal or gamma: beyond it their parameters overflow."""
MIN_GAMMA_CV = 1e-6
"""Smallest sd / mean of a gamma (its shape is (mean / sd)^2); use ``fixed`` for no spread."""


def _check_cv(mean: float, sd: float, lowest: float = 0.0) -> None:
    cv = sd / mean
    if cv > MAX_CV:
        raise ValueError(
            f"sd ({sd:g}) is more than {MAX_CV:g} times the mean ({mean:g}); such a spread "
            "cannot be sampled (its parameters overflow)"
        )
    if cv < lowest:
        raise ValueError(
            f"sd ({sd:g}) is less than {lowest:g} times the mean ({mean:g}); write a fixed value "
            "instead"
        )


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    def sample(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> np.ndarray:
        raise NotImplementedError

    def mean(self) -> float:
        raise NotImplementedError

    def length_biased(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Draws from the length-biased law (density ``x f(x) / mean``): the interval that
        covers a random instant. ``U x`` such a draw is the equilibrium forward recurrence
        time of a renewal process with this interval. Numeric inverse on a fine grid, unless a
        subclass knows the closed form."""
        lo, hi = self._support()
        x = np.linspace(lo, hi, 4097)
        w = x * self._pdf(x)
        cdf = np.concatenate([[0.0], np.cumsum((w[1:] + w[:-1]) / 2 * np.diff(x))])
        if cdf[-1] <= 0:
            return np.zeros(size)
        return np.interp(rng.random(size) * cdf[-1], cdf, x)

    def _support(self) -> tuple[float, float]:
        raise NotImplementedError

    def _pdf(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class Fixed(_Dist):
    """Always ``value``."""

    dist: Literal["fixed"] = "fixed"
    value: NonNegative

    def sample(self, rng, size):
        return np.full(size, self.value, dtype=np.float64)

    def mean(self) -> float:
        return self.value

    def length_biased(self, rng, size):
        return np.full(size, self.value, dtype=np.float64)


class Exponential(_Dist):
    """Exponential with the given mean (the memoryless case of queueing theory)."""

    dist: Literal["exponential"]
    mean_: NonNegative = Field(alias="mean")

    def sample(self, rng, size):
        return -self.mean_ * np.log1p(-rng.random(size))

    def mean(self) -> float:
        return self.mean_

    def length_biased(self, rng, size):  # Gamma(2, mean): the sum of two exponentials
        return -self.mean_ * (np.log1p(-rng.random(size)) + np.log1p(-rng.random(size)))


class Uniform(_Dist):
    """Uniform on [low, high]."""

    dist: Literal["uniform"]
    low: NonNegative
    high: NonNegative

    @model_validator(mode="after")
    def _ordered(self):
        if self.high < self.low:
            raise ValueError(f"high ({self.high}) must be at least low ({self.low})")
        return self

    def sample(self, rng, size):
        return self.low + (self.high - self.low) * rng.random(size)

    def mean(self) -> float:
        return (self.low + self.high) / 2

    def length_biased(self, rng, size):  # density proportional to x on [low, high]
        lo2, hi2 = self.low**2, self.high**2
        return np.sqrt(lo2 + (hi2 - lo2) * rng.random(size))


class Triangular(_Dist):
    """Triangular on [low, high] with the given mode."""

    dist: Literal["triangular"]
    low: NonNegative
    mode: NonNegative
    high: NonNegative

    @model_validator(mode="after")
    def _ordered(self):
        if not self.low <= self.mode <= self.high:
            raise ValueError(f"need low <= mode <= high, got {self.low}, {self.mode}, {self.high}")
        return self

    def sample(self, rng, size):
        if self.high == self.low:
            return np.full(size, self.low, dtype=np.float64)
        lo, mode, hi = self.low, self.mode, self.high
        u = rng.random(size)
        cut = (mode - lo) / (hi - lo)
        left = lo + np.sqrt(u * (hi - lo) * (mode - lo))
        right = hi - np.sqrt((1 - u) * (hi - lo) * (hi - mode))
        return np.where(u < cut, left, right)

    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3

    def length_biased(self, rng, size):
        if self.high == self.low:
            return np.full(size, self.low, dtype=np.float64)
        return super().length_biased(rng, size)

    def _support(self):
        return self.low, self.high

    def _pdf(self, x):
        lo, mode, hi = self.low, self.mode, self.high
        c = (mode - lo) / (hi - lo)
        return stats.triang.pdf(x, c, loc=lo, scale=hi - lo)


class Normal(_Dist):
    """Normal(mean, sd) truncated at 0 (the law of a draw conditioned to be >= 0), so the mean
    shifts up when the mean is within a few sd of 0."""

    dist: Literal["normal"]
    mean_: float = Field(alias="mean", ge=-MAX_DIST_VALUE, le=MAX_DIST_VALUE, allow_inf_nan=False)
    sd: NonNegative

    @model_validator(mode="after")
    def _mass_above_zero(self):
        if self.sd == 0 and self.mean_ < 0:
            raise ValueError("with sd 0 the mean must be at least 0")
        if self.sd > 0 and self.mean_ / self.sd < -5:
            raise ValueError("almost no probability above 0: mean must be above -5 sd")
        return self

    def sample(self, rng, size):
        if self.sd == 0:
            return np.full(size, self.mean_, dtype=np.float64)
        below = special.ndtr(-self.mean_ / self.sd)  # probability mass cut off below 0
        u = below + (1 - below) * rng.random(size)
        return np.maximum(self.mean_ + self.sd * special.ndtri(u), 0.0)

    def mean(self) -> float:
        if self.sd == 0:
            return self.mean_
        alpha = -self.mean_ / self.sd
        return self.mean_ + self.sd * stats.norm.pdf(alpha) / stats.norm.sf(alpha)

    def length_biased(self, rng, size):
        if self.sd == 0:
            return np.full(size, max(self.mean_, 0.0), dtype=np.float64)
        return super().length_biased(rng, size)

    def _support(self):
        return 0.0, max(self.mean_, 0.0) + 10 * self.sd

    def _pdf(self, x):
        return stats.norm.pdf(x, self.mean_, self.sd)  # unnormalised on x >= 0: fine here


class LogNormal(_Dist):
    """Log-normal given by the mean and sd of the variable itself (not of its logarithm)."""

    dist: Literal["lognormal"]
    mean_: Positive = Field(alias="mean")
    sd: NonNegative

    @model_validator(mode="after")
    def _spread(self):
        _check_cv(self.mean_, self.sd)
        return self

    def _params(self) -> tuple[float, float]:
        sigma2 = math.log1p((self.sd / self.mean_) ** 2)
        return math.log(self.mean_) - sigma2 / 2, math.sqrt(sigma2)

    def sample(self, rng, size):
        mu, sigma = self._params()
        return np.exp(mu + sigma * special.ndtri(rng.random(size)))

    def mean(self) -> float:
        return self.mean_

    def length_biased(self, rng, size):  # log-normal(mu + sigma^2, sigma)
        mu, sigma = self._params()
        return np.exp(mu + sigma**2 + sigma * special.ndtri(rng.random(size)))


class Gamma(_Dist):
    """Gamma given by mean and sd (shape = (mean/sd)^2, scale = sd^2/mean)."""

    dist: Literal["gamma"]
    mean_: Positive = Field(alias="mean")
    sd: Positive

    @model_validator(mode="after")
    def _spread(self):
        _check_cv(self.mean_, self.sd, MIN_GAMMA_CV)
        return self

    def sample(self, rng, size):
        shape = (self.mean_ / self.sd) ** 2
        return special.gammaincinv(shape, rng.random(size)) * (self.sd**2 / self.mean_)

    def mean(self) -> float:
        return self.mean_

    def length_biased(self, rng, size):  # Gamma(shape + 1, scale)
        shape = (self.mean_ / self.sd) ** 2
        return special.gammaincinv(shape + 1, rng.random(size)) * (self.sd**2 / self.mean_)


class Empirical(_Dist):
    """One of ``values``, drawn with probability proportional to ``weights`` (equal if omitted)."""

    dist: Literal["empirical"]
    values: list[NonNegative] = Field(min_length=1)
    weights: list[NonNegative] | None = None

    @model_validator(mode="after")
    def _weights(self):
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError(
                    f"weights has {len(self.weights)} entries but values has {len(self.values)}"
                )
            if sum(self.weights) <= 0:
                raise ValueError("weights must not all be zero")
        return self

    def _probs(self) -> np.ndarray:
        w = np.ones(len(self.values)) if self.weights is None else np.asarray(self.weights)
        return w / w.sum()

    def sample(self, rng, size):
        cdf = np.cumsum(self._probs())
        idx = np.searchsorted(cdf / cdf[-1], rng.random(size), side="right")
        return np.asarray(self.values, dtype=np.float64)[np.minimum(idx, len(self.values) - 1)]

    def mean(self) -> float:
        return float(np.dot(self._probs(), self.values))

    def length_biased(self, rng, size):  # weights proportional to weight x value
        w = self._probs() * np.asarray(self.values)
        if w.sum() <= 0:
            return np.zeros(size)
        cdf = np.cumsum(w / w.sum())
        idx = np.searchsorted(cdf, rng.random(size), side="right")
        return np.asarray(self.values, dtype=np.float64)[np.minimum(idx, len(self.values) - 1)]


Dist = Annotated[
    Union[Fixed, Exponential, Uniform, Triangular, Normal, LogNormal, Gamma, Empirical],
    Field(discriminator="dist"),
]
"""A distribution as written in a scenario (discriminated on ``dist``)."""

DIST_NAMES = (
    "fixed",
    "exponential",
    "uniform",
    "triangular",
    "normal",
    "lognormal",
    "gamma",
    "empirical",
)


def coerce_number(value: Any) -> Any:
    """Let a bare number stand for ``{dist: fixed, value: n}`` (used as a before-validator)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {"dist": "fixed", "value": value}
    return value


DistOrNumber = Annotated[Dist, BeforeValidator(coerce_number)]
"""A distribution field that also accepts a bare number as a fixed value."""


def _positive_mean(dist: Any) -> Any:
    if dist.mean() <= 0:
        raise ValueError(
            "a give-up time must have a positive mean (a patience of 0 gives up at once); omit "
            "the field for requests that never give up"
        )
    return dist


PatienceDist = Annotated[Dist, BeforeValidator(coerce_number), AfterValidator(_positive_mean)]
"""A give-up time (patience): a distribution with a positive mean, or a bare positive number."""
