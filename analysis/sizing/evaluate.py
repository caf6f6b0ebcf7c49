"""Running candidates' replications and judging the targets on them.

Every candidate runs with the scenario's seed and the same replication indices (common random
numbers: all candidates see the same demand, so comparisons between them are paired). Pilot
replications are numbered ``0 .. max_reps-1``; the confirmation uses ``max_reps ..``, indices no
pilot ever used (fresh, independent data). Runs are read back from the results folder, so a run
finished in an earlier session is reused, not redone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pandas as pd

from carecap.analysis.sizing.store import SizeStore, point_id
from carecap.analysis.sizing.targets import (
    Judgement,
    Target,
    judge,
    target_unit,
    target_values,
)
from carecap.analysis.sizing.vary import Candidate, CandidateBuilder
from carecap.sim.experiments.sweep_files import metrics_relpath, read_row, row_relpath

KEEP_METRICS = ("cost_per_year", "caregiver_fte", "bath_team_fte", "utilisation")
"""Metrics kept in memory besides the targets' (for the answer table and the rough-cut)."""


class RunFailed(RuntimeError):
    """A replication of a candidate raised (a bug in carecap: the message has its error)."""


@dataclass
class Evaluator:
    """Runs and remembers candidates' replications (tidy metrics, the rows that matter)."""

    builder: CandidateBuilder
    targets: list[Target]
    confidence: float
    store: SizeStore
    workers: int | None = None
    on_row: Callable[[dict], None] | None = None
    _metrics: dict[tuple[Candidate, int], pd.DataFrame] = field(default_factory=dict)
    ran: int = 0
    """Replications simulated in this session (the others were read from the folder)."""

    def label(self, candidate: Candidate) -> str:
        return ", ".join(
            f"{v.shown}={x}" for v, x in zip(self.builder.varied, candidate, strict=True)
        )

    def ensure(self, wanted: Iterable[tuple[Candidate, Iterable[int]]]) -> None:
        """Make sure these (candidate, replications) are run (in one batch) and loaded."""
        runs: list[tuple[str, int]] = []
        keys: list[tuple[Candidate, int]] = []
        for candidate, reps in wanted:
            scenario = self.builder.scenario(candidate)
            pid = self.store.add(
                candidate, self.label(candidate), self.builder.overrides(candidate), scenario
            )
            for rep in reps:
                if (candidate, rep) not in self._metrics:
                    runs.append((pid, rep))
                    keys.append((candidate, rep))
        if not runs:
            return
        self.ran += self.store.run(runs, self.workers, self.on_row)
        for candidate, rep in keys:
            self._metrics[(candidate, rep)] = self._load(candidate, rep)

    def _load(self, candidate: Candidate, rep: int) -> pd.DataFrame:
        pid = point_id(candidate)
        row = read_row(self.store.dir / row_relpath(pid, rep))
        if not isinstance(row, dict) or row.get("status") != "ok":
            error = (row or {}).get("error") or {}
            raise RunFailed(
                f"replication {rep} of candidate {self.label(candidate)} failed: "
                f"{error.get('message', 'no result')}"
            )
        frame = pd.read_parquet(self.store.dir / metrics_relpath(pid, rep))
        wanted = {t.metric for t in self.targets} | set(KEEP_METRICS)
        return frame[frame["metric"].isin(wanted)].reset_index(drop=True)

    def metrics(self, candidate: Candidate, reps: Iterable[int]) -> pd.DataFrame:
        """The loaded metrics of these replications of ``candidate`` (all must be ensured)."""
        return pd.concat([self._metrics[(candidate, r)] for r in reps], ignore_index=True)

    def judge(self, candidate: Candidate, reps: Iterable[int]) -> list[Judgement]:
        """Each target's verdict on these replications of ``candidate``."""
        m = self.metrics(candidate, list(reps))
        return [
            judge(t, target_values(t, m).to_numpy(), self.confidence, target_unit(t, m))
            for t in self.targets
        ]

    def mean_of(
        self, candidate: Candidate, reps: Iterable[int], metric: str, slice_value: str = "all"
    ) -> float:
        """Mean over replications of one metric row (service any, slice value as given)."""
        m = self.metrics(candidate, list(reps))
        rows = m[(m["metric"] == metric) & (m["slice_value"].astype(str) == slice_value)]
        return float(rows["value"].mean()) if len(rows) else float("nan")
