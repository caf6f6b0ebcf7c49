"""From a results folder to the report: :func:`report_input` reads what the sections need
from a loaded folder (:func:`carecap.analysis.load`), :func:`write_report` writes the page.

For a sweep, the detailed sections (key figures, equity) show the best-ranked option, the
options table ranks them all; the scenario section shows that option's scenario with the
sweep's settings marked. For a sizing search (``carecap size``, kind ``size``), the detailed
sections show the answer (or the best candidate found when there is none), and the options are
ranked against the search's own targets unless ``--target`` is given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from carecap.analysis.report.document import ReportInput, report_html
from carecap.analysis.report.figures import report_figures
from carecap.analysis.report.options import ranked_options
from carecap.analysis.report.sizing import answer_point, missing_note, sizing_targets
from carecap.analysis.report.targets import Target, check_targets
from carecap.analysis.report.text import Lang
from carecap.sim.errors import CarecapError
from carecap.sim.experiments.atomic import write_atomic
from carecap.sim.experiments.manifest import scenario_hash
from carecap.sim.experiments.sweep_store import store_at
from carecap.sim.scenario.loader import load_scenario

_POINT_COLUMNS = ("point_id", "label")


def _plain(scenario: Any) -> dict[str, Any]:
    return scenario.model_dump(mode="json", by_alias=True)


def _sources_changed(files: list[str], settings: dict[str, Any], expected: str | None) -> bool:
    """Whether the scenario files, loaded now with the run's settings, give another scenario
    than the one that was run (then their comments may not describe it)."""
    if not files or not expected or not Path(files[0]).is_file():
        return False
    try:
        now = load_scenario(files[0]).with_overrides(settings)
    except (CarecapError, ValueError, OSError):
        return True
    return scenario_hash(now) != expected


def _sweep_timings(folder: Path) -> dict[str, Any]:
    """The sweep's finished runs and the sum of their own run times (its manifest rows)."""
    rows = [r for r in store_at(folder).rows() if r.get("status") == "ok"]
    return {"runs": len(rows), "runs_s": sum(float(r.get("duration_s") or 0) for r in rows)}


def _is_size(manifest: dict[str, Any]) -> bool:
    spec = manifest.get("spec")
    return isinstance(spec, dict) and spec.get("kind") == "size"


def _units_added(manifest: dict[str, Any]) -> dict[str, float]:
    """A sizing search's candidates by units in total: its order when they cost the same."""
    return {
        str(p["point_id"]): float(sum(float(v) for v in (p.get("parameters") or {}).values()))
        for p in manifest.get("points") or []
    }


def report_targets(results: Any, targets: list[Target]) -> list[Target]:
    """The targets the options are ranked against: those given, else a sizing search's own."""
    sizing = getattr(results, "sizing", None)
    return list(targets) if targets or not sizing else sizing_targets(sizing)


def report_input(
    results: Any, targets: list[Target], with_figures: bool = True, lang: str = "both"
) -> ReportInput:
    """What the report shows, read from ``results`` (a loaded results folder); the figures drawn
    in ``lang`` (``zh``, ``en``; ``both``: in Chinese)."""
    manifest = results.manifest
    targets = report_targets(results, targets)
    sizing = getattr(results, "sizing", None)
    if targets:
        check_targets(targets, results.summary)
    if results.kind == "run":
        files = list(manifest.get("scenario_files") or [])
        settings = dict(manifest.get("set") or {})
        data = ReportInput(
            "run",
            results.summary,
            _plain(results.scenario),
            manifest,
            files,
            settings,
            stale_sources=_sources_changed(files, settings, manifest.get("scenario_hash")),
        )
    else:
        sweep = results.summary
        best = ranked_options(
            sweep, targets, _units_added(manifest) if _is_size(manifest) else None
        )[0]
        point_id, label = best[0], best[1]
        shown = answer_point(sizing)
        if shown is not None and shown in set(sweep["point_id"]):
            point_id = shown
            label = str(sweep.loc[sweep["point_id"] == shown, "label"].iloc[0])
        point = next(p for p in manifest["points"] if p["point_id"] == point_id)
        mine = sweep[sweep["point_id"] == point_id]
        detail = mine.drop(columns=[*_POINT_COLUMNS, *results.parameters], errors="ignore")
        data = ReportInput(
            "sweep",
            detail.reset_index(drop=True),
            _plain(results.point_scenario(point_id)),
            {**manifest, "timings": _sweep_timings(results.folder)},
            list(manifest.get("base_files") or []),
            dict(point.get("overrides") or {}),
            sweep_summary=sweep,
            parameters=list(results.parameters),
            detail_label=f"{label} ({point_id})",
            status=results.status,
            sizing=sizing,
            notes=[n for n in [missing_note(manifest)] if n is not None and sizing is None],
            option_order=_units_added(manifest) if _is_size(manifest) else None,
        )
    if with_figures:
        point = data.detail_label.rsplit("(", 1)[-1].rstrip(")") if data.kind == "sweep" else None
        data.figures, data.figure_notes = report_figures(results, point, lang)
    return data


def write_report(
    results: Any, out: Path, lang: str = "both", targets: list[Target] | None = None
) -> Path:
    """Write the report of ``results`` to ``out`` (atomically) and return the path."""
    targets = report_targets(results, targets or [])
    html = report_html(report_input(results, targets, lang=lang), Lang(lang), targets)
    return write_atomic(Path(out), lambda tmp: tmp.write_text(html, encoding="utf-8"))
