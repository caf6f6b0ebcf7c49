"""Errors a user can fix by editing their input.

:class:`ScenarioError` is the one exception carecap raises for a bad scenario file (unreadable,
invalid YAML, a broken ``extends:`` chain, or a value the scenario model rejects). Its ``str()`` is
a short paragraph a planner can act on: the file (and line, when known), the dotted field path
(``bathing_centre.stations``, ``caregivers.0.shifts.1.hours``), the bad value and what is allowed.
The command line prints it without a traceback. This module depends on nothing else in carecap, so
any module may raise it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

FileRef = Path | str | None
"""A file as named in messages: a path, a free label (``"sweep point 3"``), or unknown."""

MAX_LISTED = 20
"""At most this many problems are spelled out in one error message."""


def file_label(file: FileRef) -> str:
    """How a file is named in messages: relative to the working directory when inside it."""
    if file is None:
        return "<scenario>"
    if isinstance(file, str):
        return file
    absolute = Path(os.path.abspath(file))
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario.

    ``field_path`` is dotted (list items by index), ``""`` when the problem is the file as a whole.
    ``file``/``line``/``column`` say where the offending text is written (1-based), which may be a
    file extended by the one that was loaded.
    """

    field_path: str
    message: str
    file: FileRef = None
    line: int | None = None
    column: int | None = None

    def where(self) -> str:
        """``file:line:column`` (as much of it as is known)."""
        out = file_label(self.file)
        if self.line is not None:
            out += f":{self.line}"
            if self.column is not None:
                out += f":{self.column}"
        return out

    def describe(self) -> str:
        """``where: field.path: message``; the path is left out if the message starts with it."""
        path, message = self.field_path, self.message
        if not path or (message.startswith(path) and message[len(path) : len(path) + 1] in " :"):
            return f"{self.where()}: {message}"
        return f"{self.where()}: {path}: {message}"


class ScenarioError(Exception):
    """A scenario file cannot be used; ``str()`` says where, what and what is allowed.

    Attributes:
        file: the file where the (first) problem is written, as given or as a free label.
        field_path: dotted path of the (first) offending field; ``""`` for the file as a whole.
        message: what is wrong with it and what is allowed.
        line, column: 1-based position of the (first) offending text in ``file``, when known.
        loaded_file: the file that was being loaded; differs from ``file`` when the problem is in
            a file it extends.
        problems: every problem found, in order; the first is the one described above.
    """

    def __init__(
        self,
        file: FileRef,
        field_path: str,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        loaded_file: FileRef = None,
        problems: tuple[Problem, ...] | list[Problem] | None = None,
    ) -> None:
        # Only the three positional arguments go to Exception: pickling (e.g. from a worker
        # process) rebuilds the error as cls(*args) and then restores __dict__.
        super().__init__(file, field_path, message)
        self.file = file
        self.field_path = field_path
        self.message = message
        self.line = line
        self.column = column
        self.loaded_file = file if loaded_file is None else loaded_file
        if problems:
            self.problems = tuple(problems)
        else:
            self.problems = (Problem(field_path, message, file, line, column),)

    @classmethod
    def from_problems(cls, loaded_file: FileRef, problems: list[Problem]) -> ScenarioError:
        """One error reporting all ``problems`` (at least one) found while loading a file."""
        first = problems[0]
        return cls(
            first.file if first.file is not None else loaded_file,
            first.field_path,
            first.message,
            line=first.line,
            column=first.column,
            loaded_file=loaded_file,
            problems=problems,
        )

    def __str__(self) -> str:
        problems = self.problems
        loaded = file_label(self.loaded_file)
        elsewhere = any(p.file is not None and file_label(p.file) != loaded for p in problems)
        note = f" (while loading {loaded}, which extends it)" if elsewhere else ""
        if len(problems) == 1:
            return problems[0].describe() + note
        note = " (some in files it extends)" if elsewhere else ""
        lines = [f"{loaded}: {len(problems)} problems{note}:"]
        lines += [f"  - {p.describe()}" for p in problems[:MAX_LISTED]]
        if len(problems) > MAX_LISTED:
            lines.append(f"  ... and {len(problems) - MAX_LISTED} more")
        return "\n".join(lines)
