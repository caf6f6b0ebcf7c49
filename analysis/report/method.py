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
from carecap.analysis.report.text import Lang

LOGIC = (
    "Entities are elders in need (district, care level, priority tier, family bed) and their "
    "requests: care-plan visits, monitoring alarms, centre baths and home baths. Resources are "
    "caregiver pools with shifts, the bathing centre's stations (and its vans, vehicles in one "
    "place at a time), and home-bathing teams. A free unit takes, of the requests it may serve, "
    "one of the highest rank (alarms by urgency before planned work; planned work by priority "
    "tier), the earliest within it; nothing is pre-empted. Requests may give up after a "
    "patience time. Baths are routed to the centre or home by care level, transport time and "
    "queue length. Simulated with SimPy as a discrete-event model in minutes."
)
STREAMS = (
    "Every random activity draws from its own named stream, SeedSequence(seed, spawn_key="
    "(replication, crc32(name), ...)); nothing uses global random state. An elder's k-th "
    "request of a service always takes the k-th draw of that elder's sequences, and all demand "
    "that does not depend on capacity is drawn before the simulation starts. So options run "
    "with the same seed see the same demand (common random numbers): changing capacity changes "
    "when things happen, never what is demanded. Same scenario, seed and replication give "
    "identical records whatever the number of worker processes."
)


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


def _run_facts(m: dict[str, Any]) -> list[tuple[str, str]]:
    if "carecap_sweep" in m:
        n_points = len(m.get("points", []))
        params = ", ".join(m.get("parameters", [])) or "-"
        timings = m.get("timings") or {}
        run_time = (
            [
                (
                    "Run time",
                    f"{timings['runs_s']:.1f} s of computing over {timings['runs']} finished runs "
                    "(the sum of each run's own time; worker processes ran them side by side)",
                )
            ]
            if timings.get("runs")
            else []
        )
        return [
            *run_time,
            ("Sweep", f"{m.get('name')}: {n_points} options (points), parameters {params}"),
            ("Replications per option", d.number(m.get("replications"))),
            ("Root seed", str(m.get("seed"))),
            ("Antithetic pairs", "yes" if m.get("antithetic") else "no"),
            ("Created", str(m.get("created", ""))),
        ]
    timings = m.get("timings") or {}
    finished = m.get("replications_finished") or []
    facts = [
        ("Status", str(m.get("status"))),
        (
            "Replications",
            f"{len(finished)} (numbered {', '.join(map(str, finished[:12]))}"
            f"{' …' if len(finished) > 12 else ''})",
        ),
        ("Root seed", str(m.get("seed"))),
        ("Scenario hash (SHA-256)", str(m.get("scenario_hash", ""))[:16] + "…"),
        ("Scenario files", "; ".join(m.get("scenario_files") or []) or "-"),
        ("Created", str(m.get("created", ""))),
    ]
    if timings.get("wall_s") is not None:
        facts.append(
            (
                "Run time",
                f"{timings['wall_s']:.1f} s wall clock on {timings.get('workers', '?')} "
                "worker process(es)",
            )
        )
    return facts


def method_section(manifest: dict[str, Any], scenario: dict[str, Any], lang: Lang) -> list[Markup]:
    cal = scenario.get("calendar", {})
    window = float(cal.get("horizon_days", 0)) - float(cal.get("warmup_days", 0))
    versions = manifest.get("versions") or {}
    out: list[Markup] = []

    def part(zh: str, en: str, *body: Markup) -> None:
        out.append(tag("h3", lang.heading(zh, en)))
        out.extend(body)

    part(
        "1 目标",
        "1 Objectives",
        tag(
            "p",
            "To estimate, for the scenario described in the first section, how long elders "
            "wait for each care service, how many are served on time, by district and priority "
            "tier, what the resources' utilisation is and what it costs; for a sweep, to rank "
            "capacity options against service targets and cost.",
        ),
    )
    part(
        "2 模型逻辑",
        "2 Logic",
        tag("p", LOGIC),
        tag(
            "p",
            "Outputs: the metrics of the glossary, per service and per slice (all, "
            "district, tier, care level), per replication and summarised across replications.",
        ),
    )
    part(
        "3 数据与假设",
        "3 Data and assumptions",
        tag(
            "p",
            "Inputs, their values and their sources (or ASSUMPTION) are listed in the "
            "scenario section, read from the scenario file's own comments. The reference case's "
            "facts and the reference values from practice elsewhere are in MODEL.md §1.",
        ),
    )
    drain = (
        f"; requests still waiting are followed {d.number(cal['drain_days'])} more days"
        if cal.get("drain_days")
        else ""
    )
    part(
        "4 实验设计",
        "4 Experimentation",
        table(
            [lang.word("item"), lang.word("value")],
            [
                [lang.pair(FACT_ZH.get(str(label), ""), str(label)), value]
                for label, value in [
                    ["Start date", str(cal.get("start_date", ""))],
                    ["Run length", f"{d.number(cal.get('horizon_days'))} days{drain}"],
                    [
                        "Warm-up (excluded)",
                        f"{d.number(cal.get('warmup_days'))} days: statistics over "
                        f"the {d.number(window)}-day window after it "
                        "(check with carecap warmup, MSER-5)",
                    ],
                    *_run_facts(manifest),
                    [
                        "Estimation",
                        "per-replication metrics; 95 % Student-t intervals across "
                        "replications; comparisons paired under common random numbers",
                    ],
                ]
            ],
        ),
    )
    vers = ", ".join(f"{k} {v}" for k, v in versions.items()) or "not recorded"
    part(
        "5 实现",
        "5 Implementation",
        tag("p", f"Software: {vers}. Platform: {manifest.get('platform', 'not recorded')}."),
        tag("p", STREAMS),
    )
    part(
        "6 代码",
        "6 Code access",
        tag(
            "p",
            "carecap (this package); the command that produced the results: "
            + " ".join(manifest.get("command") or [str(manifest.get("sweep_file", ""))]),
        ),
    )
    return out
