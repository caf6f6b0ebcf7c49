"""``carecap export``: the spreadsheet opens with openpyxl and holds exactly the numbers of
``summary.parquet`` (every row of every exported slice, found by its keys), the CSV files hold
the same tables, units are in the headers, and bad input is one paragraph."""

from __future__ import annotations

import json
import math
import shutil

import openpyxl
import pandas as pd
import pytest
import report_helpers
from report_helpers import bad

from carecap.sim.cli.main import main

small_run = report_helpers.small_run  # session fixtures
small_sweep = report_helpers.small_sweep
SHEET_OF = {"all": "summary", "district": "district", "tier": "tier", "pool": "pools"}


def sheets(path) -> dict[str, list[dict]]:
    """Every sheet of an xlsx as a list of {header: value} rows, read with openpyxl."""
    book = openpyxl.load_workbook(path, read_only=True)
    out = {}
    for ws in book.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        out[ws.title] = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    return out


def same(cell, value) -> bool:
    """Equal up to the last digit: openpyxl writes 16 significant digits (Excel keeps 15)."""
    if cell is None or math.isnan(value):
        return cell is None and math.isnan(value)
    return cell == pytest.approx(value, rel=1e-15, abs=0)


def check_every_row(book: dict[str, list[dict]], summary: pd.DataFrame, lead: list[str]) -> int:
    checked = 0
    for r in summary.itertuples(index=False):
        if r.slice not in SHEET_OF:
            continue
        keys = {k: getattr(r, k) for k in lead}
        keys["service"] = r.service
        if r.slice != "all":
            keys[{"pool": "pool"}.get(r.slice, r.slice)] = r.slice_value
        rows = [x for x in book[SHEET_OF[r.slice]] if all(x[k] == v for k, v in keys.items())]
        assert len(rows) == 1, (r, keys)
        row = rows[0]
        head = f"{r.metric} ({r.unit})"
        assert same(row[head], r.mean), (head, row[head], r.mean)
        assert same(row[f"{r.metric} 95% CI low ({r.unit})"], r.ci_low)
        assert same(row[f"{r.metric} 95% CI high ({r.unit})"], r.ci_high)
        assert row.get(f"{head} n", row["n (replications)"]) == r.n
        checked += 1
    return checked


def test_xlsx_holds_the_numbers_of_summary_parquet(small_run, tmp_path, capsys):
    out = tmp_path / "run.xlsx"
    assert main(["export", str(small_run), "--xlsx", str(out)]) == 0
    book = sheets(out)
    assert list(book) == ["summary", "district", "tier", "pools"]
    summary = pd.read_parquet(small_run / "summary.parquet")
    wanted = summary["slice"].isin(list(SHEET_OF)).sum()
    assert check_every_row(book, summary, []) == wanted > 0
    # the scenario's labels beside the names; units in the headers
    assert {r["district label"] for r in book["district"]} == {
        "万柏林区 Wanbailin",
        "清徐县 Qingxu",
    }
    assert "wait_mean (min)" in book["summary"][0] and "wait_mean (days)" in book["summary"][0]


def test_csv_holds_the_same_tables(small_run, tmp_path):
    xlsx, folder = tmp_path / "run.xlsx", tmp_path / "csv"
    assert main(["export", str(small_run), "--xlsx", str(xlsx), "--csv", str(folder)]) == 0
    book = sheets(xlsx)
    for name, rows in book.items():
        table = pd.read_csv(folder / f"{name}.csv", encoding="utf-8-sig")
        assert list(table.columns) == list(rows[0])
        assert len(table) == len(rows)
        numeric = [c for c in table.columns if "(" in c]
        got = table[numeric].to_numpy(dtype=float)
        want = pd.DataFrame(rows)[numeric].to_numpy(dtype=float)
        assert got == pytest.approx(want, rel=1e-12, nan_ok=True)


def test_sweep_export_has_a_row_per_point(small_sweep, tmp_path):
    out = tmp_path / "sweep.xlsx"
    assert main(["export", str(small_sweep), "--xlsx", str(out)]) == 0
    book = sheets(out)
    summary = pd.read_parquet(small_sweep / "summary.parquet")
    params = [c for c in summary.columns[: list(summary.columns).index("scenario")] if "." in c]
    assert [r["point_id"] for r in book["sweep_points"]] == sorted(set(summary["point_id"]))
    assert check_every_row(book, summary, ["point_id"]) > 0
    assert all(r[p] is not None for r in book["summary"] for p in params)
    for r in summary[summary["slice"] == "all"].itertuples(index=False):
        row = next(x for x in book["sweep_points"] if x["point_id"] == r.point_id)
        assert same(row[f"{r.service}.{r.metric} ({r.unit})"], r.mean)


def test_bad_input(small_run, tmp_path, capsys):
    bad(["export", str(small_run)], capsys, "--xlsx/--csv")
    bad(
        ["export", str(tmp_path), "--xlsx", str(tmp_path / "a.xlsx")],
        capsys,
        "not a carecap results folder",
    )
    bad(["export", str(small_run), "--xlsx", str(tmp_path / "a.csv")], capsys, "--xlsx", ".xlsx")
    bad(["export", str(small_run), "--xlsx", str(tmp_path)], capsys, "--xlsx", "is a folder")
    (tmp_path / "file").write_text("x")
    bad(["export", str(small_run), "--csv", str(tmp_path / "file")], capsys, "--csv", "is a file")
    bad(
        ["export", str(small_run), "--xlsx", str(tmp_path / "file" / "a.xlsx")],
        capsys,
        "--xlsx",
        "is a file, not a folder",
    )
    assert not list(tmp_path.glob("*.xlsx"))


def test_a_sweep_whose_base_file_is_gone_exports_with_district_names(small_sweep, tmp_path):
    folder = tmp_path / "sweep"
    shutil.copytree(small_sweep, folder)
    info = json.loads((folder / "sweep.json").read_text())
    info["base_files"] = [str(tmp_path / "gone.yaml")]
    (folder / "sweep.json").write_text(json.dumps(info))
    out = tmp_path / "s.xlsx"
    assert main(["export", str(folder), "--xlsx", str(out)]) == 0
    district = sheets(out)["district"]
    assert district and all(r["district label"] == r["district"] for r in district)
