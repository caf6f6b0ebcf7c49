"""Spreadsheet exports of a results folder: ``carecap export RESULTS --xlsx FILE | --csv DIR``.

The tables (:func:`export_tables`), one sheet or CSV file each, are the rows of
``summary.parquet`` laid out wide, with the unit in every value's header:

* ``summary`` — slice ``all``: a row per service (``all`` holds the staff and cost lines);
* ``district``, ``tier`` — a row per service and district (or tier), with the scenario's label;
* ``pools`` — utilisation, on-shift hours and FTE per resource pool;
* ``sweep_points`` — for a sweep: a row per point (its parameters), the slice-``all`` metrics as
  ``service.metric (unit)`` columns;
* ``sizing`` — for a sizing search (``size.json``): a row per candidate evaluation, pilots then
  the confirmation (``role``: ``answer``, ``one less PATH`` for a neighbour), its values, the
  replications used, the verdict, the cost per year, and per target the estimate, the one-sided
  bound, the half-width and whether it is met (copied from ``size.json``).

Each metric gives three columns: ``metric (unit)`` (the mean across replications) and
``metric 95% CI low (unit)``, ``metric 95% CI high (unit)`` (the interval as ``summary.parquet``
holds it: cut at the metric's range, so a bound may be nearer the mean than the half-width);
``n (replications)`` is the number of replications, and a metric that is undefined in some of
them (a slice with no request) has its own ``metric (unit) n`` column (the replications it is
defined in).
The same metric in two units (alarm waits in minutes, the other services' in days) gets two
columns, so a column never mixes units. Numbers are copied from ``summary.parquet``, not
recomputed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from carecap.sim.experiments.atomic import write_atomic

SHEETS = ("summary", "district", "tier", "pools", "sweep_points", "sizing")
_STATS = (("mean", ""), ("ci_low", " 95% CI low"), ("ci_high", " 95% CI high"))


def _label(scenario: Mapping[str, Any] | None, by: str, value: str) -> str:
    if by == "tier" or not scenario:
        return value
    entry = (scenario.get("districts") or {}).get(value) or {}
    return entry.get("label") or value


def _wide(rows: pd.DataFrame, keys: list[str], column_of: Any) -> pd.DataFrame:
    """``rows`` (summary rows) pivoted: one row per ``keys``, three columns per metric."""
    rows = rows.assign(_column=[column_of(r) for r in rows.itertuples(index=False)])
    order = list(dict.fromkeys(rows["_column"]))
    parts = []
    for stat, suffix in _STATS:
        wide = rows.set_index([*keys, "_column"])[stat].unstack("_column")
        wide.columns = [_with_suffix(c, suffix) for c in wide.columns]
        parts.append(wide)
    n = rows.groupby(keys)["n"].max().rename("n (replications)")
    # a metric undefined in some replications (no request in a slice) has a smaller n: its own
    # count then follows its three columns
    counts = rows.set_index([*keys, "_column"])["n"].unstack("_column")
    fewer = [c for c in order if counts[c].fillna(0).ne(n.reindex(counts.index)).any()]
    parts += [counts[c].rename(_count_column(c)) for c in fewer]
    table = pd.concat([*parts, n], axis=1)
    columns = []
    for c in order:
        columns += [_with_suffix(c, s) for _, s in _STATS]
        columns += [_count_column(c)] if c in fewer else []
    # unstack sorts the rows; put them back in the summary's order
    first_seen = rows.drop_duplicates(keys).set_index(keys).index
    return table.loc[first_seen, [*columns, "n (replications)"]].reset_index()


def _count_column(column: str) -> str:
    """``wait_mean (days)`` -> ``wait_mean (days) n``: that column's replications."""
    return f"{column} n"


def _with_suffix(column: str, suffix: str) -> str:
    """``wait_mean (days)`` + `` 95% CI low`` -> ``wait_mean 95% CI low (days)``."""
    name, _, unit = column.rpartition(" (")
    return f"{name}{suffix} ({unit}"


