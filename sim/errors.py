"""Errors a user can fix: a small hierarchy, each printed by the command line as one paragraph.

* :class:`CarecapError` — the base: a condition the user caused and can fix (exit code 2).
* :class:`ScenarioError` — a bad scenario or sweep file (unreadable, invalid YAML, a broken
  ``extends:`` chain, a value the model rejects). Its ``str()`` names the file (and line, when
  known), the dotted field path (``bathing_centre.stations``), the bad value and what is allowed.
* :class:`UsageError` — a command-line option (or the matching keyword of a library function):
  names the option, the value and what is allowed.
* :class:`ResultsError` — a results folder or output file that cannot be used (not carecap's, a
  different run, locked by another run, unwritable, disk full): names the folder and what is wrong.

Anything else that escapes is a bug in carecap. This module depends on nothing else in carecap, so
any module may raise these.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

FileRef = Path | os.PathLike[str] | str | None
"""A file as named in messages: a path (as given), a free label (``"sweep point 3"``), or
unknown."""

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
        relative = absolute.relative_to(Path.cwd())
    except ValueError:
        return str(absolute)
    return str(absolute) if relative == Path(".") else str(relative)  # (not "." for the cwd)


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


class CarecapError(Exception):
    """A condition the user caused and can fix; ``str()`` is one paragraph saying what to do."""


class UsageError(CarecapError):
    """A command-line option (or library keyword) with a value that cannot be used.

    Attributes:
        option: the option as written on the command line (``--plot``, ``--out``).
        message: what is wrong with its value and what is allowed.
    """

    def __init__(self, option: str, message: str) -> None:
        super().__init__(option, message)
        self.option = option
        self.message = message

    def __str__(self) -> str:
        return f"{self.option}: {self.message}"


class ResultsError(CarecapError):
    """A results folder (or an output file) that cannot be used.

    Attributes:
        folder: the folder or file, as given.
        message: what is wrong with it and what to do.
    """

    def __init__(self, folder: FileRef, message: str) -> None:
        super().__init__(folder, message)
        self.folder = folder
        self.message = message

    def __str__(self) -> str:
        return f"{file_label(self.folder)}: {self.message}"


class ScenarioError(CarecapError):
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


USER_ERRNOS = frozenset(
    {
        errno.ENOSPC,
        errno.EDQUOT,
        errno.EACCES,
        errno.EPERM,
        errno.EROFS,
        errno.ENOTDIR,
        errno.EISDIR,
        errno.ENOENT,
        errno.EEXIST,
        errno.ENOTEMPTY,
        errno.ENAMETOOLONG,
        errno.EMFILE,
        errno.EXDEV,
    }
)
"""``OSError`` numbers that come from the user's files or machine (full disk, permissions,
a file where a folder is expected), not from a bug: reported as one paragraph."""

_OS_REASONS = {
    errno.ENOSPC: "the disk is full (no space left on the device); free some space and run again",
    errno.EDQUOT: "the disk quota is exceeded; free some space and run again",
    errno.EACCES: "permission denied; choose a folder you can write to, or change its permissions",
    errno.EPERM: "operation not permitted; choose a folder you can write to",
    errno.EROFS: "the file system is read-only; choose a writable folder",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "it is a folder, not a file",
    errno.ENOENT: "no such file or folder",
}


def describe_os_error(exc: OSError) -> str:
    """What an ``OSError`` means for the user, in words (the system's text as a fallback)."""
    return _OS_REASONS.get(exc.errno or 0, exc.strerror or str(exc))


def is_user_os_error(exc: BaseException) -> bool:
    """Whether ``exc`` is an ``OSError`` caused by the user's files or machine."""
    return isinstance(exc, OSError) and exc.errno in USER_ERRNOS


@contextlib.contextmanager
def results_folder_errors(
    folder: FileRef, doing: str = "write the results folder"
) -> Iterator[None]:
    """Turn the user's file-system problems inside the block (disk full, permission denied, a
    file where a folder should be) into a :class:`ResultsError` naming ``folder``; other
    ``OSError``s are bugs and pass through."""
    try:
        yield
    except OSError as exc:
        if not is_user_os_error(exc):
            raise
        where = f" ({exc.filename})" if exc.filename else ""
        raise ResultsError(folder, f"cannot {doing}{where}: {describe_os_error(exc)}") from None
