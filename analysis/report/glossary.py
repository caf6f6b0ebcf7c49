"""Glossary of the metrics, with the definitions of MODEL.md §3 and the README's Results
section (same words, shortened)."""

from __future__ import annotations

from carecap.analysis.report.html import Markup, tag
from carecap.analysis.report.text import Lang

TERMS: tuple[tuple[str, str, str, str, str], ...] = (
    # (metric, zh name, en name, zh definition, en definition)
    (
        "requests",
        "请求数",
        "requests",
        "观察期内（预热期之后）提出的服务请求，无论结果如何都计入。",
        "Requests made in the observation window (after the warm-up), whatever became of them: "
        "served, abandoned, or still waiting when observation ended.",
    ),
    (
        "wait_mean",
        "平均等待",
        "wait mean, p90",
        "从请求（计划服务为计划日期）到开始服务（报警为照护员到达）的时间，按所有请求计算"
        "（Kaplan–Meier）；报警以分钟计，其他以天计。",
        "Time from the request (planned visits and baths: their due date) to the start of "
        "service (alarms: the caregiver's arrival at the home), over every request made, "
        "estimated with Kaplan–Meier; minutes for alarms, days otherwise. p90: 90 % waited no "
        "longer. When requests were still waiting at the end, these are lower bounds.",
    ),
    (
        "on_time_rate",
        "按时率",
        "on time (request coverage)",
        "在服务时限内开始的请求 ÷ 提出的请求；放弃的请求算作迟到。",
        "Requests started within the service's target ÷ requests made; abandoned requests and "
        "those still waiting past their target are late; one still waiting whose target had not "
        "passed leaves the denominator. Request coverage is the same figure.",
    ),
    (
        "within",
        "阈值内比例",
        "within 15 min / 7 d ...",
        "同上，但使用统一阈值，使时限不同的各区可以直接比较。",
        "As on time, with a common threshold instead of each one's target, so that districts "
        "with different targets compare on one ruler.",
    ),
    (
        "unmet_share",
        "未满足比例",
        "unmet, unmet share",
        "被放弃或到观察结束仍在等待且已超时的请求（占提出请求的比例）。",
        "Requests abandoned, or still waiting at the end with their target passed (as a share "
        "of requests made).",
    ),
    (
        "elder_coverage",
        "老人覆盖率",
        "elder coverage",
        "有资格的老人中，自己的到期服务按时送达的比例（照护上门：至少90%按时；助浴：间隔从未"
        "超过应享间隔加时限）。",
        "Share of entitled elders whose own due requests were delivered: care visits — at least "
        "the scenario's share (default 90 %) of their visits on time; baths — no gap between "
        "baths longer than the entitlement interval plus the target. With ample capacity ~100 %.",
    ),
    (
        "utilisation",
        "利用率",
        "utilisation",
        "忙碌时间 ÷ 可工作时间（在班时间；车辆为运营时间），流动服务的路途计为忙碌。",
        "Busy time ÷ the time the resource can work (on-shift hours; vans: their operating "
        "hours), travel counted as busy for mobile teams. Near or above 100 %: saturated.",
    ),
    (
        "ride_home_wait_mean_min",
        "等车回家",
        "wait for the ride home (vans)",
        "有车辆接送时：助浴结束到送其回家的车辆出发之间，老人在中心等待的时间（分钟；均值与"
        "第90百分位）。请求的等待时间不含此项。",
        "With vans: the time an elder waits at the centre after the bath until their return run "
        "leaves (minutes; mean and p90). A van takes a group home once its last bath has ended "
        "and a van is free. The request's wait ends when the bath starts and does not show it.",
    ),
    (
        "door_to_door_mean_min",
        "离家时长",
        "time away from home (vans)",
        "有车辆接送时：从上车离家到被送回家的时间 = 去程 + 助浴 + 等车 + 回程（分钟）。",
        "With vans: from boarding the pick-up at home to being set down at home again = ride "
        "in + bath + wait for the ride home + ride home (minutes; mean and p90).",
    ),
    (
        "return_after_close_share",
        "闭馆后返程比例",
        "return runs after closing",
        "在中心闭馆时间（含夜间）出发的返程车次 ÷ 全部返程车次。",
        "Return runs that left while the centre was closed (after its closing hour, the night "
        "included) ÷ all return runs.",
    ),
    (
        "fte",
        "全职当量",
        "FTE",
        "在班小时 ÷ 每全职年工时。",
        "Full-time equivalents: on-shift hours a year ÷ the paid hours of one full-time person "
        "a year (costs.hours_per_fte_year); bathing teams as whole teams.",
    ),
    (
        "cost_per_year",
        "年度成本",
        "cost per year, per bed-year, per elder served",
        "人员、工位、车辆、服务耗材与年化资本成本之和；每床年与人均服务成本由此得出。",
        "Staff, stations, vans, per-service costs and annualised capital, per year; divided by "
        "the mean beds present (per bed-year) or by the elders served in the window.",
    ),
    (
        "interval",
        "95%置信区间",
        "95 % interval",
        "各次重复之间的学生t区间，截在指标的取值范围内（比例不超过100%，计数、等待不低于0）；"
        "两个方案的区间重叠并不说明无差别，应做配对比较。",
        "Student-t interval across replications, as in summary.parquet, cut at what the "
        "metric can take (a share close to 100 % stops at 100 %, a count or wait near 0 at "
        "0; utilisation may pass 100 %). Overlapping intervals of two options do not mean "
        "they are alike: compare them paired, under common random numbers (carecap compare).",
    ),
)


def glossary_section(lang: Lang) -> list[Markup]:
    items: list[Markup] = []
    for _, zh, en, zh_def, en_def in TERMS:
        items.append(tag("dt", lang.pair(zh, en)))
        if lang.mode in ("zh", "both"):
            items.append(tag("dd", zh_def))
        if lang.mode in ("en", "both"):
            items.append(tag("dd", en_def))
    return [tag("dl", items, class_="glossary")]
