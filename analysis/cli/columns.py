"""Progress-bar columns of our own (Rich's progress module is imported only with a bar)."""

from __future__ import annotations

from rich.progress import ProgressColumn
from rich.text import Text


class RunsPerSecond(ProgressColumn):
    """Runs per second over the last half minute (after the runs column: ``69.8/s``).

    Short, and never wrapped: on an 80-column terminal a longer rate broke
    the bar over two lines.
    """

    def render(self, task) -> Text:
        """The rate, or a dash before the first batch."""
        speed = task.speed
        rate = f"{speed:.1f}/s" if speed else "-/s"
        return Text(rate, style="progress.data.speed", no_wrap=True)
