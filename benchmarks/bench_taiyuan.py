"""Benchmark (b): one replication-year of ``scenarios/taiyuan-2022.yaml`` on one core.

Reports wall time (scenario load, simulation, records, metrics), peak resident memory, and the
in-memory size of the request records per request. Because shared machines are noisy, each
measured run is paired with a fixed reference workload in the same process (the idiomatic SimPy
M/M/c loop of ``bench_mmc.py`` serving ~100 000 customers), and the ratio is printed too: it
moves far less than wall time from one machine (or load) to the next.

    python benchmarks/bench_taiyuan.py [--repeats 3] [--scenario scenarios/taiyuan-2022.yaml]
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from benchmarks.bench_mmc import idiomatic_simpy
from carecap.sim.experiments.replications import simulate
from carecap.sim.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def one_year(path: Path) -> tuple[float, int, float]:
    """Seconds for load + simulate + metrics; request count; record bytes per request."""
    t0 = time.perf_counter()
    scenario = load_scenario(path)
    records, _metrics = simulate(scenario, 0, scenario.seed)
    elapsed = time.perf_counter() - t0
    req = records.requests
    return elapsed, len(req), req.memory_usage(deep=True).sum() / max(len(req), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios/taiyuan-2022.yaml")
    args = parser.parse_args()
    rss_before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    best_run, best_ref = float("inf"), float("inf")
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        idiomatic_simpy(25 * 1440)  # ~100 000 customers of the reference loop
        best_ref = min(best_ref, time.perf_counter() - t0)
        elapsed, n_requests, bytes_per_request = one_year(args.scenario)
        best_run = min(best_run, elapsed)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"scenario            {args.scenario.name}: {n_requests} requests in one year")
    print(f"wall time (best of {args.repeats})  {best_run:.2f} s   (target < 2 s)")
    print(f"reference loop      {best_ref:.2f} s   ratio run/reference = {best_run / best_ref:.2f}")
    print(
        f"peak memory         {peak_mb:.0f} MB (after imports: {rss_before_mb:.0f} MB; "
        "target < 300 MB)"
    )
    print(
        f"request records     {bytes_per_request:.0f} bytes per request in memory (target <= ~100)"
    )


if __name__ == "__main__":
    main()
