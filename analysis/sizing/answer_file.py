"""``size.json``: a sizing search's answer, kept in its results folder.

Written atomically (:func:`carecap.sim.experiments.atomic.write_json_atomic`) at the end of each
run of ``carecap size``, over the previous one: the same data as ``carecap size --json``
(:func:`carecap.analysis.sizing.report.answer_data`, with ``"status": "complete"``), which
includes the command's options. A search stopped by Ctrl-C writes what it knows
(:func:`interrupted_data`: ``"status": "interrupted"``, no answer, the candidates judged so far);
the replications themselves are in ``runs/`` either way, and rerunning the same command reuses
them and writes the answer.

:func:`carecap.analysis.load` reads the file back (``Results.sizing``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from carecap.sim.experiments.atomic import write_json_atomic

SIZE_JSON = "size.json"
COMPLETE, INTERRUPTED = "complete", "interrupted"


def write_answer(folder: Path, data: dict[str, Any]) -> Path:
    """Write ``data`` to ``folder/size.json`` atomically (a reader sees the old or the new)."""
    return write_json_atomic(Path(folder) / SIZE_JSON, data)


def varied_data(varied: list[Any]) -> list[dict[str, Any]]:
    """Each ``--vary`` path: its name with pools by name, as given, its range and given value."""
    return [
        {"path": v.shown, "given_as": v.path, "low": v.low, "high": v.high, "given": v.given}
        for v in varied
    ]


def interrupted_data(
    options: dict[str, Any],
    varied: list[Any],
    targets: list[Any],
    confidence: float,
    candidates: list[dict[str, Any]],
    folder: Path,
    runs_simulated: int,
    wall_s: float,
) -> dict[str, Any]:
    """What an interrupted search knows: its question and the candidates judged so far (their
    pilot verdicts; confirmations in progress are not kept here). No answer."""
    return {
        "status": INTERRUPTED,
        "feasible": None,
        "answer": None,
        "given": {v.shown: v.given for v in varied},
        "varied": varied_data(varied),
        "target_texts": [t.text for t in targets],
        "targets": [],
        "confidence": confidence,
        "neighbours": [],
        "candidates": candidates,
        "folder": str(folder),
        "runs_simulated": runs_simulated,
        "wall_s": wall_s,
        "options": options,
    }
