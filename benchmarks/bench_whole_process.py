"""Benchmark: whole processes, side by side: ``carecap run`` against the idiomatic SimPy loop.

Both serve the same M/M/10 queue at utilisation 0.9 (lambda = 1/min, mean service 9 min, ten
servers) for about one million requests (695 days). Each side is a fresh child process measured
from start to exit: its CPU seconds (user + system, from ``os.wait4``) include interpreter
start-up, imports, validation, simulation, metrics and writing. The carecap side is
``carecap run FILE --reps 1 --workers 1 --no-records`` (and once with records, for reference);
the reference is the loop a SimPy user writes (a process per customer, ``simpy.Resource``,
Python's ``random`` as in SimPy's own examples), defined below and run with ``--reference``.
Runs are interleaved; each side's best of ``--repeats`` is used. The reference process imports
only SimPy and the standard library (this module imports the scenario builder on first use, in
the parent).

Bytecode: the children run as an installed program does, with compiled bytecode cached (here in a
temporary ``PYTHONPYCACHEPREFIX``, filled by one untimed warm-up run of each command), also where
the environment sets ``PYTHONDONTWRITEBYTECODE`` (as this project's sessions do): otherwise
every child would compile carecap's sources again (~0.05 s for ``check``, more for ``run``),
a cost no installed copy pays.

Also measured: ``carecap check`` of a small scenario file, whole process: its best CPU seconds
and best wall seconds (target < 0.5 s for both; wall also counts waiting for a core, so read it
at a low load average, printed).

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

TARGET_RATIO, CHECK_TARGET_S = 1.5, 0.5
MMC_SERVERS, MMC_RATE_PER_MIN, MMC_SERVICE_MEAN_MIN = 10, 1.0, 9.0
"""The queue (as ``bench_memory.MMC``, not imported here: the reference imports SimPy only)."""


def idiomatic_simpy(horizon_min: float, seed: int = 1) -> tuple[int, float]:
    """The reference loop; returns customers served and their mean wait (minutes)."""
    import random

    import simpy

    rng = random.Random(seed)
    env = simpy.Environment()
    servers = simpy.Resource(env, MMC_SERVERS)
    waits: list[float] = []
    rate, service_mean = MMC_RATE_PER_MIN, MMC_SERVICE_MEAN_MIN

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


def child(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run ``command``; its CPU seconds (user + system) and wall seconds."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    stderr = proc.stderr.read() if proc.stderr else b""
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{stderr.decode()}")
    return usage.ru_utime + usage.ru_stime, wall


def commands(folder: Path, days: float) -> dict[str, list[str]]:
    """The measured commands, over a horizon of ``days``."""
    from benchmarks.bench_memory import MMC, carecap_command, write_mmc

    assert (MMC["servers"], MMC["arrival_rate_per_min"], MMC["service_mean_min"]) == (
        MMC_SERVERS,
        MMC_RATE_PER_MIN,
        MMC_SERVICE_MEAN_MIN,
    )
    mmc = write_mmc(folder, days)
    out = folder / "out"
    module = ["-m", "benchmarks.bench_whole_process"]
    return {
        "idiomatic SimPy": [sys.executable, *module, "--reference", "--days", str(days)],
        "carecap run --no-records": carecap_command(mmc, out, "--no-records"),
        "carecap run (records)": carecap_command(mmc, out),
        "carecap check": [
            sys.executable,
            "-c",
            "import sys; from carecap.sim.cli.main import main; sys.exit(main(sys.argv[1:]))",
            "check",
            str(mmc),
        ],
    }


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
        env = {**os.environ, "PYTHONPYCACHEPREFIX": str(Path(tmp) / "pycache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        warm_up = Path(tmp) / "warm-up"
        warm_up.mkdir()
        for command in commands(warm_up, 1.0).values():  # fills the bytecode cache
            child(command, env)
        sides = commands(Path(tmp), args.days)
        cpu_s = dict.fromkeys(sides, float("inf"))
        wall_s = dict(cpu_s)
        for _ in range(args.repeats):
            for name, command in sides.items():
                cpu, wall = child(command, env)
                cpu_s[name], wall_s[name] = min(cpu_s[name], cpu), min(wall_s[name], wall)
    for name in sides:
        print(f"{name:26s} cpu {cpu_s[name]:7.2f} s   wall {wall_s[name]:7.2f} s")
    ratio = cpu_s["idiomatic SimPy"] / cpu_s["carecap run --no-records"]
    ratio_records = cpu_s["idiomatic SimPy"] / cpu_s["carecap run (records)"]
    print(
        f"CPU ratio idiomatic SimPy / carecap run: {ratio:.2f} without records, "
        f"{ratio_records:.2f} with records (target >= {TARGET_RATIO}; best of {args.repeats})"
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"carecap check start-up: {cpu_s['carecap check']:.2f} s cpu, "
        f"{wall_s['carecap check']:.2f} s wall (target < {CHECK_TARGET_S} s; "
        f"load average {load})"
    )


if __name__ == "__main__":
    main()
