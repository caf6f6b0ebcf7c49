"""Checks and errors for a file a command writes (``carecap report -o``, ``carecap export``, the
image of ``carecap plot -o`` and ``carecap warmup --plot``): a folder given where a file is
expected, a suffix that names no format, or a file whose folder cannot hold it, is a usage error
naming the option; a write that fails (permission denied, disk full) is a results error
naming the file."""

from __future__ import annotations

import contextlib
import os
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


def plot_format(path: Path, option: str, example: str) -> str:
    """The image format of ``path``, from its suffix, checked before anything runs: a folder, a
    name without a suffix, a format matplotlib cannot write, or a place that cannot hold the file
    is a usage error naming ``option`` and suggesting a file name (``example``: the command's
    own default name, e.g. ``waits.png``)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    supported = ", ".join("." + f for f in sorted(FigureCanvasAgg.get_supported_filetypes()))
    if path.is_dir():
        raise UsageError(option, f"{path} is a folder; give a file name such as {path / example}")
    fmt = path.suffix.lstrip(".").lower()
    if not fmt:  # a folder yet to be made, or a file name missing its format
        raise UsageError(
            option,
            f"{path} has no suffix saying the image format; give a file name such as "
            f"{path / example} or {path}.png (suffixes: {supported})",
        )
    if fmt not in FigureCanvasAgg.get_supported_filetypes():
        raise UsageError(
            option, f"{path}: cannot save a plot as {fmt!r}; use one of the suffixes {supported}"
        )
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise UsageError(option, f"{path}: {folder} is a file, not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(option, f"{path}: cannot write into {folder} (permission denied)")
    return fmt


@contextlib.contextmanager
def output_errors(path: Path, what: str) -> Iterator[None]:
    """An OSError of the user's machine while writing ``path`` as a :class:`ResultsError`."""
    try:
        yield
    except OSError as exc:
        if not is_user_os_error(exc):
            raise
        raise ResultsError(path, f"{what}: {describe_os_error(exc)}") from None
