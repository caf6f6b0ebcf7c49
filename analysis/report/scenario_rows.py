"""The rows of the scenario-in-words table: one per assumption a director would question
(period, population, demand, targets, capacity, routing, costs), each with the dotted path whose
source note goes beside it. Read from the resolved scenario as plain data (as in the manifest).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from carecap.analysis.report import describe as d
from carecap.analysis.report.text import Lang, slice_label

Row = tuple[str, str, str, str]
"""(zh label, en label, value in words (a line per pool), dotted path of its source note)."""


def _service_rows(s: dict[str, Any], lang: Lang, labels: dict[str, str]) -> Iterator[Row]:
    services = s.get("services") or {}
    visit = services.get("care_visit")
    if visit:
        plans = ", ".join(
            f"{labels.get(k, k)} every {d.dist(v['interval_days'], 'days')}"
            f" ({d.dist(v['duration_min'], 'min')})"
            for k, v in visit["by_care_level"].items()
        )
        yield "照护上门频次", "Care-plan visits", plans, "services.care_visit.by_care_level"
        yield (
            "照护上门时限",
            "Care-visit target",
            f"within {d.number(visit['target_days'])} days of the planned date"
            + (
                f"; given up after {d.dist(visit['give_up_days'], 'days')}"
                if visit.get("give_up_days")
                else ""
            ),
            "services.care_visit.target_days",
        )
        if visit.get("hours"):
            yield (
                "上门时段",
                "Visiting hours",
                d.schedule(visit["hours"]),
                "services.care_visit.hours",
            )
    alarm = services.get("alarm")
    if alarm:
        yield (
            "报警频率",
            "Alarms",
            f"{d.number(alarm['rate_per_bed_month'])} per bed-month; "
            f"{d.share(alarm['visit_share'])} need a "
            f"caregiver at the home ({d.dist(alarm['duration_min'], 'min')})",
            "services.alarm.rate_per_bed_month",
        )
        by_district = alarm.get("target_min_by_district") or {}
        districts = {k: slice_label(s, "district", k, lang) for k in by_district}
        minutes = d.mapping(by_district, lambda v: f"{d.number(v)} min", districts)
        extra = f"; {minutes}" if by_district else ""
        yield (
            "报警响应时限",
            "Alarm target (caregiver on site)",
            f"{d.number(alarm['target_min'])} min{extra}",
            "services.alarm.target_min",
        )
        for name, c in (alarm.get("classes") or {}).items():
            yield (
                f"报警类别 {name}",
                f"Alarm class {name}",
                f"{d.share(c['share'])} of alarms, target {d.number(c['target_min'])} min",
                f"services.alarm.classes.{name}",
            )
        if alarm.get("give_up_min"):
            yield (
                "报警放弃",
                "Alarm escalated after",
                d.dist(alarm["give_up_min"], "min"),
                "services.alarm.give_up_min",
            )
    bath = services.get("bath")
    if bath:
        yield (
            "助浴频次",
            "Bath entitlement",
            d.mapping(
                bath["interval_days_by_level"], lambda v: f"every {d.dist(v, 'days')}", labels
            ),
            "services.bath.interval_days_by_level",
        )
        yield (
            "助浴时限",
            "Bath target",
            f"within {d.number(bath['target_days'])} days"
            + (
                f"; given up after {d.dist(bath['give_up_days'], 'days')}"
                if bath.get("give_up_days")
                else ""
            ),
            "services.bath.target_days",
        )


def _capacity_rows(s: dict[str, Any]) -> Iterator[Row]:
    pools = s.get("caregivers") or []
    if pools:
        text = "\n".join(
            f"{pool['name']}: "
            + ", ".join(
                f"{sh.get('name') or f'shift {j}'} {sh['count']} × {d.schedule(sh['hours'])}"
                for j, sh in enumerate(pool["shifts"])
            )
            for pool in pools
        )
        yield "照护员", f"Caregivers ({len(pools)} pools)", text, "caregivers"
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
            d.schedule(centre["hours"]),
            "bathing_centre.hours",
        )
        yield (
            "中心助浴时长",
            "Bath at the centre",
            d.dist(centre["bath_duration_min"], "min"),
            "bathing_centre.bath_duration_min",
        )
        vans = centre.get("vans")
        text = (
            f"{vans['count']} vans × {vans['seats']} seats"
            if vans
            else "none: elders come by their own means"
        )
        yield "接送车辆", "Vans", text, "bathing_centre.vans"
    home = s.get("home_bathing")
    if home and home.get("teams"):
        text = "\n".join(
            f"{team['name']}: "
            + ", ".join(f"{sh['count']} × {d.schedule(sh['hours'])}" for sh in team["shifts"])
            for team in home["teams"]
        )
        yield "上门助浴队", f"Home-bathing teams ({len(home['teams'])} pools)", text, "home_bathing"


def _routing_rows(s: dict[str, Any]) -> Iterator[Row]:
    r = s.get("routing") or {}
    parts = [f"prefer {r.get('prefer', 'centre')}"]
    if r.get("max_centre_transport_min") is not None:
        parts.append(
            f"home when more than {d.number(r['max_centre_transport_min'])} min from the centre"
        )
    if r.get("overflow_to_home_when_centre_queue_over") is not None:
        parts.append(
            f"home when over {d.number(r['overflow_to_home_when_centre_queue_over'])}"
            " wait for the centre"
        )
    yield "分流规则", "Routing of baths", "; ".join(parts), "routing"
    backlog = {k: v for k, v in (s.get("initial_backlog") or {}).items() if v}
    if backlog:
        text = "; ".join(f"{k}: {d.mapping(v)}" for k, v in backlog.items())
        yield "初始候补名单", "Waiting at the start", text, "initial_backlog"


def _cost_rows(s: dict[str, Any]) -> Iterator[Row]:
    c = s.get("costs")
    if not c:
        return
    cur = c.get("currency", "")
    for key, zh, en, unit in (
        ("caregiver_per_hour", "照护员时薪", "Caregiver per hour", "/h"),
        ("bath_team_per_hour", "助浴队每小时", "Bathing team per hour", "/h"),
        ("station_per_open_hour", "工位每开放小时", "Station per open hour", "/h"),
        ("van_per_hour", "车辆每运营小时", "Van per operating hour", "/h"),
        ("hours_per_fte_year", "每全职年工时", "Paid hours per FTE-year", "h"),
    ):
        if c.get(key):
            money = "" if unit == "h" else f" {cur}"
            yield zh, en, f"{d.number(c[key])}{money} {unit}".replace(" /", "/"), f"costs.{key}"
    capital = {k: v for k, v in (c.get("capital") or {}).items() if v}
    if capital:
        yield (
            "年化资本成本",
            "Capital per year",
            d.mapping(capital, lambda v: f"{d.number(v)} {cur}"),
            "costs.capital",
        )


def scenario_rows(s: dict[str, Any], lang: Lang) -> list[Row]:
    """The rows of the scenario-in-words table for the resolved scenario ``s`` (plain data)."""
    cal = s["calendar"]
    levels = {k: slice_label(s, "care_level", k, lang) for k in s["care_levels"]}
    tiers = {k: slice_label(s, "tier", k, lang) for k in s["tiers"]}
    districts = {k: slice_label(s, "district", k, lang) for k in s["districts"]}
    pop = s["population"]
    rows: list[Row] = [
        (
            "模拟期",
            "Period simulated",
            f"from {cal['start_date']} for {d.number(cal['horizon_days'])} days",
            "calendar.horizon_days",
        ),
        (
            "预热期",
            "Warm-up (not counted)",
            f"{d.number(cal['warmup_days'])} days",
            "calendar.warmup_days",
        ),
    ]
    if cal.get("drain_days"):
        rows.append(
            (
                "延续跟踪",
                "Follow-up after the horizon",
                f"{d.number(cal['drain_days'])} days",
                "calendar.drain_days",
            )
        )
    rows += [
        ("优先级", "Priority tiers, highest first", " > ".join(tiers.values()), "tiers"),
        (
            "初始老人数",
            "Elders at the start",
            f"{sum(pop['elders_by_district'].values()):,}: "
            + d.mapping(pop["elders_by_district"], labels=districts),
            "population.elders_by_district",
        ),
    ]
    if pop.get("enrolment"):
        text = "; ".join(
            f"{d.number(e['elders_per_day'])}/day on days "
            f"{d.number(e['from_day'])}–{d.number(e['to_day'])}"
            for e in pop["enrolment"]
        )
        rows.append(("新增老人", "New elders (enrolment)", text, "population.enrolment"))
    if pop.get("exit_rate_per_year"):
        rows.append(
            (
                "退出率",
                "Leaving (death, institution)",
                f"{d.number(pop['exit_rate_per_year'])} per year",
                "population.exit_rate_per_year",
            )
        )
    rows += [
        (
            "照护等级构成",
            "Care levels",
            d.mapping(pop["care_level_shares"], d.share, levels),
            "population.care_level_shares",
        ),
        (
            "优先级构成",
            "Tier shares",
            d.mapping(pop["tier_shares"], d.share, tiers),
            "population.tier_shares",
        ),
    ]
    rows += _service_rows(s, lang, levels)
    rows += _capacity_rows(s)
    rows += _routing_rows(s)
    rows += _cost_rows(s)
    return rows
