"""How big one replication of a scenario will be, before running it.

:func:`estimate_footprint` computes, from a validated scenario alone, the expected number of
elders and of requests one replication makes, and the memory it needs; :func:`check_footprint`
refuses (with a :class:`~carecap.sim.errors.ScenarioError` naming the file, the estimate, the field
that drives it and ``--force``) a scenario whose replication would not fit in the memory available
to each worker process. ``carecap run`` calls it unless ``--force`` is given, so that a scenario
with ten million elders or a century of daily visits stops at once instead of exhausting memory
after a minute.

The estimate is of expected values: elders present at time 0 and enrolled over the horizon, each
followed until it leaves (exponential stays) or the horizon; per bed holder (or entitled elder) a
renewal stream of requests with the level's mean interval, sped up by the mean seasonal factor over
the horizon; alarms needing a visit per bed-month; plus the initial waiting lists. It does not
model waits (in ``after_delivery`` mode a long wait delays the next request, so the estimate is
then slightly high), which is the safe side.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

from carecap.sim.errors import FileRef, ScenarioError
from carecap.sim.scenario.model import Scenario
from carecap.sim.units import MONTH_DAYS, YEAR_DAYS

__all__ = [
    "BYTES_PER_ELDER",
    "BYTES_PER_REQUEST",
    "Footprint",
    "available_memory_bytes",
    "check_footprint",
    "estimate_footprint",
]

BYTES_PER_REQUEST = 500
"""Peak memory per request: the engine's columnar log (about 55 bytes), the record tables built
from it (100 to 150 bytes), the pre-drawn durations and travel times (about 40 bytes), and the
metrics' and Parquet writer's working copies (about 250 bytes). Measured: the peak RSS of
``run_and_store`` on Taiyuan 2022 with 5x and 20x the elders (0.3 and 1.2 million requests) grew
by 540 and 470 bytes per request."""

BYTES_PER_ELDER = 600
"""Memory per elder: the elder table and the per-elder draw sequences (the first chunk of each
service's intervals, durations and travel times is drawn for every elder)."""

BYTES_PER_REMOTE_ALARM = 50
"""Every alarm, also one handled remotely, is drawn (time, elder, duration, travel) before those
needing a visit are kept."""

BASE_BYTES = 50 * 2**20
"""What one replication needs whatever its size (SimPy, pools, metrics workspace)."""

FORCE_OPTION = "--force"


@dataclass(frozen=True)
class Footprint:
    """The expected size of one replication.

    Attributes:
        elders: expected elders (present at time 0 plus enrolled over the horizon).
        requests: expected requests by source, keyed by the field path that drives each (e.g.
            ``services.alarm.rate_per_bed_month``, ``services.care_visit.by_care_level.bedridden``).
        alarms_drawn: expected alarms drawn in all (with those handled remotely).
        bytes: estimated peak memory of one replication, in bytes.
    """

    elders: float
    requests: dict[str, float]
    alarms_drawn: float
    bytes: float

    @property
    def total_requests(self) -> float:
        return sum(self.requests.values())

    @property
    def driver(self) -> str:
        """The field path behind most requests (``population.elders_by_district`` if none)."""
        if not self.requests or self.total_requests <= 0:
            return "population.elders_by_district"
        return max(self.requests, key=self.requests.__getitem__)


def mean_seasonal_factor(start: dt.date, horizon_days: float, factors: dict[int, float]) -> float:
    """The seasonal factor averaged over the horizon (day-weighted by month)."""
    if not factors or horizon_days <= 0:
        return 1.0
    total = weighted = 0.0
    month = dt.date(start.year, start.month, 1)
    day = 0.0
    while day < horizon_days:
        nxt = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        end = min(float((nxt - start).days), horizon_days)
        length = end - day
        weighted += length * factors.get(month.month, 1.0)
        total += length
        day, month = end, nxt
    return weighted / total if total > 0 else 1.0


def _elder_days(scenario: Scenario) -> tuple[float, float]:
    """(expected elders, expected elder-days inside the horizon)."""
    pop = scenario.population
    horizon = scenario.calendar.horizon_days
    mu = pop.exit_rate_per_year / YEAR_DAYS  # hazard per day

    def stay(t: float) -> float:  # expected days present out of the next t days
        return t if mu == 0 else -math.expm1(-mu * t) / mu

    def stay_integral(a: float, b: float) -> float:  # integral of stay(horizon - u), u in [a, b]
        ta, tb = horizon - a, horizon - b
        if mu == 0:
            return (ta * ta - tb * tb) / 2
        return (b - a) / mu - (math.exp(-mu * tb) - math.exp(-mu * ta)) / (mu * mu)

    initial = float(sum(pop.elders_by_district.values()))
    elders, days = initial, initial * stay(horizon)
    for period in pop.enrolment:
        a, b = period.from_day, min(period.to_day, horizon)
        if b > a:
            elders += period.elders_per_day * (b - a)
            days += period.elders_per_day * stay_integral(a, b)
    return elders, days


def estimate_footprint(scenario: Scenario) -> Footprint:
    """Expected elders, requests and memory of one replication of ``scenario``."""
    s, pop = scenario, scenario.population
    elders, elder_days = _elder_days(s)
    level_share = pop.care_level_shares
    bed_share = {lv: pop.family_bed_share_by_level.get(lv, 1.0) for lv in s.care_levels}
    start, horizon = s.calendar.start_date, s.calendar.horizon_days
    requests: dict[str, float] = {}
    alarms_drawn = 0.0

    care = s.services.care_visit
    if care is not None:
        factor = mean_seasonal_factor(start, horizon, care.seasonal_factor_by_month)
        for level, plan in care.by_care_level.items():
            days = elder_days * level_share.get(level, 0.0) * bed_share[level]
            path = f"services.care_visit.by_care_level.{level}.interval_days"
            requests[path] = days * factor / plan.interval_days.mean()
    alarm = s.services.alarm
    if alarm is not None:
        factor = mean_seasonal_factor(start, horizon, alarm.seasonal_factor_by_month)
        bed_days = elder_days * sum(level_share.get(lv, 0.0) * bed_share[lv] for lv in bed_share)
        alarms_drawn = bed_days / MONTH_DAYS * alarm.rate_per_bed_month * factor
        requests["services.alarm.rate_per_bed_month"] = alarms_drawn * alarm.visit_share
    bath = s.services.bath
    if bath is not None:
        factor = mean_seasonal_factor(start, horizon, bath.seasonal_factor_by_month)
        for level, interval in bath.interval_days_by_level.items():
            days = elder_days * level_share.get(level, 0.0)
            path = f"services.bath.interval_days_by_level.{level}"
            requests[path] = days * factor / interval.mean()
    for service, by_tier in s.initial_backlog.items():
        requests[f"initial_backlog.{service}"] = float(sum(by_tier.values()))
    total = sum(requests.values())
    size = (
        BASE_BYTES
        + total * BYTES_PER_REQUEST
        + elders * BYTES_PER_ELDER
        + alarms_drawn * BYTES_PER_REMOTE_ALARM
    )
    return Footprint(elders, requests, alarms_drawn, size)


# --- available memory ---------------------------------------------------------------------------


def _meminfo_available() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _cgroup_room() -> int | None:
    """Memory left under this process's cgroup v2 limit (containers), if there is one."""
    try:
        with open("/proc/self/cgroup", encoding="ascii") as f:
            rel = next((ln.split(":", 2)[2].strip() for ln in f if ln.startswith("0::")), None)
        if rel is None:
            return None
        folder = Path("/sys/fs/cgroup") / rel.lstrip("/")
        limit = (folder / "memory.max").read_text().strip()
        if limit == "max":
            return None
        used = int((folder / "memory.current").read_text().strip())
        return max(0, int(limit) - used)
    except (OSError, ValueError, StopIteration):
        return None


def available_memory_bytes() -> int | None:
    """Memory available to new work: ``MemAvailable`` of ``/proc/meminfo`` (or psutil's), capped
    by the room left under a container's cgroup limit; ``None`` if it cannot be told."""
    found = [m for m in (_meminfo_available(), _cgroup_room()) if m is not None]
    if not found:
        try:
            import psutil  # optional: not a dependency of carecap

            found.append(int(psutil.virtual_memory().available))
        except (ImportError, AttributeError, OSError):
            return None
    return min(found)


# --- the check ----------------------------------------------------------------------------------


def _amount(n: float) -> str:
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if n >= size:
            return f"{n / size:.3g} {word}"
    return f"{n:,.0f}"


def _bytes(n: float) -> str:
    for size, unit in ((2**40, "TiB"), (2**30, "GiB"), (2**20, "MiB")):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n / 2**10:.3g} KiB"


