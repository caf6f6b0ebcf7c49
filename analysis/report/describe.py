"""Scenario values in words: distributions, weekly schedules, shares, lists (plain data of the
resolved scenario, as in the manifest), in one language (``Lang("zh")`` or ``Lang("en")``;
callers with ``both`` go through :meth:`~carecap.analysis.report.text.Lang.compose`)."""

from __future__ import annotations

from typing import Any

from carecap.analysis.figure_words import WEEKDAY_WORDS
from carecap.analysis.report.text import EN, Lang

MIN_PER_DAY = 1440

WORDS: dict[str, tuple[str, str]] = {
    "exponential": ("指数分布，均值{mean}", "exponential, mean {mean}"),
    "uniform": ("均匀分布{low}–{high}", "uniform {low}–{high}"),
    "triangular": ("三角分布{span}，众数{mode}", "triangular {span}, mode {mode}"),
    "moments": ("{kind}，均值{mean}，标准差{sd}", "{kind}, mean {mean}, sd {sd}"),
    "empirical": ("经验分布（{n}个取值）", "empirical over {n} values"),
    "normal": ("正态分布", "normal"),
    "lognormal": ("对数正态分布", "lognormal"),
    "gamma": ("伽马分布", "gamma"),
    "always": ("全天", "always"),
    "always_week": ("全天候（每周7天、每天24小时）", "always (24 h, 7 days)"),
    "never": ("无", "never"),
    "day_range": ("{first}至{last}", "{first}–{last}"),
    "list": ("，", ", "),
    "groups": ("；", "; "),
}
"""Words of the values, (zh, en)."""

UNITS: dict[str, tuple[str, str]] = {
    "": ("{x}", "{x}"),
    "days": ("{x}天", "{x} days"),
    "min": ("{x}分钟", "{x} min"),
}
"""A number (or range) in its unit, (zh, en)."""


def number(x: Any) -> str:
    """``10.29`` -> ``10.29``; ``3076.0`` -> ``3,076``; ``0.5`` -> ``0.5``."""
    if isinstance(x, bool) or x is None:
        return str(x)
    if isinstance(x, int | float) and float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.4g}" if isinstance(x, float) else str(x)


def share(x: float) -> str:
    return f"{100 * x:.4g} %"


def in_unit(x: str, unit: str, lang: Lang = EN) -> str:
    """``30–50`` in ``min``: ``30–50 min``, ``30–50分钟``."""
    return lang.fill(UNITS.get(unit, ("{x} " + unit, "{x} " + unit)), x=x)


def dist(d: Any, unit: str = "", lang: Lang = EN) -> str:
    """A distribution as in the scenario: ``uniform 30–50 min``, ``lognormal, mean 23 min, sd 9``
    (``unit``: ``days``, ``min`` or none)."""
    if not isinstance(d, dict):
        return in_unit(number(d), unit, lang)
    kind = d.get("dist")
    if kind == "fixed":
        return in_unit(number(d["value"]), unit, lang)
    if kind == "exponential":
        return lang.fill(WORDS["exponential"], mean=in_unit(number(d["mean"]), unit, lang))
    if kind == "uniform":
        text = lang.fill(WORDS["uniform"], low=number(d["low"]), high=number(d["high"]))
        return in_unit(text, unit, lang)
    if kind == "triangular":
        span = in_unit(f"{number(d['low'])}–{number(d['high'])}", unit, lang)
        return lang.fill(WORDS["triangular"], span=span, mode=number(d["mode"]))
    if kind in ("normal", "lognormal", "gamma"):
        mean = in_unit(number(d["mean"]), unit, lang)
        return lang.fill(
            WORDS["moments"], kind=lang.fill(WORDS[kind]), mean=mean, sd=number(d["sd"])
        )
    if kind == "empirical":
        return in_unit(lang.fill(WORDS["empirical"], n=len(d.get("values", []))), unit, lang)
    return str(d)


def _clock(minute: float) -> str:
    m = round(minute) % MIN_PER_DAY if minute % MIN_PER_DAY or minute == 0 else MIN_PER_DAY
    return f"{m // 60:02d}:{m % 60:02d}"


def schedule(s: Any, lang: Lang = EN) -> str:
    """A weekly schedule (``{always, spans}`` in minutes of the week) as ``Mon–Fri 08:00–12:00,
    13:00–17:00`` (``周一至周五 08:00–12:00，13:00–17:00``); consecutive days with the same spans
    are grouped."""
    if not isinstance(s, dict):
        return lang.fill(WORDS["always"]) if s == "always" else str(s)
    if s.get("always"):
        return lang.fill(WORDS["always_week"])
    days = [zh if lang.mode == "zh" else en for zh, en in WEEKDAY_WORDS]
    by_day: list[list[str]] = [[] for _ in days]
    for start, end in s.get("spans", []):
        day = int(start // MIN_PER_DAY) % 7
        by_day[day].append(f"{_clock(start % MIN_PER_DAY)}–{_clock(end - day * MIN_PER_DAY)}")
    groups: list[tuple[int, int, str]] = []
    for day, spans in enumerate(by_day):
        text = lang.fill(WORDS["list"]).join(spans)
        if groups and groups[-1][2] == text and groups[-1][1] == day - 1:
            groups[-1] = (groups[-1][0], day, text)
        else:
            groups.append((day, day, text))
    parts = [
        f"{lang.fill(WORDS['day_range'], first=days[a], last=days[b]) if b > a else days[a]} {text}"
        for a, b, text in groups
        if text
    ]
    return lang.fill(WORDS["groups"]).join(parts) or lang.fill(WORDS["never"])


def mapping(
    m: dict[str, Any], fmt=number, labels: dict[str, str] | None = None, lang: Lang = EN
) -> str:
    """``{a: 1, b: 2}`` -> ``a 1, b 2`` (keys relabelled when ``labels`` has them)."""
    labels = labels or {}
    return lang.fill(WORDS["list"]).join(f"{labels.get(k, k)} {fmt(v)}" for k, v in m.items())
