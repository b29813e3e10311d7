"""Worker processes that start with the model imported and leave Ctrl-C to the parent.

While a pool runs, Ctrl-C and SIGTERM only set a flag that the waiting loop
checks (:func:`interrupts_as_flag`), so an interruption never lands inside
the executor's code; the loop cancels what is queued and raises
KeyboardInterrupt, or :class:`Terminated` for SIGTERM (exit status 143).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

#: Seconds between looks at the interrupt flag while waiting for workers.
POLL_SECONDS = 0.2

#: What the fork server imports before forking workers: the engine and the ensemble
#: kernel (numpy), not Mesa or pandas, which most runs never need.
PRELOAD = ("analysis.experiments.engines", "simulation.ensemble")


class Terminated(BaseException):
    """SIGTERM, handled like Ctrl-C (exit status 143 instead of 130).

    Not a KeyboardInterrupt, which the command-line library turns into a
    silent exit status 130 wherever it is not caught.
    """


#: What an interruption raises: catch these to stop cleanly.
STOPS = (KeyboardInterrupt, Terminated)


def exit_status(stop: BaseException) -> int:
    """The exit status after an interruption: 143 for SIGTERM, 130 for Ctrl-C."""
    return 128 + signal.SIGTERM if isinstance(stop, Terminated) else 128 + signal.SIGINT


def interruption(stop: BaseException) -> str:
    """``"terminated"`` (SIGTERM) or ``"interrupted"`` (Ctrl-C), to start a message."""
    return "terminated" if isinstance(stop, Terminated) else "interrupted"


def ignored(signum: int) -> bool:
    """Whether ``signum`` is ignored: as the shell starts a background job without job
    control (``staffroom sweep big.toml &`` in a script), so that a Ctrl-C meant for the
    command in the foreground leaves it alone. Such a signal stays ignored here too."""
    return signal.getsignal(signum) is signal.SIG_IGN


@contextmanager
def handled(signals: Iterable[int], handler: Callable[[int, Any], None]) -> Iterator[None]:
    """While in the block, ``handler`` handles each of ``signals`` that is not
    :func:`ignored`; the previous handlers come back after it. Main thread only."""
    previous = {number: signal.signal(number, handler) for number in signals if not ignored(number)}
    try:
        yield
    finally:
        for number, before in previous.items():
            signal.signal(number, before)


def _raise_terminated(signum, frame) -> None:
    raise Terminated


#: Interruptions raised where Python could only print and drop them (see
#: :func:`terminate_like_interrupt`), waiting for :func:`interrupts_as_flag`.
_swallowed: list[type[BaseException]] = []


_hooks: list[Callable[[Any], None]] = []  # the unraisable hooks in force before ours


def _keep_swallowed_stops(unraisable: Any) -> None:
    """``sys.unraisablehook``: keep an interruption Python would drop; pass the rest on."""
    if isinstance(unraisable.exc_value, STOPS):
        _swallowed.append(type(unraisable.exc_value))
        return
    (_hooks[-1] if _hooks else sys.__unraisablehook__)(unraisable)


def raise_kept_stop() -> None:
    """Raise an interruption Python dropped earlier in the command, if any (once)."""
    if _swallowed:
        stop = _swallowed[-1]
        _swallowed.clear()
        raise stop() from None


@contextmanager
def terminate_like_interrupt() -> Iterator[None]:
    """While in the block, SIGTERM raises :class:`Terminated` in the main thread (as Ctrl-C
    raises KeyboardInterrupt). The command line runs every command in it.

    A signal's exception is raised wherever the main thread is; when that is
    a callback whose errors Python can only print (a weak reference's, as
    imports release their locks; a ``__del__``), Python prints "Exception
    ignored" with a traceback and drops it, and the command would run on as
    if never interrupted. Here such an interruption is kept, silently, and
    the next :func:`interrupts_as_flag` (every pool of workers) or commit of
    results raises it, before any work starts or any file is written; a
    command that reaches neither raises it when it ends.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _hooks.append(sys.unraisablehook)
    sys.unraisablehook = _keep_swallowed_stops
    try:
        with handled((signal.SIGTERM,), _raise_terminated):
            yield
            raise_kept_stop()  # a command that reached no pool or commit after it
    finally:
        sys.unraisablehook = _hooks.pop()
        _swallowed.clear()


def worker_text(processes: int) -> str:
    """Where work ran, honestly: ``"on 3 worker processes using 2 cores"``.

    ``processes`` is the number of worker processes started (0: the work
    ran in this process). More processes than the cores this process may
    use share those cores, and are no faster.
    """
    if processes <= 0:
        return "in this process (1 core)"
    cores = usable_cores()
    used = min(processes, cores)
    text = (
        f"on {processes} worker process{'es' if processes != 1 else ''} using {used} "
        f"core{'s' if used != 1 else ''}"
    )
    if processes > cores:
        text += " (more workers than cores run no faster)"
    return text


def pool_size(workers: int, runs: int) -> int:
    """Worker processes a pool of ``workers`` starts for ``runs`` runs (0: none, runs here)."""
    return 0 if workers <= 1 or runs <= 1 else min(workers, runs)


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
    import multiprocessing  # here: the command line's start does not need it
    import multiprocessing.forkserver

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(preload))
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            multiprocessing.forkserver.ensure_running()
        finally:
            signal.signal(signal.SIGINT, previous)
    return context


def start_early(workers: int) -> None:
    """Start the fork server now if a pool of ``workers`` may follow.

    The server imports the kernel (:data:`PRELOAD`) while this process
    loads what it needs itself (the command line, the scenario or sweep
    file), so the workers a pool forks from it later start at once. A
    server that is never used ends with this process.
    """
    if workers > 1:
        forkserver_context(PRELOAD)


class Interruption(threading.Event):
    """A flag set by Ctrl-C or SIGTERM; remembers which, to raise the right exception."""

    signum: int = signal.SIGINT

    def catch(self, signum: int, frame=None) -> None:
        """Signal handler: remember the signal and set the flag."""
        self.signum = signum
        self.set()

    def stop(self) -> KeyboardInterrupt | Terminated:
        """The exception to raise for the signal received."""
        return Terminated() if self.signum == signal.SIGTERM else KeyboardInterrupt()


@contextmanager
def interrupts_as_flag() -> Iterator[Interruption]:
    """Turn Ctrl-C and SIGTERM into a flag while a pool runs, so it can shut down cleanly.

    The caller waits for its futures with a timeout of :data:`POLL_SECONDS`,
    and when the flag is set, cancels what has not started and raises
    ``flag.stop()`` (KeyboardInterrupt, or :class:`Terminated`). Outside the
    main thread (where signals cannot be handled) the flag is never set and
    the signals behave as usual; a signal this process ignores (a background
    job's Ctrl-C) stays ignored.

    A signal sent to the whole process group (a batch scheduler's SIGTERM)
    also stops the fork server and the workers, so the pool may fail in its
    own way (a broken pool, an EOF from the fork server) before the flag is
    looked at: any error raised in the block once the flag is set is the
    interruption, and is raised as such. An interruption Python dropped
    earlier in the command (:func:`terminate_like_interrupt`) is raised on
    entry, before the block begins.
    """
    flag = Interruption()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return
    raise_kept_stop()  # an interruption Python dropped earlier in the command: act on it now
    with handled((signal.SIGINT, signal.SIGTERM), flag.catch):
        try:
            yield flag
        except Exception:
            if flag.is_set():
                raise flag.stop() from None
            raise
