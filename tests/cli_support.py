"""Driving the real ``staffroom`` command line from tests.

:func:`staffroom` runs :func:`analysis.cli.app.main` in this process with
``sys.argv`` set, exactly as the console script does (so a user's mistake
exits with status 2 through the same code), and returns the exit status
and what was printed. :func:`staffroom_process` runs it as a separate
process, for the few tests that must see the real entry point.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from analysis.cli.app import main


def from_a_terminal() -> None:
    """In the child before it starts: Ctrl-C at its default, as a terminal's command has it.

    A test suite started in the background by a script without job control
    (as CI may be) ignores SIGINT, and its children would inherit that:
    staffroom then rightly ignores Ctrl-C, and the signal is lost.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@dataclass
class Outcome:
    """What a command did: exit status, standard output, standard error."""

    code: int
    out: str
    err: str


def staffroom(
    capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch, *args: str
) -> Outcome:
    """Run ``staffroom ARGS`` in this process; return its exit status and output."""
    capsys.readouterr()
    monkeypatch.setattr(sys, "argv", ["staffroom", *map(str, args)])
    with pytest.raises(SystemExit) as stopped:
        main()
    captured = capsys.readouterr()
    code = stopped.value.code
    return Outcome(0 if code is None else int(code), captured.out, captured.err)


def staffroom_process(*args: str, cwd: Path | None = None) -> Outcome:
    """Run ``python -m analysis.cli.app ARGS`` as its own process."""
    done = subprocess.run(
        [sys.executable, "-m", "analysis.cli.app", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )
    return Outcome(done.returncode, done.stdout, done.stderr)


def files_in(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path, with its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def read_until_closed(terminal: int) -> bytes:
    """All a pseudo-terminal shows until the last process writing to it has ended."""
    shown = bytearray()
    while True:
        try:
            chunk = os.read(terminal, 65536)
        except OSError:  # Linux: the other end is closed (EIO)
            break
        if not chunk:
            break
        shown.extend(chunk)
    return bytes(shown)
