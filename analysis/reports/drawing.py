"""Drawing a report's figures on every core: matplotlib is single-threaded and slow.

A comparison report has three figures per question, ``staffroom run`` a
dozen; drawn one after another they take longer than the runs. Where the
platform forks cheaply and safely (Linux, in a process with no other
thread), :func:`draw` forks a child per core (at most one per figure)
after the data is in memory: a child inherits the results and matplotlib
already loaded, so nothing is sent to it but a figure's number, and it
sends back PNG bytes. Figures whose data comes later
(:meth:`Drawing.add`) are sent to the children pickled.
Each figure is drawn by the same function on the same data as it would
be in this process, so the files are identical either way; elsewhere the
figures are drawn here, one by one.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor

from analysis.experiments.workers import usable_cores

#: The figures being drawn: set before the children fork, read by them.
_pending: list[Callable[[], bytes]] = []


def _draw_one(index: int) -> bytes:
    return _pending[index]()


def _draw_sent(maker: Callable[[], bytes]) -> bytes:
    return maker()


def _quiet_child() -> None:
    """A child leaves Ctrl-C to this process, and SIGTERM (the pool's stop) ends it silently.

    It was forked with this process's handlers, which raise exceptions and
    would print a traceback per child.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _can_fork() -> bool:
    """Whether forking now is safe: Linux, and no other Python thread to be copied mid-work."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


class Drawing:
    """Figures being drawn in forked children while this process goes on with other work.

    Started with the figures whose data is ready; :meth:`add` hands out more
    (sent to the children pickled, as they were forked before), and
    :meth:`result` waits for the PNG bytes. Where forking is not safe the
    figures are drawn at once, here.
    Use it as a context manager, so that an error or Ctrl-C stops the
    children. A child that dies (out of memory) fails the drawing with
    ``BrokenProcessPool`` instead of leaving it waiting.

    Parameters
    ----------
    makers : mapping of str to callable
        The first figures' makers by file name, the costliest first.
    processes : int, optional
        Children to draw in. Default: one per core this process may use, at
        most one per figure in ``makers`` (pass it when more will be added).
    """

    def __init__(
        self, makers: Mapping[str, Callable[[], bytes]], processes: int | None = None
    ) -> None:
        self.names = list(makers)
        processes = processes or min(usable_cores(), len(self.names))
        self._pool: ProcessPoolExecutor | None = None
        if processes < 2 or not _can_fork():
            self._drawn = [makers[name]() for name in self.names]
            return
        _pending[:] = [makers[name] for name in self.names]
        with warnings.catch_warnings():
            # Python 3.12 warns about any thread; the only ones left here are
            # native pools (OpenBLAS, Arrow, jemalloc), which re-arm after a fork
            warnings.filterwarnings(
                "ignore", "This process .* is multi-threaded", DeprecationWarning
            )
            self._pool = ProcessPoolExecutor(
                processes, multiprocessing.get_context("fork"), initializer=_quiet_child
            )
            try:
                # the children are forked at the first submission, before the pool's threads
                self._futures = [self._pool.submit(_draw_one, k) for k in range(len(self.names))]
            except BaseException:  # Ctrl-C here: no __exit__ will stop the children
                self._stop(cancel=True)
                raise

    def add(self, makers: Mapping[str, Callable[[], bytes]]) -> None:
        """More figures to draw, after those given so far (before :meth:`result`)."""
        repeated = set(makers) & set(self.names)
        if repeated:
            raise ValueError(f"figures already being drawn: {sorted(repeated)}")
        self.names += list(makers)
        if self._pool is None:
            self._drawn += [maker() for maker in makers.values()]
        else:
            self._futures += [self._pool.submit(_draw_sent, maker) for maker in makers.values()]

    def result(self) -> dict[str, bytes]:
        """Every figure's PNG bytes by name, in the order given (waits for the children)."""
        if self._pool is not None:
            self._drawn = [future.result() for future in self._futures]
            self._stop()
        return dict(zip(self.names, self._drawn, strict=True))

    def _stop(self, cancel: bool = False) -> None:
        """Shut the pool down; with ``cancel`` (an error, Ctrl-C) end the children first.

        A child waiting for work after an interruption would otherwise keep
        the program from exiting (Python joins its children at exit).
        """
        if self._pool is not None:
            if cancel:
                for child in list((self._pool._processes or {}).values()):
                    child.terminate()  # SIGTERM ends a child silently (_quiet_child)
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            _pending.clear()

    def __enter__(self) -> Drawing:
        return self

    def __exit__(self, kind, *error) -> None:
        self._stop(cancel=kind is not None)  # after an error or Ctrl-C: figures are dropped


def draw(
    makers: Mapping[str, Callable[[], bytes]], processes: int | None = None
) -> dict[str, bytes]:
    """Every figure's PNG bytes by name: ``makers[name]()``, on up to ``processes`` cores.

    Parameters
    ----------
    makers : mapping of str to callable
        What draws each figure (no arguments, returns PNG bytes), by file name.
        List the costliest first: they are handed out in order.
    processes : int, optional
        Processes to draw in (default: the cores this process may use).

    Returns
    -------
    dict of str to bytes
        In the order of ``makers``.
    """
    with Drawing(makers, min(processes or usable_cores(), len(makers))) as drawing:
        return drawing.result()
