"""Benchmark: whole processes, side by side: ``carecap run`` against the idiomatic SimPy loop.

Both serve the same M/M/10 queue at utilisation 0.9 (lambda = 1/min, mean service 9 min, ten
servers) for about one million requests (695 days). Each side is a fresh child process measured
from start to exit: its CPU seconds (user + system, from ``os.wait4``) include interpreter
start-up, imports, validation, simulation, metrics and writing. The carecap side is
``carecap run FILE --reps 1 --workers 1 --no-records`` (and once with records, for reference);
the reference is the loop a SimPy user writes (a process per customer, ``simpy.Resource``,
Python's ``random`` as in SimPy's own examples), defined below and run with ``--reference``.
Runs are interleaved; each side's best of ``--repeats`` is used.

Also measured: ``carecap check`` of a small scenario file, whole process, wall seconds (target
< 0.5 s), best of ``--repeats``.

    python -m benchmarks.bench_whole_process [--days 695] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_memory import MMC, carecap_command, write_mmc

TARGET_RATIO, CHECK_TARGET_S = 1.5, 0.5


def idiomatic_simpy(horizon_min: float, seed: int = 1) -> tuple[int, float]:
    """The reference loop; returns customers served and their mean wait (minutes)."""
    import random

    import simpy

    rng = random.Random(seed)
    env = simpy.Environment()
    servers = simpy.Resource(env, MMC["servers"])
    waits: list[float] = []
    rate, service_mean = MMC["arrival_rate_per_min"], MMC["service_mean_min"]

    def customer(env: simpy.Environment):
        arrived = env.now
        with servers.request() as req:
            yield req
            waits.append(env.now - arrived)
            yield env.timeout(rng.expovariate(1 / service_mean))

    def source(env: simpy.Environment):
        while True:
            yield env.timeout(rng.expovariate(rate))
            env.process(customer(env))

    env.process(source(env))
    env.run(until=horizon_min)
    return len(waits), sum(waits) / max(len(waits), 1)


def child(command: list[str]) -> tuple[float, float]:
    """Run ``command``; its CPU seconds (user + system) and wall seconds."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read() if proc.stderr else b""
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{stderr.decode()}")
    return usage.ru_utime + usage.ru_stime, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=float, default=695.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--reference", action="store_true", help="run the SimPy loop only")
    args = parser.parse_args()
    if args.reference:
        served, mean_wait = idiomatic_simpy((args.days + 1) * 1440)
        print(f"served {served}, mean wait {mean_wait:.3f} min")
        return
    with tempfile.TemporaryDirectory(prefix="bench-whole-") as tmp:
        mmc = write_mmc(Path(tmp), args.days)
        out = Path(tmp) / "out"
        sides = {
            "idiomatic SimPy": [
                sys.executable,
                "-m",
                "benchmarks.bench_whole_process",
                "--reference",
                "--days",
                str(args.days),
            ],
            "carecap run --no-records": carecap_command(mmc, out, "--no-records"),
            "carecap run (records)": carecap_command(mmc, out),
        }
        check = [
            sys.executable,
            "-c",
            "import sys; from carecap.sim.cli.main import main; sys.exit(main(sys.argv[1:]))",
            "check",
            str(mmc),
        ]
        best = dict.fromkeys([*sides, "carecap check"], (float("inf"), float("inf")))
        for _ in range(args.repeats):
            for name, command in [*sides.items(), ("carecap check", check)]:
                cpu, wall = child(command)
                best[name] = min(best[name], (cpu, wall))
    for name, (cpu, wall) in best.items():
        print(f"{name:26s} cpu {cpu:7.2f} s   wall {wall:7.2f} s")
    ratio = best["idiomatic SimPy"][0] / best["carecap run --no-records"][0]
    ratio_records = best["idiomatic SimPy"][0] / best["carecap run (records)"][0]
    print(
        f"CPU ratio idiomatic SimPy / carecap run: {ratio:.2f} without records, "
        f"{ratio_records:.2f} with records (target >= {TARGET_RATIO}; best of {args.repeats})"
    )
    check_s = best["carecap check"][1]
    print(f"carecap check start-up: {check_s:.2f} s wall (target < {CHECK_TARGET_S} s)")


if __name__ == "__main__":
    main()
