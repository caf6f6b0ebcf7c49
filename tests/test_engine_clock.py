"""The engine's clock (``sim/engine/clock.py``, on SimPy's internals) behaves as SimPy's public
API: callbacks scheduled with ``call_at`` run in the order ``env.timeout`` callbacks would, ties
and SimPy's own processes included, ``run_until`` stops where ``env.run(until=...)`` does, and a
failed SimPy event crashes the run as it does in SimPy."""

from __future__ import annotations

import random

import pytest
import simpy

from carecap.sim.engine.clock import call_at, run_until


def _timeout_at(env: simpy.Environment, time_min: float, fn) -> None:
    env.timeout(max(time_min - env.now, 0.0)).callbacks.append(fn)


def _trace(schedule, run, seed: int) -> list[tuple[float, str]]:
    """What happens, in order, when callbacks at tied times (some rescheduling others, some at
    the horizon) share the clock with a SimPy process."""
    rng = random.Random(seed)
    env = simpy.Environment()
    seen: list[tuple[float, str]] = []

    def callback(name: str, more: int):
        def fn(_ev) -> None:
            seen.append((env.now, name))
            for i in range(more):  # ties: whole minutes, often now (a delay of 0)
                schedule(env, env.now + rng.choice([0, 0, 1, 2]), callback(f"{name}.{i}", more - 1))

        return fn

    def ticker():
        for i in range(12):
            yield env.timeout(1)
            seen.append((env.now, f"tick{i}"))

    env.process(ticker())
    for i in range(6):
        schedule(env, rng.choice([0, 1, 3, 5, 10]), callback(f"c{i}", 3))
    run(env, 10.0)
    seen.append((env.now, "stop"))
    return seen


@pytest.mark.parametrize("seed", range(4))
def test_same_order_as_simpy_timeouts(seed: int) -> None:
    public = _trace(_timeout_at, lambda env, t: env.run(until=t), seed)
    clock = _trace(call_at, run_until, seed)
    assert clock == public
    assert public[-1] == (10.0, "stop") and all(t < 10.0 for t, _ in public[:-1])


def test_run_until_after_the_clock_is_refused() -> None:
    env = simpy.Environment(initial_time=5.0)
    with pytest.raises(ValueError, match="until"):
        run_until(env, 5.0)


def test_a_failed_process_crashes_the_run_as_in_simpy() -> None:
    def broken(env: simpy.Environment):
        yield env.timeout(1)
        raise KeyError("boom")

    crashes = []
    for run in (lambda env: env.run(until=5), lambda env: run_until(env, 5)):
        env = simpy.Environment()
        env.process(broken(env))
        with pytest.raises(KeyError) as info:
            run(env)
        crashes.append((type(info.value), info.value.args, env.now))
    assert crashes[0] == crashes[1]
