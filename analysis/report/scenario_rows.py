"""The rows of the scenario-in-words table: one per assumption a director would question
(period, population, demand, targets, capacity, routing, costs), each with the dotted path whose
source note goes beside it. Read from the resolved scenario as plain data (as in the manifest).

The values are written in each language (the words in :data:`WORDS`); the table shows the one
chosen, or with ``both`` the Chinese value and the English one under it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from carecap.analysis.report import describe as d
from carecap.analysis.report.text import EN, ZH, Lang, slice_label
from carecap.analysis.report.text import WORDS as NAMES

Row = tuple[str, str, str, str]
"""(zh label, en label, value in words (a line per pool), dotted path of its source note)."""

WORDS: dict[str, tuple[str, str]] = {
    "visit_plan": (
        "{level}每{interval}一次（每次{duration}）",
        "{level} every {interval} ({duration})",
    ),
    "visit_target": ("计划日期后{days}天内", "within {days} days of the planned date"),
    "given_up": ("；超过{after}放弃", "; given up after {after}"),
    "alarms": (
        "每床每月{rate}次；{share}需照护员上门（{duration}）",
        "{rate} per bed-month; {share} need a caregiver at the home ({duration})",
    ),
    "alarm_class": ("占报警的{share}，时限{target}分钟", "{share} of alarms, target {target} min"),
    "bath_every": ("每{interval}一次", "every {interval}"),
    "bath_target": ("{days}天内", "within {days} days"),
    "pool": ("{name}：{shifts}", "{name}: {shifts}"),
    "shift": ("{name} {count}人 × {hours}", "{name} {count} × {hours}"),
    "shift_unnamed": ("班次{j}", "shift {j}"),
    "team_shift": ("{count}队 × {hours}", "{count} × {hours}"),
    "caregivers": ("照护员（{n}个资源池）", "Caregivers ({n} pools)"),
    "teams": ("上门助浴队（{n}个资源池）", "Home-bathing teams ({n} pools)"),
    "vans": ("{count}辆 × {seats}座", "{count} vans × {seats} seats"),
    "no_vans": ("无：老人自行前往", "none: elders come by their own means"),
    "prefer": ("优先{place}", "prefer {place}"),
    "centre": ("中心助浴", "centre"),
    "home": ("上门助浴", "home"),
    "far": ("距中心超过{min}分钟的改为上门", "home when more than {min} min from the centre"),
    "overflow": (
        "中心排队超过{n}人时改为上门",
        "home when over {n} wait for the centre",
    ),
    "backlog": ("{service}：{tiers}", "{service}: {tiers}"),
    "period": ("自{start}起，共{days}天", "from {start} for {days} days"),
    "days": ("{days}天", "{days} days"),
    "elders": ("{total}人：{by_district}", "{total}: {by_district}"),
    "enrolment": ("第{first}–{last}天每天{n}人", "{n}/day on days {first}–{last}"),
    "per_year": ("每年{rate}", "{rate} per year"),
    "money": ("{x} {currency}", "{x} {currency}"),
    "per_hour": ("每小时{x} {currency}", "{x} {currency}/h"),
    "hours": ("{x}小时", "{x} h"),
    "list": ("；", "; "),
    "levels": ("；", ", "),
    "shifts": ("，", ", "),
}
"""Words of the values, (zh, en); the rows' labels are in the code beside each row."""


