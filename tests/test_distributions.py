"""Unit tier: the declared distributions of carecap.sim.scenario.distributions.

Each kind's sample mean (n = 200 000, fixed seed) lies within 4 standard errors (from the sample
sd) of its analytic ``mean()``; truncated normals are also checked against scipy's truncnorm;
zero-valued forms draw only zeros; bad parameters are refused at validation.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError
from scipy import stats

from carecap.sim.scenario.distributions import DistOrNumber, Fixed, Normal

N = 200_000
ADAPTER = TypeAdapter(DistOrNumber)


def dist(spec):
    return ADAPTER.validate_python(spec)


CASES = {
    "fixed": {"dist": "fixed", "value": 5.5},
    "bare number": 7,
    "exponential": {"dist": "exponential", "mean": 12.0},
    "uniform": {"dist": "uniform", "low": 3, "high": 9},
    "triangular": {"dist": "triangular", "low": 1, "mode": 2, "high": 10},
    "triangular mode at low": {"dist": "triangular", "low": 0, "mode": 0, "high": 6},
    "normal, little truncation": {"dist": "normal", "mean": 50, "sd": 10},
    "normal truncated near 0": {"dist": "normal", "mean": 0.5, "sd": 2},
    "half-normal": {"dist": "normal", "mean": 0, "sd": 3},
    "normal, mean below 0": {"dist": "normal", "mean": -1.5, "sd": 1},
    "lognormal": {"dist": "lognormal", "mean": 50, "sd": 15},
    "lognormal, heavy": {"dist": "lognormal", "mean": 10, "sd": 20},
    "gamma": {"dist": "gamma", "mean": 4, "sd": 2},
    "gamma, shape below 1": {"dist": "gamma", "mean": 1, "sd": 3},
    "empirical, weighted": {"dist": "empirical", "values": [10, 20, 35], "weights": [1, 2, 1]},
    "empirical, equal": {"dist": "empirical", "values": [0, 1, 5, 8]},
}


@pytest.mark.parametrize("spec", CASES.values(), ids=CASES.keys())
def test_sample_mean_matches_analytic_mean(spec):
    d = dist(spec)
    x = d.sample(np.random.default_rng(20220828), N)
    assert x.shape == (N,) and x.dtype == np.float64
    assert np.isfinite(x).all() and (x >= 0).all()
    sd = x.std(ddof=1)
    if sd == 0:
        assert x.mean() == d.mean()
    else:
        se = sd / math.sqrt(N)
        assert abs(x.mean() - d.mean()) < 4 * se, (x.mean(), d.mean(), se)


def test_sample_keeps_a_2d_shape():
    x = dist({"dist": "gamma", "mean": 3, "sd": 1}).sample(np.random.default_rng(1), (4, 16))
    assert x.shape == (4, 16)


@pytest.mark.parametrize(("mean", "sd"), [(0.5, 2.0), (0.0, 1.0), (-1.5, 1.0), (-3.0, 2.0)])
def test_truncated_normal_mean_is_that_of_the_normal_conditioned_above_0(mean, sd):
    expected = stats.truncnorm(-mean / sd, np.inf, loc=mean, scale=sd).mean()
    assert Normal(dist="normal", mean=mean, sd=sd).mean() == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize(
    ("spec", "sd"),
    [
        ({"dist": "lognormal", "mean": 50, "sd": 15}, 15),
        ({"dist": "gamma", "mean": 4, "sd": 2}, 2),
        ({"dist": "exponential", "mean": 12}, 12),
        ({"dist": "uniform", "low": 3, "high": 9}, 6 / math.sqrt(12)),
    ],
)
def test_sd_parametrisation(spec, sd):
    """``sd`` is the standard deviation of the variable itself, not of its logarithm."""
    x = dist(spec).sample(np.random.default_rng(7), N)
    assert x.std() == pytest.approx(sd, rel=0.02)


ZERO = [
    0,
    {"dist": "fixed", "value": 0},
    {"dist": "exponential", "mean": 0},
    {"dist": "uniform", "low": 0, "high": 0},
    {"dist": "triangular", "low": 0, "mode": 0, "high": 0},
    {"dist": "normal", "mean": 0, "sd": 0},
    {"dist": "empirical", "values": [0, 0]},
    {"dist": "empirical", "values": [0, 9], "weights": [1, 0]},
]


@pytest.mark.parametrize("spec", ZERO, ids=str)
def test_zero_valued_distributions_draw_zeros(spec):
    d = dist(spec)
    assert d.mean() == 0
    assert (d.sample(np.random.default_rng(3), 1000) == 0).all()


def test_bare_number_is_fixed():
    assert dist(3) == Fixed(value=3)
    assert dist(2.5).mean() == 2.5


BAD = {
    "uniform high < low": {"dist": "uniform", "low": 5, "high": 1},
    "triangular mode below low": {"dist": "triangular", "low": 2, "mode": 1, "high": 5},
    "triangular mode above high": {"dist": "triangular", "low": 0, "mode": 6, "high": 5},
    "empirical weights too short": {"dist": "empirical", "values": [1, 2, 3], "weights": [1, 2]},
    "empirical weights too long": {"dist": "empirical", "values": [1], "weights": [1, 2]},
    "empirical weights all 0": {"dist": "empirical", "values": [1, 2], "weights": [0, 0]},
    "empirical no values": {"dist": "empirical", "values": []},
    "empirical negative value": {"dist": "empirical", "values": [1, -2]},
    "negative fixed": -1,
    "negative exponential mean": {"dist": "exponential", "mean": -3},
    "negative uniform low": {"dist": "uniform", "low": -1, "high": 2},
    "normal with sd 0 below 0": {"dist": "normal", "mean": -1, "sd": 0},
    "normal almost all below 0": {"dist": "normal", "mean": -6, "sd": 1},
    "negative normal sd": {"dist": "normal", "mean": 5, "sd": -1},
    "lognormal mean 0": {"dist": "lognormal", "mean": 0, "sd": 1},
    "gamma sd 0": {"dist": "gamma", "mean": 2, "sd": 0},
    "infinite value": {"dist": "fixed", "value": math.inf},
    "nan mean": {"dist": "exponential", "mean": math.nan},
    "unknown kind": {"dist": "weibull", "shape": 2},
    "unknown key": {"dist": "exponential", "mean": 2, "sd": 1},
    "boolean": True,
}


@pytest.mark.parametrize("spec", BAD.values(), ids=BAD.keys())
def test_bad_parameters_are_refused(spec):
    with pytest.raises(ValidationError):
        dist(spec)


@pytest.mark.parametrize("mean", [-4.0, -4.9, -5.0])
def test_deeply_truncated_normal_that_validation_accepts_follows_the_truncated_law(mean):
    """Validation accepts means down to -5 sd; sampling such a normal must follow the truncated
    law (rejection sampling would need ~1e7 rounds at -5 sd: its speed is timed by
    ``python -m benchmarks.bench_edge_cases``, not here)."""
    d = dist({"dist": "normal", "mean": mean, "sd": 1})
    x = d.sample(np.random.default_rng(11), 20_000)
    assert (x >= 0).all()
    assert abs(x.mean() - d.mean()) < 4 * x.std(ddof=1) / math.sqrt(len(x))
