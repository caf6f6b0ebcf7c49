"""``carecap run``: simulate a scenario's replications, write results, print the summary.

Output folder (default ``results/<scenario name>/``)::

    manifest.json          what ran: scenario hash and content, seed, versions, timings, status
    metrics.parquet        per-replication metrics (tidy: one row per service/slice/metric)
    summary.parquet        across replications: mean, sd, 95 % Student-t interval
    summary.txt            the table printed on the terminal
    requests/ elders/ units/ shifts/
                           record tables, one Parquet part per replication (Hive-partitioned:
                           ``pandas.read_parquet(folder / "requests")`` adds ``replication``)

Every file is written atomically. Each replication's records are written as soon as it finishes;
on Ctrl-C the finished replications' metrics, summary and a manifest with status ``interrupted``
are still written.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import pandas as pd

from carecap.analysis import precision as auto_reps
from carecap.analysis.summary_table import format_summary
from carecap.sim.experiments.atomic import (
    write_json_atomic,
    write_parquet_atomic,
    write_text_atomic,
)
from carecap.sim.experiments.manifest import build_manifest
from carecap.sim.experiments.replications import (
    RECORD_TABLES,
    ReplicationResult,
    default_workers,
    run_replications,
)
from carecap.sim.metrics.summary import summarise
from carecap.sim.scenario.loader import load_scenario_with_sources


def run(args: argparse.Namespace) -> int:
    auto_reps.check_precision_args(args)
    scenario, sources = load_scenario_with_sources(args.scenario)
    n_reps = args.reps or scenario.replications
    seed = scenario.seed if args.seed is None else args.seed
    out_dir = Path(args.out) if args.out else Path("results") / scenario.name
    workers = min(args.workers or default_workers(), n_reps)
    reps = list(range(n_reps))
    _clear_old_records(out_dir)

    finished: list[ReplicationResult] = []
    started = time.perf_counter()
    quiet = getattr(args, "json", False)

    def on_done(result: ReplicationResult) -> None:
        finished.append(result)
        if not quiet:
            print(
                f"  replication {result.replication:>3} done in {result.timings['total_s']:.2f} s"
                f"  ({len(finished)}/{len(reps)})",
                file=sys.stderr,
                flush=True,
            )

    if not quiet:
        print(
            f"carecap: {scenario.name}: {n_reps} replication(s), seed {seed}, "
            f"{workers} worker(s) -> {out_dir}",
            file=sys.stderr,
            flush=True,
        )
    status = "interrupted"
    precision = None
    try:
        if getattr(args, "precision", None) is None:
            run_replications(scenario, reps, seed, out_dir, workers, on_done)
        else:  # adds replications to `reps` until precise enough
            precision = auto_reps.run_to_precision_args(
                args, scenario, reps, seed, out_dir, default_workers(), on_done
            )
        status = "complete"
    finally:
        summary = _write_results(
            out_dir,
            scenario,
            sources,
            seed,
            reps,
            finished,
            status,
            time.perf_counter() - started,
            workers,
        )
    if args.json:
        data = _summary_json(scenario.name, seed, len(reps), summary)
        print(json.dumps(auto_reps.with_precision(data, precision), indent=2, ensure_ascii=False))
    else:
        print(format_summary(summary))
        auto_reps.print_precision(precision)
        print(f"\nresults: {out_dir}", file=sys.stderr)
    auto_reps.raise_if_unknown(precision)
    return 0


def _clear_old_records(out_dir: Path) -> None:
    """A new run replaces the previous run's record tables in the same folder (otherwise
    replications left from a run with more of them would mix in)."""
    for table in RECORD_TABLES:
        shutil.rmtree(out_dir / table, ignore_errors=True)


def _write_results(out_dir, scenario, sources, seed, reps, finished, status, wall_s, workers):
    metrics = (
        pd.concat(
            [r.metrics for r in sorted(finished, key=lambda r: r.replication)], ignore_index=True
        )
        if finished
        else pd.DataFrame()
    )
    summary = summarise(metrics) if len(metrics) else pd.DataFrame()
    if len(metrics):
        write_parquet_atomic(out_dir / "metrics.parquet", metrics)
        write_parquet_atomic(out_dir / "summary.parquet", summary)
        write_text_atomic(out_dir / "summary.txt", format_summary(summary) + "\n")
    timings = {
        "wall_s": round(wall_s, 3),
        "workers": workers,
        "per_replication": {
            r.replication: {k: round(v, 4) for k, v in r.timings.items()} for r in finished
        },
    }
    manifest = build_manifest(
        scenario, sources, seed, reps, [r.replication for r in finished], status, timings, sys.argv
    )
    write_json_atomic(out_dir / "manifest.json", manifest)
    return summary


def _summary_json(name: str, seed: int, reps: int, summary: pd.DataFrame) -> dict:
    rows = summary.astype(object).where(summary.notna(), None).to_dict(orient="records")
    return {"scenario": name, "seed": seed, "replications": reps, "summary": rows}
