"""The shift-schedule configuration of ``carecap validate``: M/M/c(t) with caregivers on daily
shifts, against the periodic Markov chain of
:func:`carecap.analysis.queueing.periodic_shift_queue`.
"""

from __future__ import annotations

import pandas as pd

from carecap.analysis import queueing as qt
from carecap.analysis.validate_base import Configuration, metric_value, pool_utilisation
from carecap.sim.scenario.model import Scenario
from carecap.sim.units import DAY_MIN
from carecap.sim.validation import configurations as build
from carecap.sim.validation.configurations import RunLength

# --- shift schedule ------------------------------------------------------------------------

SHIFTS = {"lam": 0.06, "service_min": 20.0}
SHIFT_GROUPS = ((2, "05:00-22:00"), (2, "08:00-22:00"))
"""Two caregivers from 05:00 and two more from 08:00, all off at 22:00 (every day)."""


def _minute(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def on_shift_steps(groups: tuple[tuple[int, str], ...]) -> list[tuple[float, int]]:
    """[(minute of the day, caregivers on shift from then), ...] of daily shift groups."""
    changes = {0} | {_minute(m) % DAY_MIN for _, span in groups for m in span.split("-")}
    steps = []
    for minute in sorted(changes):
        on = sum(
            count
            for count, span in groups
            if _minute(span.split("-")[0]) <= minute < _minute(span.split("-")[1])
        )
        if not steps or steps[-1][1] != on:
            steps.append((float(minute), on))
    return steps


def shift_configuration(length: RunLength) -> Configuration:
    lam, mu = SHIFTS["lam"], 1 / SHIFTS["service_min"]
    q = qt.periodic_shift_queue(lam, mu, on_shift_steps(SHIFT_GROUPS))
    theory = {
        "wait_mean (min)": (q.wait_mean, "min"),
        "backlog_mean": (q.queue_mean, "requests"),
        "utilisation": (q.utilisation, "share"),
    }

    def extract(m: pd.DataFrame, scenario: Scenario) -> dict[str, float]:
        return {
            "wait_mean (min)": metric_value(m, "wait_mean") * DAY_MIN,
            "backlog_mean": metric_value(m, "backlog_mean"),
            "utilisation": pool_utilisation(m),
        }

    groups = ", ".join(f"{n} on {span}" for n, span in SHIFT_GROUPS)
    return Configuration(
        "shift schedule",
        f"M/M/c(t): λ = {lam:g}/min, mean service {SHIFTS['service_min']:g} min, caregivers "
        f"{groups} (daily), against the periodic Markov chain solved exactly: shift starts "
        "and ends, work finished after the shift, the night backlog",
        build.shift_scenario(lam, SHIFTS["service_min"], SHIFT_GROUPS, 60.0, length),
        theory,
        extract,
    )