def check_footprint(
    scenario: Scenario,
    file: FileRef,
    workers: int = 1,
    *,
    available: int | None = None,
) -> Footprint:
    """The footprint of ``scenario``; raises if one replication exceeds its share of memory.

    Args:
        scenario: the validated scenario (with any ``--reps``/``--seed`` already applied).
        file: the scenario file, named in the message.
        workers: replications run at once (worker processes); each gets ``available / workers``.
        available: bytes of memory available; default :func:`available_memory_bytes` (if that
            cannot be told, nothing is refused).

    Raises:
        ScenarioError: the estimate exceeds the share; the message names the file, the estimate,
            the field behind most requests, and ``--force`` to run anyway.
    """
    footprint = estimate_footprint(scenario)
    if available is None:
        available = available_memory_bytes()
    if available is None:
        return footprint
    workers = max(1, int(workers))
    share = available / workers
    if footprint.bytes <= share:
        return footprint
    driver = footprint.driver
    part = (
        footprint.requests.get(driver, 0.0) / footprint.total_requests
        if footprint.total_requests
        else 0.0
    )
    each = (
        f"{_bytes(share)} is available for each of {workers} worker processes "
        f"({_bytes(available)} in all)"
        if workers > 1
        else f"{_bytes(available)} is available"
    )
    fewer = ", use fewer workers (--workers 1)" if workers > 1 else ""
    message = (
        f"one replication would make about {_amount(footprint.total_requests)} requests "
        f"({_amount(footprint.elders)} elders over {scenario.calendar.horizon_days:,g} days; "
        f"{part:.0%} of the requests come from this field) and need about "
        f"{_bytes(footprint.bytes)} of memory, but {each}; lower the demand, the number of "
        f"elders (population) or calendar.horizon_days{fewer}, or run with {FORCE_OPTION} to "
        "try anyway"
    )
    raise ScenarioError(file, driver, message)