def _service_rows(s: dict[str, Any], lang: Lang, labels: dict[str, str]) -> Iterator[Row]:
    services = s.get("services") or {}
    w = lang.fill
    visit = services.get("care_visit")
    if visit:
        plans = w(WORDS["levels"]).join(
            w(
                WORDS["visit_plan"],
                level=labels.get(k, k),
                interval=d.dist(v["interval_days"], "days", lang),
                duration=d.dist(v["duration_min"], "min", lang),
            )
            for k, v in visit["by_care_level"].items()
        )
        yield "照护上门频次", "Care-plan visits", plans, "services.care_visit.by_care_level"
        yield (
            "照护上门时限",
            "Care-visit target",
            w(WORDS["visit_target"], days=d.number(visit["target_days"]))
            + (
                w(WORDS["given_up"], after=d.dist(visit["give_up_days"], "days", lang))
                if visit.get("give_up_days")
                else ""
            ),
            "services.care_visit.target_days",
        )
        if visit.get("hours"):
            yield (
                "上门时段",
                "Visiting hours",
                d.schedule(visit["hours"], lang),
                "services.care_visit.hours",
            )
    alarm = services.get("alarm")
    if alarm:
        yield (
            "报警频率",
            "Alarms",
            w(
                WORDS["alarms"],
                rate=d.number(alarm["rate_per_bed_month"]),
                share=d.share(alarm["visit_share"]),
                duration=d.dist(alarm["duration_min"], "min", lang),
            ),
            "services.alarm.rate_per_bed_month",
        )
        by_district = alarm.get("target_min_by_district") or {}
        districts = {k: slice_label(s, "district", k, lang) for k in by_district}
        minutes = d.mapping(
            by_district, lambda v: d.in_unit(d.number(v), "min", lang), districts, lang
        )
        extra = f"{w(WORDS['list'])}{minutes}" if by_district else ""
        yield (
            "报警响应时限",
            "Alarm target (caregiver on site)",
            f"{d.in_unit(d.number(alarm['target_min']), 'min', lang)}{extra}",
            "services.alarm.target_min",
        )
        for name, c in (alarm.get("classes") or {}).items():
            yield (
                f"报警类别 {name}",
                f"Alarm class {name}",
                w(
                    WORDS["alarm_class"],
                    share=d.share(c["share"]),
                    target=d.number(c["target_min"]),
                ),
                f"services.alarm.classes.{name}",
            )
        if alarm.get("give_up_min"):
            yield (
                "报警放弃",
                "Alarm escalated after",
                d.dist(alarm["give_up_min"], "min", lang),
                "services.alarm.give_up_min",
            )
    bath = services.get("bath")
    if bath:
        yield (
            "助浴频次",
            "Bath entitlement",
            d.mapping(
                bath["interval_days_by_level"],
                lambda v: w(WORDS["bath_every"], interval=d.dist(v, "days", lang)),
                labels,
                lang,
            ),
            "services.bath.interval_days_by_level",
        )
        yield (
            "助浴时限",
            "Bath target",
            w(WORDS["bath_target"], days=d.number(bath["target_days"]))
            + (
                w(WORDS["given_up"], after=d.dist(bath["give_up_days"], "days", lang))
                if bath.get("give_up_days")
                else ""
            ),
            "services.bath.target_days",
        )


def _capacity_rows(s: dict[str, Any], lang: Lang) -> Iterator[Row]:
    w = lang.fill
    sep = w(WORDS["shifts"])
    pools = s.get("caregivers") or []
    if pools:
        text = "\n".join(
            w(
                WORDS["pool"],
                name=pool["name"],
                shifts=sep.join(
                    w(
                        WORDS["shift"],
                        name=sh.get("name") or w(WORDS["shift_unnamed"], j=j),
                        count=sh["count"],
                        hours=d.schedule(sh["hours"], lang),
                    )
                    for j, sh in enumerate(pool["shifts"])
                ),
            )
            for pool in pools
        )
        n = len(pools)
        yield (
            ZH.fill(WORDS["caregivers"], n=n),
            EN.fill(WORDS["caregivers"], n=n),
            text,
            "caregivers",
        )
    centre = s.get("bathing_centre")
    if centre:
        yield (
            "助浴中心工位",
            "Centre bathing stations",
            d.number(centre["stations"]),
            "bathing_centre.stations",
        )
        yield (
            "助浴中心开放时间",
            "Centre opening hours",
            d.schedule(centre["hours"], lang),
            "bathing_centre.hours",
        )
        yield (
            "中心助浴时长",
            "Bath at the centre",
            d.dist(centre["bath_duration_min"], "min", lang),
            "bathing_centre.bath_duration_min",
        )
        vans = centre.get("vans")
        text = (
            w(WORDS["vans"], count=vans["count"], seats=vans["seats"])
            if vans
            else w(WORDS["no_vans"])
        )
        yield "接送车辆", "Vans", text, "bathing_centre.vans"
    home = s.get("home_bathing")
    if home and home.get("teams"):
        text = "\n".join(
            w(
                WORDS["pool"],
                name=team["name"],
                shifts=sep.join(
                    w(WORDS["team_shift"], count=sh["count"], hours=d.schedule(sh["hours"], lang))
                    for sh in team["shifts"]
                ),
            )
            for team in home["teams"]
        )
        teams = len(home["teams"])
        yield (
            ZH.fill(WORDS["teams"], n=teams),
            EN.fill(WORDS["teams"], n=teams),
            text,
            "home_bathing",
        )


def _routing_rows(s: dict[str, Any], lang: Lang) -> Iterator[Row]:
    w = lang.fill
    r = s.get("routing") or {}
    prefer = r.get("prefer", "centre")
    place = w(WORDS[prefer]) if prefer in ("centre", "home") else prefer
    parts = [w(WORDS["prefer"], place=place)]
    if r.get("max_centre_transport_min") is not None:
        parts.append(w(WORDS["far"], min=d.number(r["max_centre_transport_min"])))
    if r.get("overflow_to_home_when_centre_queue_over") is not None:
        parts.append(w(WORDS["overflow"], n=d.number(r["overflow_to_home_when_centre_queue_over"])))
    yield "分流规则", "Routing of baths", w(WORDS["list"]).join(parts), "routing"
    backlog = {k: v for k, v in (s.get("initial_backlog") or {}).items() if v}
    if backlog:
        text = w(WORDS["list"]).join(
            w(
                WORDS["backlog"],
                service=lang.pair(NAMES.get(k, ("", k))[0], k),
                tiers=d.mapping(
                    v, labels={t: slice_label(s, "tier", t, lang) for t in v}, lang=lang
                ),
            )
            for k, v in backlog.items()
        )
        yield "初始候补名单", "Waiting at the start", text, "initial_backlog"


