"""Where runs go: this process, local worker processes, or an existing Dask cluster.

Every engine offers ``submit(task)`` (a :class:`concurrent.futures.Future`
of ``task.run()``) and ``slots``, the tasks to keep in flight.
:func:`execute` keeps that many submitted and hands finished results to a
callback; :func:`run_all` runs a list of
:class:`~analysis.experiments.runs.Run` and returns their measurements in
order. Local workers come from a ``forkserver`` process pool; each ignores
Ctrl-C and exits if the main process dies.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from analysis.experiments.runs import Run, batches, timed_many
from analysis.experiments.workers import (
    POLL_SECONDS,
    PRELOAD,
    Interruption,
    forkserver_context,
    interrupts_as_flag,
    pool_size,
    worker_text,
)

RESUME = "the finished runs are saved: run the same command to resume"


class SweepError(RuntimeError):
    """The sweep could not run (a scheduler out of reach, a failed run)."""


class Task(Protocol):
    """Plain data a worker can run (picklable): ``task.run()`` returns its results."""

    def run(self) -> Any: ...


def perform(task: Task) -> Any:
    """What a worker does with a task."""
    return task.run()


class Engine(Protocol):
    """Something that runs tasks and returns futures."""

    workers: int
    slots: int
    label: str

    def submit(self, task: Task) -> Future: ...

    def check(self) -> None: ...

    def lost(self) -> str: ...

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
            future.set_result(perform(task))
        except Exception as error:  # delivered through the future, as a pool would
            future.set_exception(error)
        return future

    def check(self) -> None:
        """Nothing can go missing."""

    def lost(self) -> str:
        """Never happens in this process."""
        return "a run was cancelled"

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
        self.label = worker_text(workers).removeprefix("on ")
        # the fork server imports the ensemble kernel once; each worker starts as a fork
        # of it (and imports Mesa or pandas only if its runs need them)
        context = forkserver_context(PRELOAD)
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_watch_main,
            initargs=(os.getpid(),),
        )

    def submit(self, task: Task) -> Future:
        """Queue ``task`` for a worker."""
        return self._pool.submit(perform, task)

    def check(self) -> None:
        """A dead worker shows as a broken pool; nothing to check."""

    def lost(self) -> str:
        """What a cancelled task means here."""
        return "the worker pool stopped"

    def close(self, cancel: bool = False) -> None:
        """Shut the pool down; with ``cancel``, stop the workers at once."""
        if not cancel:
            self._pool.shutdown(wait=True)
            return
        terminate = getattr(self._pool, "terminate_workers", None)  # Python 3.14
        if terminate is not None:
            terminate()  # cancels what is queued, then stops the workers
            return
        # shutdown() forgets the worker processes and the result pipe, so take them first
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        results = getattr(self._pool, "_result_queue", None)
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join()
        if results is not None:
            # A worker stopped while sending its result leaves half a message in the pipe,
            # and the pool's manager thread waits for the rest, which would hold up the
            # interpreter's exit for ever. With the workers gone, this process holds the
            # pipe's last writing end: closing it ends the wait (the pool sees it broken).
            results._writer.close()


def execute(
    engine: Engine,
    tasks: Iterable[Task],
    on_results: Callable[[list[Any]], None],
    close: bool = True,
) -> None:
    """Run ``tasks`` on ``engine``, keeping ``engine.slots`` in flight.

    ``on_results`` receives every batch of results that finished together,
    as soon as they finish (after the freed slots are refilled, so workers
    do not wait on it). A failed task stops the sweep after the batch's
    other results are handed over; its error is raised. On the way out the
    engine is closed (unless ``close`` is False: a shared engine, closed by
    its owner); an interruption or a failure cancels what is still queued.
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
        if close or not clean:
            engine.close(cancel=not clean)


