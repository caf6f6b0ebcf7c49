"""``time_limit(seconds)``: fail a block that runs too long instead of hanging the suite."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

import pytest


@contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Fail the test (``pytest.fail``) if the block runs longer than ``seconds``.

    Uses SIGALRM, so it works on Unix in the main thread, and interrupts Python-level loops
    (the engine's), not a single long C call.
    """

    class TooSlow(Exception):
        pass

    def alarm(_signum, _frame):
        raise TooSlow

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except TooSlow:
        pytest.fail(f"{what} took over {seconds:g} s", pytrace=False)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
