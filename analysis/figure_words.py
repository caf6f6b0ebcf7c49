"""The words drawn inside carecap's figures, in Chinese and English: one table of ``(zh, en)``
templates (:data:`WORDS`) and :class:`FigureWords`, which fills them in one language.

The plot functions (:mod:`carecap.analysis.plots`, the paired differences and the warm-up
diagnostic included), the figure builders (:mod:`carecap.analysis.figures`) and the frames'
labels (:func:`~carecap.analysis.equity.common_ruler`,
:func:`~carecap.analysis.sweep_views.field_label`) take ``lang``: ``en`` (the default, what
``carecap plot`` and ``carecap warmup`` draw), ``zh``, or ``both``, which draws the Chinese
figure (a report in both languages puts the English under each figure, in its caption). What
stays as it is in every language: numbers, scenario keys and labels (pools, districts, tiers,
alarm classes), parameter paths and the scenario's name. Every character of the Chinese words
is in the bundled font (:mod:`carecap.analysis.plots.fonts`; GB 2312):
tests/test_report_figures_lang.py checks it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

FIGURE_LANGS = ("en", "zh", "both")

WEEKDAY_WORDS: tuple[tuple[str, str], ...] = (
    ("周一", "Mon"),
    ("周二", "Tue"),
    ("周三", "Wed"),
    ("周四", "Thu"),
    ("周五", "Fri"),
    ("周六", "Sat"),
    ("周日", "Sun"),
)
"""The days of the week, Monday first, ``(zh, en)``: the one table of their names (the
figures' weekday ticks and the report's schedules in words,
:func:`carecap.analysis.report.describe.schedule`)."""
WEEKDAYS = tuple(en for _, en in WEEKDAY_WORDS)
"""Their keys in :data:`WORDS` (``Mon`` ... ``Sun``)."""

WORDS: dict[str, tuple[str, str]] = {
    # services and pools
    "service.care_visit": ("照护上门", "care visits"),
    "service.alarm": ("报警响应", "alarms"),
    "service.centre_bath": ("中心助浴", "centre baths"),
    "service.home_bath": ("上门助浴", "home baths"),
    "service.care": ("照护员", "caregivers"),
    "service.transport": ("接送车辆", "vans"),
    "service.all": ("全部服务", "all services"),
    # metrics (a sweep's response, the cost figure's service level)
    "metric.wait_mean": ("平均等待", "mean wait"),
    "metric.wait_median": ("等待中位数", "median wait"),
    "metric.wait_p90": ("90%分位等待", "90th percentile wait"),
    "metric.wait_p95": ("95%分位等待", "95th percentile wait"),
    "metric.on_time_rate": ("按时率", "on time"),
    "metric.request_coverage": ("按时率", "on time"),
    "metric.elder_coverage": ("老人覆盖率", "elders covered"),
    "metric.unmet": ("未满足的请求", "unmet requests"),
    "metric.unmet_share": ("未满足比例", "unmet share"),
    "metric.utilisation": ("利用率", "utilisation"),
    "metric.backlog_mean": ("平均积压", "mean backlog"),
    "metric.cost_per_year": ("年度总成本", "cost per year"),
    "metric_of_service": ("{service}：{metric}", "{service}: {metric}"),
    # units (others are drawn as written)
    "unit.days": ("天", "days"),
    "unit.min": ("分钟", "min"),
    "unit.CNY/year": ("元/年", "CNY/year"),
    "unit.per year": ("每年", "per year"),
    "unit.per hour": ("每小时", "per hour"),
    "unit.per day": ("每天", "per day"),
    "unit.requests": ("请求数", "requests"),
    "unit.ratio": ("比值", "ratio"),
    "with_unit": ("{name}（{unit}）", "{name} ({unit})"),
    # titles of the figures of a results folder (carecap.analysis.figures)
    "scenario_title": ("{name}{where}：{what}", "{name}{where}: {what}"),
    "at_point": ("，方案{point}", ", point {point}"),
    "tier.other": ("其他 other", "other"),
    "by.tier": ("优先级", "tier"),
    "by.district": ("区县", "district"),
    "by.care_level": ("照护等级", "care_level"),
    "by.year": ("年份", "year"),
    "by.all": ("全部", "all"),
    "title.waits": ("所有请求的等待，按{by}", "waits of all requests made, by {by}"),
    "title.backlog": (
        "等待中的请求，{n}次重复的每日均值",
        "requests waiting, daily mean of {n} replication(s)",
    ),
    "title.utilisation": (
        "按一周小时的利用率（灰色：无人在班）",
        "utilisation by hour of the week (grey: no one on shift)",
    ),
    "title.equity": (
        "按区县，各次重复的95%区间",
        "by district, 95 % intervals across replications",
    ),
    "title.cost": (
        "成本与服务水平；有效方案相连",
        "cost against service level; efficient options joined",
    ),
    "fixed": ("{metric}（{fixed}）", "{metric} ({fixed})"),
    "equals": ("{name} = {value}", "{name} = {value}"),
    # waits
    "waits.requests": ("{service}：{n:,}个请求", "{service}: {n:,} requests"),
    "waits.requests_in": (
        "{service}：{reps}次重复共{n:,}个请求",
        "{service}: {n:,} requests in {reps} replications",
    ),
    "waits.requests_in_one": ("{service}：{n:,}个请求", "{service}: {n:,} requests"),
    "waits.given_up": ("，{n:,}个已放弃", ", {n:,} given up"),
    "waits.still_waiting": ("期末仍在等待（曲线末端标记）：", "still waiting at the end (▸):"),
    "waits.still_waiting_in": (
        "{reps}次重复期末共仍在等待（曲线末端标记）：",
        "still waiting at the end of {reps} replications (▸):",
    ),
    "waits.named": ("{name}：{n:,}", "{name}: {n:,}"),
    "waits.target": ("时限{target:g}{unit}{where}", "target {target:g} {unit}{where}"),
    "waits.class_target": ("{cls}：{target}", "{cls}: {target}"),
    "waits.districts": ("（{names}）", " ({names})"),
    "waits.n_districts": ("（{n}个区县）", " ({n} districts)"),
    "waits.x": ("等待（{unit}）", "wait ({unit})"),
    "waits.y": ("等待已结束（已开始或已放弃）", "wait ended (started or gave up)"),
    # backlog
    "backlog.mean": ("各次重复的均值", "mean over replications"),
    "backlog.band": ("95%区间", "95 % interval"),
    "backlog.warmup": ("预热期", "warm-up"),
    "backlog.y": ("等待中的请求", "requests waiting"),
    "backlog.title": ("每日积压，{n}次重复", "Backlog per day, {n} replication(s)"),
    # utilisation
    **{en: (zh, en) for zh, en in WEEKDAY_WORDS},  # keys: WEEKDAYS
    "kind.caregiver": ("照护员", "caregivers"),
    "kind.station": ("助浴工位", "centre stations"),
    "kind.team": ("助浴队", "bathing teams"),
    "kind.van": ("中心接送车辆", "centre vans"),
    "utilisation.pool": ("{pool}（{kind}）", "{pool} ({kind})"),
    "utilisation.x": ("一天中的时刻", "hour of day"),
    "utilisation.scale": (
        "利用率：忙碌单位小时 / 在班单位小时（车辆：运营时间）；红色：超过100%，工作延续到班次"
        "结束之后，或车辆在运营时间之外行驶",
        "utilisation: busy unit-hours / on-shift unit-hours (vans: van hours); red: over 100 %,"
        " work running past a shift's end, or vans driving outside van hours",
    ),
    "utilisation.title": (
        "按一周小时的利用率（灰色：无人在班）",
        "Utilisation by hour of the week (grey: no one on shift)",
    ),
    # equity
    "equity.none": ("无请求", "no requests"),
    "equity.wait": ("{service}：平均等待（{unit}）", "{service}: mean wait ({unit})"),
    "equity.share": ("{service}：{share}", "{service}: {share}"),
    "equity.title": (
        "按区县，各次重复的95%区间",
        "By district, 95 % intervals across replications",
    ),
    "share.within": ("{value:g}{unit}内开始", "started within {value:g} {unit}"),
    "share.own_targets": ("按时（各区县自己的时限）", "on time (each district's own target)"),
    "share.target": ("按时（时限{target:g}）", "on time (target {target:g})"),
    # sweeps
    "sweep.line": ("{name} = {value}", "{name} = {value}"),
    "sweep.mean": ("均值", "mean"),
    "sweep.band": ("阴影：95%区间", "band: 95 % interval"),
    "sweep.bars": ("误差线：95%区间", "bars: 95 % interval"),
    "sweep.title": ("{y}随{x}的变化", "{y} against {x}"),
    "cost.efficient": ("有效", "efficient"),
    "cost.dominated": ("被占优", "dominated"),
    "cost.y": ("成本（{million}{unit}）", "cost ({million}{unit})"),
    "cost.million": ("百万", "million "),
    "cost.title": (
        "成本与服务水平；误差线为95%区间",
        "Cost against service level; bars: 95 % intervals",
    ),
    # paired differences (carecap.analysis.plots.compare); metrics: FigureWords.metric_name
    "compare.title": (
        "配对差值B - A，95%区间（红色：区间不含0）",
        "Paired differences B - A, 95 % intervals (red: not 0)",
    ),
    "compare.heading": ("B - A：", "B - A: "),
    "compare.x": ("B - A（{unit}）", "B - A ({unit})"),
    "compare.points": ("百分点", "percentage points"),
    "compare.request_coverage": ("请求覆盖率", "request coverage"),
    "compare.starts_weekday_cv": ("各工作日开始数的变异系数", "starts weekday cv"),
    # the warm-up diagnostic (carecap.analysis.plots.warmup, carecap warmup)
    "warmup.title": (
        "{name}：{n}次重复平均的每日序列；MSER-5",
        "{name}: daily series averaged over {n} replication(s); MSER-5",
    ),
    "warmup.series": ("{service}{kind}", "{kind} {service}"),
    "warmup.backlog": ("积压", "backlog"),
    "warmup.wait": ("等待", "wait"),
    "warmup.panel": ("{name}：截断{days:g}天", "{name}: truncate {days:g} d"),
    "warmup.truncation": ("该序列的MSER-5截断点", "MSER-5 truncation of the series"),
    "warmup.recommended": ("建议：{days:g}天", "recommended: {days:g} d"),
    "warmup.current": ("当前：{days:g}天", "current: {days:g} d"),
    "warmup.x": ("天", "day"),
    # a sweep's parameters (carecap.analysis.sweep_views.field_label)
    "field.variant": ("变体", "variant"),
    "field.count": ("在班人数", "units on shift"),
    "field.stations": ("助浴工位", "bathing stations"),
    "field.seats": ("车辆座位", "van seats"),
    "field.per_stop_min": ("车辆停靠（分钟）", "van stop (min)"),
    "field.visit_share": ("需上门的报警比例", "share of alarms needing a visit"),
    "field.elders_per_day": ("每天新增老人", "new elders per day"),
    "field.rate_per_bed_month": ("每床每月次数", "rate per bed-month"),
    "field.horizon_days": ("模拟期（天）", "horizon (days)"),
    "field.warmup_days": ("预热期（天）", "warm-up (days)"),
    "field.home_bathing.count": ("在班助浴队", "bathing teams on shift"),
    "field.vans.count": ("车辆", "vans"),
    "field.target": ("时限", "target"),
    "field.travel": ("路程", "travel"),
    "field_service.care_visit": ("照护上门", "care visit"),
    "field_service.alarm": ("报警", "alarm"),
    "field_service.bath": ("助浴", "bath"),
    "field.service_of": ("{service}{words}", "{service} {words}"),
    "field.shift": ("班次 {n}", "shift {n}"),
    "field.context": ("{words}（{context}）", "{words} ({context})"),
}
"""Every word drawn in a figure, ``(zh, en)``; ``{fields}`` are filled by :class:`FigureWords`
(format specs as in :meth:`str.format`)."""


DATE_FORMATS: dict[str, dict[str, list[str]]] = {
    "zh": {
        "formats": ["%Y年", "%m月", "%d", "%H:%M", "%H:%M", "%S.%f"],
        "zero_formats": ["", "%Y年", "%m月", "%m月%d日", "%H:%M", "%H:%M"],
        "offset_formats": [
            "",
            "%Y年",
            "%Y年%m月",
            "%Y年%m月%d日",
            "%Y年%m月%d日",
            "%Y年%m月%d日 %H:%M",
        ],
    }
}
"""Date ticks of :class:`matplotlib.dates.ConciseDateFormatter` by language (``en``: its
defaults, month names in English): months as ``02月``, years as ``2022年``."""


@dataclass(frozen=True)
class FigureWords:
    """The figures' words in one language, ``zh`` or ``en``: ``words(key, **values)`` is
    :data:`WORDS` ``[key]`` in that language with its fields filled."""

    lang: str = "en"

    def __call__(self, key: str, **values: object) -> str:
        zh, en = WORDS[key]
        return (zh if self.lang == "zh" else en).format(**values)

    def get(self, key: str, default: str) -> str:
        """The word of ``key``, or ``default`` when the table has none."""
        return self(key) if key in WORDS else default

    def unit(self, unit: str) -> str:
        return self.get(f"unit.{unit}", unit)

    def service(self, service: str) -> str:
        return self.get(f"service.{service}", service.replace("_", " "))

    def metric_name(self, metric: str) -> str:
        """A metric as the compare figure names it: in English by its name, as ``carecap
        compare`` prints it (``on time rate``); in Chinese by its word (``按时率``;
        ``compare.*`` first: ``request_coverage`` equals ``on_time_rate`` yet is its own row,
        ``请求覆盖率``); a metric the table does not name, by its name."""
        name = metric.replace("_", " ")
        if self.lang != "zh":
            return name
        return self.get(f"compare.{metric}", self.get(f"metric.{metric}", name))

    def join(self, items: Iterable[str]) -> str:
        """A list: ``a、b`` in Chinese, ``a, b`` in English."""
        return ("、" if self.lang == "zh" else ", ").join(items)

    def list_sep(self) -> str:
        return "，" if self.lang == "zh" else ", "

    def date_formats(self) -> dict[str, list[str]]:
        """Keyword arguments of :class:`matplotlib.dates.ConciseDateFormatter`."""
        return DATE_FORMATS.get(self.lang, {})


def figure_words(lang: str | FigureWords = "en") -> FigureWords:
    """The words of ``lang`` (``en``, ``zh``; ``both`` draws the Chinese figure), or ``lang``
    itself when it is already a :class:`FigureWords`."""
    if isinstance(lang, FigureWords):
        return lang
    if lang not in FIGURE_LANGS:
        raise ValueError(f"lang must be one of {', '.join(FIGURE_LANGS)}, got {lang!r}")
    return FigureWords("en" if lang == "en" else "zh")


EN_WORDS = FigureWords("en")
