"""Progress-bar columns of our own (Rich's progress module is imported only with a bar)."""

from __future__ import annotations

from rich.progress import ProgressColumn
from rich.text import Text


class RunsPerSecond(ProgressColumn):
    """Runs per second over the last half minute."""

    def render(self, task) -> Text:
        """The rate, or a dash before the first batch."""
        speed = task.speed
        return Text(f"{speed:.1f} runs/s" if speed else "- runs/s", style="progress.data.speed")
