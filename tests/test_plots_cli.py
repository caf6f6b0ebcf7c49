"""``carecap plot KIND RESULTS [-o FILE]``: every kind from real folders, and bad input as
one-paragraph errors (exit 2) that name the option or the folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from results_helpers import small_run_folder, small_sweep_folder

from carecap.sim.cli.main import main

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="session")
def run_copy(tmp_path_factory) -> Path:
    """A copy of the small run (the plots are written into it by default)."""
    folder = tmp_path_factory.mktemp("plot-cli") / "run"
    shutil.copytree(small_run_folder(tmp_path_factory), folder)
    return folder


@pytest.fixture(scope="session")
def sweep_copy(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("plot-cli-sweep") / "sweep"
    shutil.copytree(small_sweep_folder(tmp_path_factory), folder)
    return folder


@pytest.mark.parametrize("kind", ["waits", "backlog", "utilisation", "equity"])
def test_run_kinds_write_a_png_into_the_folder_by_default(run_copy, kind, capsys):
    assert main(["plot", kind, str(run_copy)]) == 0
    out = run_copy / f"{kind}.png"
    assert out.read_bytes()[:8] == PNG
    assert str(out) in capsys.readouterr().out


@pytest.mark.parametrize(("suffix", "magic"), [(".svg", b"<?xml"), (".pdf", b"%PDF")])
def test_output_format_follows_the_suffix(run_copy, tmp_path, suffix, magic):
    out = tmp_path / "sub" / f"equity{suffix}"
    assert main(["plot", "equity", str(run_copy), "-o", str(out)]) == 0
    assert out.read_bytes()[: len(magic)] == magic


def test_sweep_kinds(sweep_copy, tmp_path):
    assert main(["plot", "sweep", str(sweep_copy)]) == 0
    assert (sweep_copy / "sweep.png").read_bytes()[:8] == PNG
    assert main(["plot", "cost", str(sweep_copy), "-o", str(tmp_path / "c.png")]) == 0
    args = ["plot", "compare", str(sweep_copy), "--points", "p0000,p0001"]
    assert main([*args, "-o", str(tmp_path / "d.png")]) == 0
    args = ["plot", "waits", str(sweep_copy), "--point", "p0003", "--by", "district"]
    assert main([*args, "-o", str(tmp_path / "w.png")]) == 0
    where = ["--where", "bathing_centre.stations=1", "--metric", "alarm.on_time_rate"]
    assert main(["plot", "sweep", str(sweep_copy), *where, "-o", str(tmp_path / "s.png")]) == 0


def test_compare_two_run_folders(run_copy, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(run_copy, other)
    out = tmp_path / "cmp.png"
    assert main(["plot", "compare", str(run_copy), "--against", str(other), "-o", str(out)]) == 0
    assert out.read_bytes()[:8] == PNG


def error_of(capsys, argv: list[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("carecap: error: ") and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    return err


def test_bad_input_is_one_paragraph(run_copy, sweep_copy, tmp_path, capsys):
    err = error_of(capsys, ["plot", "sweep", str(run_copy), "-o", str(tmp_path / "a.png")])
    assert "KIND sweep" in err and "run folder" in err
    err = error_of(capsys, ["plot", "cost", str(run_copy), "-o", str(tmp_path / "a.png")])
    assert "KIND cost" in err
    err = error_of(capsys, ["plot", "waits", str(run_copy), "-o", str(tmp_path / "a.bmp")])
    assert "--out" in err and ".png" in err
    err = error_of(capsys, ["plot", "waits", str(tmp_path / "nowhere")])
    assert "nowhere" in err and "no such results folder" in err
    (tmp_path / "mine").mkdir()
    err = error_of(capsys, ["plot", "waits", str(tmp_path / "mine")])
    assert "not a carecap results folder" in err
    err = error_of(capsys, ["plot", "waits", str(run_copy), "--by", "colour"])
    assert "--by" in err and "district" in err
    err = error_of(capsys, ["plot", "compare", str(run_copy), "-o", str(tmp_path / "a.png")])
    assert "--against" in err
    err = error_of(capsys, ["plot", "backlog", str(sweep_copy), "-o", str(tmp_path / "a.png")])
    assert "--point" in err
    err = error_of(capsys, ["plot", "sweep", str(sweep_copy), "--x", "stations"])
    assert "--x" in err and "bathing_centre.stations" in err
    err = error_of(capsys, ["plot", "equity", str(sweep_copy), "--point", "p9"])
    assert "no point 'p9'" in err
    assert not (tmp_path / "a.png").exists()
    # an option the kind does not read is refused, not silently ignored
    err = error_of(capsys, ["plot", "equity", str(run_copy), "--by", "year"])
    assert "--by" in err and "applies to waits only" in err
    err = error_of(capsys, ["plot", "waits", str(run_copy), "--metric", "alarm.wait_mean"])
    assert "--metric" in err and "applies to sweep only" in err and "--by, --point" in err
    assert main(["plot", "histogram", str(run_copy)]) == 2  # argparse: not a kind
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["waits", "backlog", "equity"])
def test_an_out_folder_or_a_name_without_suffix_suggests_the_kinds_file(
    run_copy, tmp_path, capsys, kind
):
    (tmp_path / "folder").mkdir()
    err = error_of(capsys, ["plot", kind, str(run_copy), "-o", str(tmp_path / "folder")])
    assert f"is a folder; give a file name such as {tmp_path / 'folder' / kind}.png" in err
    err = error_of(capsys, ["plot", kind, str(run_copy), "-o", str(tmp_path / "results")])
    assert "no suffix" in err and f"{tmp_path / 'results' / kind}.png" in err
    assert "warmup" not in err
    assert not (tmp_path / "results").exists()  # no image written under a name without format


def test_compare_given_run_folders_points_to_plot_compare(run_copy, sweep_copy, tmp_path, capsys):
    other = tmp_path / "other"
    shutil.copytree(run_copy, other)
    err = error_of(capsys, ["compare", str(run_copy), str(other)])
    assert "results folder of a carecap run" in err
    assert f"carecap plot compare {run_copy} --against {other}" in err
    err = error_of(capsys, ["compare", str(sweep_copy), str(other)])
    assert "sweep's results folder" in err and f"{sweep_copy}:p0000" in err


@pytest.mark.parametrize("kind", ["waits", "backlog", "utilisation", "equity"])
def test_lang_chooses_the_figures_words(run_copy, tmp_path, kind, monkeypatch):
    from plot_checks import texts

    from carecap.sim.cli import plot_command

    drawn = {}

    def keep(fig, out, fmt):
        drawn[out.stem] = " ".join(texts(fig))

    monkeypatch.setattr(plot_command, "_save", keep)
    for lang in ("en", "zh"):
        assert (
            main(["plot", kind, str(run_copy), "-o", str(tmp_path / f"{lang}.png"), "--lang", lang])
            == 0
        )

    def hanzi(text: str) -> int:
        return sum(0x4E00 <= ord(c) <= 0x9FFF for c in text)

    # (English figures show hanzi only in the scenario's own labels, e.g. district names)
    assert hanzi(drawn["zh"]) > hanzi(drawn["en"])


def test_the_lang_choices_are_the_figures_languages():
    from carecap.analysis.figure_words import FIGURE_LANGS
    from carecap.sim.cli.args import FIGURE_LANGS as OPTION_LANGS

    assert OPTION_LANGS == FIGURE_LANGS
