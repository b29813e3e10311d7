"""`staffroom app` stops with its server: Ctrl-C, `kill PID` or a closed terminal frees the port.

The command is started in its own session, so a signal goes only where the
test sends it: to the command, as `kill PID` or a supervisor does (or, for
the terminal's Ctrl-C, to its foreground group).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_support import from_a_terminal, read_until_closed

from dashboard import serve

LAUNCH = [sys.executable, "-c", "from analysis.launch import main; main()"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_served(command: subprocess.Popen, port: int, output: Callable[[], str]) -> None:
    """Wait (up to 3 minutes) until the dashboard answers on ``port``; fail if the command ends.

    ``output`` gives what the command printed so far, for the failure message.
    """
    deadline = time.monotonic() + 180
    while True:
        shown = output()
        assert command.poll() is None, shown
        assert time.monotonic() < deadline, "the server never answered"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5):
                return
        except OSError:
            time.sleep(0.25)


def session_processes(session: int) -> list[int]:
    """Live processes of a session (the command and everything it started)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            if fields[0] != "Z" and int(fields[3]) == session:
                found.append(int(entry.name))
    return found


def assert_server_gone(session: int, port: int) -> None:
    """Within 10 s nothing of the command's session is left, and its port is free again."""
    deadline = time.monotonic() + 10
    while session_processes(session) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert session_processes(session) == [], "the server outlived the command"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))


@pytest.mark.slow  # the server starts for each signal
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the server")
@pytest.mark.parametrize(
    "signum",
    [
        pytest.param(signal.SIGTERM, id="SIGTERM"),
        pytest.param(signal.SIGINT, id="SIGINT"),
        pytest.param(signal.SIGHUP, id="SIGHUP"),  # the terminal closed
        pytest.param(  # no handler runs: the server learns it from the parent-death signal
            signal.SIGKILL,
            id="SIGKILL",
            marks=pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only"),
        ),
    ],
)
def test_a_signal_to_the_command_alone_stops_the_server_and_frees_the_port(signum, tmp_path):
    if serve.missing_modules():
        pytest.skip("the app extra is not installed")
    port = free_port()
    log = tmp_path / "app.log"
    with log.open("w") as out:
        command = subprocess.Popen(
            [*LAUNCH, "app", "departments", "--port", str(port), "--no-open"],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=from_a_terminal,
        )
    try:
        wait_until_served(command, port, log.read_text)
        assert len(session_processes(command.pid)) >= 2, "the command and its server"
        os.kill(command.pid, signum)
        status = command.wait(timeout=30)  # the server gets STOP_SECONDS, then is killed
        assert status == (-signum if signum == signal.SIGKILL else 128 + signum), log.read_text()
        assert_server_gone(command.pid, port)
        assert "Traceback" not in log.read_text()
    finally:
        if session_processes(command.pid):
            os.killpg(command.pid, signal.SIGKILL)
        command.wait()


