"""Progress of long work on stderr: a live bar in a terminal, plain lines in a log.

Rich draws nothing when stderr is not a terminal (a batch job, CI), so
there :func:`progress_display` returns a :class:`LogProgress` that prints a
plain line at most every ``every`` seconds and when a task finishes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rich.progress is imported when a bar is shown, not at start-up
    from rich.console import Console
    from rich.progress import Progress, ProgressColumn

EVERY_SECONDS = 30.0


def progress_display(
    console: Console,
    *columns: str | ProgressColumn,
    transient: bool = False,
    disable: bool = False,
    every: float = EVERY_SECONDS,
    unit: str = "",
) -> Progress | LogProgress:
    """A rich progress bar on a terminal, plain log lines otherwise.

    Parameters
    ----------
    console
        Where progress goes (the commands use stderr, so stdout stays data).
    *columns
        The bar's columns (terminal only).
    transient
        Remove the bar when done (terminal only).
    disable
        Show nothing at all (``--quiet``).
    every
        Seconds between log lines when the console is not a terminal.
    unit
        What is counted, for the log lines (``"runs"``).
    """
    if disable or console.is_terminal:
        from rich.progress import Progress

        return Progress(*columns, console=console, transient=transient, disable=disable)
    return LogProgress(console, every=every, unit=unit)


def runs_display(console: Console, quiet: bool, rate: bool = False) -> Progress | LogProgress:
    """The display of a command that counts model runs: done of total, time taken and left.

    ``rate`` adds the runs per second (a sweep's, whose task name is bold).
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from analysis.cli.columns import RunsPerSecond

    name = TextColumn("[bold]{task.description}" if rate else "{task.description}")
    columns = [name, BarColumn(), MofNCompleteColumn(), TextColumn("runs")]
    columns += [RunsPerSecond()] if rate else []
    columns += [TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn()]
    return progress_display(console, *columns, disable=quiet, unit="runs")


@dataclass
class _Task:
    description: str
    total: float | None
    started: float
    completed: float = 0.0
    last_line: float = 0.0
    finished: bool = False
    base: float = 0.0  # done before this display started counting (a resumed sweep)


@dataclass
class LogProgress:
    """The part of :class:`rich.progress.Progress` the commands use, as plain lines.

    A line is printed when a task has advanced and ``every`` seconds have
    passed since its last line, and once when it reaches its total. After
    :meth:`reset` (a resumed sweep found runs on disk) the rate counts only
    the work done since.
    """

    console: Console
    every: float = EVERY_SECONDS
    unit: str = ""
    clock: Callable[[], float] = time.monotonic
    _tasks: list[_Task] = field(default_factory=list)

    def __enter__(self) -> LogProgress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def add_task(self, description: str, total: float | None = None, **_: object) -> int:
        """Start a task; returns its id for :meth:`update`."""
        now = self.clock()
        self._tasks.append(_Task(description, total, started=now, last_line=now))
        return len(self._tasks) - 1

    def update(
        self,
        task_id: int,
        *,
        total: float | None = None,
        completed: float | None = None,
        **_: object,
    ) -> None:
        """Set a task's total or amount done; print a line if one is due."""
        task = self._tasks[task_id]
        if total is not None:
            task.total = total
        if completed is None or task.finished:
            return
        now = self.clock()
        advanced = completed > task.completed
        task.completed = completed
        done = task.total is not None and completed >= task.total
        if done or (advanced and now - task.last_line >= self.every):
            task.finished = done
            task.last_line = now
            self.console.print(
                self.line(task, now, self.unit), markup=False, highlight=False, soft_wrap=True
            )

    def reset(
        self, task_id: int, *, total: float | None = None, completed: float = 0.0, **_: object
    ) -> None:
        """Restart a task's clock with ``completed`` already done (not counted in its rate)."""
        task = self._tasks[task_id]
        now = self.clock()
        task.total = task.total if total is None else total
        task.completed = task.base = completed
        task.started = task.last_line = now

    @staticmethod
    def line(task: _Task, now: float, unit: str = "") -> str:
        """``name: done/total unit (share), rate, elapsed, time left``."""
        elapsed = now - task.started
        unit = f" {unit}" if unit else ""
        done = f"{task.completed:g}"
        if task.total:
            done += f"/{task.total:g}{unit} ({task.completed / task.total:.0%})"
        else:
            done += unit
        parts = [f"{task.description}: {done}"]
        rate = (task.completed - task.base) / elapsed if elapsed > 0 else 0.0
        if rate > 0:
            parts.append(f"{rate:.3g}{unit}/s")
        parts.append(f"{_clock(elapsed)} elapsed")
        if rate > 0 and task.total and task.completed < task.total:
            parts.append(f"about {_clock((task.total - task.completed) / rate)} left")
        return ", ".join(parts)


def _clock(seconds: float) -> str:
    return str(timedelta(seconds=round(seconds)))
