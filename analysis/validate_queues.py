"""The stationary configurations of ``carecap validate``: M/M/c (Erlang C), priority tiers
(Cobham), finite source (machine repair) and Erlang A, each an ordinary scenario from
:mod:`carecap.sim.validation.configurations` with its theory from :mod:`carecap.analysis.queueing`.
"""

from __future__ import annotations

import pandas as pd

from carecap.analysis import queueing as qt
from carecap.analysis.validate_base import Configuration, metric_value, pool_utilisation, window_min
from carecap.sim.scenario.model import Scenario
from carecap.sim.units import DAY_MIN
from carecap.sim.validation import configurations as build
from carecap.sim.validation.configurations import RunLength

# --- M/M/c ---------------------------------------------------------------------------------

MMC = {"lam": 1.0, "service_min": 3.5, "servers": 4, "target_min": 5.0}


def mmc_configuration(length: RunLength) -> Configuration:
    lam, mu, c, t = MMC["lam"], 1 / MMC["service_min"], int(MMC["servers"]), MMC["target_min"]
    theory = {
        "wait_mean (min)": (qt.mmc_mean_wait(lam, mu, c), "min"),
        "wait_p90 (min)": (qt.mmc_wait_quantile(lam, mu, c, 0.9), "min"),
        f"P(wait <= {t:g} min)": (1 - qt.mmc_wait_tail(lam, mu, c, t), "share"),
        "backlog_mean": (qt.mmc_mean_queue_length(lam, mu, c), "requests"),
        "utilisation": (qt.mmc_utilisation(lam, mu, c), "share"),
    }

    def extract(m: pd.DataFrame, scenario: Scenario) -> dict[str, float]:
        return {
            "wait_mean (min)": metric_value(m, "wait_mean") * DAY_MIN,
            "wait_p90 (min)": metric_value(m, "wait_p90") * DAY_MIN,
            f"P(wait <= {t:g} min)": metric_value(m, "on_time_rate"),
            "backlog_mean": metric_value(m, "backlog_mean"),
            "utilisation": pool_utilisation(m),
        }

    return Configuration(
        "M/M/c",
        f"Erlang C: λ = {lam:g}/min, mean service {MMC['service_min']:g} min, c = {c}: Poisson "
        "demand, FIFO, waits (mean, p90, P(wait <= t)), queue length, utilisation",
        build.erlang_c_scenario(lam, MMC["service_min"], c, t, length),
        theory,
        extract,
    )


# --- priority classes ----------------------------------------------------------------------

PRIORITY = {"lam": 1.0, "service_min": 3.5, "servers": 4, "elders": 3000}
TIER_SHARES = {"first": 0.2, "second": 0.3, "third": 0.5}


def priority_configuration(length: RunLength) -> Configuration:
    lam, mu, c = PRIORITY["lam"], 1 / PRIORITY["service_min"], int(PRIORITY["servers"])
    waits = qt.mmc_priority_mean_waits([lam * s for s in TIER_SHARES.values()], mu, c)
    theory = {
        f"wait_mean tier {tier} (min)": (w, "min")
        for tier, w in zip(TIER_SHARES, waits, strict=True)
    }
    theory["wait_mean all tiers (min)"] = (qt.mmc_mean_wait(lam, mu, c), "min")

    def extract(m: pd.DataFrame, scenario: Scenario) -> dict[str, float]:
        out = {
            f"wait_mean tier {tier} (min)": metric_value(m, "wait_mean", "tier", tier) * DAY_MIN
            for tier in TIER_SHARES
        }
        out["wait_mean all tiers (min)"] = metric_value(m, "wait_mean") * DAY_MIN
        return out

    shares = "/".join(f"{s:g}" for s in TIER_SHARES.values())
    return Configuration(
        "priority tiers",
        f"Cobham's non-preemptive priority M/M/c, tiers {shares} of λ = {lam:g}/min, c = {c}: "
        "the queue order by tier, FIFO within a tier, no preemption; FIFO's mean overall "
        f"(conservation). Tiers are drawn per elder ({PRIORITY['elders']} elders), so the "
        "class rates vary slightly between replications (bias < 0.1 %)",
        build.priority_scenario(
            lam, PRIORITY["service_min"], c, TIER_SHARES, int(PRIORITY["elders"]), 5.0, length
        ),
        theory,
        extract,
    )


# --- finite source -------------------------------------------------------------------------

FINITE = {"sources": 20, "idle_min": 60.0, "service_min": 10.0, "servers": 3, "target_min": 5.0}


def finite_source_configuration(length: RunLength) -> Configuration:
    n, c, t = int(FINITE["sources"]), int(FINITE["servers"]), FINITE["target_min"]
    q = qt.finite_source_mmc(n, 1 / FINITE["idle_min"], 1 / FINITE["service_min"], c)
    theory = {
        "wait_mean (min)": (q.wait_mean, "min"),
        f"P(wait <= {t:g} min)": (1 - q.wait_tail(t), "share"),
        "utilisation": (q.utilisation, "share"),
        "requests per hour": (q.throughput_per_min * 60, "per hour"),
    }

    def extract(m: pd.DataFrame, scenario: Scenario) -> dict[str, float]:
        return {
            "wait_mean (min)": metric_value(m, "wait_mean") * DAY_MIN,
            f"P(wait <= {t:g} min)": metric_value(m, "on_time_rate"),
            "utilisation": pool_utilisation(m),
            "requests per hour": metric_value(m, "requests") / window_min(scenario) * 60,
        }

    return Configuration(
        "finite source",
        f"machine repair: {n} elders, each asking again an exponential "
        f"{FINITE['idle_min']:g} min after its visit ended (mode after_delivery), c = {c}: "
        "demand that depends on service",
        build.finite_source_scenario(n, FINITE["idle_min"], FINITE["service_min"], c, t, length),
        theory,
        extract,
    )


# --- Erlang A ------------------------------------------------------------------------------

ERLANG_A = {"lam": 1.0, "service_min": 4.4, "servers": 4, "patience_min": 5.0, "target_min": 2.0}


def erlang_a_configuration(length: RunLength) -> Configuration:
    lam, mu, t = ERLANG_A["lam"], 1 / ERLANG_A["service_min"], ERLANG_A["target_min"]
    c = int(ERLANG_A["servers"])
    q = qt.erlang_a(lam, mu, c, 1 / ERLANG_A["patience_min"])
    theory = {
        "wait_mean all (min)": (q.wait_mean_all, "min"),
        "wait_mean_served (min)": (q.wait_mean_served, "min"),
        "abandoned share": (q.abandon_share, "share"),
        f"P(served within {t:g} min)": (q.served_within(t), "share"),
    }

    def extract(m: pd.DataFrame, scenario: Scenario) -> dict[str, float]:
        return {
            "wait_mean all (min)": metric_value(m, "wait_mean") * DAY_MIN,
            "wait_mean_served (min)": metric_value(m, "wait_mean_served") * DAY_MIN,
            "abandoned share": metric_value(m, "abandoned") / metric_value(m, "requests"),
            f"P(served within {t:g} min)": metric_value(m, "on_time_rate"),
        }

    return Configuration(
        "Erlang A",
        f"M/M/c+M: overloaded (ρ = {lam / (c * mu):.2f}), exponential patience of mean "
        f"{ERLANG_A['patience_min']:g} min, c = {c}: give-up drawn per request, the waits of all "
        "and of served requests, abandonment",
        build.erlang_a_scenario(
            lam, ERLANG_A["service_min"], c, ERLANG_A["patience_min"], t, length
        ),
        theory,
        extract,
    )
