"""Benchmark: how fast hostile scenario documents are refused, beside loading the Taiyuan baseline.

The tests (tests/test_bad_input_limits.py) check *that* each is refused with a one-paragraph
error; this measures *how fast*, as a ratio to loading the real 441-line baseline in the same
process (the machines are shared and noisy: compare ratios, not seconds).

    python -m benchmarks.bench_hostile_input [--repeats 3]
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from pathlib import Path

import yaml

from carecap.sim.errors import ScenarioError
from carecap.sim.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from test_bad_input_limits import HOSTILE  # noqa: E402


def best_time(path: Path, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        with contextlib.suppress(ScenarioError):
            load_scenario(path)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    reference = best_time(ROOT / "scenarios" / "taiyuan-2022.yaml", args.repeats)
    print(f"libyaml: {getattr(yaml, '__with_libyaml__', False)}")
    print(f"{'document':36} {'refused in':>12} {'ratio to Taiyuan load':>22}")
    print(f"{'taiyuan-2022.yaml (loaded)':36} {reference * 1000:9.1f} ms {1.0:22.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (text, _) in HOSTILE.items():
            path = Path(tmp) / "hostile.yaml"
            path.write_text(text, encoding="utf-8")
            t = best_time(path, args.repeats)
            print(f"{name:36} {t * 1000:9.1f} ms {t / reference:22.1f}")


if __name__ == "__main__":
    main()
