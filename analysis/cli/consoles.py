"""Where the commands print: standard output for results, standard error for progress and errors.

In a terminal, Rich fits tables and lines to the window. Off a terminal
(``staffroom compare ... > table.txt``, a batch job's log, CI), Rich
assumes 80 columns and breaks tables and long lines there, which makes
logs hard to read and harder to grep; there, output is laid out for
:data:`OFF_TERMINAL_WIDTH` columns instead (``COLUMNS`` still wins when set).
"""

from __future__ import annotations

import os

from rich.console import Console, ConsoleDimensions

OFF_TERMINAL_WIDTH = 1000


class CommandConsole(Console):
    """A Rich console that does not break lines at 80 columns off a terminal."""

    @property
    def size(self) -> ConsoleDimensions:
        """The terminal's size; off a terminal :data:`OFF_TERMINAL_WIDTH` columns, unless
        ``COLUMNS`` or an explicit width says otherwise."""
        size = Console.size.fget(self)
        if self._width is None and not self.is_terminal and "COLUMNS" not in os.environ:
            return ConsoleDimensions(OFF_TERMINAL_WIDTH, size.height)
        return size

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        Console.size.fset(self, new_size)

    def say(self, text: str) -> None:
        """Print ``text`` as it is: no markup, no highlighting, long lines not broken.

        Not ``line``: Rich calls ``Console.line()`` itself (a progress bar
        ends with it), so that name keeps Rich's meaning.
        """
        self.print(text, markup=False, highlight=False, soft_wrap=True)


def stdout_console() -> CommandConsole:
    """The console for results (tables, where files went)."""
    return CommandConsole()


def stderr_console() -> CommandConsole:
    """The console for progress, notes and errors."""
    return CommandConsole(stderr=True)
