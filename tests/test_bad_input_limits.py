"""Bad input beyond wrong types: non-finite and absurd numbers, YAML 1.1 words, hostile files.

Every case runs ``carecap check`` in-process and asserts exit code 2, one paragraph with no
traceback, the file's name and the field path (or, for a file that cannot be parsed at all, its
line). The limits are in ``sim/scenario/limits.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from carecap.sim.cli.main import main
from carecap.sim.scenario import limits

SMALL_SCENARIO = Path(__file__).parent / "data" / "small.yaml"
INF, NAN = float("inf"), float("nan")


def check(capsys, *files: Path) -> tuple[int, str, str]:
    code = main(["check", *map(str, files)])
    out, err = capsys.readouterr()
    return code, out, err


def assert_bad_input(code: int, err: str, file: Path, *fragments: str) -> None:
    assert code == 2, err
    assert err.startswith("carecap: error: ")
    assert "Traceback" not in err
    assert err.count("\n") == 1, f"not one paragraph: {err!r}"
    assert file.name in err
    for fragment in fragments:
        assert fragment in err, f"{fragment!r} not in {err!r}"


def _set(data: dict, dotted: str, value: object) -> None:
    *parents, last = dotted.split(".")
    for key in parents:
        data = data[int(key)] if isinstance(data, list) else data[key]
    if isinstance(data, list):
        data[int(last)] = value
    else:
        data[last] = value


FINITE = "expected a finite number"

# (dotted path, value, fragments): the first fragment is the field path named in the message.
BAD_NUMBERS = {
    # calendar
    "inf horizon": ("calendar.horizon_days", INF, ["calendar.horizon_days", FINITE, "36,525"]),
    "nan horizon": ("calendar.horizon_days", NAN, ["calendar.horizon_days", "got nan", FINITE]),
    "horizon over 100 years": (
        "calendar.horizon_days",
        40_000,
        ["calendar.horizon_days", "got 40000", "at most 36525"],
    ),
    "nan warm-up": ("calendar.warmup_days", NAN, ["calendar.warmup_days", FINITE]),
    "inf drain": ("calendar.drain_days", INF, ["calendar.drain_days", FINITE]),
    # run defaults
    "seed of 2^64": ("seed", 2**64, ["seed", "got 18446744073709551616", "at most 1844674407"]),
    "seed of 10^30": ("seed", 10**30, ["seed", "at most 18446744073709551615"]),
    "negative seed": ("seed", -1, ["seed", "got -1", "at least 0"]),
    "inf seed": ("seed", INF, ["seed", FINITE]),
    "a million replications": ("replications", 10**6, ["replications", "at most 100000"]),
    # population
    "ten million elders in a district": (
        "population.elders_by_district.a",
        10**7,
        ["population.elders_by_district.a", "at most 1000000"],
    ),
    "more than a million elders in all": (
        "population.elders_by_district",
        {"a": 600_000, "b": 500_000},
        ["population.elders_by_district", "more than the 1,000,000 elders"],
    ),
    "enrolment of a million and more": (
        "population.enrolment",
        [{"from_day": 0, "to_day": 60, "elders_per_day": 20_000}],
        ["population.enrolment", "about 1,200,000 expected to enrol"],
    ),
    "nan enrolment rate": (
        "population.enrolment.0.elders_per_day",
        NAN,
        ["population.enrolment.0.elders_per_day", FINITE],
    ),
    "inf enrolment end": ("population.enrolment.0.to_day", INF, ["population.enrolment.0.to_day"]),
    "inf exit rate": ("population.exit_rate_per_year", INF, ["population.exit_rate_per_year"]),
    "nan share": ("population.tier_shares.other", NAN, ["population.tier_shares.other", FINITE]),
    "residents beyond any city": ("districts.a.residents", 10**12, ["districts.a.residents"]),
    # services: rates, targets, seasonal factors, intervals
    "inf alarm rate": (
        "services.alarm.rate_per_bed_month",
        INF,
        ["services.alarm.rate_per_bed_month", FINITE, "at most 1,000"],
    ),
    "absurd alarm rate": (
        "services.alarm.rate_per_bed_month",
        1e6,
        ["services.alarm.rate_per_bed_month", "at most 1000"],
    ),
    "nan visit share": ("services.alarm.visit_share", NAN, ["services.alarm.visit_share", FINITE]),
    "inf alarm target": ("services.alarm.target_min", INF, ["services.alarm.target_min", FINITE]),
    "huge give-up": ("services.alarm.give_up_min", 1e300, ["services.alarm.give_up_min"]),
    "inf threshold": (
        "services.alarm.report_within_min",
        [15, INF],
        ["services.alarm.report_within_min.1", FINITE],
    ),
    "inf seasonal factor": (
        "services.alarm.seasonal_factor_by_month",
        {7: INF},
        ["services.alarm.seasonal_factor_by_month.7", FINITE, "at most 100"],
    ),
    "nan seasonal factor": (
        "services.care_visit.seasonal_factor_by_month",
        {1: NAN},
        ["services.care_visit.seasonal_factor_by_month.1", FINITE],
    ),
    "seasonal factor over 100": (
        "services.bath.seasonal_factor_by_month",
        {2: 1000},
        ["services.bath.seasonal_factor_by_month.2", "at most 100"],
    ),
    "inf care target": (
        "services.care_visit.target_days",
        INF,
        ["services.care_visit.target_days"],
    ),
    "nan bath give-up": ("services.bath.give_up_days", NAN, ["services.bath.give_up_days"]),
    "visiting hours that end before they start": (
        "services.care_visit.hours",
        {"mon": ["18:00-08:00"]},
        ["services.care_visit.hours", "18:00-08:00"],
    ),
    "visiting hours on an unknown day": (
        "services.care_visit.hours",
        {"monday": ["08:00-18:00"]},
        ["services.care_visit.hours", "unknown day"],
    ),
    "bathing hours on an unknown day": (
        "services.bath.hours",
        {"monday": ["09:00-16:00"]},
        ["services.bath.hours", "unknown day"],
    ),
    "bathing hours that end before they start": (
        "services.bath.hours",
        {"mon-fri": ["16:00-09:00"]},
        ["services.bath.hours"],
    ),
    "shift group that stops before it starts": (
        "caregivers.0.shifts.1",
        {"count": 1, "hours": "always", "from_date": "2022-02-01", "to_date": "2022-01-15"},
        ["caregivers.0.shifts.1", "must come after from_date"],
    ),
    "station group that stops before it starts": (
        "bathing_centre.stations",
        [{"count": 1}, {"count": 2, "from_date": "2022-02-01", "to_date": "2022-01-15"}],
        ["bathing_centre.stations.1", "must come after from_date"],
    ),
    "no station groups": (
        "bathing_centre.stations",
        [],
        ["bathing_centre.stations"],
    ),
    "station group with a negative count": (
        "bathing_centre.stations",
        [{"count": -1}],
        ["bathing_centre.stations.0.count"],
    ),
    "station group with an unknown key": (
        "bathing_centre.stations",
        [{"count": 1, "form_date": "2022-02-01"}],
        ["bathing_centre.stations.0.form_date"],
    ),
    "vans that stop before they start": (
        "bathing_centre.vans",
        {"count": 1, "seats": 2, "from_date": "2022-02-01", "to_date": "2022-02-01"},
        ["bathing_centre.vans", "must come after from_date"],
    ),
    "vans from a date that is no date": (
        "bathing_centre.vans",
        {"count": 1, "seats": 2, "from_date": "July"},
        ["bathing_centre.vans.from_date"],
    ),
    "team pool that stops before it starts": (
        "home_bathing.teams.0",
        {
            "name": "t1",
            "base_district": "a",
            "shifts": [{"count": 1, "hours": "always"}],
            "travel_min": {"a": 20, "b": 35},
            "from_date": "2022-02-01",
            "to_date": "2021-12-01",
        },
        ["home_bathing.teams.0", "must come after from_date"],
    ),
    "caregiver pool that stops before it starts": (
        "caregivers.0",
        {
            "name": "city",
            "shifts": [{"count": 1, "hours": "always"}],
            "travel_min": {"a": 15, "b": 25},
            "from_date": "2022-02-01",
            "to_date": "2021-12-01",
        },
        ["caregivers.0", "must come after from_date"],
    ),
    "centre opening that is not a date": (
        "bathing_centre.opens_on",
        "next spring",
        ["bathing_centre.opens_on"],
    ),
    "service opening that is not a date": (
        "services.care_visit.opens_on",
        "2022-02-30",
        ["services.care_visit.opens_on"],
    ),
    "zero give-up": ("services.alarm.give_up_min", 0, ["services.alarm.give_up_min", "omit"]),
    "give-up distribution with mean 0": (
        "services.bath.give_up_days",
        {"dist": "exponential", "mean": 0},
        ["services.bath.give_up_days", "positive mean"],
    ),
    "give-up distribution with a negative mean": (
        "services.alarm.give_up_min",
        {"dist": "exponential", "mean": -5},
        ["services.alarm.give_up_min.exponential.mean", "at least 0"],
    ),
    "interval of a millionth of a day": (
        "services.care_visit.by_care_level.disabled.interval_days",
        1e-6,
        ["services.care_visit.by_care_level.disabled.interval_days", "at least 0.01 days"],
    ),
    "exponential interval with a tiny mean": (
        "services.bath.interval_days_by_level.semi_disabled",
        {"dist": "exponential", "mean": 0.001},
        ["services.bath.interval_days_by_level.semi_disabled", "at least 0.01 days"],
    ),
    # booked slots for home bathing
    "booking slot of one minute": (
        "home_bathing.booking",
        {"slot_min": 1, "book_ahead_days": 14},
        ["home_bathing.booking.slot_min", "at least 5"],
    ),
    "nan booking slot": (
        "home_bathing.booking",
        {"slot_min": NAN, "book_ahead_days": 14},
        ["home_bathing.booking.slot_min", FINITE],
    ),
    "booking ten years ahead": (
        "home_bathing.booking",
        {"slot_min": 30, "book_ahead_days": 3650},
        ["home_bathing.booking.book_ahead_days", "at most 366"],
    ),
    "booking zero days ahead": (
        "home_bathing.booking",
        {"slot_min": 30, "book_ahead_days": 0},
        ["home_bathing.booking.book_ahead_days", "greater than 0"],
    ),
    "booking without a window": (
        "home_bathing.booking",
        {"slot_min": 30},
        ["home_bathing.booking.book_ahead_days"],
    ),
    "booking with an unknown key": (
        "home_bathing.booking",
        {"slot_min": 30, "book_ahead_days": 14, "slots_min": 30},
        ["home_bathing.booking.slots_min"],
    ),
    "centre booking ten years ahead": (
        "bathing_centre.booking",
        {"slot_min": 30, "book_ahead_days": 3650},
        ["bathing_centre.booking.book_ahead_days", "at most 366"],
    ),
    "centre booking slot of one minute": (
        "bathing_centre.booking",
        {"slot_min": 1, "book_ahead_days": 14},
        ["bathing_centre.booking.slot_min", "at least 5"],
    ),
    # distribution parameters
    "inf fixed duration": ("services.alarm.duration_min", INF, ["services.alarm.duration_min"]),
    "inf exponential mean": (
        "services.alarm.duration_min",
        {"dist": "exponential", "mean": INF},
        ["services.alarm.duration_min.mean", FINITE],
    ),
    "nan uniform bound": (
        "home_bathing.bath_min",
        {"dist": "uniform", "low": 30, "high": NAN},
        ["home_bathing.bath_min.high", FINITE],
    ),
    "huge triangular bound": (
        "bathing_centre.bath_duration_min",
        {"dist": "triangular", "low": 0, "mode": 1, "high": 1e300},
        ["bathing_centre.bath_duration_min.high", "at most 1e+06"],
    ),
    "-inf normal mean": (
        "services.alarm.duration_min",
        {"dist": "normal", "mean": -INF, "sd": 1},
        ["services.alarm.duration_min.mean", FINITE],
    ),
    "lognormal spread that overflows": (
        "caregivers.0.travel_min.a",
        {"dist": "lognormal", "mean": 1e-300, "sd": 5},
        ["caregivers.0.travel_min.a", "more than 1000 times the mean"],
    ),
    "inf gamma sd": (
        "caregivers.0.travel_min.a",
        {"dist": "gamma", "mean": 15, "sd": INF},
        ["caregivers.0.travel_min.a.sd", FINITE],
    ),
    "gamma with no spread": (
        "caregivers.0.travel_min.a",
        {"dist": "gamma", "mean": 15, "sd": 1e-300},
        ["caregivers.0.travel_min.a", "write a fixed value instead"],
    ),
    "inf empirical value": (
        "home_bathing.setup_min",
        {"dist": "empirical", "values": [10, INF]},
        ["home_bathing.setup_min.values.1", FINITE],
    ),
    "nan empirical weight": (
        "home_bathing.setup_min",
        {"dist": "empirical", "values": [10, 20], "weights": [NAN, 1]},
        ["home_bathing.setup_min.weights.0", FINITE],
    ),
    "inf travel time": ("caregivers.0.travel_min.b", INF, ["caregivers.0.travel_min.b", FINITE]),
    "nan transport time": (
        "bathing_centre.transport_min.a",
        NAN,
        ["bathing_centre.transport_min.a", FINITE],
    ),
    # costs
    "inf cost per hour": ("costs.caregiver_per_hour", INF, ["costs.caregiver_per_hour", FINITE]),
    "nan cost per service": (
        "costs.per_service.centre_bath",
        NAN,
        ["costs.per_service.centre_bath", FINITE],
    ),
    "absurd station cost": ("costs.station_per_open_hour", 1e12, ["costs.station_per_open_hour"]),
    # counts of units and thresholds
    "a hundred thousand stations": (
        "bathing_centre.stations",
        100_000,
        ["bathing_centre.stations", "at most 10000"],
    ),
    "a count of 10^30 caregivers": (
        "caregivers.0.shifts.0.count",
        10**30,
        ["caregivers.0.shifts.0.count", "at most 10000"],
    ),
    "more than 10,000 units in all": (
        "caregivers.0.shifts",
        [{"count": 6000, "hours": "always"}, {"count": 6000, "hours": "always"}],
        ["caregivers.0.shifts.0.count", "12,002 caregivers, stations and teams"],
    ),
    "a million vans": ("bathing_centre.vans.count", 10**6, ["bathing_centre.vans.count"]),
    "negative van stop": (
        "bathing_centre.vans.per_stop_min",
        -5,
        ["bathing_centre.vans.per_stop_min", "got -5", "at least 0"],
    ),
    "a day-long van stop": (
        "bathing_centre.vans.per_stop_min",
        1_000,
        ["bathing_centre.vans.per_stop_min", "240"],
    ),
    "nan van stop": ("bathing_centre.vans.per_stop_min", NAN, ["bathing_centre.vans.per_stop_min"]),
    "van hours not a schedule": (
        "bathing_centre.vans.hours",
        "sometimes",
        ["bathing_centre.vans.hours"],
    ),
    "inf overflow threshold": (
        "routing.overflow_to_home_when_centre_queue_over",
        INF,
        ["routing.overflow_to_home_when_centre_queue_over"],
    ),
    "inf transport threshold": (
        "routing.max_centre_transport_min",
        INF,
        ["routing.max_centre_transport_min", FINITE],
    ),
    "ten million waiting": (
        "initial_backlog.centre_bath.tekun",
        10**7,
        ["initial_backlog.centre_bath.tekun", "at most 1000000"],
    ),
}


@pytest.mark.parametrize(
    ("dotted", "value", "fragments"), BAD_NUMBERS.values(), ids=list(BAD_NUMBERS)
)
def test_bad_number(capsys, write_scenario, small_scenario_data, dotted, value, fragments):
    _set(small_scenario_data, dotted, value)
    path = write_scenario(small_scenario_data)
    code, out, err = check(capsys, path)
    assert out == ""
    assert_bad_input(code, err, path, *fragments)


# --- names: unique and serving someone ---------------------------------------------------------

TWO_POOLS = [
    {"name": "north", "districts": ["a"], "shifts": [{"count": 1, "hours": "always"}],
     "travel_min": {"a": 10}},
    {"name": "south", "districts": ["b"], "shifts": [{"count": 1, "hours": "always"}],
     "travel_min": {"b": 10}},
]  # fmt: skip

BAD_NAMES = {
    "two caregiver pools with one name": (
        "caregivers",
        [TWO_POOLS[0], {**TWO_POOLS[1], "name": "north"}],
        ["caregivers.1.name", "'north' is already used by caregivers.0.name", "unique"],
    ),
    "a team named like a caregiver pool": (
        "home_bathing.teams.0.name",
        "city",
        ["home_bathing.teams.0.name", "'city' is already used by caregivers.0.name"],
    ),
    "a team named centre": (
        "home_bathing.teams.0.name",
        "centre",
        ["home_bathing.teams.0.name", "'centre' is reserved for the bathing centre"],
    ),
    "a caregiver pool named centre": (
        "caregivers.0.name",
        "centre",
        ["caregivers.0.name", "'centre' is reserved"],
    ),
    "a caregiver pool serving no district": (
        "caregivers",
        [*TWO_POOLS, {**TWO_POOLS[0], "name": "idle", "districts": []}],
        ["caregivers.2.districts", "the list is empty", "serve no one"],
    ),
    "a team serving no district": (
        "home_bathing.teams.0.districts",
        [],
        ["home_bathing.teams.0.districts", "the list is empty"],
    ),
    "a district served by two pools (kept)": (
        "caregivers",
        [TWO_POOLS[0], {**TWO_POOLS[1], "districts": ["a", "b"], "travel_min": {"a": 5, "b": 5}}],
        ["caregivers", "district 'a' is served by both 'north' and 'south'"],
    ),
}


@pytest.mark.parametrize(("dotted", "value", "fragments"), BAD_NAMES.values(), ids=list(BAD_NAMES))
def test_bad_names(capsys, write_scenario, small_scenario_data, dotted, value, fragments):
    _set(small_scenario_data, dotted, value)
    path = write_scenario(small_scenario_data)
    code, _, err = check(capsys, path)
    assert_bad_input(code, err, path, *fragments)


# --- YAML 1.2 core scalars: YAML 1.1 words are text --------------------------------------------

SMALL_TEXT = SMALL_SCENARIO.read_text(encoding="utf-8")

BAD_WORDS = {
    "horizon yes": (
        "horizon_days: 60",
        "horizon_days: yes",
        ["calendar.horizon_days", "got 'yes' (text); expected a number"],
    ),
    "seed on": ("seed: 1", "seed: on", ["seed", "got 'on' (text); expected a whole number"]),
    "replications off": ("replications: 3", "replications: off", ["replications", "got 'off'"]),
    "can_go_to_centre no": (
        "can_go_to_centre: false",
        "can_go_to_centre: no",
        ["care_levels.bedridden.can_go_to_centre", "got 'no'; expected true or false"],
    ),
    "sexagesimal horizon": (
        "horizon_days: 60",
        "horizon_days: 1:30",
        ["calendar.horizon_days", "got '1:30' (text)"],
    ),
    "a 200-digit seed": ("seed: 1", "seed: " + "9" * 200, [":4:", "200 digits is far too large"]),
    "!!bool yes": ("seed: 1", "seed: !!bool yes", [":4:7:", "'yes' is not a boolean"]),
    "!!int 1:30": ("seed: 1", "seed: !!int '1:30'", [":4:7:", "'1:30' is not a whole number"]),
}


@pytest.mark.parametrize(("old", "new", "fragments"), BAD_WORDS.values(), ids=list(BAD_WORDS))
def test_yaml_1_1_words_are_not_numbers_or_booleans(capsys, write_scenario, old, new, fragments):
    assert old in SMALL_TEXT
    path = write_scenario(SMALL_TEXT.replace(old, new, 1))
    code, _, err = check(capsys, path)
    assert_bad_input(code, err, path, *fragments)


# --- hostile documents: bombs, depth, size -----------------------------------------------------


def _billion_laughs() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"  # 1 kB that expands to 10^10 strings


DEEP_FLOW = "name: x\nd: " + "[" * 10_000 + "]" * 10_000 + "\n"
DEEP_BLOCK = "name: x\nd:\n" + "".join(" " * (2 * i) + "- \n" for i in range(100))
# textually 41 levels deep, 71 with the alias expanded
DEEP_ALIAS = "x: &x " + "[" * 40 + "]" * 40 + "\ny: " + "[" * 30 + "*x" + "]" * 30 + "\n"
LONG_TEXT_ALIASES = (
    'a: &a "' + "x" * 100_000 + '"\nb: &b [' + ", ".join(["*a"] * 100) + "]\n"
    "c: [" + ", ".join(["*b"] * 100) + "]\n"
)

HOSTILE = {
    "billion laughs": (_billion_laughs(), ["alias bomb", "more than 50,000 values"]),
    "a list of 400,000 numbers": (
        "name: x\nd: [" + ",".join(["1"] * 400_000) + "]\n",
        [":2:", "more than 50,000 values", "data file"],
    ),
    "a block list of 200,000 numbers": (
        "name: x\nd:\n" + "- 1\n" * 200_000,
        ["more than 50,000 values"],
    ),
    "deep flow nesting": (DEEP_FLOW, [":2:", "nested more than 64 levels"]),
    "deep block nesting": (DEEP_BLOCK, ["nested more than 64 levels"]),
    "deep through an alias": (DEEP_ALIAS, [":2:", "with aliases expanded", "64 levels"]),
    "long text through aliases": (LONG_TEXT_ALIASES, ["characters of text"]),
    "recursive alias": ("name: x\nd: &d [1, *d]\n", ["d", "contains itself"]),
    "undefined alias": ("name: x\nd: *nowhere\n", [":2:4:", "undefined alias"]),
    "file over 1 MiB": (
        "name: x\ndescription: '" + "a" * (limits.MAX_FILE_BYTES + 10) + "'\n",
        ["cannot read the scenario file", "at most 1,048,576 bytes"],
    ),
}


@pytest.mark.parametrize(("text", "fragments"), HOSTILE.values(), ids=list(HOSTILE))
def test_hostile_document_is_refused(capsys, write_scenario, text, fragments):
    path = write_scenario(text)
    code, _, err = check(capsys, path)
    assert_bad_input(code, err, path, *fragments)
    # How fast they are refused is measured by benchmarks/bench_hostile_input.py, not here.


# --- files that are not text, and extends: that is not a regular file --------------------------


def test_nul_byte(capsys, tmp_path):
    path = tmp_path / "nul.yaml"
    path.write_bytes(b"name: x\nseed: 1\x00\n")
    code, _, err = check(capsys, path)
    assert_bad_input(code, err, path, "nul.yaml:2:8:", "a NUL byte at line 2, column 8")


def test_control_character(capsys, tmp_path):
    path = tmp_path / "ctrl.yaml"
    path.write_bytes(b"name: x\x07\n")
    code, _, err = check(capsys, path)
    assert_bad_input(code, err, path, "ctrl.yaml:1:8:", "character U+0007")


def test_bad_utf8_names_the_line(capsys, tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"name: x\ndescription: caf\xe9\n")
    code, _, err = check(capsys, path)
    assert_bad_input(code, err, path, "latin1.yaml:2:17:", "not UTF-8", "0xe9")


def _fifo(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    return fifo


def _symlink_loop(tmp_path: Path) -> Path:
    a, b = tmp_path / "loop-a.yaml", tmp_path / "loop-b.yaml"
    try:
        a.symlink_to(b)
        b.symlink_to(a)
    except OSError:
        pytest.skip("cannot make symbolic links here")
    return a


def _directory(tmp_path: Path) -> Path:
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    return folder


def _too_big(tmp_path: Path) -> Path:
    path = tmp_path / "big.yaml"
    path.write_text("name: x\ndescription: '" + "a" * limits.MAX_FILE_BYTES + "'\n")
    return path


def _bad_utf8(tmp_path: Path) -> Path:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"name: x\ndescription: caf\xe9\n")
    return path


def _dev(name: str):
    def make(tmp_path: Path) -> Path:
        path = Path(name)
        if not path.exists():
            pytest.skip(f"no {name} here")
        return path

    return make


BAD_BASES = {
    "/dev/zero": (_dev("/dev/zero"), "it is a device, not a regular file"),
    "a FIFO": (_fifo, "it is a named pipe (FIFO), not a regular file"),
    "a directory": (_directory, "it is a directory, not a file"),
    "a symlink loop": (_symlink_loop, "its path is a loop of symbolic links"),
    "a file over 1 MiB": (_too_big, "at most 1,048,576 bytes"),
    "a base that is not UTF-8": (_bad_utf8, "not UTF-8"),
    "an unreadable file (I/O error)": (_dev("/proc/self/mem"), "input/output error"),
}


@pytest.mark.parametrize(("make", "reason"), BAD_BASES.values(), ids=list(BAD_BASES))
def test_extends_needs_a_regular_text_file(capsys, write_scenario, tmp_path, make, reason):
    base = make(tmp_path)
    child = write_scenario(f"extends: {base}\nname: child\n", "child.yaml")
    code, _, err = check(capsys, child)
    assert_bad_input(code, err, child, "child.yaml:1:1: extends:", "cannot read", reason)


@pytest.mark.parametrize(
    ("make", "reason"),
    [BAD_BASES["/dev/zero"], BAD_BASES["a FIFO"], BAD_BASES["a symlink loop"]],
    ids=["/dev/zero", "a FIFO", "a symlink loop"],
)
def test_check_needs_a_regular_file(capsys, tmp_path, make, reason):
    path = make(tmp_path)
    code, _, err = check(capsys, path)
    assert_bad_input(code, err, path, "cannot read the scenario file", reason)


def test_extends_name_with_a_nul(capsys, write_scenario):
    child = write_scenario('extends: "base\\0.yaml"\nname: child\n', "child.yaml")
    code, _, err = check(capsys, child)
    assert_bad_input(code, err, child, "extends:", "the file name contains a NUL character")


def test_extends_chain_too_long(capsys, write_scenario):
    n = limits.MAX_EXTENDS + 2
    for i in range(n):
        write_scenario(f"extends: s{i + 1}.yaml\n" if i + 1 < n else "name: x\n", f"s{i}.yaml")
    first = Path(write_scenario("extends: s1.yaml\n", "s0.yaml"))
    code, _, err = check(capsys, first)
    assert_bad_input(code, err, first, "extends:", "longer than 32 files")


def test_symlink_loop_through_a_variant(capsys, write_scenario, tmp_path):
    loop = _symlink_loop(tmp_path)
    middle = write_scenario(f"extends: {loop.name}\n", "middle.yaml")
    child = write_scenario(f"extends: {middle.name}\nname: c\n", "child.yaml")
    code, _, err = check(capsys, child)
    assert_bad_input(code, err, child, "middle.yaml:1:1: extends:", "loop of symbolic links")


def test_valid_files_still_pass(capsys):
    scenarios = sorted((Path(__file__).parents[1] / "scenarios").glob("*.yaml"))
    code, out, err = check(capsys, SMALL_SCENARIO, *scenarios)
    assert (code, err) == (0, "")
    assert out.count("ok  ") == len(scenarios) + 1


def test_yaml_1_2_scalars(write_scenario):
    from carecap.sim.scenario.loader import load_scenario_data

    text = (
        "name: x\nwords: [yes, no, on, off, y, n]\nno: 1\nclock: 1:30\noctal: 017\n"
        "explicit_octal: 0o17\nhex: 0x1F\nsmall: 1e-6\nbig: .inf\nflags: [true, False]\n"
        "nothing: [null, ~, Null]\nempty:\nday: 2022-01-31\nunder: 1_000\n"
    )
    data = load_scenario_data(write_scenario(text))
    assert data["words"] == ["yes", "no", "on", "off", "y", "n"]
    assert data["no"] == 1  # the key stays the text 'no'
    assert data["clock"] == "1:30"
    assert (data["octal"], data["explicit_octal"], data["hex"]) == (17, 15, 31)
    assert data["small"] == 1e-6 and data["big"] == INF
    assert data["flags"] == [True, False]
    assert data["nothing"] == [None, None, None] and data["empty"] is None
    assert str(data["day"]) == "2022-01-31"
    assert data["under"] == "1_000"


def test_a_district_called_no_is_a_name(write_scenario):
    from carecap.sim.scenario.loader import load_scenario

    text = SMALL_TEXT.replace("  a: {}", "  no: {}").replace("{a: 60, b: 40}", "{no: 60, b: 40}")
    text = text.replace("district: a", "district: no").replace(
        "base_district: a", "base_district: no"
    )
    text = text.replace("{a: ", "{no: ").replace(", a: ", ", no: ")
    scenario = load_scenario(write_scenario(text))
    assert "no" in scenario.districts
