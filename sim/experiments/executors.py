"""Where sweep runs execute: local processes or a Dask cluster, behind one small interface.

An :class:`Executor` maps a module-level function over tasks and yields ``(task, result)`` in
completion order, ``result`` being the function's return value or the exception it raised. Only a
bounded window of tasks is in flight at a time (twice the number of slots), so the caller may pass
a lazy iterable of any length and the parent's memory stays flat.

* :class:`LocalExecutor` — ``concurrent.futures.ProcessPoolExecutor`` (one worker: in-process).
  A worker that dies (killed, out of memory) breaks the pool; the pool is rebuilt and the runs
  that had not finished are rerun, one at a time so that a run that kills its worker is told
  apart from the others; one that does so more than ``max_retries`` times is reported with a
  :class:`WorkerLost` error. Workers ignore Ctrl-C (the parent handles it) and exit by
  themselves when the parent process dies. Workers start from a ``forkserver`` (``spawn`` where
  there is none), so a script that uses it needs the usual ``if __name__ == "__main__":`` guard.
* :class:`DaskExecutor` — ``dask.distributed``: an existing cluster (``address``) or a local one
  started for the session. Dask is imported lazily; without it, :class:`ExecutorUnavailable`.

Results never depend on the executor: a task carries its own seed and replication.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Generator, Hashable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from typing import Any

_END = object()


class ExecutorUnavailable(RuntimeError):
    """The executor cannot be used here (Dask missing, scheduler unreachable)."""


class WorkerLost(RuntimeError):
    """The worker process running a task died, every time it was tried."""


class Executor:
    """Runs ``fn(task)`` for many tasks; see the module docstring."""

    shares_filesystem: bool = True
    """Whether workers see the parent's files (then they write results themselves)."""
    slots: int = 1
    """How many tasks run at once."""

    def map_unordered(
        self, fn: Callable[[Any], Any], tasks: Iterable[Any]
    ) -> Generator[tuple[Any, Any], None, None]:
        """``(task, fn(task) or the exception it raised)``, in completion order."""
        raise NotImplementedError

    def describe(self) -> str:
        return type(self).__name__

    def close(self) -> None:
        """Release workers and connections."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- local processes --------------------------------------------------------------------------


def _watch_parent(lifeline: Connection) -> None:
    with contextlib.suppress(EOFError, OSError):
        lifeline.recv()  # nothing is ever sent: this returns when the parent's end is closed
    os._exit(1)


def _init_worker(lifeline: Connection) -> None:
    """In each worker: ignore Ctrl-C (the parent stops the sweep), and exit as soon as the
    parent process is gone (``lifeline`` is the reading end of a pipe only the parent writes;
    the worker's own parent is the forkserver, which outlives a killed parent)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(lifeline,), daemon=True).start()


def _context(preload: str) -> multiprocessing.context.BaseContext:
    """``forkserver`` where available (fast starts, nothing inherited from the parent's
    threads and open files, ``preload`` imported once), else ``spawn``."""
    if sys.platform != "win32" and "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([preload])
        return ctx
    return multiprocessing.get_context("spawn")


class LocalExecutor(Executor):
    """Local worker processes (``workers == 1``: run in this process, no pool)."""

    def __init__(self, workers: int, max_retries: int = 3, window: int | None = None) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self.workers = self.slots = workers
        self.max_retries = max_retries
        self.window = window or 2 * workers
        self.restarts = 0
        """How many times a broken pool was rebuilt (for tests and logs)."""
        self._lifelines: list[tuple[Connection, Connection]] = []

    def describe(self) -> str:
        return f"{self.workers} local process(es)" if self.workers > 1 else "this process"

    def map_unordered(self, fn, tasks):
        if self.workers == 1:
            for task in tasks:
                try:
                    result = fn(task)
                except Exception as exc:
                    result = exc
                yield task, result
            return
        yield from self._pool_map(fn, iter(tasks))

    def _new_pool(self, fn) -> ProcessPoolExecutor:
        ctx = _context(fn.__module__)
        reader, writer = ctx.Pipe(duplex=False)
        pool = ProcessPoolExecutor(
            max_workers=self.workers, mp_context=ctx, initializer=_init_worker, initargs=(reader,)
        )
        self._lifelines.append((reader, writer))  # closed once the pool is shut down
        return pool

    def _close_pool(self, pool: ProcessPoolExecutor, wait: bool) -> None:
        if wait:
            pool.shutdown(wait=True)
        else:
            _terminate(pool)
        for reader, writer in self._lifelines:
            reader.close()
            writer.close()
        self._lifelines.clear()

    def _pool_map(self, fn, tasks: Iterator[Any]) -> Iterator[tuple[Any, Any]]:
        # When a worker dies, every task in flight is lost with the pool, and nothing says which
        # one killed it. Those tasks become suspects and are rerun one at a time, alone in the
        # new pool: a death then is the suspect's own, and only its own deaths count against it.
        suspects: deque[tuple[Any, int]] = deque()
        inflight: dict[Future, tuple[Any, int, bool]] = {}  # task, deaths, ran alone
        pool = self._new_pool(fn)
        finished = False
        try:
            while True:
                broken = False
                try:
                    if suspects:
                        if not inflight:
                            task, deaths = suspects.popleft()
                            inflight[pool.submit(fn, task)] = (task, deaths, True)
                    else:
                        while len(inflight) < self.window:
                            task = next(tasks, _END)
                            if task is _END:
                                break
                            try:
                                inflight[pool.submit(fn, task)] = (task, 0, False)
                            except BrokenProcessPool:
                                suspects.append((task, 0))
                                raise
                except BrokenProcessPool:
                    broken = True
                if not inflight and not suspects:
                    break
                done = wait(list(inflight), return_when=FIRST_COMPLETED)[0] if inflight else []
                for future in done:
                    if isinstance(future.exception(), BrokenProcessPool):
                        broken = True
                        continue
                    task = inflight.pop(future)[0]
                    yield task, future.exception() or future.result()
                if not broken:
                    continue
                wait(list(inflight))
                for future, (task, deaths, alone) in list(inflight.items()):
                    if not isinstance(future.exception(), BrokenProcessPool):
                        yield task, future.exception() or future.result()
                    elif not alone:
                        suspects.append((task, deaths))
                    elif deaths + 1 > self.max_retries:
                        yield (
                            task,
                            WorkerLost(
                                f"the worker process died while running this task, {deaths + 1} "
                                "time(s) (killed, or out of memory?)"
                            ),
                        )
                    else:
                        suspects.appendleft((task, deaths + 1))
                inflight.clear()
                self._close_pool(pool, wait=True)
                pool = self._new_pool(fn)
                self.restarts += 1
            finished = True
        finally:
            # on Ctrl-C, or when the caller stopped early: stop now, do not wait for runs
            self._close_pool(pool, wait=finished)


def _terminate(pool: ProcessPoolExecutor) -> None:
    """Stop the pool's workers now. They are terminated before the pool is shut down, so its
    manager thread takes the "broken pool" path, which stops feeding tasks to the dead workers'
    pipe; and the task queue is told not to wait for its feeder at exit. (Shut down first, the
    manager thread could wait, and the interpreter's exit with it, for the feeder to write
    queued tasks into a full pipe that no one reads any more: a Ctrl-C that printed its message
    and then hung, seen once under load.)"""
    processes = list(getattr(pool, "_processes", {}).values())  # no public accessor
    call_queue = getattr(pool, "_call_queue", None)
    if call_queue is not None:
        call_queue.cancel_join_thread()
    for process in processes:
        if process.is_alive():
            process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():  # stuck in a system call that ignores SIGTERM: no process left
            process.kill()
            process.join(timeout=5)


# --- Dask -------------------------------------------------------------------------------------

DASK_MISSING = (
    "Dask is not installed; install the optional extra with: pip install 'carecap[dask]' "
    "(the workers of a cluster need carecap installed too)"
)


LOCAL_CLUSTER_CONFIG = {
    # Runs are long pure-Python tasks and every core runs one: background work in the workers,
    # the nannies and the scheduler slows the runs directly. The statistical profiler samples
    # the running task's stack every 10 ms; the event loops tick every 20 ms and the memory
    # monitors poll every 100 ms by default.
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.scheduler.work-stealing": False,  # the window of tasks is small and even
}
"""Dask settings for the local cluster (a remote cluster keeps its own); the nannies hand them
to their worker processes."""


class DaskExecutor(Executor):
    """A Dask distributed cluster: the one at ``address``, or a local one (``workers``
    single-threaded worker processes, default: all cores) started for this executor."""

    def __init__(self, address: str | None = None, workers: int | None = None) -> None:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise ExecutorUnavailable(DASK_MISSING) from None
        self.address = address
        self.cluster = None
        if address is None:
            import logging

            import dask

            n = workers or os.cpu_count() or 1
            with dask.config.set(LOCAL_CLUSTER_CONFIG):
                self.cluster = LocalCluster(
                    n_workers=n,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
            self.client = Client(self.cluster)
        else:
            try:
                self.client = Client(address, timeout="10s")
            except (OSError, TimeoutError) as exc:
                raise ExecutorUnavailable(
                    f"cannot connect to the Dask scheduler at {address} ({exc}); start it with "
                    "`dask scheduler` and some workers with `dask worker ADDRESS`"
                ) from None
            self.shares_filesystem = False
        nthreads = self.client.nthreads()
        self.slots = max(1, sum(nthreads.values()))

    def describe(self) -> str:
        where = self.address or "a local Dask cluster"
        return f"{where} ({self.slots} worker thread(s))"

    def map_unordered(self, fn, tasks):
        from dask.distributed import as_completed

        self._import_on_workers(fn.__module__)
        tasks = iter(tasks)
        pending: dict[Hashable, Any] = {}  # Dask future key -> task
        completed = as_completed()
        stopped = False

        def submit() -> bool:
            task = next(tasks, _END)
            if task is _END:
                return False
            future = self.client.submit(fn, task, pure=False)
            pending[future.key] = task
            completed.add(future)
            return True

        try:
            for _ in range(2 * self.slots):
                if not submit():
                    break
            for future in completed:
                task = pending.pop(future.key)
                if future.status == "error":
                    result = future.exception()
                elif future.status == "cancelled":
                    result = WorkerLost("the run was cancelled by the Dask cluster")
                else:
                    result = future.result()
                future.release()
                submit()
                yield task, result
            stopped = True
        finally:
            if not stopped:
                self.client.cancel(list(completed.futures))

    def _import_on_workers(self, module: str) -> None:
        """Import ``module`` on every worker now, in parallel (so that the first runs do not
        pay for it one by one), and fail early and clearly where it is not installed."""
        try:
            self.client.run(importlib.import_module, module)
        except ImportError as exc:
            raise ExecutorUnavailable(
                f"the Dask workers cannot import {module} ({exc}); install carecap, the same "
                "version, on every worker machine"
            ) from None

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