def _cost_rows(s: dict[str, Any], lang: Lang) -> Iterator[Row]:
    c = s.get("costs")
    if not c:
        return
    w = lang.fill
    cur = c.get("currency", "")
    for key, zh, en, words in (
        ("caregiver_per_hour", "照护员时薪", "Caregiver per hour", WORDS["per_hour"]),
        ("bath_team_per_hour", "助浴队每小时", "Bathing team per hour", WORDS["per_hour"]),
        ("station_per_open_hour", "工位每开放小时", "Station per open hour", WORDS["per_hour"]),
        ("van_per_hour", "车辆每运营小时", "Van per operating hour", WORDS["per_hour"]),
        ("hours_per_fte_year", "每全职年工时", "Paid hours per FTE-year", WORDS["hours"]),
    ):
        if c.get(key):
            value = w(words, x=d.number(c[key]), currency=cur).replace(" /", "/")
            yield zh, en, value, f"costs.{key}"
    capital = {k: v for k, v in (c.get("capital") or {}).items() if v}
    if capital:
        yield (
            "年化资本成本",
            "Capital per year",
            d.mapping(capital, lambda v: w(WORDS["money"], x=d.number(v), currency=cur), lang=lang),
            "costs.capital",
        )


def _rows(s: dict[str, Any], lang: Lang) -> list[Row]:
    """The rows, their values in one language (``lang`` is ``zh`` or ``en``)."""
    w = lang.fill
    cal = s["calendar"]
    levels = {k: slice_label(s, "care_level", k, lang) for k in s["care_levels"]}
    tiers = {k: slice_label(s, "tier", k, lang) for k in s["tiers"]}
    districts = {k: slice_label(s, "district", k, lang) for k in s["districts"]}
    pop = s["population"]
    rows: list[Row] = [
        (
            "模拟期",
            "Period simulated",
            w(WORDS["period"], start=cal["start_date"], days=d.number(cal["horizon_days"])),
            "calendar.horizon_days",
        ),
        (
            "预热期",
            "Warm-up (not counted)",
            w(WORDS["days"], days=d.number(cal["warmup_days"])),
            "calendar.warmup_days",
        ),
    ]
    if cal.get("drain_days"):
        rows.append(
            (
                "延续跟踪",
                "Follow-up after the horizon",
                w(WORDS["days"], days=d.number(cal["drain_days"])),
                "calendar.drain_days",
            )
        )
    rows += [
        ("优先级", "Priority tiers, highest first", " > ".join(tiers.values()), "tiers"),
        (
            "初始老人数",
            "Elders at the start",
            w(
                WORDS["elders"],
                total=f"{sum(pop['elders_by_district'].values()):,}",
                by_district=d.mapping(pop["elders_by_district"], labels=districts, lang=lang),
            ),
            "population.elders_by_district",
        ),
    ]
    if pop.get("enrolment"):
        text = w(WORDS["list"]).join(
            w(
                WORDS["enrolment"],
                n=d.number(e["elders_per_day"]),
                first=d.number(e["from_day"]),
                last=d.number(e["to_day"]),
            )
            for e in pop["enrolment"]
        )
        rows.append(("新增老人", "New elders (enrolment)", text, "population.enrolment"))
    if pop.get("exit_rate_per_year"):
        rows.append(
            (
                "退出率",
                "Leaving (death, institution)",
                w(WORDS["per_year"], rate=d.number(pop["exit_rate_per_year"])),
                "population.exit_rate_per_year",
            )
        )
    rows += [
        (
            "照护等级构成",
            "Care levels",
            d.mapping(pop["care_level_shares"], d.share, levels, lang),
            "population.care_level_shares",
        ),
        (
            "优先级构成",
            "Tier shares",
            d.mapping(pop["tier_shares"], d.share, tiers, lang),
            "population.tier_shares",
        ),
    ]
    rows += _service_rows(s, lang, levels)
    rows += _capacity_rows(s, lang)
    rows += _routing_rows(s, lang)
    rows += _cost_rows(s, lang)
    return rows


def scenario_rows(s: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """The rows of the scenario-in-words table for the resolved scenario ``s`` (plain data):
    (zh label, en label, value in Chinese, value in English, dotted path)."""
    return [
        (zh_label, en_label, zh, en, path)
        for (zh_label, en_label, zh, path), (_, _, en, _) in zip(
            _rows(s, ZH), _rows(s, EN), strict=True
        )
    ]
