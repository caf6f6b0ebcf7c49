"""Children that take Ctrl-C as a terminal's foreground job does.

A shell without job control starts background commands (``cmd &``, ``nohup ... &``) with SIGINT
ignored, children inherit that, and Python keeps an ignored SIGINT ignored: a test suite started
that way would see ``carecap`` runs finish instead of stopping on Ctrl-C. The tests that send
SIGINT start their child with its default action restored, whatever the suite's own.
"""

from __future__ import annotations

import signal


def ctrl_c_as_in_a_terminal() -> None:
    """``preexec_fn`` of ``subprocess.Popen``: SIGINT back to its default action in the child
    (before ``exec``, so Python installs its KeyboardInterrupt handler at start-up)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
