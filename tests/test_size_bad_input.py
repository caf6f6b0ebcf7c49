"""Bad input to ``carecap size``: exit 2 and one paragraph naming the option, the value and what
is allowed (with the nearest valid names), never a traceback. Each case fails before any
candidate is simulated (only a one-day probe replication may run)."""

from __future__ import annotations

import pytest
from size_helpers import SERVERS_PATH, mmc_data, write

from carecap.sim.cli.main import main

GOOD_TARGET = "care_visit.on_time_rate>=0.9"
GOOD_VARY = f"{SERVERS_PATH}=4:9"


@pytest.fixture
def mmc_file(tmp_path):
    return write(mmc_data(0.5, 10.0, 5.0), tmp_path / "mmc.yaml")


@pytest.mark.parametrize(
    ("vary", "target", "words"),
    [
        ("caregivers.servrs.shifts.0.count=4:9", GOOD_TARGET, ["--vary", "did you mean 'servers'"]),
        ("services.care_visit.target_days=1:3", GOOD_TARGET, ["--vary", "not a whole number"]),
        ("name=1:3", GOOD_TARGET, ["--vary", "not a whole number"]),
        (f"{SERVERS_PATH}=9:4", GOOD_TARGET, ["--vary", "LOW (9) is greater than HIGH (4)"]),
        (f"{SERVERS_PATH}=4-9", GOOD_TARGET, ["--vary", "PATH=LOW:HIGH"]),
        (f"{SERVERS_PATH}=-1:4", GOOD_TARGET, ["--vary", "at least 0"]),
        (GOOD_VARY, "care_visit.on_time_rate=0.9", ["--target", "OP NUMBER"]),
        (GOOD_VARY, "care_visit.on_time_rat>=0.9", ["--target", "did you mean 'on_time_rate'"]),
        (GOOD_VARY, "care_vist.on_time_rate>=0.9", ["--target", "did you mean 'care_visit'"]),
        (
            GOOD_VARY,
            "care_visit.on_time_rate@distrct=city>=0.9",
            ["--target", "no slice 'distrct'", "did you mean 'district'"],
        ),
        (
            GOOD_VARY,
            "care_visit.on_time_rate@district=cty>=0.9",
            ["--target", "no value 'cty'", "did you mean 'city'"],
        ),
    ],
)
def test_bad_vary_or_target_is_one_paragraph(mmc_file, tmp_path, capsys, vary, target, words):
    code = main(
        ["size", str(mmc_file), "--vary", vary, "--target", target, "--out", str(tmp_path / "o")]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("carecap: error: ")
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    for word in words:
        assert word in err
    assert not (tmp_path / "o").exists()  # nothing was run or written


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--confidence", "1.5"], ["--confidence", "[0.5, 1)"]),
        (["--max-reps", "1"], ["--max-reps", "at least 2"]),
        (["--vary", "caregivers.0.shifts.0.count=3:5"], ["--vary", "same field"]),
    ],
)
def test_bad_options_are_one_paragraph(mmc_file, tmp_path, capsys, extra, words):
    argv = ["size", str(mmc_file), "--vary", GOOD_VARY, "--target", GOOD_TARGET]
    code = main([*argv, *extra, "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    for word in words:
        assert word in err


def test_missing_vary_or_target_is_a_usage_error(mmc_file, tmp_path, capsys):
    assert main(["size", str(mmc_file), "--target", GOOD_TARGET]) == 2
    assert "--vary" in capsys.readouterr().err
    assert main(["size", str(mmc_file), "--vary", GOOD_VARY]) == 2
    assert "--target" in capsys.readouterr().err


def test_a_folder_of_another_search_is_refused(mmc_file, tmp_path, capsys):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("mine")
    argv = ["size", str(mmc_file), "--vary", GOOD_VARY, "--target", GOOD_TARGET]
    assert main([*argv, "--out", str(tmp_path / "mine")]) == 2
    err = capsys.readouterr().err
    assert "not a results folder" in err and "Traceback" not in err
