"""Where tasks run: this process, local worker processes, or an existing Dask cluster.

Every engine offers the same two things: ``submit(task)`` returning a
:class:`concurrent.futures.Future`, and ``slots``, how many tasks to keep
in flight. :func:`execute` keeps that many submitted (never the whole
sweep, so memory stays flat however many tasks there are) and hands each
batch of finished results to a callback, in completion order.

Local workers are the standard library's process pool (the lowest overhead
per task measured here, see ``/work/shared/MESA.md``), started with the
``forkserver`` method. Each worker ignores Ctrl-C (the main process stops
them) and watches the main process: if it is killed, the workers exit
instead of running on as orphans.

A Dask cluster is reached through ``dask.distributed`` (an optional extra,
``pip install 'staffroom[dask]'``); its workers need staffroom installed.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Protocol

from simulation import InputError

from ..workers import POLL_SECONDS, forkserver_context, interrupts_as_flag, usable_cores
from .runner import Task, TaskResult, run_task

CONNECT_TIMEOUT = "15s"


class SweepError(RuntimeError):
    """The sweep could not run (a scheduler out of reach, a failed run)."""


class Engine(Protocol):
    """Something that runs tasks and returns futures."""

    workers: int
    slots: int
    label: str

    def submit(self, task: Task) -> Future: ...

    def close(self, cancel: bool = False) -> None: ...


class InProcess:
    """Runs each task at once in this process (``--workers 0``: debugging, profiling)."""

    workers = 1
    slots = 1
    label = "this process"

    def submit(self, task: Task) -> Future:
        """Run ``task`` now and return its finished future."""
        future: Future = Future()
        try:
            future.set_result(run_task(task))
        except Exception as error:  # delivered through the future, as a pool would
            future.set_exception(error)
        return future

    def close(self, cancel: bool = False) -> None:
        """Nothing to release."""


def _watch_main(pid: int) -> None:
    """Worker initializer: ignore Ctrl-C; exit if the main process disappears."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while True:
            time.sleep(0.5)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:  # pragma: no cover - pid reused by another user
                os._exit(1)

    threading.Thread(target=watch, name="watch-main", daemon=True).start()


class LocalPool:
    """Worker processes on this machine (``concurrent.futures.ProcessPoolExecutor``)."""

    def __init__(self, workers: int):
        self.workers = workers
        self.slots = 2 * workers
        self.label = f"{workers} local worker{'s' if workers != 1 else ''}"
        # the fork server imports the model once; each worker starts as a fork of it
        context = forkserver_context(["analysis.sweeps.runner"])
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                         initializer=_watch_main, initargs=(os.getpid(),))

    def submit(self, task: Task) -> Future:
        """Queue ``task`` for a worker."""
        return self._pool.submit(run_task, task)

    def close(self, cancel: bool = False) -> None:
        """Shut the pool down; with ``cancel``, stop the workers at once."""
        if not cancel:
            self._pool.shutdown(wait=True)
            return
        terminate = getattr(self._pool, "terminate_workers", None)  # Python 3.14
        if terminate is not None:
            terminate()  # cancels what is queued, then stops the workers
            return
        # shutdown() forgets the worker processes, so take them first
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join()


class DaskCluster:
    """An existing Dask cluster, reached at its scheduler's address."""

    def __init__(self, address: str):
        try:
            from distributed import Client
        except ImportError:
            raise InputError("--scheduler needs dask.distributed; install it with: pip install "
                             "'staffroom[dask]'", key="scheduler") from None
        try:
            self._client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            raise SweepError(f"cannot reach the Dask scheduler at {address}: {error}") from None
        threads = sum(self._client.nthreads().values())
        self.workers = max(threads, 1)
        self.slots = max(4, 4 * threads)
        self.label = f"Dask cluster at {address} ({threads} worker threads)"
        self._executor = self._client.get_executor(pure=False)

    def submit(self, task: Task) -> Future:
        """Send ``task`` to the cluster."""
        return self._executor.submit(run_task, task)

    def close(self, cancel: bool = False) -> None:
        """Cancel what is left (if asked) and disconnect."""
        try:
            self._executor.shutdown(wait=not cancel)
        finally:
            self._client.close()


def make_engine(workers: int | None = None, scheduler: str | None = None) -> Engine:
    """The engine for ``--workers N`` (0: this process) or ``--scheduler ADDRESS``."""
    if scheduler:
        return DaskCluster(scheduler)
    if workers is None:
        workers = usable_cores()
    if workers < 0:
        raise InputError(f"--workers must be 0 (this process) or more, not {workers}",
                         key="workers")
    return InProcess() if workers == 0 else LocalPool(workers)


def execute(engine: Engine, tasks: Iterable[Task],
            on_results: Callable[[list[TaskResult]], None]) -> None:
    """Run ``tasks`` on ``engine``, keeping ``engine.slots`` in flight.

    ``on_results`` receives every batch of results that finished together,
    as soon as they finish (after the freed slots are refilled, so workers
    do not wait on it). A failed task stops the sweep after the batch's
    other results are handed over; its error is raised. On any exit the
    engine is closed; an interrupted sweep cancels what is still queued.
    """
    queue: Iterator[Task] = iter(tasks)
    pending: set[Future] = set()
    clean = False
    try:
        with interrupts_as_flag() as interrupted:
            _fill(engine, queue, pending)
            while pending:
                _collect(engine, queue, pending, on_results, interrupted)
        clean = True
    finally:
        for future in pending:
            future.cancel()
        engine.close(cancel=not clean)


def _collect(engine: Engine, queue: Iterator[Task], pending: set[Future],
             on_results: Callable[[list[TaskResult]], None], interrupted: threading.Event
             ) -> None:
    """Wait a moment for finished tasks, refill the freed slots, hand the results over."""
    done, still = wait(pending, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
    if interrupted.is_set():
        raise KeyboardInterrupt
    if not done:
        return
    pending.intersection_update(still)
    broken = not _fill(engine, queue, pending)
    results, failure = [], None
    for future in done:
        error = future.exception()
        if error is None:
            results.append(future.result())
        elif failure is None:
            failure = error
    if results:
        on_results(results)
    if broken or isinstance(failure, BrokenProcessPool):
        raise SweepError("a worker process died (out of memory, or killed); the "
                         "finished runs are saved: run the same command to resume")
    if failure is not None:
        raise failure


def _fill(engine: Engine, queue: Iterator[Task], pending: set[Future]) -> bool:
    """Submit tasks until ``engine.slots`` are in flight; False if the pool broke."""
    while len(pending) < engine.slots:
        task = next(queue, None)
        if task is None:
            return True
        try:
            pending.add(engine.submit(task))
        except BrokenProcessPool:
            return False
    return True
