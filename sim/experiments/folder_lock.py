"""One writer per results folder: an exclusive, non-blocking ``flock`` on a lock file.

The lock is released by the operating system when the process ends, however it ends (a crash or
SIGKILL leaves no stale lock, at most a lock file that nobody holds, which the next command takes
and removes). The file holds the holder's process id, for the refusal message, and is removed
when the block ends — normally, on an error or on Ctrl-C — so no ``.NAME.lock`` is left beside
a results folder.

Removing a lock file is safe only with a check on taking it: a process that opened the file
before its holder removed it may lock the removed file while a third process creates and locks
a new one. So after locking, the holder checks that the path still names the file it locked and
otherwise starts again on the new file; and it removes the file while it still holds the lock.
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
        import fcntl  # noqa: F401  (only to know whether there is flock)
    except ImportError:
        yield
        return
    fd = _take(path, busy)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        if _names(path, fd):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()  # (still locked: a process that opened it now finds it removed)
        os.close(fd)


def _take(path: Path, busy: Callable[[str], Exception]) -> int:
    """Open and lock the file at ``path``; the descriptor of the locked file that ``path``
    names."""
    import fcntl

    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise busy(holder) from None
        except BaseException:
            os.close(fd)
            raise
        if _names(path, fd):
            return fd
        os.close(fd)  # its holder removed it after we opened it: take the file there now


def _names(path: Path, fd: int) -> bool:
    """Whether ``path`` names the open file ``fd``."""
    try:
        here = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (here.st_dev, here.st_ino) == (mine.st_dev, mine.st_ino)
