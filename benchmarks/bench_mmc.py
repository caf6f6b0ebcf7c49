"""Benchmark (a): the M/M/c configuration through the whole carecap pipeline against a plain,
idiomatic SimPy M/M/c loop (a process per customer, ``simpy.Resource``), in one process.

Both serve the same Poisson stream parameters (lambda = 1/min, mean service 3.33 min, c = 4,
utilisation 0.83). Runs are interleaved and repeated; each side's best time is used, since shared
machines are noisy. The carecap side includes scenario validation, demand generation,
simulation, the record tables and the per-replication metrics.

    python benchmarks/bench_mmc.py [--days 140] [--repeats 5]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import simpy

from carecap.sim.engine.kernel import run_replication
from carecap.sim.metrics.replication import replication_metrics
from carecap.sim.validation.mmc import mmc_scenario

LAMBDA_PER_MIN, SERVICE_MEAN_MIN, SERVERS = 1.0, 10 / 3, 4


def idiomatic_simpy(horizon_min: float, seed: int = 1) -> int:
    """The reference: the loop a SimPy user would write. Returns customers served."""
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    servers = simpy.Resource(env, SERVERS)
    waits: list[float] = []

    def customer(env: simpy.Environment):
        arrived = env.now
        with servers.request() as req:
            yield req
            waits.append(env.now - arrived)
            yield env.timeout(rng.exponential(SERVICE_MEAN_MIN))

    def source(env: simpy.Environment):
        while True:
            yield env.timeout(rng.exponential(1 / LAMBDA_PER_MIN))
            env.process(customer(env))

    env.process(source(env))
    env.run(until=horizon_min)
    return len(waits)


def carecap_pipeline(days: float) -> int:
    """Validate the scenario, simulate one replication, compute its metrics. Returns served."""
    scenario = mmc_scenario(
        LAMBDA_PER_MIN, SERVICE_MEAN_MIN, SERVERS, horizon_days=days, warmup_days=1
    )
    records = run_replication(scenario, 0)
    replication_metrics(records, scenario)
    return int((records.requests["outcome"] == "served").sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=float, default=140.0)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    best = {"carecap": (np.inf, 0), "simpy": (np.inf, 0)}
    for _ in range(args.repeats):
        for name, fn in (
            ("simpy", lambda: idiomatic_simpy(args.days * 1440)),
            ("carecap", lambda: carecap_pipeline(args.days)),
        ):
            t0 = time.perf_counter()
            served = fn()
            elapsed = time.perf_counter() - t0
            if elapsed < best[name][0]:
                best[name] = (elapsed, served)
    rates = {name: served / elapsed for name, (elapsed, served) in best.items()}
    for name, (elapsed, served) in best.items():
        print(f"{name:8s} served {served:8d} in {elapsed:6.2f} s  = {rates[name]:9.0f} requests/s")
    print(
        f"ratio carecap / idiomatic SimPy = {rates['carecap'] / rates['simpy']:.2f} "
        f"(target >= 1.5; best of {args.repeats} interleaved runs)"
    )


if __name__ == "__main__":
    main()
