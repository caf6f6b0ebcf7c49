"""Hypothesis strategies: small random *valid* scenario mappings for the property tests.

:func:`scenario_data` draws a plain mapping (what a YAML file would hold) that
``Scenario.model_validate`` accepts and that the engine runs in a few tens of milliseconds (a few
hundred requests): 1-3 districts, care levels and tiers, 0-40 elders per district, every kind of
distribution (zero-valued ones included for durations and travel), weekly schedules with spans
touching midnight and 24:00, optional centre, vans, home bathing, routing rules, backlogs and
seasonal factors (a factor may be 0). :func:`capacity_variant` redraws only the capacity of a
mapping (counts and hours) and :func:`routing_variant` only the routing policy, for
common-random-numbers tests.

One deliberate restriction works around an engine issue pinned by tests/test_engine_demand.py:
intervals are never zero-valued (validation accepts a zero interval, with which a calendar-mode
service makes requests without end). A waiting list is drawn only for a service the scenario has
(validation requires it).
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from hypothesis import strategies as st

from carecap.sim.scenario.distributions import DIST_NAMES
from carecap.sim.scenario.schedule import DAYS

DAY_KEYS = (*DAYS, "daily", "mon-fri", "sat-sun", "tue-thu", "mon-sun")
"""Day keys of a weekly schedule: single days, ranges and ``daily``."""

Mapping = dict[str, Any]


def _pos(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


@st.composite
def shares(draw, names: list[str]) -> dict[str, float]:
    """Probabilities over ``names`` (some may be 0) summing to 1 within float rounding."""
    weights = draw(st.lists(st.integers(0, 5), min_size=len(names), max_size=len(names)))
    if not any(weights):
        weights[draw(st.integers(0, len(names) - 1))] = 1
    total = sum(weights)
    return {n: w / total for n, w in zip(names, weights, strict=True)}


ZERO_DISTS = (
    0,
    0.0,
    {"dist": "fixed", "value": 0},
    {"dist": "exponential", "mean": 0},
    {"dist": "uniform", "low": 0, "high": 0},
    {"dist": "triangular", "low": 0, "mode": 0, "high": 0},
    {"dist": "normal", "mean": 0, "sd": 0},
    {"dist": "empirical", "values": [0.0]},
)
"""Every kind that can be written so that it always draws 0."""

KINDS = (*DIST_NAMES, "number")
"""The 8 kinds of carecap.sim.scenario.distributions, plus a bare number (a fixed value)."""


@st.composite
def dists(draw, lo: float, hi: float, zero: bool = True) -> Any:
    """A distribution of any of the 8 kinds whose mean lies roughly in ``[lo, hi]``.

    ``zero``: also draw zero-valued distributions and normals truncated far into their left
    tail (mean down to ``-4.5 sd``). Without it the mean stays away from 0 (safe for intervals).
    """
    if zero and draw(st.integers(0, 7)) == 0:
        return draw(st.sampled_from(ZERO_DISTS))
    kind = draw(st.sampled_from(KINDS))
    x = _pos(lo, hi)
    if kind == "fixed":
        return {"dist": "fixed", "value": draw(x)}
    if kind == "number":
        return draw(st.one_of(x, st.integers(int(lo) + 1, int(hi))))
    if kind == "exponential":
        return {"dist": "exponential", "mean": draw(x)}
    if kind == "uniform":
        a, b = sorted(draw(st.lists(x, min_size=2, max_size=2)))
        return {"dist": "uniform", "low": a, "high": b}
    if kind == "triangular":
        a, m, b = sorted(draw(st.lists(x, min_size=3, max_size=3)))
        return {"dist": "triangular", "low": a, "mode": m, "high": b}
    if kind == "normal":
        sd = draw(_pos(hi / 4, hi))
        mean = draw(_pos(-4.5 * sd, hi)) if zero else draw(x)
        return {"dist": "normal", "mean": mean, "sd": sd}
    if kind in ("lognormal", "gamma"):
        sd_lo = 0.0 if kind == "lognormal" else hi / 20
        mean = draw(_pos(max(lo, hi / 100), hi))  # both need a positive mean
        return {"dist": kind, "mean": mean, "sd": draw(_pos(sd_lo, hi))}
    values = draw(st.lists(x, min_size=1, max_size=4))
    out: Mapping = {"dist": "empirical", "values": values}
    if draw(st.booleans()):
        weights = draw(st.lists(_pos(0, 3), min_size=len(values), max_size=len(values)))
        out["weights"] = weights if sum(weights) > 0.01 else [1.0] * len(values)
    return out


def _hhmm(half_hours: int) -> str:
    return f"{half_hours // 2:02d}:{30 * (half_hours % 2):02d}"


@st.composite
def schedules(draw) -> Any:
    """``always``, or 1-3 day keys with 1-2 spans each on a half-hour grid (``00:00`` and
    ``24:00`` included), optionally a night shift split at midnight over consecutive days."""
    if draw(st.integers(0, 3)) == 0:
        return "always"
    out: Mapping = {}
    for key in draw(st.lists(st.sampled_from(DAY_KEYS), min_size=1, max_size=3, unique=True)):
        spans = []
        for _ in range(draw(st.integers(1, 2))):
            a, b = sorted(draw(st.lists(st.integers(0, 48), min_size=2, max_size=2, unique=True)))
            spans.append(f"{_hhmm(a)}-{_hhmm(b)}")
        out[key] = spans
    if draw(st.booleans()):  # a night shift: evening to 24:00, then 00:00 to morning next day
        first = draw(st.integers(0, 5))
        out.setdefault(DAY_KEYS[first], []).append("20:00-24:00")
        out.setdefault(DAY_KEYS[first + 1], []).append("00:00-06:00")
    return out


@st.composite
def _pools(draw, districts: list[str], prefix: str, max_count: int, travel: tuple) -> list:
    """1-3 pools sharing out the districts (each district has exactly one pool)."""
    n_pools = draw(st.integers(1, 3))
    shift = st.fixed_dictionaries({"count": st.integers(0, max_count), "hours": schedules()})
    owner = {d: draw(st.integers(0, n_pools - 1)) for d in districts}
    pools = []
    for i in range(n_pools):
        mine = [d for d in districts if owner[d] == i]
        if mine:
            pools.append({
                "name": f"{prefix}{i}",
                "districts": "all" if len(mine) == len(districts) else mine,
                "shifts": draw(st.lists(shift, min_size=1, max_size=2)),
                "travel_min": {d: draw(dists(*travel)) for d in districts},
            })  # fmt: skip
    return pools


def _seasonal(draw, start: dt.date) -> dict[int, float]:
    if not draw(st.booleans()):
        return {}
    months = [start.month, start.month % 12 + 1, draw(st.integers(1, 12))]
    factor = st.one_of(st.sampled_from([0.0, 0.5, 2.0]), _pos(0, 3))
    return {m: draw(factor) for m in months[: draw(st.integers(1, 3))]}


def _subset(draw, names: list[str]) -> list[str]:
    return [n for n in names if draw(st.booleans())]


def _often(draw) -> bool:
    """True three times in four (plain booleans shrink and lean towards False)."""
    return draw(st.integers(0, 3)) > 0


@st.composite
def _population(draw, districts, levels, tiers, horizon, max_elders, enrolment) -> Mapping:
    out: Mapping = {
        "elders_by_district": {d: draw(st.integers(0, max_elders)) for d in districts},
        "care_level_shares": draw(shares(levels)),
        "tier_shares": draw(shares(tiers)),
        "family_bed_share_by_level": {lv: draw(_pos(0, 1)) for lv in _subset(draw, levels)},
        "exit_rate_per_year": draw(st.one_of(st.just(0.0), _pos(0, 10))),
    }
    if enrolment if enrolment is not None else draw(st.booleans()):
        starts = draw(st.lists(_pos(0, horizon - 1), min_size=1, max_size=2))
        out["enrolment"] = [
            dict(from_day=a, to_day=a + draw(_pos(0.5, 30)), elders_per_day=draw(_pos(0, 1.5)))
            for a in starts
        ]
        if draw(st.booleans()):
            out["enrolment_district_shares"] = draw(shares(districts))
    return out


@st.composite
def _services(draw, levels, start, care_mode, bath_mode, alarm) -> Mapping:
    """Care visits, alarms, baths; a forced mode or ``alarm=True`` makes the service present."""

    def modes(forced):
        return forced or draw(st.sampled_from(["calendar", "after_delivery"]))

    def planned(forced):  # levels with a plan: all of them, mostly
        return levels if forced or _often(draw) else _subset(draw, levels)

    out: Mapping = {}
    if care_mode or _often(draw):
        out["care_visit"] = {
            "mode": modes(care_mode),
            "by_care_level": {
                lv: {"interval_days": draw(dists(2, 15, zero=False)),
                     "duration_min": draw(dists(5, 90))}
                for lv in planned(care_mode)
            },
            "target_days": draw(_pos(0.1, 10)),
            "give_up_days": draw(st.none() | _pos(0.05, 10)),
            "seasonal_factor_by_month": _seasonal(draw, start),
        }  # fmt: skip
    if alarm or (alarm is None and _often(draw)):
        out["alarm"] = {
            "rate_per_bed_month": draw(_pos(0.5, 3) if alarm else _pos(0, 3)),
            "visit_share": draw(_pos(0.3, 1) if alarm else _pos(0, 1)),
            "duration_min": draw(dists(5, 60)),
            "target_min": draw(_pos(10, 120)),
            "give_up_min": draw(st.none() | _pos(10, 600)),
            "seasonal_factor_by_month": _seasonal(draw, start),
        }
    if bath_mode or _often(draw):
        out["bath"] = {
            "mode": modes(bath_mode),
            "interval_days_by_level": {
                lv: draw(dists(4, 20, zero=False)) for lv in planned(bath_mode)
            },
            "target_days": draw(_pos(0.5, 14)),
            "give_up_days": draw(st.none() | _pos(0.5, 20)),
            "seasonal_factor_by_month": _seasonal(draw, start),
        }
    return out


@st.composite
def _bathing(draw, districts: list[str]) -> Mapping:
    """Optional ``bathing_centre`` (0-3 stations, optional 0-2 vans) and ``home_bathing``."""
    out: Mapping = {}
    if _often(draw):
        out["bathing_centre"] = {
            "district": draw(st.sampled_from(districts)),
            "stations": draw(st.integers(0, 3)),
            "hours": draw(schedules()),
            "bath_duration_min": draw(dists(20, 90)),
            "transport_min": {d: draw(dists(0, 60)) for d in districts},
        }
        if draw(st.booleans()):
            vans = {"count": draw(st.integers(0, 2)), "seats": draw(st.integers(1, 3))}
            if draw(st.booleans()):
                vans["per_stop_min"] = draw(st.sampled_from([0.0, 5.0]) | _pos(0, 30))
            if draw(st.booleans()):
                vans["hours"] = draw(schedules())
            out["bathing_centre"]["vans"] = vans
    if _often(draw):
        teams = draw(_pools(districts, "team", 2, (0, 60)))
        for team in teams:
            team["base_district"] = draw(st.sampled_from(districts))
        parts = {p: draw(dists(lo, hi)) for p, lo, hi in
                 (("setup_min", 5, 20), ("bath_min", 20, 60), ("packup_min", 5, 20))}  # fmt: skip
        out["home_bathing"] = {"teams": teams, **parts}
    return out


def _drain(draw, drain: bool | None) -> Mapping:
    if drain is False or (drain is None and not draw(st.booleans())):
        return {}
    return {"drain_days": draw(st.sampled_from([0.5, 3.0, 30.0]) | _pos(0, 10))}


@st.composite
def scenario_data(
    draw,
    care_mode: str | None = None,
    bath_mode: str | None = None,
    alarm: bool | None = None,
    max_elders: int = 40,
    enrolment: bool | None = None,
    drain: bool | None = False,
) -> Mapping:
    """A valid scenario mapping. ``care_mode``/``bath_mode`` (``calendar``, ``after_delivery``)
    force the service to exist in that mode; ``alarm=True`` forces alarms; ``max_elders`` caps
    the elders per district; ``enrolment=False`` forbids new elders; ``drain=None`` draws a
    ``calendar.drain_days`` (0, a few days or a month), ``True`` forces one, ``False`` (the
    default) leaves it out."""
    nd, nl, nt = (draw(st.integers(1, 3)) for _ in range(3))
    districts = [f"d{i}" for i in range(nd)]
    levels = [f"lv{i}" for i in range(nl)]
    tiers = [f"t{i}" for i in range(nt)]
    start = draw(st.dates(dt.date(2021, 1, 1), dt.date(2023, 12, 31)))
    horizon = draw(_pos(5, 40))
    population = draw(_population(districts, levels, tiers, horizon, max_elders, enrolment))
    services = draw(_services(levels, start, care_mode, bath_mode, alarm))
    data: Mapping = {
        "name": "prop",
        "calendar": {"start_date": start.isoformat(), "horizon_days": horizon,
                     "warmup_days": draw(_pos(0, 0.8)) * horizon,
                     **_drain(draw, drain)},
        "replications": 2,
        "seed": draw(st.integers(0, 2**16)),
        "tiers": tiers,
        "care_levels": {lv: {"can_go_to_centre": draw(st.booleans())} for lv in levels},
        "districts": {d: {} for d in districts},
        "population": population,
        "services": services,
        # no caregivers at all is allowed (nothing is served); otherwise every district has one
        "caregivers": draw(_pools(districts, "cg", 3, (0, 40))) if _often(draw) else [],
        **draw(_bathing(districts)),
        "routing": {
            "prefer": draw(st.sampled_from(["centre", "home"])),
            "centre_care_levels": draw(st.none() | st.just(_subset(draw, levels))),
            "max_centre_transport_min": draw(st.none() | _pos(5, 60)),
            "overflow_to_home_when_centre_queue_over": draw(st.none() | st.integers(0, 5)),
            "overflow_to_centre_when_home_queue_over": draw(st.none() | st.integers(0, 5)),
        },
    }  # fmt: skip
    # a waiting list needs its service (and, for baths, the centre or the teams)
    lists = ["care_visit"] if "care_visit" in services else []
    if "bath" in services:
        lists += [s for s, needs in (("centre_bath", "bathing_centre"),
                                     ("home_bath", "home_bathing")) if needs in data]  # fmt: skip
    data["initial_backlog"] = {
        s: {t: draw(st.integers(0, 3)) for t in _subset(draw, tiers)} for s in _subset(draw, lists)
    }
    return data


@st.composite
def capacity_variant(draw, data: Mapping) -> Mapping:
    """A copy of ``data`` with capacity redrawn: every shift count, possibly its hours, the
    centre's stations, hours and vans. Demand, pools and routing rules are untouched."""
    out = copy.deepcopy(data)
    for pool in out["caregivers"] + out.get("home_bathing", {}).get("teams", []):
        for shift in pool["shifts"]:
            shift["count"] = draw(st.integers(0, 4))
            if draw(st.booleans()):
                shift["hours"] = draw(schedules())
    if "bathing_centre" in out:
        centre = out["bathing_centre"]
        centre["stations"] = draw(st.integers(0, 4))
        if draw(st.booleans()):
            centre["hours"] = draw(schedules())
        if "vans" in centre:
            centre["vans"]["count"] = draw(st.integers(0, 3))
    return out


@st.composite
def routing_variant(draw, data: Mapping) -> Mapping:
    """A copy of ``data`` with the routing policy redrawn (preference and overflow thresholds):
    where baths go, not who asks for one or who is on a waiting list."""
    out = copy.deepcopy(data)
    out["routing"]["prefer"] = draw(st.sampled_from(["centre", "home"]))
    for over in ("home_when_centre", "centre_when_home"):
        out["routing"][f"overflow_to_{over}_queue_over"] = draw(st.none() | st.integers(0, 5))
    return out
