"""``population.projection``: how the elders in need change over a multi-year horizon.

A projection sets, per calendar year from ``from_year`` on, the enrolment of new elders (so that
the expected number of elders follows a growth rate or the bed programme's yearly targets, exits
compensated), and over the whole run the care-level transitions (hazards per year, e.g.
semi-disabled -> bedridden) and the exit hazard (death, moving to an institution) of each care
level. The engine side is :mod:`carecap.sim.engine.projection`; the model is written down in
``docs/model-demography.md``.

Checks that need the rest of the scenario (care levels, districts, the calendar) are in
:func:`check_projection`, run by the scenario's cross-reference validator; each names the field
path it is about.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import Field, model_validator

from carecap.sim.scenario import limits
from carecap.sim.scenario.base import Frozen, Name, Probability, check_shares

if TYPE_CHECKING:
    from carecap.sim.scenario.model import Scenario

MIN_YEAR, MAX_YEAR = 1900, 2200
"""Calendar years a projection may name (the horizon narrows this further)."""
MIN_GROWTH_PER_YEAR, MAX_GROWTH_PER_YEAR = -0.5, 1.0
"""A programme may shrink (down to half a year) or grow (up to doubling a year); beyond that a
rate is a typo (5 meant as 5 %)."""

Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]
HazardPerYear = Annotated[float, Field(ge=0, le=limits.MAX_EXIT_RATE_PER_YEAR, allow_inf_nan=False)]
"""A hazard (events per elder-year), bounded like ``population.exit_rate_per_year``."""
GrowthPerYear = Annotated[
    float, Field(ge=MIN_GROWTH_PER_YEAR, le=MAX_GROWTH_PER_YEAR, allow_inf_nan=False)
]


class ElderTarget(Frozen):
    """The bed programme's target for one year: elders in the programme at the year's end."""

    year: Year
    elders: Annotated[int, Field(ge=0, le=limits.MAX_ELDERS)]


class Projection(Frozen):
    """Growth, care-level transitions, exits by level and yearly targets (see the module)."""

    from_year: Year | None = None
    """First calendar year whose enrolment the projection sets (``population.enrolment`` applies
    before it and is cut there); default: the year of ``calendar.start_date``. Not before that
    year; a later year than the horizon's last means the projection sets no enrolment (the
    transitions and exits by level still apply), so a shortened horizon stays valid."""
    growth_per_year: GrowthPerYear = 0.0
    """Growth of the expected number of elders in need, per year (0.04 = 4 % a year),
    compounded from the expected number at the start of ``from_year``; after the last target
    when ``targets`` are given."""
    growth_per_year_by_district: dict[Name, GrowthPerYear] = Field(default_factory=dict)
    """Growth by district; districts not listed grow at ``growth_per_year``."""
    targets: list[ElderTarget] = Field(default_factory=list)
    """The bed programme: expected elders at the end of each listed year (city total, shared
    among districts like new enrolments); years in increasing order, from the first projected
    year; linear in between. Targets after the horizon still shape the years before them."""
    transitions_per_year: dict[Name, dict[Name, HazardPerYear]] = Field(default_factory=dict)
    """Care-level transitions: ``{from_level: {to_level: hazard per year}}``."""
    exit_rate_per_year_by_level: dict[Name, HazardPerYear] = Field(default_factory=dict)
    """Exit hazard (death, institution) by care level; levels not listed:
    ``population.exit_rate_per_year``."""
    new_level_shares: dict[Name, Probability] | None = None
    """Care level of newly enrolled elders (must sum to 1); default
    ``population.care_level_shares``."""

    @model_validator(mode="after")
    def _ordered_targets(self):
        years = [t.year for t in self.targets]
        for i in range(1, len(years)):
            if years[i] <= years[i - 1]:
                raise ValueError(
                    f"targets.{i}.year: {years[i]} comes after {years[i - 1]}; list the targets "
                    "in increasing years, each year once"
                )
        if self.new_level_shares is not None:
            check_shares(self.new_level_shares, "new_level_shares")
        return self


def projection_start_year(scenario: Scenario) -> int:
    p = scenario.population.projection
    first = scenario.calendar.start_date.year
    return first if p is None or p.from_year is None else p.from_year


def check_projection(scenario: Scenario) -> None:
    """Cross-field checks of ``population.projection`` (each a ``ValueError`` naming the path)."""
    p = scenario.population.projection
    if p is None:
        return
    where = "population.projection"
    levels, districts = scenario.care_levels, scenario.districts
    first = scenario.calendar.start_date.year
    if p.from_year is not None and p.from_year < first:
        raise ValueError(
            f"{where}.from_year: {p.from_year} is before the horizon, which starts in {first} "
            "(calendar.start_date); the projection can set enrolment from then on only"
        )
    start = projection_start_year(scenario)
    for i, t in enumerate(p.targets):
        if t.year < start:
            raise ValueError(
                f"{where}.targets.{i}.year: {t.year} is before the projected years, which start "
                f"in {start} ({'from_year' if p.from_year else 'calendar.start_date'}); a "
                "target is the expected number of elders at the end of a projected year"
            )
    _known(p.growth_per_year_by_district, districts, f"{where}.growth_per_year_by_district")
    _known(p.exit_rate_per_year_by_level, levels, f"{where}.exit_rate_per_year_by_level")
    if p.new_level_shares is not None:
        _known(p.new_level_shares, levels, f"{where}.new_level_shares")
    _known(p.transitions_per_year, levels, f"{where}.transitions_per_year")
    _size(scenario)
    exit_default = scenario.population.exit_rate_per_year
    for source, moves in p.transitions_per_year.items():
        path = f"{where}.transitions_per_year.{source}"
        _known(moves, levels, path)
        if source in moves:
            raise ValueError(
                f"{path}.{source}: a transition from a level to itself means nothing; list only "
                "other care levels"
            )
        total = sum(moves.values()) + p.exit_rate_per_year_by_level.get(source, exit_default)
        if total > limits.MAX_EXIT_RATE_PER_YEAR:
            raise ValueError(
                f"{path}: the hazards of leaving level {source!r} (transitions plus exit) add up "
                f"to {total:g} per year, but at most {limits.MAX_EXIT_RATE_PER_YEAR:g} are "
                "allowed (a mean stay of 9 hours)"
            )


def _size(scenario: Scenario) -> None:
    """An upper bound of the elders a projection enrols over the horizon within
    ``limits.MAX_ELDERS``: the largest expected population (the start's elders, the enrolment
    list, the targets, grown at the largest rate over the horizon) renewed at the largest exit
    hazard."""
    pop, cal = scenario.population, scenario.calendar
    p = pop.projection
    assert p is not None
    years = cal.horizon_days / 365.25
    listed = sum(e.elders_per_day * (e.to_day - e.from_day) for e in pop.enrolment)
    start = sum(pop.elders_by_district.values()) + listed
    largest = max([start, *(t.elders for t in p.targets)])
    growth = max([p.growth_per_year, *p.growth_per_year_by_district.values(), 0.0])
    exits = max([pop.exit_rate_per_year, *p.exit_rate_per_year_by_level.values()])
    with_growth = largest * (1.0 + growth) ** years
    bound = with_growth * (1.0 + exits * years)
    if bound > limits.MAX_ELDERS:
        raise ValueError(
            f"population.projection: up to about {bound:,.0f} elders could enrol over the "
            f"{years:.3g}-year horizon (up to {with_growth:,.0f} present, renewed at exit "
            f"hazards up to {exits:g} a year), more than the {limits.MAX_ELDERS:,} elders a "
            "scenario may have; lower the growth or the targets, shorten the horizon, or "
            "simulate a large city district by district"
        )


def _known(names, defined, where: str) -> None:
    for name in names:
        if name not in defined:
            raise ValueError(
                f"{where}.{name}: no such name here; defined: {', '.join(sorted(defined))}"
            )