def _collect(
    engine: Engine,
    queue: Iterator[Task],
    pending: set[Future],
    on_results: Callable[[list[Any]], None],
    interrupted: Interruption,
) -> None:
    """Wait a moment for finished tasks, refill the freed slots, hand the results over."""
    done, still = wait(pending, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
    if interrupted.is_set():
        raise interrupted.stop()
    if not done:
        engine.check()
        return
    pending.intersection_update(still)
    broken = not _fill(engine, queue, pending)
    results, failure = [], None
    for future in done:
        if future.cancelled():  # not by us: the engine lost the task
            failure = failure or CancelledError()
            continue
        error = future.exception()
        if error is None:
            results.append(future.result())
        elif failure is None:
            failure = error
    if results:
        on_results(results)
    if interrupted.is_set():  # the signal also reached the workers: not their failure
        raise interrupted.stop()
    if broken or isinstance(failure, BrokenProcessPool):
        raise SweepError(f"a worker process died (out of memory, or killed{_script()}); {RESUME}")
    if failure is not None and type(failure).__name__ == "KilledWorker":
        raise SweepError(f"Dask workers died running a task (out of memory, or killed); {RESUME}")
    if failure is not None and _is_lost(failure):
        raise SweepError(engine.lost())
    if failure is not None:
        raise failure


def _script() -> str:
    """A hint when a Python script started the work: its workers import it, and a script
    that starts work at import (no ``__main__`` guard) stops them as they start."""
    started_by = getattr(sys.modules.get("__main__"), "__file__", None) or ""
    ours = Path(__file__).resolve().parents[1]
    if not started_by.endswith(".py") or Path(started_by).resolve().is_relative_to(ours):
        return ""
    return f'; or {Path(started_by).name} starts the work outside `if __name__ == "__main__":`'


def _is_lost(error: BaseException) -> bool:
    """Whether a task failed because its cluster went away, not because of the model."""
    return isinstance(error, CancelledError) or type(error).__name__ in (
        "CommClosedError",
        "FutureCancelledError",
    )


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


@dataclass(frozen=True)
class Batch:
    """Runs with their positions in the caller's list: a task for :func:`run_all`.

    The runs are performed together (one ensemble) when they can be
    (:func:`analysis.experiments.runs.execute_many`).
    """

    items: tuple[tuple[int, Run], ...]

    def run(self) -> list[tuple[int, Any, float]]:
        """Each run's position, measurement and CPU seconds (the batch's, shared evenly)."""
        results, seconds = timed_many([run for _, run in self.items])
        share = seconds / len(self.items)
        return [
            (index, result, share) for (index, _), result in zip(self.items, results, strict=True)
        ]


class CpuClock:
    """Adds up the CPU seconds of the runs it is given (wherever they ran).

    Wall-clock time on a shared machine depends on what else runs; the CPU
    time of the model runs does not, so it is reported beside it.
    """

    def __init__(self) -> None:
        self.seconds = 0.0


def local_engine(workers: int, runs: int) -> Engine:
    """This process for one worker or one run, else a pool of up to ``workers`` processes."""
    processes = pool_size(workers, runs)
    return LocalPool(processes) if processes else InProcess()


def run_all(
    runs: Sequence[Run],
    workers: int = 1,
    *,
    engine: Engine | None = None,
    on_done: Callable[[int], None] | None = None,
    clock: CpuClock | None = None,
) -> list[Any]:
    """Execute ``runs`` and return their measurements in the same order.

    Parameters
    ----------
    runs : sequence of Run
        What to run; replicates that differ only in their seed run together
        as ensembles (:func:`analysis.experiments.runs.batches`), the
        longest batches first.
    workers : int
        Worker processes when no ``engine`` is given (1 runs here). Results
        do not depend on it.
    engine : Engine, optional
        An open engine to share between calls (its owner closes it).
    on_done : callable, optional
        Called with the number of runs finished so far (progress bars).
    clock : CpuClock, optional
        Receives the CPU seconds of the runs.
    """
    results: list[Any] = [None] * len(runs)
    groups = sorted(batches(runs), key=lambda group: -sum(runs[i].cost for i in group))
    finished = 0

    def collect(batches: list[list[tuple[int, Any, float]]]) -> None:
        nonlocal finished
        for batch in batches:
            for index, result, seconds in batch:
                results[index] = result
                finished += 1
                if clock is not None:
                    clock.seconds += seconds
                if on_done:
                    on_done(finished)

    own = engine is None
    execute(
        engine or local_engine(workers, len(groups)),
        (Batch(tuple((i, runs[i]) for i in group)) for group in groups),
        collect,
        close=own,
    )
    return results
