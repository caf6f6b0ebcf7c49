"""The step-down confirmation (analysis/sizing/confirm.py) on a fake evaluator whose verdicts
are known: which candidates it runs, and that the order and the answer follow Hsu & Berger's
fixed-sequence test."""

from __future__ import annotations

from types import SimpleNamespace

from carecap.analysis.sizing.confirm import confirm
from carecap.analysis.sizing.targets import Judgement, parse_target

TARGET = parse_target("centre_bath.wait_mean<=1")


class FakeEvaluator:
    """Meets the target exactly when ``meets(candidate)``; records what was run."""

    def __init__(self, meets):
        self.meets = meets
        self.ran: list[tuple[int, ...]] = []

    def ensure(self, wanted):
        self.ran += [c for c, _ in wanted]

    def judge(self, candidate, reps):
        ok = self.meets(candidate)
        mean = 0.5 if ok else 1.5
        return (Judgement(TARGET, len(reps), mean, 0.1, mean + 0.1, ok, not ok),)

    def label(self, candidate):
        return str(candidate)


def _search(meets, lows=(0, 0, 0), highs=(9, 9, 9), costs=(3.0, 2.0, 1.0)):
    varied = [SimpleNamespace(low=lo, high=hi) for lo, hi in zip(lows, highs, strict=True)]
    return SimpleNamespace(
        settings=SimpleNamespace(max_reps=10, pilot_reps=4),
        varied=varied,
        pilots={},
        ev=FakeEvaluator(meets),
        say=lambda text: None,
        unit_costs=list(costs),
        cost_key=lambda c: (sum(u * x for u, x in zip(costs, c, strict=True)), sum(c)),
    )


def _below(c, i):
    return (*c[:i], c[i] - 1, *c[i + 1 :])


def test_when_the_answer_passes_the_whole_chain_and_its_neighbours_are_run_once():
    answer = (4, 4, 4)
    search = _search(lambda c: min(c) >= 4)
    out = confirm(search, answer)
    plus = (5, 5, 5)
    neighbours = [_below(answer, i) for i in range(3)]
    # Fixed order: the answer plus one, the answer, then the neighbours by saving, largest first.
    assert out.chain == [plus, answer, *neighbours]
    assert out.answer == answer
    assert [e.candidate for e in out.tested] == [plus, answer, neighbours[0]]  # stops at 1st fail
    assert sorted(search.ev.ran) == sorted({plus, answer, *neighbours})
    assert [c.candidate for _, c in out.neighbours] == neighbours
    assert all(e.reps == tuple(range(10, 14)) for e in out.tested)  # fresh replications


def test_when_the_answer_fails_only_the_neighbours_of_the_answer_plus_one_are_run():
    answer = (4, 4, 4)
    search = _search(lambda c: min(c) >= 5)
    out = confirm(search, answer)
    plus = (5, 5, 5)
    assert [e.candidate for e in out.tested] == [plus, answer]
    assert out.answer == plus
    # The answer's own neighbours come after its failure in the fixed order: the test has
    # stopped, so they are not run (they were, before: wasted replications).
    assert not {_below(answer, i) for i in range(3)} & set(search.ev.ran)
    assert sorted(search.ev.ran) == sorted({plus, answer, *(_below(plus, i) for i in range(3))})
    assert all(not e.judgements[0].meets for _, e in out.neighbours)


def test_when_the_first_capacity_tested_fails_there_is_no_answer():
    search = _search(lambda c: False)
    out = confirm(search, (4, 4, 4))
    assert out.answer is None
    assert [e.candidate for e in out.tested] == [(5, 5, 5)]
    assert out.neighbours == []


def test_one_path_steps_down_until_the_first_failure():
    search = _search(lambda c: c[0] >= 3, lows=(0,), highs=(9,), costs=(1.0,))
    out = confirm(search, (5,))
    assert [e.candidate[0] for e in out.tested] == [6, 5, 4, 3, 2]
    assert out.answer == (3,)
    assert set(search.ev.ran) == {(6,), (5,), (4,), (3,), (2,)}
