"""Warm-up diagnostic: MSER-5 (analysis/warmup.py) and `carecap warmup`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carecap.analysis.warmup import (
    daily_mean_wait,
    daily_step_mean,
    mser,
    mser5_truncation_days,
    recommend_days,
)
from carecap.sim.cli.main import main

SMALL_SCENARIO = Path(__file__).parent / "data" / "small.yaml"
SEEDS = range(40)


# --- MSER-5 ------------------------------------------------------------------------------------


def test_mser_by_hand():
    # Batch means 10, 0, 0, 0: deleting the first batch leaves no variance at all.
    y = np.array([10.0] * 5 + [0.0] * 15)
    result = mser(y)
    assert result.truncation == 5 and result.batches == 1
    # MSER(0) = sum((z - 2.5)^2) / 4^2 = 75 / 16; MSER(1) = 0; the search stops at d = 2.
    assert result.statistic == pytest.approx([75 / 16, 0.0, 0.0])
    assert not result.at_edge  # the minimum (first of the ties) is not the last candidate


def test_mser_leaves_a_constant_or_short_series_alone():
    assert mser(np.full(100, 3.0)).truncation == 0
    assert mser(np.arange(9.0)).truncation == 0  # fewer than 2 batches of 5


def test_mser_truncates_after_an_exponential_transient():
    # 20·exp(-t/10) + N(0, 1): the bias is 2.7 sd at t = 20 and 0.13 sd at t = 50.
    t = np.arange(300)
    cuts = [
        mser(20 * np.exp(-t / 10) + np.random.default_rng(s).normal(0, 1, 300)).truncation
        for s in SEEDS
    ]
    assert min(cuts) >= 20
    assert 25 <= np.median(cuts) <= 80
    assert max(cuts) < 150  # the search covers the first half only


def test_mser_on_a_stationary_series_truncates_little():
    cuts = np.array([mser(np.random.default_rng(s).normal(5, 1, 300)).truncation for s in SEEDS])
    assert np.median(cuts) == 0
    assert np.mean(cuts <= 25) >= 0.75


def test_mser_flags_a_trend_as_at_the_edge():
    # A series still rising: the minimum sits at the end of the searched half.
    result = mser(np.linspace(0.0, 10.0, 200))
    assert result.at_edge and result.truncation == 100


def test_truncation_in_days_skips_missing_days():
    days = np.arange(40)
    values = np.concatenate([[np.nan, np.nan], [10.0] * 5, [0.0] * 33])
    # Observations start on day 2: deleting one batch of 5 keeps from day 7.
    assert mser5_truncation_days(days, values) == (7.0, False)


def test_recommendation_rounds_up_to_whole_weeks():
    table = pd.DataFrame({"truncation_days": [10.0, 3.0]})
    assert recommend_days(table) == 14
    assert recommend_days(pd.DataFrame({"truncation_days": [0.0]})) == 0
    assert recommend_days(pd.DataFrame({"truncation_days": [14.0]})) == 14


# --- daily series ------------------------------------------------------------------------------


def test_daily_step_mean_by_hand():
    # 0 until 12:00 on day 0, then 2 until 12:00 on day 1, then 0 until the end of day 2.
    step = pd.DataFrame({"time_min": [0.0, 720.0, 2160.0, 4320.0], "waiting": [0, 2, 0, 0]})
    assert daily_step_mean(step, "waiting", 3) == pytest.approx([1.0, 1.0, 0.0])


def test_daily_mean_wait_counts_unserved_requests():
    # day 0: two served (1 and 2 days); day 1: one served (0.5 d) and one given up after 1 day;
    # day 2: one served (1 h) and one still waiting at the end (minute 4320: 0.5 d so far,
    # censored); day 3: nothing.
    requests = pd.DataFrame(
        {
            "request_min": [10.0, 100.0, 1500.0, 1600.0, 3000.0, 3600.0],
            "wait_min": [1440.0, 2880.0, np.nan, 720.0, 60.0, np.nan],
            "end_min": [1500.0, 3000.0, 2940.0, 2400.0, 3100.0, np.nan],
            "outcome": ["served", "served", "abandoned", "served", "served", "waiting"],
        }
    )
    got = daily_mean_wait(requests, 4, 1440.0, observed_end_min=4320.0)
    # the given-up request counts its 1 day; the started-only mean would be 0.5
    assert got[:2] == pytest.approx([1.5, 0.75])
    # Kaplan-Meier restricted mean: S = 1/2 after 60 min, up to the censored 720 min
    assert got[2] == pytest.approx((60.0 + 0.5 * 660.0) / 1440.0)
    assert np.isnan(got[3])  # nothing requested on day 3


# --- the command -------------------------------------------------------------------------------


def test_warmup_command_prints_and_plots(tmp_path, capsys):
    png = tmp_path / "tmp" / "x.png"
    code = main(["warmup", str(SMALL_SCENARIO), "--reps", "2", "--plot", str(png)])
    assert code == 0
    out = capsys.readouterr().out
    assert "Recommended warm-up:" in out and "warmup_days: 10" in out
    assert max(len(line) for line in out.splitlines()) <= 100
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_warmup_json(tmp_path, capsys):
    png = tmp_path / "w.png"
    code = main(["warmup", str(SMALL_SCENARIO), "--reps", "1", "--plot", str(png), "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["recommended_days"] % 7 == 0
    assert data["enough"] == (data["current_warmup_days"] >= data["recommended_days"])
    assert {s["series"] for s in data["series"]} >= {"backlog care_visit", "wait alarm"}


def test_warmup_bad_scenario_exits_2(tmp_path):
    assert main(["warmup", str(tmp_path / "missing.yaml"), "--plot", str(tmp_path / "x")]) == 2


def test_warmup_lang_zh_draws_the_plot_in_chinese(tmp_path, monkeypatch, capsys):
    from plot_checks import texts

    from carecap.sim.cli import warmup_command

    drawn = []
    real = warmup_command.plot_warmup
    monkeypatch.setattr(
        warmup_command, "plot_warmup", lambda *a, **k: drawn.append(real(*a, **k)) or drawn[-1]
    )
    png = tmp_path / "w.png"
    assert (
        main(["warmup", str(SMALL_SCENARIO), "--reps", "1", "--plot", str(png), "--lang", "zh"])
        == 0
    )
    words = " ".join(texts(drawn[0]))
    assert sum(0x4E00 <= ord(c) <= 0x9FFF for c in words) > 20
    assert "daily series averaged" not in words and "truncate" not in words
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
