"""Start the dashboard's server for ``staffroom app`` (no visualization imports here).

The command checks the scenario and the port before anything starts, so a
user's mistake is one line and exit status 2; it checks that the ``app``
extra is installed and says how to install it if not (exit status 1). Then
it runs ``python -m solara run dashboard.app`` in production mode, with
Solara's telemetry and version check off, so nothing leaves the machine.

The server is a child process that this command supervises: Ctrl-C or
SIGTERM (``kill PID`` of the command) is passed on to it, and if it has not
stopped within :data:`STOP_SECONDS` it is killed, so the port is always
freed when the command ends. A Ctrl-C typed at the terminal reaches the
server as well (the terminal signals its whole foreground group), so it is
not passed on a second time: a second SIGINT makes the server abandon its
shutdown with a traceback.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import scenarios
from analysis.experiments.workers import ignored
from simulation import InputError

SCENARIO_ENV = "STAFFROOM_SCENARIO"
APP_MODULE = "dashboard.app"
NEEDED = ("solara", "solara_assets", "altair", "ipyvue", "ipyvuetify")
"""Modules of the ``app`` extra that the dashboard cannot run without."""
STOP_SECONDS = 5.0
"""Seconds the server has to stop after Ctrl-C or SIGTERM before it is killed."""
INSTALL_HINT = (
    "the dashboard needs the app extra, which is not installed; install it with: "
    'pip install "staffroom[app]"  (from a checkout: pip install ".[app]")'
)


def missing_modules() -> list[str]:
    """Modules of :data:`NEEDED` that cannot be imported."""
    return [name for name in NEEDED if importlib.util.find_spec(name) is None]


def check_port(host: str, port: int) -> None:
    """Raise :class:`InputError` if ``host:port`` cannot be listened on."""
    if port == 0:
        return
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.bind((host, port))
    except OSError as error:
        reason = "is in use" if error.errno in (98, 48, 10048) else f"cannot be used ({error})"
        raise InputError(
            f"port {port} on {host} {reason}; choose another with --port", key="port"
        ) from None


def command(host: str, port: int, open_browser: bool) -> list[str]:
    """The server command line."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        APP_MODULE,
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-check-version",
        "--open" if open_browser else "--no-open",
    ]


QUIET = "ignore:Cookies with samesite=none require https:UserWarning"
"""Solara warns on every page load over plain http to 127.0.0.1 (it falls back to
samesite=lax cookies, which is right for a local server); keep the terminal readable."""


def environment(scenario: Path) -> dict[str, str]:
    """The server's environment: the scenario to open, Solara's telemetry off."""
    warnings = ",".join(filter(None, (os.environ.get("PYTHONWARNINGS"), QUIET)))
    return {
        **os.environ,
        SCENARIO_ENV: str(scenario),
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
        "PYTHONWARNINGS": warnings,
    }


def serve(
    reference: str, *, host: str = "127.0.0.1", port: int = 8765, open_browser: bool = True
) -> int:
    """Serve the dashboard on ``host:port`` until interrupted.

    Parameters
    ----------
    reference : str
        Built-in scenario name or scenario file to open on.
    host : str
        Address to listen on; 127.0.0.1 serves this computer only.
    port : int
        Port (0: any free port; the server prints it).
    open_browser : bool
        Open a browser tab when the server is up.

    Returns
    -------
    int
        The server's exit status (1 if the app extra is missing).

    Raises
    ------
    InputError
        For a scenario that cannot be read or a port that cannot be used.
    """
    scenario = scenarios.load(reference)
    missing = missing_modules()
    if missing:
        print(f"error: {INSTALL_HINT} (missing: {', '.join(missing)})", file=sys.stderr)
        return 1
    check_port(host, port)
    shown = f"http://{host}:{port}" if port else f"http://{host} (a free port)"
    print(
        f"staffroom dashboard: {scenario.name}, at {shown}; works offline. Press Ctrl+C to stop.",
        file=sys.stderr,
    )
    server = subprocess.Popen(
        command(host, port, open_browser), env=environment(scenario.path or Path(reference))
    )
    return supervise(server)


def _typed_at_terminal() -> bool:
    """Whether a SIGINT now came from the terminal's Ctrl-C, and so reached the server too.

    True when this process's group is its controlling terminal's foreground
    group (the server, started in the same group, got the same signal). A
    ``kill -INT`` of this process alone while it is in the foreground is
    then not passed on either; the server is killed after
    :data:`STOP_SECONDS`, and the port is freed all the same.
    """
    try:
        terminal = os.open("/dev/tty", os.O_RDONLY | os.O_NOCTTY)
    except OSError:  # no controlling terminal: the signal was sent to this process
        return False
    try:
        return os.tcgetpgrp(terminal) == os.getpgrp()
    except OSError:
        return False
    finally:
        os.close(terminal)


def supervise(server: subprocess.Popen) -> int:
    """Wait for the server; on Ctrl-C or SIGTERM stop it (killing it if it lingers).

    Returns the server's exit status, or 130 / 143 when this command was
    stopped by Ctrl-C / SIGTERM. A signal this command was started ignoring
    (Ctrl-C of a job a script put in the background) stays ignored.
    """
    received: list[int] = []

    def stop(signum: int, frame) -> None:
        received.append(signum)
        if server.poll() is None and not (signum == signal.SIGINT and _typed_at_terminal()):
            server.send_signal(signal.SIGINT if signum == signal.SIGINT else signal.SIGTERM)

    previous = {
        number: signal.signal(number, stop)
        for number in (signal.SIGINT, signal.SIGTERM)
        if not ignored(number)
    }
    try:
        while server.poll() is None:
            if received:
                deadline = time.monotonic() + STOP_SECONDS
                while server.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.05)
                if server.poll() is None:
                    server.kill()
                break
            try:
                server.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                continue
        status = server.wait()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    if received:
        print("staffroom dashboard stopped", file=sys.stderr)
        return 128 + received[0]
    return status