def export_tables(
    summary: pd.DataFrame,
    scenario: Mapping[str, Any] | None = None,
    parameters: Sequence[str] = (),
    sizing: Mapping[str, Any] | None = None,
) -> dict[str, pd.DataFrame]:
    """The export's tables by sheet name (sheets with no rows are left out). ``summary`` is a
    run's or a sweep's ``summary.parquet``; ``parameters``: a sweep's parameter columns;
    ``sizing``: a sizing search's ``size.json`` data."""
    sweep = "point_id" in summary.columns
    lead = ["point_id", "label", *parameters] if sweep else []
    metric_column = lambda r: f"{r.metric} ({r.unit})"  # noqa: E731
    out: dict[str, pd.DataFrame] = {}
    mine = summary[summary["slice"] == "all"]
    if not mine.empty:
        out["summary"] = _wide(mine, [*lead, "service"], metric_column)
    for by in ("district", "tier"):
        mine = summary[summary["slice"] == by].rename(columns={"slice_value": by})
        if mine.empty:
            continue
        table = _wide(mine, [*lead, "service", by], metric_column)
        table.insert(len(lead) + 2, f"{by} label", [_label(scenario, by, v) for v in table[by]])
        out[by] = table
    mine = summary[summary["slice"] == "pool"].rename(columns={"slice_value": "pool"})
    if not mine.empty:
        out["pools"] = _wide(mine, [*lead, "service", "pool"], metric_column)
    if sweep:
        mine = summary[summary["slice"] == "all"]
        out["sweep_points"] = _wide(mine, lead, lambda r: f"{r.service}.{r.metric} ({r.unit})")
    if sizing and sizing.get("candidates"):
        out["sizing"] = sizing_table(sizing, summary, scenario)
    return out


def _role(sizing: Mapping[str, Any], candidate: Mapping[str, Any]) -> str:
    if candidate.get("stage") != "confirm":
        return ""
    if candidate.get("values") == sizing.get("answer"):
        return "answer"
    for n in sizing.get("neighbours") or []:
        if n.get("values") == candidate.get("values"):
            return f"one less {n['path']}"
    return ""


def sizing_table(
    sizing: Mapping[str, Any], summary: pd.DataFrame, scenario: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """The ``sizing`` sheet: see the module docstring."""
    units = {(r.service, r.metric): r.unit for r in summary.itertuples(index=False)}
    currency = ((scenario or {}).get("costs") or {}).get("currency") or "currency"
    rows = []
    for c in sizing.get("candidates") or []:
        row: dict[str, Any] = {"role": _role(sizing, c), "stage": c.get("stage")}
        row.update(c.get("values") or {})
        row["replications (n)"] = len(c.get("replications") or [])
        row["verdict"] = c.get("verdict")
        row[f"cost_per_year ({currency}/year)"] = c.get("cost_per_year")
        for j in c.get("targets") or []:
            service, _, metric = str(j["metric"]).partition("@")[0].partition(".")
            unit = units.get((service, metric), "")
            name = j["target"]
            row[f"{name}: estimate ({unit})"] = j.get("estimate")
            row[f"{name}: bound ({unit})"] = j.get("bound")
            row[f"{name}: half-width ({unit})"] = j.get("half_width")
            row[f"{name}: met"] = j.get("meets")
        rows.append(row)
    return pd.DataFrame(rows)


def write_xlsx(tables: Mapping[str, pd.DataFrame], path: Path) -> Path:
    """One sheet per table, header row frozen, written atomically."""

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for name, table in tables.items():
                table.to_excel(writer, sheet_name=name, index=False, freeze_panes=(1, 0))

    return write_atomic(Path(path), write)


def write_csv(tables: Mapping[str, pd.DataFrame], folder: Path) -> list[Path]:
    """One ``NAME.csv`` per table in ``folder`` (UTF-8 with a byte-order mark, so that a
    spreadsheet program reads the Chinese labels right), each written atomically."""
    return [
        write_atomic(
            Path(folder) / f"{name}.csv",
            lambda tmp, t=table: t.to_csv(tmp, index=False, encoding="utf-8-sig"),
        )
        for name, table in tables.items()
    ]
