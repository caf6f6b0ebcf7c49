"""The yearly sections of the printed summary (``carecap run --by year``): utilisation of each
pool, and staff, beds and cost, one column a year.

They read the ``pool_year`` and ``year`` slices that runs over several calendar years carry
(:mod:`carecap.sim.metrics.years`); a summary without them yields no section.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

YEARLY_TOTALS = (
    ("beds_mean", "beds (mean)"),
    ("caregiver_fte", "caregivers (FTE)"),
    ("bath_team_fte", "bath teams (team-FTE)"),
    ("cost_per_year", "cost a year"),
    ("cost_per_bed_year", "cost a bed-year"),
)
"""Rows of the yearly staff, beds and cost section (service ``all``)."""


def year_sections(frame: pd.DataFrame, grid: Callable, cell: Callable) -> list[list[str]]:
    """Sections of a summary's yearly rows; ``grid(title, rows, columns)`` lays out a table and
    ``cell(row)`` formats one summary row (both from :mod:`carecap.analysis.summary_table`)."""
    out = []
    pools = frame[(frame["slice"] == "pool_year") & (frame["metric"] == "utilisation")]
    if len(pools):
        split = pools["slice_value"].str.rsplit("/", n=1, expand=True)
        pools = pools.assign(pool=split[0], year=split[1])
        years = sorted(pools["year"].unique())
        lookup = {(r.pool, r.year): r for r in pools.itertuples(index=False)}
        rows = [
            (f"  {pool}", [cell(lookup.get((pool, y))) for y in years])
            for pool in dict.fromkeys(pools["pool"])
        ]
        out.append(grid("Utilisation by year (busy / time it can work)", rows, years))
    totals = frame[(frame["slice"] == "year") & (frame["service"] == "all")]
    if len(totals):
        years = sorted(totals["slice_value"].unique())
        lookup = {(r.metric, r.slice_value): r for r in totals.itertuples(index=False)}
        rows = [
            (f"  {label}", [cell(lookup.get((metric, y))) for y in years])
            for metric, label in YEARLY_TOTALS
            if any(m == metric for m, _ in lookup)
        ]
        if rows:
            title = "Staff, beds and cost by year (cost in the scenario's currency a year)"
            out.append(grid(title, rows, years))
    return out
