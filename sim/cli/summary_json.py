"""The JSON document of a summary (``carecap run --json``, ``carecap summary --json``): the
run's identity, the summary rows, and every slice with its labels."""

from __future__ import annotations

from typing import Any


def summary_document(
    summary: Any, scenario: Any, seed: int, status: str, replications: int | None = None
) -> dict[str, Any]:
    """``summary``: a summary frame (one scenario, or one sweep point); ``scenario``: its
    resolved scenario (for the slices' labels) or None; ``replications``: how many were run
    (default: the most any summary row counts)."""
    from carecap.analysis.summary_table import BY, slice_labels, summary_json

    rows = summary.astype(object).where(summary.notna(), None).to_dict(orient="records")
    labels = {b: slice_labels(scenario, b) for b in BY} if scenario is not None else None
    if replications is None:
        replications = int(summary["n"].max()) if len(summary) else 0
    name = scenario.name if scenario is not None else _name(summary)
    return {
        "scenario": name,
        "seed": int(seed),
        "replications": int(replications),
        "status": status,
        "summary": rows,
        "slices": summary_json(summary, labels),
    }


def _name(summary: Any) -> str | None:
    names = summary["scenario"].unique() if len(summary) else []
    return str(names[0]) if len(names) else None
