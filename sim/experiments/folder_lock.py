"""One writer per results folder: an exclusive, non-blocking ``flock`` on a lock file.

The lock is released by the operating system when the process ends, however it ends (a crash or
SIGKILL leaves no stale lock). The file holds the holder's process id, for the refusal message.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path


@contextlib.contextmanager
def exclusive_lock(path: Path, busy: Callable[[str], Exception]) -> Iterator[None]:
    """Hold the lock ``path`` for the block; if another process holds it, raise
    ``busy(holder_pid_text)`` at once. Not POSIX (no ``fcntl``): no lock."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
            raise busy(holder) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)
