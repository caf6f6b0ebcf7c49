"""Checks and errors for a file a command writes (``carecap report -o``, ``carecap export``):
a folder given where a file is expected, or a file whose folder cannot hold it, is a usage
error naming the option; a write that fails (permission denied, disk full) is a results error
naming the file."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from carecap.sim.errors import ResultsError, UsageError, describe_os_error, is_user_os_error


def check_output_file(path: Path, option: str, suffix: str) -> None:
    """``path`` can be a file with ``suffix`` (a usage error naming ``option`` otherwise)."""
    if path.is_dir():
        raise UsageError(option, f"{path} is a folder; give a file name ending in {suffix}")
    if path.suffix.lower() != suffix:
        raise UsageError(option, f"{path}: give a file name ending in {suffix}")
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise UsageError(option, f"{path}: {folder} is a file, not a folder")


@contextlib.contextmanager
def output_errors(path: Path, what: str) -> Iterator[None]:
    """An OSError of the user's machine while writing ``path`` as a :class:`ResultsError`."""
    try:
        yield
    except OSError as exc:
        if not is_user_os_error(exc):
            raise
        raise ResultsError(path, f"{what}: {describe_os_error(exc)}") from None
