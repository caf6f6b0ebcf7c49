"""The exit codes of every ``carecap`` command (README, "Exit codes"), in one place."""

EXIT_OK = 0
"""Success (for ``carecap size``: an answer confirmed)."""
EXIT_SOME_FAILED = 1
"""The command ran, and part of its answer is no: some runs of a sweep failed (rerunning retries
them), nothing in ``carecap size``'s ranges meets every target, a ``carecap validate`` check
failed."""
EXIT_BAD_INPUT = 2
"""Bad input: a file, a field, an option; the error names it."""
EXIT_INTERRUPTED = 130
"""Ctrl-C: what was finished is kept (128 + SIGINT, as shells report it)."""
