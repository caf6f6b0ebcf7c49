"""Scenario values in words: distributions, weekly schedules, shares, lists (plain data of the
resolved scenario, as in the manifest)."""

from __future__ import annotations

from typing import Any

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MIN_PER_DAY = 1440


def number(x: Any) -> str:
    """``10.29`` -> ``10.29``; ``3076.0`` -> ``3,076``; ``0.5`` -> ``0.5``."""
    if isinstance(x, bool) or x is None:
        return str(x)
    if isinstance(x, int | float) and float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.4g}" if isinstance(x, float) else str(x)


def share(x: float) -> str:
    return f"{100 * x:.4g} %"


def dist(d: Any, unit: str = "") -> str:
    """A distribution as in the scenario: ``uniform 30-50 min``, ``lognormal mean 23, sd 9``."""
    u = f" {unit}" if unit else ""
    if not isinstance(d, dict):
        return f"{number(d)}{u}"
    kind = d.get("dist")
    if kind == "fixed":
        return f"{number(d['value'])}{u}"
    if kind == "exponential":
        return f"exponential, mean {number(d['mean'])}{u}"
    if kind == "uniform":
        return f"uniform {number(d['low'])}–{number(d['high'])}{u}"
    if kind == "triangular":
        return f"triangular {number(d['low'])}–{number(d['high'])}{u}, mode {number(d['mode'])}"
    if kind in ("normal", "lognormal", "gamma"):
        return f"{kind}, mean {number(d['mean'])}{u}, sd {number(d['sd'])}"
    if kind == "empirical":
        return f"empirical over {len(d.get('values', []))} values{u}"
    return str(d)


def _clock(minute: float) -> str:
    m = round(minute) % MIN_PER_DAY if minute % MIN_PER_DAY or minute == 0 else MIN_PER_DAY
    return f"{m // 60:02d}:{m % 60:02d}"


def schedule(s: Any) -> str:
    """A weekly schedule (``{always, spans}`` in minutes of the week) as ``Mon–Fri 08:00–12:00,
    13:00–17:00``; consecutive days with the same spans are grouped."""
    if not isinstance(s, dict):
        return "always" if s == "always" else str(s)
    if s.get("always"):
        return "always (24 h, 7 days)"
    by_day: list[list[str]] = [[] for _ in DAYS]
    for start, end in s.get("spans", []):
        day = int(start // MIN_PER_DAY) % 7
        by_day[day].append(f"{_clock(start % MIN_PER_DAY)}–{_clock(end - day * MIN_PER_DAY)}")
    groups: list[tuple[int, int, str]] = []
    for day, spans in enumerate(by_day):
        text = ", ".join(spans)
        if groups and groups[-1][2] == text and groups[-1][1] == day - 1:
            groups[-1] = (groups[-1][0], day, text)
        else:
            groups.append((day, day, text))
    parts = [f"{DAYS[a]}{'–' + DAYS[b] if b > a else ''} {text}" for a, b, text in groups if text]
    return "; ".join(parts) or "never"


def mapping(m: dict[str, Any], fmt=number, labels: dict[str, str] | None = None) -> str:
    """``{a: 1, b: 2}`` -> ``a 1, b 2`` (keys relabelled when ``labels`` has them)."""
    labels = labels or {}
    return ", ".join(f"{labels.get(k, k)} {fmt(v)}" for k, v in m.items())
