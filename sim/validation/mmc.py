"""Markovian configurations expressed as ordinary scenarios, for validation and benchmarks.

``mmc_scenario`` builds an M/M/c queue out of the care model: ``elders`` elders each make
care-plan visit requests on a calendar with exponential intervals (so the superposition is a
Poisson stream of rate ``arrival_rate_per_min``), served by ``servers`` always-on caregivers with
exponential service and zero travel. Nothing is special-cased in the engine.
"""

from __future__ import annotations

from carecap.sim.scenario.model import Scenario


def mmc_scenario(*args, **kwargs) -> Scenario:
    """An M/M/c scenario (single tier, single district, always open); the arguments are those
    of :func:`mmc_document`."""
    return Scenario.model_validate(mmc_document(*args, **kwargs))


def mmc_document(
    arrival_rate_per_min: float,
    service_mean_min: float,
    servers: int,
    horizon_days: float = 30.0,
    warmup_days: float = 3.0,
    elders: int = 100,
    seed: int = 1,
    replications: int = 10,
) -> dict:
    """The scenario document (plain data, as a YAML file would hold it) of :func:`mmc_scenario`:
    benchmarks write it to a file for ``carecap run``."""
    interval_days = elders / arrival_rate_per_min / 1440.0
    return {
        "name": f"mmc-c{servers}",
        "description": "M/M/c validation configuration",
        "calendar": {
            "start_date": "2022-01-03",
            "horizon_days": horizon_days,
            "warmup_days": warmup_days,
        },
        "replications": replications,
        "seed": seed,
        "tiers": ["all"],
        "care_levels": {"any": {}},
        "districts": {"city": {}},
        "population": {
            "elders_by_district": {"city": elders},
            "care_level_shares": {"any": 1.0},
            "tier_shares": {"all": 1.0},
        },
        "services": {
            "care_visit": {
                "mode": "calendar",
                "by_care_level": {
                    "any": {
                        "interval_days": {"dist": "exponential", "mean": interval_days},
                        "duration_min": {"dist": "exponential", "mean": service_mean_min},
                    }
                },
                "target_days": 1.0,
            }
        },
        "caregivers": [
            {
                "name": "servers",
                "shifts": [{"count": servers, "hours": "always"}],
                "travel_min": {"city": 0},
            }
        ],
    }
