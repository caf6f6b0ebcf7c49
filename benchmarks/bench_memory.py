"""Benchmark: peak resident memory of whole ``carecap run`` processes, asserted against bounds.

Each case runs ``carecap run SCENARIO --reps 1 --workers 1`` (one replication, in the command's
own process) as a fresh child process; its peak RSS is the ``ru_maxrss`` that ``os.wait4`` returns
for that child (Linux: the child and any processes it waited for), so the cases do not see each
other's peaks. Cases:

(a) the M/M/10 queue at utilisation 0.9 (lambda = 1/min, mean service 9 min) with about one
    million requests (695 days), without records (``--no-records``) and with them;
(b) a scenario (default the ten-year ``scenarios/taiyuan-2022-2031.yaml``, whose population
    grows; ``--scenario scenarios/taiyuan-2022.yaml`` stretches the 2022 baseline instead) with
    its horizon set to ``--short-days`` and to ``--long-days``
    (``--set calendar.horizon_days=...``), without records.

The script exits 1 when a bound is exceeded: (a) without records <= 150 MB; the long run
<= 300 MB and within 20 % of the short one.

    python -m benchmarks.bench_memory [--scenario PATH] [--short-days 365] [--long-days 3650]
                                      [--mmc-days 695]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from carecap.sim.validation.mmc import mmc_document

ROOT = Path(__file__).resolve().parent.parent
MMC = {"arrival_rate_per_min": 1.0, "service_mean_min": 9.0, "servers": 10}
"""M/M/10 at utilisation 0.9: one request a minute, nine minutes of service, ten servers."""
MMC_BOUND_MB, LONG_BOUND_MB, LONG_OVER_SHORT = 150.0, 300.0, 1.20


def write_mmc(folder: Path, days: float) -> Path:
    """The M/M/10 scenario file (``days`` of requests after a day of warm-up)."""
    doc = mmc_document(**MMC, horizon_days=days + 1, warmup_days=1, replications=1)
    path = folder / "mmc10.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def carecap_command(scenario: Path, out: Path, *options: str) -> list[str]:
    """``carecap run`` as a child process of this Python (the installed entry point's code)."""
    run = ["run", str(scenario), "--reps", "1", "--workers", "1", "--out", str(out)]
    code = "import sys; from carecap.sim.cli.main import main; sys.exit(main(sys.argv[1:]))"
    return [sys.executable, "-c", code, *run, "--overwrite", *options]


def child_usage(command: list[str]) -> tuple[float, float]:
    """Run ``command`` to completion; its peak RSS (MB) and CPU seconds (user + system)."""
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read() if proc.stderr else b""
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(command)}\n{stderr.decode()}")
    return usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios/taiyuan-2022-2031.yaml")
    parser.add_argument("--short-days", type=float, default=365.0)
    parser.add_argument("--long-days", type=float, default=3650.0)
    parser.add_argument("--mmc-days", type=float, default=695.0, help="1e6 requests: 695")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        folder = Path(tmp)
        mmc = write_mmc(folder, args.mmc_days)
        out = folder / "out"
        horizon = "--set", "calendar.horizon_days={:g}"
        cases = {
            "mmc10 no records": carecap_command(mmc, out, "--no-records"),
            "mmc10 records": carecap_command(mmc, out),
            "scenario short": carecap_command(
                args.scenario, out, "--no-records", horizon[0], horizon[1].format(args.short_days)
            ),
            "scenario long": carecap_command(
                args.scenario, out, "--no-records", horizon[0], horizon[1].format(args.long_days)
            ),
        }
        peak = {}
        for name, command in cases.items():
            peak[name], cpu_s = child_usage(command)
            print(f"{name:18s} peak {peak[name]:7.1f} MB   cpu {cpu_s:6.2f} s", flush=True)
    ratio = peak["scenario long"] / peak["scenario short"]
    long_days, short_days = f"{args.long_days:g}-day", f"{args.short_days:g}-day"
    checks = [
        (f"M/M/10 without records <= {MMC_BOUND_MB:g} MB", peak["mmc10 no records"], MMC_BOUND_MB),
        (f"{long_days} run <= {LONG_BOUND_MB:g} MB", peak["scenario long"], LONG_BOUND_MB),
        (f"{long_days} / {short_days} peak <= {LONG_OVER_SHORT}", ratio, LONG_OVER_SHORT),
    ]
    print(f"scenario: {args.scenario.name}; long / short peak = {ratio:.2f}")
    failed = False
    for label, value, bound in checks:
        ok = value <= bound
        failed |= not ok
        print(f"{'ok  ' if ok else 'OVER'} {label}: {value:.2f}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
