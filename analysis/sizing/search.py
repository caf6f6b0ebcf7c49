"""The pilot search: the smallest (one path) or cheapest (several) candidate meeting every target.

Pilots run replications ``0, 1, ...`` at every candidate (common random numbers). At a candidate,
``pilot_reps`` replications are run, then more in steps of ``pilot_reps`` while some target is
undecided (neither met nor clearly failed at the stated confidence, see
:class:`~carecap.analysis.sizing.targets.Judgement`), up to ``max_reps``; still undecided there
counts as not met.

* **One path**: the top of the range is checked first (if it fails, nothing in the range meets the
  targets). Then bisection on ``(largest failing, smallest meeting]``, whose first probe is the
  rough-cut estimate (:mod:`carecap.analysis.sizing.rough_cut`) instead of the midpoint.
* **Several paths**: the top corner first; then, for each path, the smallest value meeting the
  targets with every other path at its top (bisection as above). Monotonicity (more capacity never
  hurts) makes these a lower corner of every feasible candidate. From there, candidates are taken
  in order of cost (the scenario's unit costs; without costs, the number of units), each one's
  one-unit-larger neighbours queued when it fails; the first that meets is the cheapest. At most
  ``max_candidates`` are evaluated; if that budget runs out, the cheapest candidate found meeting
  the targets is returned and flagged as not proven cheapest.

Monotonicity is checked, not assumed: every pair of evaluated candidates where the smaller meets
the targets and the larger clearly fails them is reported.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field

from carecap.analysis.sizing.evaluate import Evaluator
from carecap.analysis.sizing.rough_cut import RoughCut, rough_cut
from carecap.analysis.sizing.targets import Judgement
from carecap.analysis.sizing.vary import Candidate


@dataclass(frozen=True)
class Settings:
    confidence: float = 0.95
    max_reps: int = 20
    pilot_reps: int = 4
    target_utilisation: float = 0.85
    max_candidates: int = 60


@dataclass(frozen=True)
class Evaluated:
    """A candidate's judgements on some replications, and the verdict."""

    candidate: Candidate
    stage: str
    """``pilot`` or ``confirm``."""
    reps: tuple[int, ...]
    judgements: tuple[Judgement, ...]

    @property
    def meets(self) -> bool:
        return all(j.meets for j in self.judgements)

    @property
    def fails(self) -> bool:
        return any(j.fails for j in self.judgements)

    @property
    def verdict(self) -> str:
        return "meets" if self.meets else ("fails" if self.fails else "undecided")

    def binding(self) -> Judgement | None:
        """The target furthest on the wrong side (relative to its threshold), if any."""
        wrong = [j for j in self.judgements if not j.meets]
        if not wrong:
            return None

        def miss(j: Judgement) -> float:
            scale = abs(j.target.threshold) or 1.0
            gap = (j.bound - j.target.threshold) / scale
            return gap if j.target.upper else -gap

        return max(wrong, key=lambda j: float("inf") if j.n < 2 else miss(j))


@dataclass
class SearchResult:
    answer: Candidate | None
    """The pilots' answer (None: nothing in the range meets the targets)."""
    best: Candidate
    """The answer, or the best candidate found when none meets (the top of the range)."""
    proven: bool
    """False when the candidate budget ran out before the cheapest was proven."""
    rough_cuts: list[RoughCut | None] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)


