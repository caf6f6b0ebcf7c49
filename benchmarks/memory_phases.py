"""Where one replication's memory goes: peak resident memory (RSS) by phase, in one process.

A thread samples this process's RSS (``/proc/self/status``, Linux) every 2 ms and keeps each
phase's maximum: imports (numpy and simpy, then pandas, then carecap's run path), building the
care system (population, draws, shifts), simulating (the run and its record tables), and the
metrics. The peak of a whole ``carecap run`` is what ``benchmarks.bench_memory`` asserts; this
script says which phase makes it.

    python -m benchmarks.memory_phases SCENARIO [--set PATH=VALUE ...] [--seed N]
"""

from __future__ import annotations

import argparse
import gc
import threading
import time


class PhasePeaks:
    """The maximum RSS (MB) seen during each phase, in the order the phases began."""

    def __init__(self, first: str) -> None:
        self.phase, self.peaks = first, {first: rss_mb()}
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while True:
            phase, mb = self.phase, rss_mb()
            self.peaks[phase] = max(self.peaks.get(phase, 0.0), mb)
            time.sleep(0.002)

    def enter(self, phase: str) -> None:
        time.sleep(0.01)  # (a last sample of the phase that ends)
        self.phase = phase
        self.peaks.setdefault(phase, rss_mb())


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    peaks = PhasePeaks("import numpy, simpy")
    import numpy  # noqa: F401
    import simpy  # noqa: F401

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario")
    parser.add_argument("--set", action="append", default=[], dest="sets")
    parser.add_argument("--seed", type=int)
    args = parser.parse_args()
    peaks.enter("import pandas")
    import pandas  # noqa: F401

    peaks.enter("import carecap")
    import carecap.sim.cli.run_command  # noqa: F401
    from carecap.sim.engine.kernel import CareSystem
    from carecap.sim.metrics.replication import replication_metrics
    from carecap.sim.scenario.loader import load_scenario
    from carecap.sim.scenario.set_options import apply_set_options, parse_set_options

    peaks.enter("load scenario")
    scenario = load_scenario(args.scenario)
    scenario = apply_set_options(scenario, parse_set_options(args.sets), args.scenario)
    peaks.enter("build system")
    system = CareSystem(scenario, 0, scenario.seed if args.seed is None else args.seed)
    peaks.enter("simulate + records")
    records = system.run()
    del system
    gc.collect()
    peaks.enter("metrics")
    replication_metrics(records, scenario)
    peaks.enter("end")
    time.sleep(0.05)
    for phase, mb in peaks.peaks.items():
        print(f"{phase:20s} {mb:7.1f} MB")
    print(f"requests {len(records.requests)}; process peak {max(peaks.peaks.values()):.1f} MB")


if __name__ == "__main__":
    main()
