"""The text of a scenario file, read safely: only regular files, bounded size, UTF-8, no NUL.

Directories, devices such as ``/dev/zero`` and FIFOs are refused without blocking, and at most
``MAX_FILE_BYTES`` (:mod:`carecap.sim.scenario.limits`) are read, so that a hostile or broken file
is refused in well under a second. Every refusal is a :class:`FileProblem` saying why (with the
line and column of a bad byte).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from yaml.reader import Reader

from carecap.sim.scenario import limits


class FileProblem(Exception):
    """A file that cannot be read as scenario text; ``str()`` says why (no file name)."""

    def __init__(self, reason: str, line: int | None = None, column: int | None = None):
        super().__init__(reason)
        self.reason, self.line, self.column = reason, line, column


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "it is a directory, not a file"
    if stat.S_ISFIFO(mode):
        return "it is a named pipe (FIFO), not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "it is a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "it is a socket, not a regular file"
    return "it is not a regular file"


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, IsADirectoryError):
        return "it is a directory, not a file"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return "its path is a loop of symbolic links"
    if exc.errno == errno.ENAMETOOLONG:
        return "the file name is too long"
    return (exc.strerror or str(exc)).lower()


def _too_big(size: int) -> str:
    return (
        f"it is {size:,} bytes or more, but a scenario file may be at most "
        f"{limits.MAX_FILE_BYTES:,} bytes ({limits.MAX_FILE_BYTES // 2**20} MiB)"
    )


def read_text(path: Path) -> str:
    """The text of the regular file ``path`` (UTF-8, an optional BOM removed).

    Raises:
        FileProblem: missing, unreadable, not a regular file (a directory, FIFO, device), too
            big, not UTF-8, or holding characters YAML does not allow (a NUL byte).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)  # non-blocking: opening a FIFO does not wait for a writer
    except OSError as exc:
        raise FileProblem(_os_reason(exc)) from None
    except ValueError:  # e.g. "embedded null byte" in the name
        raise FileProblem("the file name contains a NUL character") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileProblem(_kind(info.st_mode))
        if info.st_size > limits.MAX_FILE_BYTES:
            raise FileProblem(_too_big(info.st_size))
        chunks, size = [], 0
        while size <= limits.MAX_FILE_BYTES:  # a file may grow after fstat: read at most max+1
            chunk = os.read(fd, limits.MAX_FILE_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise FileProblem(_os_reason(exc)) from None
    finally:
        os.close(fd)
    if size > limits.MAX_FILE_BYTES:
        raise FileProblem(_too_big(size))
    data = b"".join(chunks)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = _line_column(data, exc.start)
        raise FileProblem(
            f"it is not UTF-8 text (bad byte 0x{data[exc.start]:02x} at line {line}, column "
            f"{column}); save it as UTF-8",
            line,
            column,
        ) from None
    bad = Reader.NON_PRINTABLE.search(text)
    if bad is not None:
        line, column = _line_column(text, bad.start())
        char = bad.group()[0]
        name = "a NUL byte" if char == "\0" else f"character U+{ord(char):04X}"
        raise FileProblem(
            f"it holds {name} at line {line}, column {column}, which YAML text may not "
            "contain; is it a binary file?",
            line,
            column,
        )
    return text


def _line_column(text: str | bytes, index: int) -> tuple[int, int]:
    if isinstance(text, str):
        line = text.count("\n", 0, index) + 1
        start = text.rfind("\n", 0, index) + 1
    else:
        line = text.count(b"\n", 0, index) + 1
        start = text.rfind(b"\n", 0, index) + 1
    return line, index - start + 1
