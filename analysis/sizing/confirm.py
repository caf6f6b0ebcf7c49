"""Confirming the pilots' answer on fresh replications: a fixed-sequence step-down test.

Hsu & Berger (1999), "Stepwise confidence intervals without multiplicity adjustment for
dose-response and toxicity studies", JASA 94:468-482. Hypotheses are tested in an order fixed
before the data are seen, each at the full level, stopping at the first that is not rejected;
the chance of wrongly declaring any of them rejected stays within the level, without
multiplicity correction.
Here the null hypothesis of a capacity is "it does not meet the targets" (rejected when every
target's one-sided bound is on the right side: an intersection-union test), and the data are
replications whose indices no pilot used (``max_reps``, ``max_reps + 1``, ...), so the order,
set from the pilots, is independent of them. The chance of reporting a capacity that does not
meet the targets is then at most ``1 - confidence``.

The order, from large to small: one path — the pilots' answer plus one, the answer, then one less
at a time down to the bottom of the range; several paths — the answer plus one on every path, the
answer, then each one-unit-smaller neighbour (the largest saving first). The reported capacity is
the cheapest that passed. Its one-unit-smaller neighbours (per path) are shown with their
estimates on the same fresh replications, so the planner sees why one less would not do.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from carecap.analysis.sizing.search import Evaluated, Search, progress_line
from carecap.analysis.sizing.vary import Candidate


@dataclass
class Confirmation:
    reps: tuple[int, ...]
    chain: list[Candidate]
    """The pre-set order of the test."""
    tested: list[Evaluated] = field(default_factory=list)
    """The candidates tested, in order, up to and including the first that failed."""
    answer: Candidate | None = None
    """The cheapest candidate that passed (None: the first one tested failed)."""
    neighbours: list[tuple[int, Evaluated]] = field(default_factory=list)
    """For each path ``i`` whose value can go one lower: the answer minus one on that path."""


def confirm(search: Search, pilot_answer: Candidate) -> Confirmation:
    """Run the step-down test around ``pilot_answer``; see the module docstring."""
    s = search.settings
    varied = search.varied
    n_pilot = len(search.pilots[pilot_answer].reps) if pilot_answer in search.pilots else 0
    n = min(s.max_reps, max(n_pilot, s.pilot_reps, 2))
    reps = tuple(range(s.max_reps, s.max_reps + n))
    chain = _chain(search, pilot_answer)
    out = Confirmation(reps, chain)
    results: dict[Candidate, Evaluated] = {}

    def evaluate(batch: list[Candidate]) -> None:
        todo = [c for c in batch if c not in results]
        search.ev.ensure([(c, reps) for c in todo])
        for c in todo:
            results[c] = Evaluated(c, "confirm", reps, tuple(search.ev.judge(c, reps)))
            search.say(progress_line(search.ev.label(c), results[c]))

    # One path: evaluate three at a time, then go on one by one while the test passes. Several
    # paths: the answer plus one and the answer first, then (both passed) the neighbours in one
    # batch; when the answer fails, its neighbours are not tested (the test has stopped), so they
    # are not run: the neighbours shown are then those of the answer plus one.
    one_path = len(varied) == 1
    evaluate(chain[:3] if one_path else chain[:2])
    passed: list[Candidate] = []
    for k, c in enumerate(chain):
        if c not in results:
            evaluate([c] if one_path else chain[k:])
        out.tested.append(results[c])
        if not results[c].meets:
            break
        passed.append(c)
    if not passed:
        return out
    out.answer = min(passed, key=search.cost_key)
    below = []
    for i, v in enumerate(varied):
        if out.answer[i] - 1 >= v.low:
            below.append((i, (*out.answer[:i], out.answer[i] - 1, *out.answer[i + 1 :])))
    evaluate([c for _, c in below])
    out.neighbours = [(i, results[c]) for i, c in below]
    return out


def _chain(search: Search, answer: Candidate) -> list[Candidate]:
    varied = search.varied
    plus = tuple(min(v.high, x + 1) for v, x in zip(varied, answer, strict=True))
    chain = [plus] if plus != answer else []
    chain.append(answer)
    if len(varied) == 1:
        chain += [(x,) for x in range(answer[0] - 1, varied[0].low - 1, -1)]
        return chain
    smaller = [(search.unit_costs[i], i) for i, v in enumerate(varied) if answer[i] - 1 >= v.low]
    for _, i in sorted(smaller, reverse=True):
        chain.append((*answer[:i], answer[i] - 1, *answer[i + 1 :]))
    return chain
