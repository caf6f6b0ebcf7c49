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


def _stay_days(mu: float, t: float) -> float:
    """Expected days present out of the next ``t`` days at exit hazard ``mu`` per day."""
    x = mu * t
    if x < 1e-9:  # no exits (or so few that the closed form would divide by ~0)
        return t
    return -math.expm1(-x) / mu


def _present_at(scenario: Scenario, day: float) -> float:
    """Expected elders present at ``day`` (before any projection): those of time 0 and of the
    enrolment list, each staying an exponential time."""
    pop = scenario.population
    mu = pop.exit_rate_per_year / YEAR_DAYS
    present = float(sum(pop.elders_by_district.values())) * math.exp(-mu * day)
    for period in pop.enrolment:
        a, b = period.from_day, min(period.to_day, day)
        if b > a:  # elders enrolled in [a, b] still present at day
            present += period.elders_per_day * (
                b - a
                if mu * (day - a) < 1e-9
                else (math.exp(-mu * (day - b)) - math.exp(-mu * (day - a))) / mu
            )
    return present


def _elder_days_until(scenario: Scenario, horizon: float) -> tuple[float, float]:
    """(expected elders, expected elder-days) within ``[0, horizon]`` without a projection."""
    pop = scenario.population
    mu = pop.exit_rate_per_year / YEAR_DAYS  # hazard per day
    initial = float(sum(pop.elders_by_district.values()))
    elders, days = initial, initial * _stay_days(mu, horizon)
    for period in pop.enrolment:
        a, b = period.from_day, min(period.to_day, horizon)
        if b > a:  # integral over u in [a, b] of the stay in the remaining horizon - u
            steps = 64
            width = (b - a) / steps
            stays = sum(_stay_days(mu, horizon - (a + (i + 0.5) * width)) for i in range(steps))
            elders += period.elders_per_day * (b - a)
            days += period.elders_per_day * width * stays
    return elders, days


def _elder_days(scenario: Scenario) -> tuple[float, float]:
    """(expected elders, expected elder-days inside the horizon).

    With ``population.projection``, enrolment from the projection's first year keeps the
    population at its expected path (exits compensated, growth or targets), so from then on the
    elder-days are those of a population starting at the expected count and growing at the
    largest stated rate, or held at the largest target if that is higher (the safe side); every
    exit and care-level change then adds an elder record.
    """
    pop, horizon = scenario.population, scenario.calendar.horizon_days
    p = pop.projection
    if p is None:
        return _elder_days_until(scenario, horizon)
    start = scenario.calendar.start_date
    first_year = start.year if p.from_year is None else p.from_year
    t_p = max(0.0, float((dt.date(first_year, 1, 1) - start).days))
    if t_p >= horizon:
        return _elder_days_until(scenario, horizon)
    elders, days = _elder_days_until(scenario, t_p)
    base = max(_present_at(scenario, t_p), max((t.elders for t in p.targets), default=0))
    growth = max([p.growth_per_year, *p.growth_per_year_by_district.values(), 0.0])
    years = (horizon - t_p) / YEAR_DAYS
    rate = math.log1p(growth)
    grown_years = years if rate < 1e-12 else math.expm1(rate * years) / rate
    days += base * grown_years * YEAR_DAYS
    hazards = [pop.exit_rate_per_year, *p.exit_rate_per_year_by_level.values()]
    moving = max(hazards) + max(
        (sum(m.values()) for m in p.transitions_per_year.values()), default=0
    )
    elders += base * (1.0 + growth) ** years + base * grown_years * moving
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
