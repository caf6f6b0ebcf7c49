"""Progress of a sweep on stderr: a bar on a terminal, plain lines otherwise, or nothing.

On a terminal, a tqdm bar shows runs done, runs per second and the time left. When stderr is not
a terminal (a log file, CI), one line every ``every_s`` seconds or every ``every_n`` runs, so logs
stay short. ``--quiet`` shows nothing but failures.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO


def _clock(seconds: float) -> str:
    seconds = round(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class Progress:
    """Counts finished runs; subclasses show them."""

    def __init__(self, total: int, done_before: int, stream: TextIO | None = None) -> None:
        self.total = total
        """All runs of the sweep."""
        self.done_before = done_before
        """Runs already done when this session started (resumed)."""
        self.ok = 0
        self.failed = 0
        self.stream = stream or sys.stderr
        self.started = time.perf_counter()

    @property
    def finished(self) -> int:
        """Runs finished in this session (ok or failed)."""
        return self.ok + self.failed

    def update(self, row: dict[str, Any]) -> None:
        """One run finished (its manifest row)."""
        if row.get("status") == "ok":
            self.ok += 1
        else:
            self.failed += 1
            error = (row.get("error") or {}).get("message", "?").splitlines() or ["?"]
            self.message(
                f"run {row.get('point_id')} r{int(row.get('replication', 0)):04d} "
                f"({row.get('label')}) failed: {error[0]}"
            )
        self.show()

    def show(self) -> None:
        """Refresh the display."""

    def message(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def close(self) -> None:
        """Final refresh."""

    def rate(self) -> float:
        """Runs per second in this session."""
        elapsed = time.perf_counter() - self.started
        return self.finished / elapsed if elapsed > 0 else 0.0


class QuietProgress(Progress):
    """Shows only failures."""


class LogProgress(Progress):
    """A plain line every ``every_s`` seconds or every ``every_n`` runs, and at the end."""

    def __init__(self, total, done_before, stream=None, every_s: float = 10.0, every_n=None):
        super().__init__(total, done_before, stream)
        remaining = max(1, total - done_before)
        self.every_s = every_s
        self.every_n = every_n or max(1, remaining // 10)
        self._last_time = self.started
        self._last_count = 0

    def line(self) -> str:
        done = self.done_before + self.ok
        rate = self.rate()
        left = self.total - self.done_before - self.finished
        eta = f", ETA {_clock(left / rate)}" if rate > 0 and left > 0 else ""
        failed = f", {self.failed} failed" if self.failed else ""
        return f"sweep: {done}/{self.total} runs done{failed}, {rate:.2f} runs/s{eta}"

    def show(self) -> None:
        now = time.perf_counter()
        if (
            now - self._last_time >= self.every_s
            or self.finished - self._last_count >= self.every_n
        ):
            self._last_time, self._last_count = now, self.finished
            self.message(self.line())

    def close(self) -> None:
        if self.finished != self._last_count:
            self.message(self.line())


class BarProgress(Progress):
    """A tqdm bar: runs done of all runs, runs per second, time left."""

    def __init__(self, total, done_before, stream=None):
        super().__init__(total, done_before, stream)
        from tqdm import tqdm

        self.bar = tqdm(
            total=total,
            initial=done_before,
            unit="run",
            file=self.stream,
            dynamic_ncols=True,
            smoothing=0.1,
            desc="sweep",
        )

    def show(self) -> None:
        self.bar.update(1)
        if self.failed:
            self.bar.set_postfix(failed=self.failed, refresh=False)

    def message(self, text: str) -> None:
        self.bar.write(text, file=self.stream)

    def close(self) -> None:
        self.bar.close()


def make_progress(total: int, done_before: int, quiet: bool, stream: TextIO | None = None):
    """The right display for ``stream`` (default stderr): quiet, a bar, or log lines."""
    stream = stream or sys.stderr
    if quiet:
        return QuietProgress(total, done_before, stream)
    if stream.isatty():
        return BarProgress(total, done_before, stream)
    return LogProgress(total, done_before, stream)
