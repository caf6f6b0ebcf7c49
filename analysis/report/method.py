"""The method appendix, following the STRESS-DES reporting guideline (Monks et al. 2019,
"Strengthening the reporting of empirical simulation studies", J. of Simulation 13(1)):
objectives, logic, data and assumptions, experimentation, implementation, code access.

What was run is read from the manifest (``manifest.json`` of a run, ``sweep.json`` of a sweep):
seed, replications, warm-up and run length (resolved scenario), package versions, platform,
run time. The model's logic and its random streams are described as MODEL.md and the README
state them.
"""

from __future__ import annotations

from typing import Any

from carecap.analysis.report import describe as d
from carecap.analysis.report.html import Markup, table, tag
from carecap.analysis.report.text import EN, STATUS, ZH, Lang

WORDS: dict[str, tuple[str, str]] = {
    "objectives": (
        "针对第一节所述情景，估计老人等待各项照护服务的时间、按时获得服务的比例（分区县和"
        "优先级），以及各项资源的利用率和成本；对于参数扫描，按服务目标和成本对各能力方案排序。",
        "To estimate, for the scenario described in the first section, how long elders wait "
        "for each care service, how many are served on time, by district and priority tier, "
        "what the resources' utilisation is and what it costs; for a sweep, to rank capacity "
        "options against service targets and cost.",
    ),
    "logic": (
        "实体为有需求的老人（所属区县、照护等级、优先级、家庭养老床位）及其服务请求：照护计划"
        "上门、监护报警、中心助浴和上门助浴。资源为按班次排班的照护员资源池、助浴中心的工位"
        "（及其接送车辆，每辆车同一时间只在一处）和上门助浴队。空闲的资源在其可服务的请求中"
        "选取等级最高的一个（报警按紧急程度排在计划服务之前；计划服务按优先级），同一等级内"
        "先到先服务；正在进行的服务不被中断。请求等待超过耐心时间后可能放弃。助浴按照护等级、"
        "接送时间和排队长度分流至中心或上门。模型用 SimPy 构建为以分钟计时的离散事件模拟。",
        "Entities are elders in need (district, care level, priority tier, family bed) and "
        "their requests: care-plan visits, monitoring alarms, centre baths and home baths. "
        "Resources are caregiver pools with shifts, the bathing centre's stations (and its "
        "vans, vehicles in one place at a time), and home-bathing teams. A free unit takes, of "
        "the requests it may serve, one of the highest rank (alarms by urgency before planned "
        "work; planned work by priority tier), the earliest within it; nothing is pre-empted. "
        "Requests may give up after a patience time. Baths are routed to the centre or home by "
        "care level, transport time and queue length. Simulated with SimPy as a discrete-event "
        "model in minutes.",
    ),
    "outputs": (
        "输出：术语表中的各项指标，分服务和分组（全部、区县、优先级、照护等级），先按每次"
        "重复计算，再汇总各次重复。",
        "Outputs: the metrics of the glossary, per service and per slice (all, district, tier, "
        "care level), per replication and summarised across replications.",
    ),
    "data": (
        "各项输入及其取值和来源（或“假设”）列于情景说明一节，读自情景文件自身的注释。参考"
        "案例的事实及其他地区的实践参考值见 MODEL.md 第1节。",
        "Inputs, their values and their sources (or ASSUMPTION) are listed in the scenario "
        "section, read from the scenario file's own comments. The reference case's facts and "
        "the reference values from practice elsewhere are in MODEL.md §1.",
    ),
    "streams": (
        "每项随机活动都从自己命名的随机数流中抽取：SeedSequence(seed, spawn_key=(replication, "
        "crc32(name), ...))；不使用任何全局随机状态。同一老人某项服务的第k次请求总是取该老人"
        "随机序列的第k个抽样值，凡不依赖服务能力的需求都在模拟开始前抽取。因此，以相同种子"
        "运行的各方案面对相同的需求（共同随机数）：改变服务能力只改变事情发生的时间，不改变"
        "需求本身。相同的情景、种子和重复编号，无论用多少个工作进程，都得到完全相同的记录。",
        "Every random activity draws from its own named stream, SeedSequence(seed, spawn_key="
        "(replication, crc32(name), ...)); nothing uses global random state. An elder's k-th "
        "request of a service always takes the k-th draw of that elder's sequences, and all "
        "demand that does not depend on capacity is drawn before the simulation starts. So "
        "options run with the same seed see the same demand (common random numbers): changing "
        "capacity changes when things happen, never what is demanded. Same scenario, seed and "
        "replication give identical records whatever the number of worker processes.",
    ),
    "software": ("软件", "Software"),
    "platform": ("平台", "Platform"),
    "not_recorded": ("未记录", "not recorded"),
    "code": (
        "carecap（本软件包）；生成这些结果的命令",
        "carecap (this package); the command that produced the results",
    ),
    "run_length": ("{days}天{drain}", "{days} days{drain}"),
    "drain": (
        "；期末仍在等待的请求再跟踪{days}天",
        "; requests still waiting are followed {days} more days",
    ),
    "warmup": (
        "{days}天：统计其后{window}天观察期内的数据（可用 carecap warmup 按 MSER-5 检验）",
        "{days} days: statistics over the {window}-day window after it "
        "(check with carecap warmup, MSER-5)",
    ),
    "estimation": (
        "按每次重复计算指标；各次重复之间的95%学生t置信区间；方案比较在共同随机数下配对进行",
        "per-replication metrics; 95 % Student-t intervals across replications; comparisons "
        "paired under common random numbers",
    ),
    "sweep_time": (
        "{runs}次已完成运行共计算{s} 秒（各次运行自身用时之和；各工作进程并行运行）",
        "{s} s of computing over {runs} finished runs (the sum of each run's own time; worker "
        "processes ran them side by side)",
    ),
    "sweep": (
        "{name}：{n}个方案（参数点），参数 {params}",
        "{name}: {n} options (points), parameters {params}",
    ),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "replications": ("{n}次（编号 {numbers}）", "{n} (numbered {numbers})"),
    "run_time": (
        "实耗时间{s} 秒，{workers}个工作进程",
        "{s} s wall clock on {workers} worker process(es)",
    ),
}
"""The appendix's sentences and the experimentation table's values, (zh, en)."""

