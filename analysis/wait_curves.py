"""Waiting-time curves of every request made, unserved ones included (for the wait ECDF plot).

A request's time in the queue follows the metrics' definition
(:func:`carecap.sim.metrics.replication.request_flags`): started — its wait (alarms: to the
caregiver's arrival); abandoned — its time until dropped (observed, never on time); still
waiting when observation ended — its follow-up so far, right-censored. The share of requests
that had *started* by wait ``t`` is estimated with Kaplan–Meier, ``1 - S(t)`` (the curve of
:func:`carecap.sim.metrics.waits.km_curve`), pooling the replications (each an independent
sample of the same system). Abandoned requests leave the queue without starting, so the curve
counts them as gone at their drop time; the ``abandoned`` column says how many there were. A
curve ending below 100 % means requests were still waiting at the end: their waits are longer
than shown.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from carecap.sim.engine.records import ReplicationRecords
from carecap.sim.metrics.common import Window, service_targets
from carecap.sim.metrics.replication import request_flags
from carecap.sim.metrics.waits import km_curve
from carecap.sim.metrics.years import YEAR_SLICE, years_of
from carecap.sim.scenario.model import Scenario

CURVE_COLUMNS = ["service", "group", "wait", "share", "unit"]
COUNT_COLUMNS = ["service", "group", "requests", "abandoned", "still_waiting", "unit"]
TARGET_COLUMNS = ["service", "target", "unit", "where", "alarm_class"]


def _queue_table(records: ReplicationRecords, scenario: Scenario, by: str) -> pd.DataFrame:
    targets = service_targets(records, scenario)
    flags = request_flags(records, targets, Window.of(records))
    rows = flags["rows"]
    unit_min = np.array([t.unit_min for t in targets])[flags["svc"]]
    if by == "all":
        group = np.full(len(rows), "all", dtype=object)
    elif by == YEAR_SLICE:  # the calendar year the request was made in
        group = _year_labels(records, scenario)[rows]
    else:
        group = records.requests[by].astype(str).to_numpy()[rows]
    return pd.DataFrame(
        {
            "service": np.array([t.service for t in targets], dtype=object)[flags["svc"]],
            "group": group,
            "time": flags["queue_min"] / unit_min,
            "observed": flags["observed"],
            "abandoned": flags["abandoned"],
            "unit": np.array([t.unit for t in targets], dtype=object)[flags["svc"]],
        }
    )


def _year_labels(records: ReplicationRecords, scenario: Scenario) -> np.ndarray:
    """Each request's calendar year (``"2030"``), the year slice's values; requests outside the
    observation window get the year of the window's nearest end (they are not counted)."""
    years = years_of(scenario, Window.of(records))
    labels = np.array([str(y) for y, _, _ in years], dtype=object)
    starts = np.array([lo for _, lo, _ in years])
    at = np.searchsorted(starts, records.requests["request_min"].to_numpy(), side="right") - 1
    return labels[np.clip(at, 0, len(labels) - 1)]


def wait_curves(
    records: Iterable[ReplicationRecords], scenario: Scenario, by: str = "tier"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Kaplan–Meier curves of the waits of the requests made in the window, per service and
    value of ``by`` (``tier``, ``district``, ``care_level``, ``year``: the calendar year the
    request was made in, or ``all``), all replications
    pooled; services in the scenario's order, groups in the order of the column's categories
    (tiers highest first).

    Returns ``(curves, counts)``: ``curves`` has :data:`CURVE_COLUMNS` (``wait`` in the
    service's unit, minutes for alarms and days otherwise; ``share`` = share started or gone by
    then, a step function starting at (0, 0)); ``counts`` has :data:`COUNT_COLUMNS`.
    """
    records = list(records)
    table = pd.concat([_queue_table(r, scenario, by) for r in records], ignore_index=True)
    services = {
        s: i for i, s in enumerate(t.service for t in service_targets(records[0], scenario))
    }
    column = records[0].requests[by] if by not in ("all", YEAR_SLICE) else None
    groups = (
        {str(g): i for i, g in enumerate(column.cat.categories)}
        if column is not None and isinstance(column.dtype, pd.CategoricalDtype)
        else {}
    )
    if by == YEAR_SLICE:
        years = years_of(scenario, Window.of(records[0]))
        groups = {str(year): i for i, (year, _, _) in enumerate(years)}
    table = table.assign(
        _s=table["service"].map(services), _g=table["group"].map(groups).fillna(len(groups))
    ).sort_values(["_s", "_g"], kind="stable")
    curves, counts = [], []
    for (service, group), one in table.groupby(["service", "group"], sort=False):
        t, s = km_curve(one["time"].to_numpy(), one["observed"].to_numpy())
        unit = one["unit"].iloc[0]
        curves.append(
            pd.DataFrame(
                {
                    "service": service,
                    "group": group,
                    "wait": np.concatenate([[0.0], t]),
                    "share": np.concatenate([[0.0], 1.0 - s]),
                    "unit": unit,
                }
            )
        )
        counts.append(
            (
                service,
                group,
                len(one),
                int(one["abandoned"].sum()),
                int((~one["observed"]).sum()),
                unit,
            )
        )
    if not curves:
        return pd.DataFrame(columns=CURVE_COLUMNS), pd.DataFrame(columns=COUNT_COLUMNS)
    return pd.concat(curves, ignore_index=True), pd.DataFrame(counts, columns=COUNT_COLUMNS)


def wait_targets(records: ReplicationRecords, scenario: Scenario) -> pd.DataFrame:
    """The targets the requests' waits are judged against, in the service's reporting unit:
    one row for the service's target (``where`` = ``""``) and one per other value of its
    district targets (``where`` = those districts, comma-separated). A service with urgency
    classes (alarms with ``classes``) has instead, per class, its target and its district
    targets (column ``alarm_class``; ``""`` for a service without classes), as the metrics
    judge each request against its class's target (the service's own does not apply)."""
    rows = []
    for t in service_targets(records, scenario):
        levels = (
            [(name, minutes, by_district) for name, (minutes, by_district) in t.by_class.items()]
            if t.by_class
            else [("", t.target_min, t.by_district_min)]
        )
        for name, target_min, by_district_min in levels:
            rows.append((t.service, target_min / t.unit_min, t.unit, "", name))
            others: dict[float, list[str]] = {}
            for district, minutes in by_district_min.items():
                if minutes != target_min:
                    others.setdefault(minutes, []).append(district)
            for minutes, districts in others.items():
                rows.append((t.service, minutes / t.unit_min, t.unit, ",".join(districts), name))
    return pd.DataFrame(rows, columns=TARGET_COLUMNS)
