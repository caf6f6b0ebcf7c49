"""Fuzzing the scenario format: a mutated valid scenario is either accepted or refused in one
paragraph (exit 0 or 2), never with a traceback; and what ``check`` accepts, ``run`` runs.

Each example starts from tests/data/small.yaml, picks one field path at random (a leaf, a
mapping or a list) and replaces its value with a value of a wrong type or an out-of-range, huge or
non-finite number; or damages the YAML text itself. Any exception other than the one-paragraph
:class:`~carecap.sim.errors.ScenarioError` escapes ``main`` and fails the test with its traceback.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from carecap.sim.cli.main import main
from carecap.sim.scenario.loader import load_scenario_data

SMALL_SCENARIO = Path(__file__).parent / "data" / "small.yaml"
SMALL_TEXT = SMALL_SCENARIO.read_text(encoding="utf-8")
SMALL_DATA = load_scenario_data(SMALL_SCENARIO)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path into ``node`` (keys and list indices), inner nodes included."""
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


PATHS = _paths(SMALL_DATA)


def _value_at(data: Any, path: tuple) -> Any:
    for key in path:
        data = data[key]
    return data


NUMBER_PATHS = [
    p
    for p in PATHS
    if isinstance(_value_at(SMALL_DATA, p), (int, float))
    and not isinstance(_value_at(SMALL_DATA, p), bool)
]


def _set(data: Any, path: tuple, value: Any) -> None:
    *parents, last = path
    for key in parents:
        data = data[key]
    data[last] = value


odd_numbers = st.one_of(
    st.sampled_from([math.inf, -math.inf, math.nan, 0, -1, -0.0, 1e-300, 1e300, 2**64, 2**200]),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
)
words = st.sampled_from(["yes", "no", "on", "off", "1:30", "0o17", "1e-6", "", "all", "always"])
wrong_values = st.one_of(
    odd_numbers,
    words,
    st.text(max_size=12),
    st.booleans(),
    st.none(),
    st.lists(st.one_of(st.integers(-3, 3), words), max_size=3),
    st.dictionaries(st.sampled_from(["a", "b", "dist", "mean", "x"]), odd_numbers, max_size=3),
)


def _check(capsys, path: Path, *, in_hypothesis: bool = True) -> tuple[int, str]:
    code = main(["check", str(path)])
    out, err = capsys.readouterr()
    if in_hypothesis:
        note(err)
    assert code in (0, 2), err
    assert "Traceback" not in out + err
    if code == 2:
        assert err.startswith("carecap: error: ") and path.name in err
    return code, err


FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(path=st.sampled_from(PATHS), value=wrong_values)
def test_mutated_value_is_accepted_or_refused_in_one_paragraph(capsys, tmp_path, path, value):
    data = copy.deepcopy(SMALL_DATA)
    _set(data, path, value)
    file = tmp_path / "mutated.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    _check(capsys, file)


YAML_BITS = st.one_of(
    st.sampled_from(["[", "]", "{", "}", ":", ": ", "- ", "&a ", "*a", "!!", "\n", "\t", "'", '"']),
    st.sampled_from(["\0", "\x07", "\ufeff", "\u2028", "#", "<<: ", "---\n", "%YAML 1.1\n"]),
    st.text(max_size=5),
)


@FUZZ
@given(data=st.data())
def test_damaged_text_is_accepted_or_refused_in_one_paragraph(capsys, tmp_path, data):
    start = data.draw(st.integers(0, len(SMALL_TEXT)), label="start")
    length = data.draw(st.integers(0, 20), label="length")
    bits = data.draw(st.lists(YAML_BITS, max_size=4), label="inserted")
    text = SMALL_TEXT[:start] + "".join(bits) + SMALL_TEXT[start + length :]
    file = tmp_path / "damaged.yaml"
    file.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    _check(capsys, file)


def _short_run(capsys, tmp_path: Path, data: dict, *, in_hypothesis: bool = True) -> int:
    """``carecap run --reps 1`` of ``data`` with the horizon capped at 20 days; the exit code."""
    calendar = data["calendar"]
    calendar["horizon_days"] = min(calendar["horizon_days"], 20)
    calendar["warmup_days"] = min(calendar.get("warmup_days", 0), calendar["horizon_days"] / 2)
    calendar["drain_days"] = min(calendar.get("drain_days", 0), 5)
    file = tmp_path / "short.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    if _check(capsys, file, in_hypothesis=in_hypothesis)[0] != 0:
        return 2
    argv = ["run", str(file), "--reps", "1", "--workers", "1", "--out", str(tmp_path / "out")]
    code = main([*argv, "--json"])
    out, err = capsys.readouterr()
    if in_hypothesis:
        note(err)
    assert code in (0, 2), err
    assert "Traceback" not in out + err
    return code


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    path=st.sampled_from(NUMBER_PATHS),
    value=st.one_of(odd_numbers, st.integers(0, 100), st.floats(0, 100)),
)
def test_what_check_accepts_runs(capsys, tmp_path, path, value):
    data = copy.deepcopy(SMALL_DATA)
    _set(data, path, value)
    file = tmp_path / "mutated.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    if _check(capsys, file)[0] == 0:
        _short_run(capsys, tmp_path, data)


AT_THE_LIMITS = {
    "seed 2^64 - 1": ("seed", 2**64 - 1),
    "alarm rate at its maximum": ("services.alarm.rate_per_bed_month", 1000),
    "seasonal factor at its maximum": ("services.bath.seasonal_factor_by_month", {1: 100.0}),
    "exit rate at its maximum": ("population.exit_rate_per_year", 1000),
    "shortest interval": ("services.care_visit.by_care_level.disabled.interval_days", 0.01),
    "no stations": ("bathing_centre.stations", 0),
    "huge costs": ("costs.caregiver_per_hour", 1e9),
}


@pytest.mark.parametrize(("dotted", "value"), AT_THE_LIMITS.values(), ids=list(AT_THE_LIMITS))
def test_values_at_the_limits_run(capsys, tmp_path, dotted, value):
    data = copy.deepcopy(SMALL_DATA)
    _set(data, tuple(int(k) if k.isdigit() else k for k in dotted.split(".")), value)
    assert _short_run(capsys, tmp_path, data, in_hypothesis=False) == 0


def test_paths_cover_the_scenario():
    assert ("calendar", "horizon_days") in PATHS
    assert ("caregivers", 0, "shifts", 1, "count") in NUMBER_PATHS
    assert len(NUMBER_PATHS) > 30


@pytest.mark.parametrize("value", [math.inf, math.nan, 2**64, -1])
def test_every_number_field_refuses_the_worst(capsys, tmp_path, value):
    """Not random: each numeric field of small.yaml, in turn, set to inf, nan, 2^64 and -1."""
    accepted = []
    for path in NUMBER_PATHS:
        data = copy.deepcopy(SMALL_DATA)
        _set(data, path, value)
        file = tmp_path / "worst.yaml"
        file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        code, _ = _check(capsys, file, in_hypothesis=False)
        if code == 0:
            accepted.append(".".join(map(str, path)))
    assert accepted == []  # no number field of small.yaml allows any of these