LOGIC = WORDS["logic"][1]
STREAMS = WORDS["streams"][1]


FACT_ZH = {
    "Start date": "开始日期",
    "Run length": "模拟时长",
    "Warm-up (excluded)": "预热期（不计入）",
    "Status": "状态",
    "Replications": "重复次数",
    "Replications per option": "每方案重复次数",
    "Root seed": "随机数种子",
    "Scenario hash (SHA-256)": "情景哈希",
    "Scenario files": "情景文件",
    "Created": "运行时间",
    "Run time": "计算用时",
    "Sweep": "参数扫描",
    "Antithetic pairs": "对偶抽样",
    "Estimation": "估计方法",
}
"""Chinese names of the experimentation table's rows."""


def _run_facts(m: dict[str, Any], lang: Lang) -> list[tuple[str, str]]:
    """The rows of the experimentation table read from the manifest, values in ``lang``."""
    w = lang.fill
    if "carecap_sweep" in m:
        n_points = len(m.get("points", []))
        params = ", ".join(m.get("parameters", [])) or "-"
        timings = m.get("timings") or {}
        run_time = (
            [
                (
                    "Run time",
                    w(WORDS["sweep_time"], s=f"{timings['runs_s']:.1f}", runs=timings["runs"]),
                )
            ]
            if timings.get("runs")
            else []
        )
        return [
            *run_time,
            ("Sweep", w(WORDS["sweep"], name=m.get("name"), n=n_points, params=params)),
            ("Replications per option", d.number(m.get("replications"))),
            ("Root seed", str(m.get("seed"))),
            ("Antithetic pairs", w(WORDS["yes" if m.get("antithetic") else "no"])),
            ("Created", str(m.get("created", ""))),
        ]
    timings = m.get("timings") or {}
    finished = m.get("replications_finished") or []
    status = str(m.get("status"))
    files = m.get("scenario_files") or []
    numbers = ", ".join(map(str, finished[:12])) + (" …" if len(finished) > 12 else "")
    facts = [
        ("Status", w(STATUS.get(status, (status, status)))),
        ("Replications", w(WORDS["replications"], n=len(finished), numbers=numbers)),
        ("Root seed", str(m.get("seed"))),
        ("Scenario hash (SHA-256)", str(m.get("scenario_hash", ""))[:16] + "…"),
        ("Scenario files", tag("code", "; ".join(files)) if files else "-"),
        ("Created", str(m.get("created", ""))),
    ]
    if timings.get("wall_s") is not None:
        facts.append(
            (
                "Run time",
                w(
                    WORDS["run_time"],
                    s=f"{timings['wall_s']:.1f}",
                    workers=timings.get("workers", "?"),
                ),
            )
        )
    return facts


