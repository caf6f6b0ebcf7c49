"""The report's figures: an adapter from a loaded results folder to the figures of
:mod:`carecap.analysis.figures` (drawn by :mod:`carecap.analysis.plots`; nothing is computed
here beyond choosing which figures fit the folder).

A run: waits by tier, backlog over the calendar, utilisation by hour of the week, equity by
district. A sweep: the response of the most varied service's mean wait to the parameters, cost
against service level, and for the option shown in detail its waits and equity (its waits only
when the sweep kept its records). A figure that does not fit the folder
(:class:`~carecap.analysis.figures.FigureError`, :class:`~carecap.sim.errors.ResultsError`) is
left out with a note saying why. The figures' own words are drawn in the report's language
(``both``: in Chinese, the captions giving both; :mod:`carecap.analysis.figure_words`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from carecap.analysis import figures as f
from carecap.sim.errors import ResultsError

FigureSpec = tuple[Any, str, str]
"""(matplotlib Figure, Chinese caption, English caption)."""

_RUN: tuple[tuple[str, str, Callable[..., Any]], ...] = (
    (
        "各服务按优先级的等待时间分布（计入所有请求，各次重复合计；虚线为时限，报警分紧急程度时为"
        "各类别的时限）",
        "Share of requests whose wait had ended, by wait, service and priority tier: every "
        "request made counted; a curve below 100 % ends where requests were still waiting "
        "(dashed: the targets, each alarm class's own when alarms have classes); counts are "
        "summed over the replications",
        lambda r, p, lang: f.waits_figure(r, "tier", p, lang),
    ),
    (
        "每日等待中的请求（各次重复的均值与95%区间，阴影为预热期）",
        "Requests waiting, daily mean across replications with its 95 % interval (shaded: warm-up)",
        lambda r, p, lang: f.backlog_figure(r, p, lang),
    ),
    (
        "按一周小时的利用率，各资源与中心接送车辆（红色：超过100%，即班次结束后的工作或运营时间外的"
        "行车）",
        "Utilisation by hour of the week, per pool and the centre's vans (red: over 100 %, work "
        "past a shift's end or vans driving outside van hours)",
        lambda r, p, lang: f.utilisation_figure(r, p, lang),
    ),
    (
        "各区等待与按时比例（统一标尺，95%区间）",
        "Equity by district: wait and share within the common thresholds, 95 % intervals",
        lambda r, p, lang: f.equity_figure(r, p, lang),
    ),
)
_SWEEP: tuple[tuple[str, str, Callable[..., Any]], ...] = (
    (
        "方案参数对平均等待的影响",
        "Response of the mean wait to the sweep's parameters, 95 % bands",
        lambda r, p, lang: f.sweep_figure(r, lang=lang),
    ),
    (
        "成本与服务水平（有效方案相连并编号，编号对应的方案列在图下）",
        "Cost against service level; efficient options joined and numbered, named under the axes",
        lambda r, p, lang: f.cost_figure(r, lang=lang),
    ),
)


LEFT_OUT = ("{caption}：未列出（{why}）", "{caption}: left out ({why})")
"""The note of a figure left out, (zh, en); ``why`` is the figure's own error message."""

REASONS_ZH = {
    f.NO_RECORDS_SWEEP: (
        "此图需要记录表，而本次参数扫描未保存记录表（运行时加 --records 即可保存）；参数响应图、"
        "成本图和比较图只需要指标"
    ),
    f.NO_RECORDS_RUN: (
        "此图需要记录表，而本次运行未保存记录表（使用了 --no-records：去掉该选项重新运行即可）"
    ),
}
"""The figures' own messages (:class:`~carecap.analysis.figures.FigureError`) a report may
meet, in Chinese; another is shown as written."""


def report_figures(
    results: Any, point_id: str | None = None, lang: str = "en"
) -> tuple[list[FigureSpec], list[tuple[str, str]]]:
    """The figures for ``results`` (a loaded folder; ``point_id``: a sweep's option shown in
    detail), their words in ``lang`` (``zh``, ``en``, ``both``), and a note (zh, en) for each
    one left out."""
    specs = list(_RUN) if results.kind == "run" else [*_SWEEP, _RUN[0], _RUN[3]]
    figures: list[FigureSpec] = []
    notes: list[tuple[str, str]] = []
    for zh, en, draw in specs:
        try:
            figures.append((draw(results, point_id, lang), zh, en))
        except (f.FigureError, ResultsError) as exc:
            message = getattr(exc, "message", str(exc))
            why_zh = REASONS_ZH.get(message)
            zh_note, en_note = LEFT_OUT
            zh_note = zh_note.format(caption=zh, why=why_zh if why_zh else message)
            notes.append((zh_note, en_note.format(caption=en, why=message)))
    return figures, notes
