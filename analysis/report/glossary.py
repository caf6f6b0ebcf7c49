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
        "观察期内（预热期之后）提出的服务请求，无论结果如何都计入：已服务、已放弃或观察结束时"
        "仍在等待。",
        "Requests made in the observation window (after the warm-up), whatever became of them: "
        "served, abandoned, or still waiting when observation ended.",
    ),
    (
        "wait_mean",
        "平均等待",
        "wait mean, p90",
        "从请求（计划上门和助浴：其计划日期）到开始服务（报警：照护员到达老人家中）的时间，"
        "按所有提出的请求以 Kaplan–Meier 方法估计；报警以分钟计，其他以天计。p90：90%的请求"
        "等待不超过此值。观察结束时仍有请求在等待的，这两个数为下限。",
        "Time from the request (planned visits and baths: their due date) to the start of "
        "service (alarms: the caregiver's arrival at the home), over every request made, "
        "estimated with Kaplan–Meier; minutes for alarms, days otherwise. p90: 90 % waited no "
        "longer. When requests were still waiting at the end, these are lower bounds.",
    ),
    (
        "on_time_rate",
        "按时率",
        "on time (request coverage)",
        "在服务时限内开始的请求 ÷ 提出的请求；放弃的请求和超过时限仍在等待的请求算作迟到；"
        "仍在等待但尚未超过时限的请求不计入分母。请求覆盖率即此数。",
        "Requests started within the service's target ÷ requests made; abandoned requests and "
        "those still waiting past their target are late; one still waiting whose target had not "
        "passed leaves the denominator. Request coverage is the same figure.",
    ),
    (
        "within",
        "阈值内比例",
        "within 15 min / 7 d ...",
        "与按时率相同，但以统一阈值代替各自的时限，使时限不同的各区在同一标尺上比较。",
        "As on time, with a common threshold instead of each one's target, so that districts "
        "with different targets compare on one ruler.",
    ),
    (
        "unmet_share",
        "未满足比例",
        "unmet, unmet share",
        "被放弃的请求，或观察结束时仍在等待且已超过时限的请求（占提出请求的比例）。",
        "Requests abandoned, or still waiting at the end with their target passed (as a share "
        "of requests made).",
    ),
    (
        "elder_coverage",
        "老人覆盖率",
        "elder coverage",
        "有资格的老人中，自己到期的服务得到提供的比例：照护上门——按时完成的上门不少于情景"
        "规定的比例（默认90%）；助浴——两次助浴的间隔从未超过应享间隔加时限。能力充足时约为"
        "100%。",
        "Share of entitled elders whose own due requests were delivered: care visits — at least "
        "the scenario's share (default 90 %) of their visits on time; baths — no gap between "
        "baths longer than the entitlement interval plus the target. With ample capacity ~100 %.",
    ),
    (
        "utilisation",
        "利用率",
        "utilisation",
        "忙碌时间 ÷ 资源可工作的时间（在班时间；车辆为运营时间 × 车辆数），流动服务的路途时间"
        "计为忙碌。接近100%：已饱和。超过100%：资源在计入的时间之外工作——人员完成班次结束前"
        "开始的工作，车辆在运营时间之外行驶（最后一个接人时段之后的返程；这些小时列在车辆一行，"
        "不计入运营时间和车辆成本）。",
        "Busy time ÷ the time the resource can work (on-shift hours; vans: their operating "
        "hours × vans), travel counted as busy for mobile teams. Near 100 %: saturated. Above "
        "100 %: work outside the hours counted — staff finishing work begun before their "
        "shift's end, vans driving outside van hours (return runs after the last pick-up hour; "
        "their hours are given in the vans' row and counted neither in the van hours nor in "
        "the van cost).",
    ),
    (
        "ride_home_wait_mean_min",
        "等车回家",
        "wait for the ride home (vans)",
        "有车辆接送时：助浴结束后，老人在中心等待返程车辆出发的时间（分钟；均值与第90百分位）。"
        "一批老人的最后一次助浴结束且有空闲车辆时，车辆送这批老人回家。请求的等待在助浴开始时"
        "结束，不含此项。",
        "With vans: the time an elder waits at the centre after the bath until their return run "
        "leaves (minutes; mean and p90). A van takes a group home once its last bath has ended "
        "and a van is free. The request's wait ends when the bath starts and does not show it.",
    ),
    (
        "door_to_door_mean_min",
        "离家时长",
        "time away from home (vans)",
        "有车辆接送时：从在家上车到被送回家的时间 = 去程 + 助浴 + 等车回家 + 回程（分钟；均值"
        "与第90百分位）。",
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
        "全职当量：每年在班小时 ÷ 一名全职人员每年的带薪工时（costs.hours_per_fte_year）；"
        "助浴队按整队计。",
        "Full-time equivalents: on-shift hours a year ÷ the paid hours of one full-time person "
        "a year (costs.hours_per_fte_year); bathing teams as whole teams.",
    ),
    (
        "cost_per_year",
        "年度成本",
        "cost per year, per bed-year, per elder served",
        "每年的人员、工位、车辆、按次服务成本与年化资本成本之和；除以平均在册床位数得每床年"
        "成本，除以观察期内服务的老人数得人均服务成本。",
        "Staff, stations, vans, per-service costs and annualised capital, per year; divided by "
        "the mean beds present (per bed-year) or by the elders served in the window.",
    ),
    (
        "interval",
        "95%置信区间",
        "95 % interval",
        "各次重复之间的学生t区间，与 summary.parquet 一致，截在指标的取值范围内（比例不超过"
        "100%，计数、等待不低于0；利用率可以超过100%）。两个方案的区间重叠并不说明二者无差别："
        "应在共同随机数下配对比较（carecap compare）。",
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
