"""Shared by the report and export tests: the results folders (session fixtures), the
bad-input check, and reading a report back — its sections, tables and every URL, parsed with
the standard library's HTML parser (no regular expressions over markup)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from results_helpers import small_run_folder, small_sweep_folder

from carecap.sim.cli.main import main


@pytest.fixture(scope="session")
def small_run(tmp_path_factory):
    """A small real run folder (districts labelled in Chinese), made once per session."""
    return small_run_folder(tmp_path_factory)


@pytest.fixture(scope="session")
def small_sweep(tmp_path_factory):
    """A small real sweep folder (3 x 2 points, with records), made once per session."""
    return small_sweep_folder(tmp_path_factory)


def bad(argv: list[str], capsys, *fragments: str) -> str:
    """``carecap ARGV`` fails with exit 2 and one paragraph holding every fragment."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("carecap: error:") and "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, err
    return err


@dataclass
class Table:
    classes: str
    rows: list[list[str]] = field(default_factory=list)


class ReportParser(HTMLParser):
    """Collects section ids (``<h2 id>``), headings' text, tables (cell texts), every
    ``src``/``href`` value and the tag names used."""

    def __init__(self) -> None:
        super().__init__()
        self.section_ids: list[str] = []
        self.headings: list[str] = []
        self.tables: list[Table] = []
        self.urls: list[str] = []
        self.tags: set[str] = set()
        self._heading: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, name, attrs):
        a = dict(attrs)
        self.tags.add(name)
        self.urls += [v for k, v in attrs if k in ("src", "href") and v is not None]
        if name == "h2":
            if a.get("id"):
                self.section_ids.append(a["id"])
            self._heading = []
        elif name in ("h3", "h4"):
            self._heading = []
        elif name == "table":
            self.tables.append(Table(a.get("class") or ""))
        elif name == "tr" and self.tables:
            self.tables[-1].rows.append([])
        elif name in ("td", "th"):
            self._cell = []

    def handle_endtag(self, name):
        if name in ("h2", "h3", "h4") and self._heading is not None:
            self.headings.append(" ".join("".join(self._heading).split()))
            self._heading = None
        elif name in ("td", "th") and self._cell is not None and self.tables:
            self.tables[-1].rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._heading is not None:
            self._heading.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def table(self, cls: str) -> Table:
        return next(t for t in self.tables if cls in t.classes.split())


def parse_report(text: str) -> ReportParser:
    parser = ReportParser()
    parser.feed(text)
    parser.close()
    return parser
