"""Benchmark (c): inputs that once made the engine or a sampler crawl, timed outside the tests.

The tests check that these cases are *correct* (tests/test_engine_demand.py,
tests/test_distributions.py); wall-clock limits do not belong in tests on a shared machine, so
their speed is watched here instead. Each case prints its best time over the repeats next to a
fixed reference workload (the idiomatic SimPy M/M/c loop of ``bench_mmc``) run in the same
process, and the ratio, which moves far less than wall time with the machine's load.

* ``ulp-due-dates``: gamma intervals of shape ~0.02 put many due dates a few float ulps apart
  (20 elders, ~700 requests, 40 days); a clock stuck an ulp short of a due date would spin.
* ``deep-normal``: 20 000 draws of normal(mean=-5, sd=1) truncated at 0, which rejection
  sampling would need ~1e7 rounds for.

    python -m benchmarks.bench_edge_cases [--repeats 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from pydantic import TypeAdapter

from benchmarks.bench_mmc import idiomatic_simpy
from carecap.sim.engine.kernel import run_replication
from carecap.sim.scenario.distributions import DistOrNumber

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from test_engine_demand import ulp_due_dates_scenario


def ulp_due_dates() -> None:
    run_replication(ulp_due_dates_scenario(), 0)


def deep_normal() -> None:
    normal = TypeAdapter(DistOrNumber).validate_python({"dist": "normal", "mean": -5.0, "sd": 1})
    normal.sample(np.random.default_rng(11), 20_000)


CASES = {"ulp-due-dates": ulp_due_dates, "deep-normal": deep_normal}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    best = dict.fromkeys([*CASES, "reference"], float("inf"))
    for _ in range(args.repeats):
        for name, fn in [*CASES.items(), ("reference", lambda: idiomatic_simpy(5 * 1440))]:
            t0 = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t0)
    for name in CASES:
        print(
            f"{name:14s} {best[name]:6.3f} s   ratio to reference loop = "
            f"{best[name] / best['reference']:.2f}"
        )
    print(f"{'reference':14s} {best['reference']:6.3f} s   (idiomatic SimPy M/M/c, 5 days)")


if __name__ == "__main__":
    main()
