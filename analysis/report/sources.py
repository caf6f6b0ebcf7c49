"""Where each assumption of a scenario comes from, as its author wrote it in the YAML comments.

The scenario files of a run are listed in its manifest (``scenario_files``, the loaded file
first). For a field (a dotted path), :func:`field_note` finds the file and line where its value
is written (the ``extends:`` chain's own locator, :meth:`carecap.sim.scenario.extends.Chain.locate`)
and reads the comment block just above that line and the comment at its end. The note is
classed as:

* ``assumption`` — the comment says ``ASSUMPTION`` (the shipped scenarios' convention);
* ``sourced`` — it cites a source tag listed in the file's header (``[report]``, ``[census]``);
* ``unstated`` — no comment, or one that cites neither.

A field without a comment of its own takes the nearest commented parent's (said so). When the
files are gone or no longer give the scenario that was run, no note is made up: the caller says
the sources are not available.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from carecap.sim.errors import CarecapError
from carecap.sim.scenario.extends import Chain, load_chain

MAX_NOTE_CHARS = 300
_ALL_ASSUMED = re.compile(r"\ball ASSUMPTIONS?\b")
"""A parent's comment that declares every value under it an assumption (``costs``)."""
_TAG = re.compile(r"\[([A-Za-z][\w-]*)[\]:]")
_LEGEND = re.compile(r"^#\s+\[([A-Za-z][\w-]*)\]\s+(.*)$")


@dataclass(frozen=True)
class Note:
    """What the scenario file says about one field."""

    kind: str  # "assumption", "sourced" or "unstated"
    text: str  # the comment, shortened to MAX_NOTE_CHARS
    tags: tuple[str, ...]  # the source tags it cites, e.g. ("report",)
    where: str  # "taiyuan-2022.yaml:146"
    inherited_from: str = ""  # the parent field whose comment this is, if not the field's own


@dataclass
class Sources:
    """The comments of a scenario's files, and the legend of their source tags."""

    chain: Chain
    lines: dict[Path, list[str]]
    legend: dict[str, str]

    def note(self, dotted: str) -> Note:
        """The note of ``dotted`` (or of its nearest commented parent)."""
        parts = tuple(dotted.split("."))
        note = self._own_or_inherited(parts)
        if note.kind == "unstated" and not note.inherited_from:
            for k in range(len(parts) - 1, 0, -1):
                parent = self._own_or_inherited(parts[:k])
                if _ALL_ASSUMED.search(parent.text):
                    return Note("assumption", note.text, note.tags, note.where, "")
        return note

    def _own_or_inherited(self, parts: tuple[str, ...]) -> Note:
        for k in range(len(parts), 0, -1):
            file, line, _ = self.chain.locate(parts[:k])
            if line is None:
                continue
            text = _comment_at(self.lines[Path(str(file))], line)
            if text:
                return _classify(
                    text,
                    f"{Path(str(file)).name}:{line}",
                    self.legend,
                    "" if k == len(parts) else ".".join(parts[:k]),
                )
        return Note("unstated", "", (), "")


def read_sources(files: list[str]) -> Sources | None:
    """The comments of the scenario files of a run (the loaded file first), or ``None`` when
    they cannot be read (moved, deleted, no longer valid YAML)."""
    if not files or not Path(files[0]).is_file():
        return None
    try:
        chain = load_chain(Path(files[0]))
    except (CarecapError, OSError):
        return None
    lines: dict[Path, list[str]] = {}
    legend: dict[str, str] = {}
    for doc in chain.docs:
        text = doc.path.read_text(encoding="utf-8").splitlines()
        lines[Path(str(doc.path))] = text
        legend = {**_legend(text), **legend}
    return Sources(chain, lines, legend)


def _legend(text: list[str]) -> dict[str, str]:
    """Source tags defined in a file's leading comments: ``#   [report]  Taiyuan city paper...``
    and its indented continuation lines."""
    legend: dict[str, str] = {}
    current = ""
    for row in text:
        if not row.startswith("#"):
            break
        match = _LEGEND.match(row)
        if match:
            current = match.group(1)
            legend[current] = match.group(2).strip()
        elif current and row.startswith("#" + " " * 6) and row[1:].strip():
            legend[current] += " " + row[1:].strip()
        else:
            current = ""
    return legend


def _inline_comment(line: str) -> str:
    """The comment at the end of a YAML line (a ``#`` after a space, outside quotes)."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[i + 1 :].strip()
    return ""


def _comment_at(lines: list[str], line: int) -> str:
    """The comment block right above 1-based ``line`` (no blank line between) and the comment
    at its end, as one text; separator lines (``# ---``) are dropped."""
    above = []
    i = line - 2
    while i >= 0 and lines[i].strip().startswith("#"):
        above.append(lines[i].strip().lstrip("#").strip())
        i -= 1
    own = lines[line - 1]
    block = [t for t in reversed(above) if t and not set(t) <= set("-= ")]
    block = [re.sub(r"^-{2,}\s*|\s*-{2,}$", "", t) for t in block]
    inline = "" if own.strip().startswith("#") else _inline_comment(own)
    return " ".join([*block, inline]).strip()


def _classify(text: str, where: str, legend: dict[str, str], parent: str) -> Note:
    tags = tuple(dict.fromkeys(t for t in _TAG.findall(text) if t in legend))
    if "ASSUMPTION" in text:
        kind = "assumption"
    elif tags:
        kind = "sourced"
    else:
        kind = "unstated"
    if len(text) > MAX_NOTE_CHARS:
        text = text[: MAX_NOTE_CHARS - 1].rsplit(" ", 1)[0] + " …"
    return Note(kind, text, tags, where, parent)