@pytest.mark.slow  # the server starts
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the server")
@pytest.mark.parametrize("stop", ["ctrl_c", "hang_up"])
def test_ctrl_c_or_closing_the_terminal_stops_the_dashboard_without_a_traceback(stop, tmp_path):
    """A pseudo-terminal whose Ctrl-C signals the whole foreground group, as a real one does;
    closing it (the window) hangs up the command, whose terminal is then gone."""
    import fcntl
    import pty
    import termios

    if serve.missing_modules():
        pytest.skip("the app extra is not installed")
    port = free_port()
    leader, follower = pty.openpty()

    def terminal_of_its_own() -> None:  # in the child: a session whose terminal is the pty
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
        from_a_terminal()
        modes = termios.tcgetattr(0)  # and one that stops background writers (stty tostop)
        modes[3] |= termios.TOSTOP
        termios.tcsetattr(0, termios.TCSANOW, modes)

    command = subprocess.Popen(
        [*LAUNCH, "app", "departments", "--port", str(port), "--no-open"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        start_new_session=True,
        preexec_fn=terminal_of_its_own,
    )
    os.close(follower)
    shown = bytearray()

    try:
        os.set_blocking(leader, False)

        def shown_so_far() -> str:  # read while waiting: the terminal must not fill up
            with contextlib.suppress(BlockingIOError):
                shown.extend(os.read(leader, 65536))
            return shown.decode(errors="replace")

        wait_until_served(command, port, shown_so_far)
        if stop == "hang_up":
            os.close(leader)  # SIGHUP to the command, whose terminal is gone
            leader = None
            assert command.wait(timeout=30) == 128 + signal.SIGHUP, "no error writing to it"
            assert_server_gone(command.pid, port)
            return
        os.write(leader, b"\x03")  # Ctrl-C: the terminal sends SIGINT to the group
        os.set_blocking(leader, True)
        status = command.wait(timeout=30)
        shown.extend(read_until_closed(leader))
        text = shown.decode(errors="replace")
        assert status == 128 + signal.SIGINT, text
        assert "Traceback" not in text and "CancelledError" not in text, text
        assert "Aborted" not in text, "the server stops once, on SIGTERM, and says nothing"
        assert text.rstrip().endswith("staffroom dashboard stopped"), text
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", port))  # the port is free again
    finally:
        if session_processes(command.pid):
            os.killpg(command.pid, signal.SIGKILL)
        command.wait()
        if leader is not None:
            os.close(leader)


def test_a_stop_before_the_supervision_begins_kills_the_server(monkeypatch):
    """Ctrl-C between starting the server and watching it: the server, in its own process
    group, never got it, so the command must not leave it running."""
    if serve.missing_modules():
        pytest.skip("the app extra is not installed")
    sleeper = [sys.executable, "-c", "import time; time.sleep(600)"]
    monkeypatch.setattr(serve, "command", lambda host, port, open_browser: sleeper)
    started: list[subprocess.Popen] = []

    def interrupted(server: subprocess.Popen) -> int:
        started.append(server)
        raise KeyboardInterrupt

    monkeypatch.setattr(serve, "supervise", interrupted)
    with pytest.raises(KeyboardInterrupt):
        serve.serve("departments", port=free_port(), open_browser=False)
    assert started[0].wait(timeout=10) == -signal.SIGKILL


def test_a_server_that_ignores_the_signal_is_killed_after_the_grace_time(monkeypatch):
    monkeypatch.setattr(serve, "STOP_SECONDS", 0.5)
    stubborn = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import signal, time; "
            "signal.signal(signal.SIGTERM, signal.SIG_IGN); "
            "signal.signal(signal.SIGINT, signal.SIG_IGN); "
            "print('ready', flush=True); time.sleep(600)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert stubborn.stdout.readline().strip() == "ready"
    timer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import os, signal, time; time.sleep(0.3); os.kill({os.getpid()}, signal.SIGTERM)",
        ]
    )
    try:
        assert serve.supervise(stubborn) == 143
        assert stubborn.poll() == -signal.SIGKILL
    finally:
        timer.wait()
        if stubborn.poll() is None:
            stubborn.kill()
        stubborn.stdout.close()


def test_a_dashboard_started_in_the_background_keeps_ignoring_ctrl_c(monkeypatch, ctrl_c_ignored):
    monkeypatch.setattr(serve, "STOP_SECONDS", 0.5)
    server = subprocess.Popen(
        [sys.executable, "-c", "import time; print('ready', flush=True); time.sleep(600)"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout.readline().strip() == "ready"
    signals = (
        f"import os, signal, time; time.sleep(0.3); os.kill({os.getpid()}, signal.SIGINT); "
        f"time.sleep(0.5); os.kill({os.getpid()}, signal.SIGTERM)"
    )
    sender = subprocess.Popen([sys.executable, "-c", signals])
    try:
        assert serve.supervise(server) == 143, "stopped by SIGTERM, not by the ignored Ctrl-C"
    finally:
        sender.wait()
        if server.poll() is None:
            server.kill()
        server.stdout.close()
