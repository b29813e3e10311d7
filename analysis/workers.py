"""Worker processes that start with the model imported and leave Ctrl-C to the parent.

Every pool of the project (replicates, validation, local sweeps) forks its
workers from Python's fork server, which imports the model once so that a
worker starts in milliseconds. While a pool runs, Ctrl-C only sets a flag
that the waiting loop checks, so the interruption never lands inside the
executor's own code (where it can leave a pool deadlocked or a half-started
worker behind); the loop then cancels what is queued and raises
KeyboardInterrupt itself.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
import queue
import signal
import threading
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from multiprocessing.context import BaseContext

#: Seconds between looks at the interrupt flag while waiting for workers.
POLL_SECONDS = 0.2


def usable_cores() -> int:
    """The number of CPUs this process may use (its affinity, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def forkserver_context(preload: Sequence[str]) -> BaseContext:
    """The fork-server context, its server started with ``preload`` imported and deaf to Ctrl-C.

    Python's fork server shields itself from Ctrl-C only after importing its
    preload modules, and Ctrl-C in a terminal reaches every process of the
    command, so an interruption in the first second of a run killed the
    server with a traceback. A signal ignored when a program starts stays
    ignored, so the server is started here with SIGINT ignored (for the
    milliseconds the start takes); the parent's own handling is restored at
    once and stays in charge of stopping the work. Workers forked from the
    server ignore Ctrl-C too.

    Parameters
    ----------
    preload
        Modules the server imports once (the first call in a process decides).
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(preload))
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            multiprocessing.forkserver.ensure_running()
        finally:
            signal.signal(signal.SIGINT, previous)
    return context


@contextmanager
def interrupts_as_flag() -> Iterator[threading.Event]:
    """Turn Ctrl-C into a flag while a pool runs, so the pool can shut down cleanly.

    The caller waits for its futures with a timeout of :data:`POLL_SECONDS`,
    and when the flag is set, cancels what has not started and raises
    KeyboardInterrupt. Outside the main thread (where signals cannot be
    handled) the flag is never set and Ctrl-C behaves as usual.
    """
    flag = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return
    previous = signal.signal(signal.SIGINT, lambda *_: flag.set())
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)


def as_finished(futures: Iterable[Future], interrupted: threading.Event) -> Iterator[Future]:
    """Yield ``futures`` as they finish; on Ctrl-C cancel the rest and raise KeyboardInterrupt.

    Each future reports to a queue when it is done, so waiting costs the
    same however many are queued (``concurrent.futures.wait`` visits every
    pending future on each call: with thousands of queued runs the main
    process spent a third of a core on it). Futures not yet yielded are
    cancelled when the caller stops early, fails or is interrupted.

    Parameters
    ----------
    futures
        Submitted work.
    interrupted
        The flag of :func:`interrupts_as_flag`, checked every
        :data:`POLL_SECONDS` and after each finished future.
    """
    finished: queue.SimpleQueue[Future] = queue.SimpleQueue()
    waiting = set(futures)
    for future in waiting:
        future.add_done_callback(finished.put)
    try:
        while waiting:
            if interrupted.is_set():
                raise KeyboardInterrupt
            try:
                future = finished.get(timeout=POLL_SECONDS)
            except queue.Empty:
                continue
            waiting.discard(future)
            yield future
    finally:
        for future in waiting:
            future.cancel()