class Search:
    """The pilot search over the box of ``--vary`` ranges; see the module docstring."""

    def __init__(
        self, evaluator: Evaluator, settings: Settings, say: Callable[[str], None] | None = None
    ) -> None:
        self.ev = evaluator
        self.settings = settings
        self.say = say or (lambda text: None)
        self.varied = evaluator.builder.varied
        self.pilots: dict[Candidate, Evaluated] = {}
        self.unit_costs = [0.0] * len(self.varied)

    # --- one candidate --------------------------------------------------------------------

    def pilot(self, candidate: Candidate) -> Evaluated:
        if candidate in self.pilots:
            return self.pilots[candidate]
        s = self.settings
        step = max(2, min(s.pilot_reps, s.max_reps))
        n = step
        while True:
            self.ev.ensure([(candidate, range(n))])
            result = Evaluated(
                candidate, "pilot", tuple(range(n)), tuple(self.ev.judge(candidate, range(n)))
            )
            if result.meets or result.fails or n >= s.max_reps:
                break
            n = min(s.max_reps, n + step)
        self.pilots[candidate] = result
        self.say(progress_line(self.ev.label(candidate), result))
        return result

    # --- the search -------------------------------------------------------------------------

    def cost_key(self, candidate: Candidate) -> tuple[float, int]:
        cost = sum(u * x for u, x in zip(self.unit_costs, candidate, strict=True))
        return cost, sum(candidate)

    def run(self) -> SearchResult:
        top = tuple(v.high for v in self.varied)
        first = self.pilot(top)
        cuts = self._rough_cuts(top)
        if not first.meets:
            return SearchResult(None, top, True, cuts, self._violations())
        lows = []
        for i in range(len(self.varied)):
            guess = cuts[i].units if cuts[i] is not None else None
            lows.append(self._bisect(i, top, guess))
        lower = tuple(lows)
        if len(self.varied) == 1:
            return SearchResult(lower, lower, True, cuts, self._violations())
        answer, proven = self._cheapest_from(lower)
        return SearchResult(answer, answer, proven, cuts, self._violations())

    def _rough_cuts(self, top: Candidate) -> list[RoughCut | None]:
        reps = self.pilots[top].reps
        m = self.ev.metrics(top, reps)
        util = m[(m["metric"] == "utilisation") & (m["slice"] == "pool")]
        by_pool = util.groupby(util["slice_value"].astype(str))["value"].mean().to_dict()
        scenario = self.ev.builder.scenario(top)
        return rough_cut(scenario, self.varied, by_pool, self.settings.target_utilisation)

    def _bisect(self, i: int, top: Candidate, guess: int | None) -> int:
        """The smallest value of path ``i`` meeting the targets, the other paths at ``top``."""
        v = self.varied[i]

        def at(x: int) -> Candidate:
            return (*top[:i], x, *top[i + 1 :])

        bad, good = v.low - 1, v.high  # largest known failing, smallest known meeting
        probe = guess
        while good - bad > 1:
            mid = (bad + good) // 2
            if probe is not None and bad < probe < good:
                mid = probe
            probe = None
            if self.pilot(at(mid)).meets:
                good = mid
            else:
                bad = mid
        return good

    def _cheapest_from(self, lower: Candidate) -> tuple[Candidate, bool]:
        high = tuple(v.high for v in self.varied)
        heap = [(self.cost_key(lower), lower)]
        seen = {lower}
        evaluated = 0
        while heap:
            _, x = heapq.heappop(heap)
            below_failing = any(
                all(a <= b for a, b in zip(x, c, strict=True))
                for c, r in self.pilots.items()
                if not r.meets
            )
            if not below_failing:
                if self.pilot(x).meets:
                    return x, True
                evaluated += 1
                if evaluated >= self.settings.max_candidates:
                    break
            for i in range(len(x)):
                if x[i] < high[i]:
                    nxt = (*x[:i], x[i] + 1, *x[i + 1 :])
                    if nxt not in seen:
                        seen.add(nxt)
                        heapq.heappush(heap, (self.cost_key(nxt), nxt))
        known_good = [c for c, r in self.pilots.items() if r.meets]
        return min(known_good, key=self.cost_key), False

    def _violations(self) -> list[str]:
        out = []
        items = list(self.pilots.items())
        for x, rx in items:
            for y, ry in items:
                smaller = x != y and all(a <= b for a, b in zip(x, y, strict=True))
                if smaller and rx.meets and ry.fails:
                    out.append(
                        f"{self.ev.label(x)} meets the targets but the larger "
                        f"{self.ev.label(y)} clearly fails them"
                    )
        return out


def progress_line(label: str, result: Evaluated) -> str:
    """``pilot   stations=14  n=5  centre_bath.wait_mean 2.31 (<=2.55) ... -> meets``."""
    parts = []
    for j in result.judgements:
        bound = "" if j.n < 2 else f" ({'<=' if j.target.upper else '>='}{j.bound:.4g})"
        parts.append(f"{j.target.name} {j.mean:.4g}{bound}")
    return (
        f"{result.stage:<7} {label}  n={len(result.reps)}  "
        + "; ".join(parts)
        + (f"  -> {result.verdict}")
    )