def _facts(manifest: dict[str, Any], cal: dict[str, Any], lang: Lang) -> list[tuple[str, str]]:
    """(English row name, value in ``lang``) of the experimentation table."""
    w = lang.fill
    window = float(cal.get("horizon_days", 0)) - float(cal.get("warmup_days", 0))
    drain = w(WORDS["drain"], days=d.number(cal["drain_days"])) if cal.get("drain_days") else ""
    return [
        ("Start date", str(cal.get("start_date", ""))),
        ("Run length", w(WORDS["run_length"], days=d.number(cal.get("horizon_days")), drain=drain)),
        (
            "Warm-up (excluded)",
            w(WORDS["warmup"], days=d.number(cal.get("warmup_days")), window=d.number(window)),
        ),
        *_run_facts(manifest, lang),
        ("Estimation", w(WORDS["estimation"])),
    ]


def method_section(manifest: dict[str, Any], scenario: dict[str, Any], lang: Lang) -> list[Markup]:
    cal = scenario.get("calendar", {})
    versions = manifest.get("versions") or {}
    out: list[Markup] = []

    def part(zh: str, en: str, *body: Markup) -> None:
        out.append(tag("h3", lang.heading(zh, en)))
        out.extend(body)

    part("1 目标", "1 Objectives", lang.para(WORDS["objectives"]))
    part("2 模型逻辑", "2 Logic", lang.para(WORDS["logic"]), lang.para(WORDS["outputs"]))
    part("3 数据与假设", "3 Data and assumptions", lang.para(WORDS["data"]))
    rows = [
        [lang.pair(FACT_ZH.get(label, ""), label), lang.lines(zh, en)]
        for (label, zh), (_, en) in zip(
            _facts(manifest, cal, ZH), _facts(manifest, cal, EN), strict=True
        )
    ]
    part(
        "4 实验设计",
        "4 Experimentation",
        table([lang.word("item"), lang.word("value")], rows),
    )
    vers = ", ".join(f"{k} {v}" for k, v in versions.items())
    not_recorded = lang.fill(WORDS["not_recorded"])
    software = [
        lang.label(*WORDS["software"]),
        vers or not_recorded,
        lang.stop() + ("" if lang.mode == "zh" else " "),
        lang.label(*WORDS["platform"]),
        manifest.get("platform") or not_recorded,
        lang.stop(),
    ]
    part(
        "5 实现",
        "5 Implementation",
        tag("p", software),
        lang.para(WORDS["streams"]),
    )
    command = " ".join(manifest.get("command") or [str(manifest.get("sweep_file", ""))])
    part(
        "6 代码",
        "6 Code access",
        tag("p", [lang.label(*WORDS["code"]), tag("code", command)]),
    )
    return out
