"""Writing files so that a reader never sees half of one.

Every output is written to a temporary file in the target's directory, flushed to disk, then
renamed over the target (``os.replace`` is atomic on POSIX), and the directory is flushed too so
that the rename survives a power cut. A crash or Ctrl-C leaves either the old file, the new file,
or a stray ``.tmp-*`` file that readers ignore — never a truncated one.

Files are created like any file the user creates: mode ``0666`` less the umask (``0644`` under
the usual umask 022), folders ``0777`` less the umask.

JSON is written strictly: a non-finite number (``inf``, ``nan``) becomes ``null``, never the
``Infinity``/``NaN`` tokens that other JSON readers reject (:func:`json_safe`, :func:`dumps`).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

TMP_PREFIX = ".tmp-"


def write_atomic(path: Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp_path)`` on a fresh empty file, then move it to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _new_temporary(path)
    try:
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
    return path


def _new_temporary(path: Path) -> Path:
    # Not tempfile.mkstemp: it creates the file with mode 0600 whatever the umask. Opening with
    # 0666 lets the umask decide, as for any file the user creates.
    for _ in range(100):
        tmp = path.parent / f"{TMP_PREFIX}{secrets.token_hex(6)}{path.suffix}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return tmp
    raise FileExistsError(f"no free temporary file name in {path.parent}")  # pragma: no cover


def fsync_dir(directory: Path) -> None:
    """Flush a directory's entries (renames, new files) to disk, where the system allows it."""
    with contextlib.suppress(OSError):  # e.g. not permitted on some file systems
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def json_safe(value: Any) -> Any:
    """``value`` with every non-finite float (``inf``, ``-inf``, ``nan``) replaced by None and
    numpy scalars turned into Python ones; mappings and sequences are walked."""
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)) and _is_numpy_scalar(value):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _is_numpy_scalar(value: Any) -> bool:
    import numpy as np

    return isinstance(value, np.generic)


def dumps(data: Any, indent: int | None = 2) -> str:
    """Strict JSON text of ``data``: non-finite numbers as ``null`` (see :func:`json_safe`);
    anything else JSON cannot hold (paths, dates) as its text."""
    return json.dumps(
        json_safe(data), indent=indent, ensure_ascii=False, allow_nan=False, default=str
    )


def write_text_atomic(path: Path, text: str) -> Path:
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_json_atomic(path: Path, data: Any) -> Path:
    return write_text_atomic(path, dumps(data) + "\n")


def write_parquet_atomic(path: Path, frame: pd.DataFrame) -> Path:
    return write_atomic(path, lambda tmp: frame.to_parquet(tmp, index=False))
