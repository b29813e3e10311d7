"""Progress shown where no terminal is attached (batch jobs, logs, CI)."""

from __future__ import annotations

import io

from cli_support import read_until_closed
from rich.console import Console
from rich.progress import Progress

from analysis.cli.progress import LogProgress, progress_display


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def log_progress(every: float = 30.0, unit: str = "") -> tuple[LogProgress, io.StringIO, FakeClock]:
    out, clock = io.StringIO(), FakeClock()
    console = Console(file=out, width=200)
    return LogProgress(console, every=every, unit=unit, clock=clock), out, clock


def lines(out: io.StringIO) -> list[str]:
    return out.getvalue().splitlines()


def test_a_console_that_is_not_a_terminal_gets_plain_lines_a_terminal_gets_a_bar():
    piped = Console(file=io.StringIO())
    terminal = Console(file=io.StringIO(), force_terminal=True)
    assert isinstance(progress_display(piped), LogProgress)
    assert isinstance(progress_display(terminal), Progress)
    assert isinstance(progress_display(piped, disable=True), Progress)


def test_a_line_is_printed_at_most_every_interval_and_once_at_the_end():
    progress, out, clock = log_progress(every=30)
    with progress:
        task = progress.add_task("sweep", total=100)
        for done in range(1, 101):
            clock.now = done * 1.0  # one run a second
            progress.update(task, completed=done)
        progress.update(task, completed=100)  # a repeated final update prints nothing
    printed = lines(out)
    assert len(printed) == 4, printed  # at 30, 60 and 90 s, and at the end
    assert printed[0].startswith("sweep: 30/100 (30%)")
    assert printed[-1].startswith("sweep: 100/100 (100%)")
    assert "left" not in printed[-1]


def test_rate_and_time_left_count_only_the_work_done_while_watching():
    progress, out, clock = log_progress(every=10, unit="runs")
    task = progress.add_task("sweep", total=1000)
    clock.now = 5.0
    progress.reset(task, total=1000, completed=600)  # a resumed sweep finds 600 done
    clock.now = 25.0
    progress.update(task, completed=640)  # 40 runs in 20 s
    assert lines(out) == [
        "sweep: 640/1000 runs (64%), 2 runs/s, 0:00:20 elapsed, about 0:03:00 left"
    ]


def test_a_task_without_a_total_reports_what_is_done():
    progress, out, clock = log_progress(every=5)
    task = progress.add_task("robustness")
    clock.now = 6.0
    progress.update(task, completed=12)
    progress.update(task, total=24)
    clock.now = 12.0
    progress.update(task, completed=24)
    printed = lines(out)
    assert printed[0].startswith("robustness: 12, ")
    assert printed[-1].startswith("robustness: 24/24 (100%)")


def test_a_bar_on_a_terminal_ends_without_error_on_the_commands_console():
    from analysis.cli.consoles import CommandConsole
    from analysis.cli.progress import runs_display

    out = io.StringIO()
    console = CommandConsole(file=out, force_terminal=True, width=100)
    with runs_display(console, quiet=False, rate=True) as progress:  # Rich ends it with line()
        task = progress.add_task("sweep", total=4)
        progress.update(task, completed=4)
    shown = out.getvalue()
    assert "4/4" in shown and shown.removesuffix("\x1b[?25h").endswith("\n")  # then the cursor
    console.say("[not markup] as it is")
    assert out.getvalue().splitlines()[-1].endswith("[not markup] as it is")


def test_a_command_run_on_a_terminal_shows_its_bar_and_exits_0(tmp_path):
    """What a user at a terminal sees: the bar, then the results (a pseudo-terminal)."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    command = [sys.executable, "-m", "analysis.cli.app", "run", "departments"]
    options = ["--replicates", "2", "--years", "1", "-w", "1", "--no-plots", "--out", "out"]
    env = {**os.environ, "COLUMNS": "120", "TERM": "xterm"}
    with subprocess.Popen(
        command + options, stdin=follower, stdout=follower, stderr=follower, cwd=tmp_path, env=env
    ) as process:
        os.close(follower)
        shown = read_until_closed(leader)
        status = process.wait(timeout=300)
    os.close(leader)
    text = shown.decode("utf-8", "replace")
    assert status == 0, text[-2000:]
    assert "Traceback" not in text
    assert "2/2" in text and (tmp_path / "out" / "summary.csv").exists()


def test_a_sweeps_bar_with_its_rate_fits_one_line_of_an_80_column_terminal():
    import re
    import time

    from analysis.cli.consoles import CommandConsole
    from analysis.cli.progress import runs_display

    out = io.StringIO()
    console = CommandConsole(file=out, force_terminal=True, width=80)
    with runs_display(console, quiet=False, rate=True) as progress:
        task = progress.add_task("School size x structure", total=4608)
        progress.update(task, completed=10)
        time.sleep(0.5)
        progress.update(task, completed=4608)  # hundreds or thousands of runs a second
    last = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", out.getvalue().split("\x1b[2K")[-1])
    assert re.search(r"4608/4608 runs [0-9.]+/s ", last), last
    assert last.count("\n") == 1, last  # not broken over two lines
