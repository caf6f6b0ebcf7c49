"""Sweep files and scenario files given to the other's command: ``carecap check`` validates a sweep
file as one (its base and every point), ``carecap run`` of a sweep file and ``carecap sweep`` of a
scenario file say which kind of file they were given, in one sentence, instead of listing every key
the other kind lacks."""

from __future__ import annotations

import yaml
from sweep_helpers import SWEEP_SMALL, write_sweep

from carecap.sim.cli.main import main

SMALL = SWEEP_SMALL.parent / "small.yaml"


def carecap(capsys, *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_paragraph_error(err: str) -> str:
    assert err.startswith("carecap: error: ") and "Traceback" not in err
    return err


def test_check_validates_a_sweep_file_with_its_points(capsys):
    code, out, err = carecap(capsys, "check", SWEEP_SMALL)
    assert (code, err) == (0, "")
    assert out == f"ok  {SWEEP_SMALL} (sweep: sweep-small, 6 point(s) x 4 replication(s), " + (
        "base scenario: small)\n"
    )


EVENING_VANS = {"bathing_centre.vans.hours": {"mon-fri": ["18:00-21:00"]}}  # centre 09-17
DAY_VANS = {"bathing_centre.vans.hours": {"mon-fri": ["09:00-17:00"]}}


def test_check_warns_about_each_sweep_point_named_by_point(capsys, tmp_path):
    """A point whose van hours never meet the opening hours is warned about as a scenario file
    is (exit still 0), named by its id and label; points without the problem are not named."""
    sweep = write_sweep(tmp_path, variants={"day": DAY_VANS, "evening": EVENING_VANS})
    code, out, err = carecap(capsys, "check", sweep)
    assert code == 0 and out.startswith(f"ok  {sweep} (sweep: ")
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"carecap: warning: {sweep}: points p0006 (evening, ")
    assert ": bathing_centre.vans.hours: the van hours never overlap" in lines[0]
    named = {f"p{i:04d}" for i in range(12) if f"p{i:04d} (" in lines[0]}
    assert named == {f"p{i:04d}" for i in range(6, 12)}  # the evening half, not the day half


def test_check_names_a_warning_every_point_shares_once(capsys, tmp_path):
    code, _, err = carecap(capsys, "check", write_sweep(tmp_path, overrides=EVENING_VANS))
    assert code == 0
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert ": every point (6): bathing_centre.vans.hours: the van hours never overlap" in lines[0]


def test_check_reports_a_sweep_files_own_mistake(capsys, tmp_path):
    sweep = write_sweep(tmp_path, grid={"bathing_centre.statons": [1, 2]})
    code, out, err = carecap(capsys, "check", sweep)
    assert (code, out) == (2, "")
    one_paragraph_error(err)
    assert "grid.bathing_centre.statons" in err and "did you mean 'stations'" in err
    assert "unknown key 'base'" not in err  # (not the scenario keys a sweep file lacks)


def test_check_still_checks_every_file(capsys, tmp_path):
    bad = write_sweep(tmp_path, replications=-1)
    code, out, err = carecap(capsys, "check", SMALL, bad, SWEEP_SMALL)
    assert code == 2
    assert out.splitlines() == [
        f"ok  {SMALL} (name: small)",
        f"ok  {SWEEP_SMALL} (sweep: sweep-small, 6 point(s) x 4 replication(s), base scenario: "
        "small)",
    ]
    assert "replications" in one_paragraph_error(err)


def test_run_of_a_sweep_file_says_it_is_one(capsys, tmp_path):
    code, out, err = carecap(capsys, "run", SWEEP_SMALL, "--out", tmp_path / "out")
    assert (code, out) == (2, "")
    one_paragraph_error(err)
    line = SWEEP_SMALL.read_text(encoding="utf-8").splitlines().index("base: small.yaml") + 1
    assert f"sweep-small.yaml:{line}:1: base: this is a sweep file" in err
    assert "carecap sweep" in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_sweep_of_a_scenario_file_says_it_is_one(capsys, tmp_path):
    code, out, err = carecap(capsys, "sweep", SMALL, "--out", tmp_path / "out")
    assert (code, out) == (2, "")
    one_paragraph_error(err)
    assert "this is a scenario file" in err and "carecap run" in err
    assert err.count("\n") == 1  # (one sentence, not one line per scenario key)
    assert not (tmp_path / "out").exists()


def test_a_scenario_with_a_stray_base_key_gets_the_ordinary_message(capsys, tmp_path):
    # (`base:` written for `extends:`: nothing to vary, so not taken for a sweep file)
    data = yaml.safe_load(SMALL.read_text(encoding="utf-8")) | {"base": "other.yaml"}
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    code, out, err = carecap(capsys, "check", path)
    assert (code, out) == (2, "")
    assert "unknown key 'base'" in one_paragraph_error(err) and "extends" in err
    assert "sweep file" not in err


def test_the_sweep_file_error_survives_pickling():
    # (errors raised in worker processes come back pickled)
    import pickle

    from carecap.sim.scenario.loader import SweepFileGiven, load_scenario

    try:
        load_scenario(SWEEP_SMALL)
    except SweepFileGiven as exc:
        back = pickle.loads(pickle.dumps(exc))
        assert type(back) is SweepFileGiven and str(back) == str(exc) and back.line == exc.line
    else:
        raise AssertionError("a sweep file loaded as a scenario")


def test_the_blocks_the_loader_knows_are_the_sweep_files_own():
    """The loader tells a sweep file by these blocks without importing the sweep module: each
    must be a field of a sweep file, and each block that makes points among them."""
    from carecap.sim.experiments.sweep_spec import BLOCKS, SweepSpec
    from carecap.sim.scenario.sweep_blocks import VARYING_BLOCKS

    keys = {field.alias or name for name, field in SweepSpec.model_fields.items()}  # as written
    assert set(VARYING_BLOCKS) <= keys
    assert set(BLOCKS) < set(VARYING_BLOCKS)
    assert "base" in keys  # (the other half of the loader's test)
