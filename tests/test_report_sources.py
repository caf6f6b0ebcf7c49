"""The scenario's own comments as the report's sources: each field's note is the comment block
above its line and the comment at its end, in the file of an ``extends:`` chain that writes it,
classed ASSUMPTION / sourced (a tag of the file's legend) / not stated."""

from __future__ import annotations

from pathlib import Path

import yaml

from carecap.analysis.report.sources import read_sources

DATA = Path(__file__).parent / "data"

BASE_HEADER = """\
# Sources:
#   [paper]  City paper, 1 May 2022: 12 stations
#            planned for the centre.
#   ASSUMPTION: a value chosen here.
"""

CHILD = """\
# A variant.
extends: base.yaml
name: child
bathing_centre:
  stations: 3   # ASSUMPTION: a smaller centre, to see what breaks
"""


def _base(tmp_path: Path) -> Path:
    data = yaml.safe_load((DATA / "small.yaml").read_text(encoding="utf-8"))
    text = yaml.safe_dump(data, sort_keys=False)
    text = text.replace(
        "  stations: 1\n", "  # [paper] the plan's count, scaled down\n  stations: 1\n"
    )
    text = text.replace("costs:\n", "# unit costs -- all ASSUMPTIONS\ncosts:\n")
    path = tmp_path / "base.yaml"
    path.write_text(BASE_HEADER + text, encoding="utf-8")
    return path


def test_notes_follow_the_file_that_writes_each_field(tmp_path):
    base = _base(tmp_path)
    sources = read_sources([str(base)])
    assert sources.legend == {
        "paper": "City paper, 1 May 2022: 12 stations planned for the centre."
    }
    note = sources.note("bathing_centre.stations")
    assert (note.kind, note.tags) == ("sourced", ("paper",))
    assert note.where == f"base.yaml:{base.read_text().splitlines().index('  stations: 1') + 1}"
    assert sources.note("calendar.horizon_days").kind == "unstated"  # no comment at all
    # an own comment citing nothing, under a parent that declares all its values assumptions
    assert sources.note("costs.caregiver_per_hour").kind == "assumption"

    child = tmp_path / "child.yaml"
    child.write_text(CHILD, encoding="utf-8")
    chained = read_sources([str(child), str(base)])
    note = chained.note("bathing_centre.stations")  # the child writes it: the child's comment
    assert note.kind == "assumption" and note.where == "child.yaml:5"
    assert "smaller centre" in note.text
    assert chained.note("costs.caregiver_per_hour").where.startswith("base.yaml:")
    assert chained.legend == sources.legend  # the base's legend serves the chain


def test_a_field_without_a_comment_takes_its_parents_and_says_so(tmp_path):
    base = _base(tmp_path)
    text = base.read_text().replace("services:\n", "# demand [paper]\nservices:\n")
    base.write_text(text)
    note = read_sources([str(base)]).note("services.alarm.target_min")
    assert note.kind == "sourced" and note.inherited_from == "services"


def test_gone_files_give_no_sources(tmp_path):
    assert read_sources([str(tmp_path / "gone.yaml")]) is None
    assert read_sources([]) is None
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: [unclosed\n")
    assert read_sources([str(broken)]) is None
