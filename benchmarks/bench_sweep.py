"""Benchmark (c): sweep throughput on 1 and 2 local worker processes and a Dask local cluster.

Runs the same sweep (``scenarios/taiyuan-2022.yaml`` over ``--horizon`` days, default the full
year: 1-2 s a run; stations 14-20 x ``--reps`` replications) three times, each into a
fresh results folder, and prints for each executor: start-up time (process pool / cluster start
and the workers' imports, measured as the time to the first result minus one run), sweep wall
time, runs per second overall and in steady state (after each worker's first result), and then:

* speed-up of 2 local workers over 1 (target >= 1.8x on 2 cores), steady state;
* overhead of the Dask local cluster (2 single-threaded workers) against 2 local processes
  (target <= 10 % on runs of >= 1 s), steady state and overall.

It also checks that the three executors wrote identical metrics. On a shared machine the
speed-up is bounded by what the machine gives: a calibration (a pure-Python loop in one process,
then in two at once, before and after the sweeps) prints the machine's own two-process speed-up,
and the sweep's speed-up is also given as a share of it.

    python -m benchmarks.bench_sweep [--reps 4] [--horizon 365] [--repeats 2]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import yaml

from carecap.sim.experiments.executors import DaskExecutor, Executor, LocalExecutor
from carecap.sim.experiments.sweep_progress import Progress
from carecap.sim.experiments.sweep_run import run_sweep
from carecap.sim.experiments.sweep_spec import load_sweep
from carecap.sim.experiments.sweep_store import open_store

ROOT = Path(__file__).resolve().parent.parent


class Clock(Progress):
    """Records when each run finished."""

    def __init__(self, total: int) -> None:
        super().__init__(total, 0)
        self.times: list[float] = []

    def update(self, row) -> None:
        super().update(row)
        self.times.append(time.perf_counter())


def measure(name: str, make: Callable[[], Executor], sweep, folder: Path, slots: int) -> dict:
    t0 = time.perf_counter()
    executor: Executor = make()
    clock = Clock(sweep.n_runs())
    with executor:
        store = open_store(folder / name, sweep)
        started = time.perf_counter()
        outcome = run_sweep(sweep, store, executor, progress=clock)
    end = clock.times[-1]
    assert outcome.failed == 0, f"{name}: {outcome.failed} run(s) failed"
    # steady state: from each worker's first result to the last one
    steady_runs = len(clock.times) - slots
    steady_s = end - clock.times[slots - 1]
    per_run = steady_s / steady_runs * slots
    return {
        "executor": name,
        "runs": outcome.ran,
        "startup_s": max(0.0, clock.times[0] - started - per_run) + (started - t0),
        "wall_s": end - t0,
        "runs_per_s": outcome.ran / (end - t0),
        "steady_runs_per_s": steady_runs / steady_s,
        "s_per_run": per_run,
        "dir": store.dir,
    }


SPIN = "x = sum(range(30_000_000))"


def machine_scaling() -> float:
    """Throughput of 2 concurrent CPU-bound processes relative to 1 (2.0 on 2 idle cores)."""
    import subprocess
    import sys

    def wall(n: int) -> float:
        t0 = time.perf_counter()
        procs = [
            subprocess.Popen([sys.executable, "-c", SPIN], stdout=subprocess.DEVNULL)
            for _ in range(n)
        ]
        for p in procs:
            p.wait()
        return time.perf_counter() - t0

    return 2 * wall(1) / wall(2)


def identical(a: Path, b: Path) -> bool:
    files = sorted(p.relative_to(a) for p in a.glob("runs/*/*.parquet"))
    return all(pd.read_parquet(a / f).equals(pd.read_parquet(b / f)) for f in files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=4, help="replications per point (4 points)")
    parser.add_argument("--horizon", type=float, default=365, help="days simulated per run")
    parser.add_argument("--repeats", type=int, default=2, help="rounds; the best of each is kept")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        spec = {
            "name": "bench",
            "base": str(ROOT / "scenarios" / "taiyuan-2022.yaml"),
            "replications": args.reps,
            "seed": 1,
            "overrides": {"calendar.horizon_days": args.horizon},
            "grid": {"bathing_centre.stations": [14, 16, 18, 20]},
        }
        (folder / "bench.yaml").write_text(yaml.safe_dump(spec))
        sweep = load_sweep(folder / "bench.yaml")
        scaling_before = machine_scaling()
        print(
            f"sweep: {len(sweep.points)} points x {sweep.replications} replications of "
            f"taiyuan-2022 over {args.horizon:g} days, best of {args.repeats} round(s); "
            f"{os.cpu_count()} CPU(s)"
        )
        makers = {
            "local, 1 worker": (lambda: LocalExecutor(1), 1),
            "local, 2 workers": (lambda: LocalExecutor(2), 2),
            "dask local cluster, 2 workers": (lambda: DaskExecutor(None, 2), 2),
        }
        best: dict[str, dict] = {}
        for round_ in range(args.repeats):  # the best of each: shared machines are noisy
            for name, (make, slots) in makers.items():
                r = measure(name, make, sweep, folder / f"round{round_}", slots)
                if name not in best or r["steady_runs_per_s"] > best[name]["steady_runs_per_s"]:
                    best[name] = r
        results = list(best.values())
        scaling = (scaling_before + machine_scaling()) / 2
        print(
            f"\n{'executor':<31}{'start-up s':>11}{'wall s':>9}{'runs/s':>9}"
            f"{'steady runs/s':>15}{'s per run':>11}"
        )
        for r in results:
            print(
                f"{r['executor']:<31}{r['startup_s']:>11.1f}{r['wall_s']:>9.1f}"
                f"{r['runs_per_s']:>9.2f}{r['steady_runs_per_s']:>15.2f}{r['s_per_run']:>11.2f}"
            )
        one, two, dask = results
        speedup = two["steady_runs_per_s"] / one["steady_runs_per_s"]
        overhead = one_minus(two["steady_runs_per_s"], dask["steady_runs_per_s"])
        overall = one_minus(two["runs_per_s"], dask["runs_per_s"])
        print(
            f"\n2 local workers vs 1: {speedup:.2f}x steady state, "
            f"{two['runs_per_s'] / one['runs_per_s']:.2f}x overall  (target >= 1.8x on 2 cores)"
        )
        print(
            f"machine calibration: 2 CPU-bound processes at once run {scaling:.2f}x as fast as "
            f"one (2.00 on 2 idle cores); the sweep's steady speed-up is {speedup / scaling:.0%} "
            "of that"
        )
        print(
            f"dask vs 2 local workers: overhead {overhead:+.1%} steady state, {overall:+.1%} "
            "overall with start-up  (target <= 10 % on runs of >= 1 s)"
        )
        same = identical(one["dir"], two["dir"]) and identical(one["dir"], dask["dir"])
        print(f"identical metrics from the three executors: {same}")


def one_minus(reference: float, other: float) -> float:
    """Relative slowdown of ``other`` against ``reference`` (throughputs): ref/other - 1."""
    return reference / other - 1


if __name__ == "__main__":
    main()
