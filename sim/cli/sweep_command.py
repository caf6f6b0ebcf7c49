"""``carecap sweep`` and ``carecap status``: run a sweep into its results folder, resumably.

The library is :func:`carecap.sim.experiments.sweep_run.run_sweep_file` (and
:meth:`carecap.sim.experiments.sweep_store.SweepStore.status`); this module calls it and prints.
Exit codes: 0 every run ok, 1 some run failed (they are listed; rerunning the command retries
them), 2 bad input, 130 interrupted (finished runs are kept; rerunning the command resumes).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pandas as pd

from carecap.sim.cli.exit_codes import EXIT_INTERRUPTED, EXIT_OK, EXIT_SOME_FAILED
from carecap.sim.experiments.run_target import MANIFEST
from carecap.sim.experiments.sweep_files import SWEEP_JSON
from carecap.sim.experiments.sweep_run import SweepInterrupted, run_sweep_file
from carecap.sim.experiments.sweep_store import store_at
from carecap.sim.scenario.set_options import parse_set_options


def sweep(args: argparse.Namespace) -> int:
    """``carecap sweep``: see the module docstring."""
    say = (lambda text: None) if args.quiet else (lambda text: print(text, file=sys.stderr))
    try:
        session = run_sweep_file(
            args.sweep_file,
            out=args.out,
            workers=args.workers,
            executor=args.executor,
            scheduler=args.scheduler,
            records=args.records,
            quiet=args.quiet,
            say=say,
            sets=parse_set_options(args.set_values),
            warn=lambda text: print(text, file=sys.stderr),  # also with --quiet, as run does
        )
    except SweepInterrupted as exc:
        print(exc.message, file=sys.stderr)
        return EXIT_INTERRUPTED
    out_dir, status = session.folder, session.status
    if not args.quiet:
        print(format_points(out_dir))
        print(f"\nresults: {out_dir}", file=sys.stderr)
    if status.failed:
        print(
            f"carecap sweep: {status.failed} of {status.total} run(s) failed (see `carecap "
            f"status {out_dir}`); rerunning the command retries them",
            file=sys.stderr,
        )
        return EXIT_SOME_FAILED
    return EXIT_OK


# --- the per-point table ----------------------------------------------------------------------

HEADLINE = ("on_time_rate", "on time")
"""The metric shown per service in the per-point table (all requests)."""


def format_points(directory: Path) -> str:
    """One line per point: id, each service's on-time rate ± the 95 % half-width (``[low,
    high]`` when cut at the share's range), the label."""
    from carecap.analysis.summary_table import SERVICE_ORDER, format_value

    path = Path(directory) / "summary.parquet"
    store = store_at(directory)
    wanted = [("slice", "==", "all"), ("metric", "==", HEADLINE[0])]
    summary = pd.read_parquet(path, filters=wanted) if path.is_file() else pd.DataFrame()
    cells: dict[tuple[str, str], str] = {}
    services: list[str] = []
    if not summary.empty:
        services = [s for s in SERVICE_ORDER if s in set(summary["service"])]
        # pandas-stubs types a row's fields as any scalar; these columns of summary.parquet hold
        # text (point_id, service, unit), floats (mean, half_width, ci_low, ci_high) and a
        # count (n).
        for r in cast("Iterator[Any]", summary.itertuples(index=False)):
            cells[(r.point_id, r.service)] = format_value(
                r.mean, r.half_width, r.unit, int(r.n), r.ci_low, r.ci_high
            )
    width = max([len(c) for c in cells.values()] + [len(s) for s in services] + [5]) + 2
    lines = [
        f"{HEADLINE[1]}: share of requests started within target (mean ± 95 % half-width; "
        "[low, high]: that interval cut at 0 or 100 %)",
        f"{'point':<6}" + "".join(f"{s:>{width}}" for s in services) + "   parameters",
    ]
    for p in store.points():
        row = "".join(f"{cells.get((p['point_id'], s), '-'):>{width}}" for s in services)
        lines.append(f"{p['point_id']:<6}{row}   {p['label']}")
    return "\n".join(lines)


# --- carecap status ---------------------------------------------------------------------------


def status(args: argparse.Namespace) -> int:
    """``carecap status DIR``: counts of done / pending / failed runs, and the failures; for
    a run folder, the run's status and replications."""
    if (Path(args.directory) / MANIFEST).exists():
        return _run_status(args.directory)
    if not (Path(args.directory) / SWEEP_JSON).exists():
        from carecap.analysis import load

        load(args.directory)  # says what the folder is not (ResultsError)
    store = store_at(args.directory)
    st = store.status()
    info = store.info
    print(
        f"{info['name']} ({len(store.point_ids)} points x {store.replications} replications, "
        f"seed {info['seed']}, hash {info['content_hash'][:12]})"
    )
    pct = 100 * st.done / st.total if st.total else 0.0
    print(f"done {st.done} / {st.total} ({pct:.0f} %), pending {st.pending}, failed {st.failed}")
    for row in st.failed_rows[:50]:
        error = (row.get("error") or {}).get("message", "?").splitlines() or ["?"]
        print(
            f"  failed  {row['point_id']} r{int(row['replication']):04d}  "
            f"{row.get('label')}: {error[0]}"
        )
    if len(st.failed_rows) > 50:
        print(f"  ... and {len(st.failed_rows) - 50} more")
    if st.damaged:
        print(f"damaged {len(st.damaged)} (counted as pending; resuming the sweep redoes them):")
        for problem in st.damaged[:50]:
            print(f"  damaged {problem}")
        if len(st.damaged) > 50:
            print(f"  ... and {len(st.damaged) - 50} more")
    return EXIT_OK


def _run_status(folder: Path) -> int:
    """A run folder's status line (``carecap run`` puts a folder in place once it stops:
    complete, interrupted or failed), and the error of a failed run."""
    from carecap.analysis import load

    results = load(folder)
    manifest = results.manifest
    asked = manifest.get("replications_requested") or []
    print(
        f"{manifest.get('scenario_name', '?')} (run, seed {results.seed}, "
        f"hash {str(manifest.get('scenario_hash', ''))[:12]})"
    )
    print(f"{results.status}: {len(results.replications)} of {len(asked)} replications finished")
    error = str(manifest.get("error") or "")
    if error:
        print(f"  error: {error.splitlines()[0]}")
    return EXIT_OK
