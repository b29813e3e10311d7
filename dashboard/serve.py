"""Start the dashboard's server for ``staffroom app`` (no visualization imports here).

The command checks the scenario and the port before anything starts, so a
user's mistake is one line and exit status 2; it checks that the ``app``
extra is installed and says how to install it if not (exit status 1). Then
it runs ``python -m solara run dashboard.app`` in production mode, with
Solara's telemetry and version check off, so nothing leaves the machine.

The server is a child process that this command supervises, in a process
group of its own: a Ctrl-C typed at the terminal, which signals the whole
foreground group, reaches this command alone, and it stops the server with
SIGTERM, as it does for SIGTERM (``kill PID`` of the command) and SIGHUP
(the terminal closed). So the server shuts down once, quietly (a SIGINT of
its own made Solara print "Aborted."), and if it has not stopped within
:data:`STOP_SECONDS` it is killed, so the port is always freed when the
command ends. On Linux the server is also told to stop if this command
dies without a word (``kill -9``).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import scenarios
from analysis.experiments.workers import handled
from simulation import InputError

SCENARIO_ENV = "STAFFROOM_SCENARIO"
APP_MODULE = "dashboard.app"
NEEDED = ("solara", "solara_assets", "altair", "ipyvue", "ipyvuetify")
"""Modules of the ``app`` extra that the dashboard cannot run without."""
STOPPING = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
"""Signals that stop the command, and with it the server."""
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
        command(host, port, open_browser),
        env=environment(scenario.path or Path(reference)),
        stdin=subprocess.DEVNULL,
        process_group=0 if os.name == "posix" else None,
        preexec_fn=_in_its_own_group(os.getpid()) if os.name == "posix" else None,
    )
    try:
        return supervise(server)
    except BaseException:  # Ctrl-C or SIGTERM before supervise took over, or an error
        if server.poll() is None:
            server.kill()
        raise


def _in_its_own_group(parent: int) -> Callable[[], None]:
    """What the server runs before it starts (POSIX), in a process group of its own.

    It may write to the terminal from there even where the terminal stops
    background writers (``stty tostop``); and on Linux it gets SIGTERM when
    ``parent`` dies, so that a command killed outright does not leave it
    serving (the terminal's signals no longer reach it).
    """
    prctl = None
    if sys.platform.startswith("linux"):
        import ctypes

        prctl = ctypes.CDLL(None).prctl  # looked up here: the child only calls it
    set_parent_death_signal = 1  # PR_SET_PDEATHSIG

    def arrange() -> None:
        signal.signal(signal.SIGTTOU, signal.SIG_IGN)  # kept through exec
        if prctl is not None:
            prctl(set_parent_death_signal, int(signal.SIGTERM))
            if os.getppid() != parent:  # the command died before that took hold
                os._exit(1)

    return arrange


def supervise(server: subprocess.Popen) -> int:
    """Wait for the server; on Ctrl-C, SIGTERM or SIGHUP stop it (killing it if it lingers).

    The server is stopped with SIGTERM whichever signal came. Returns the
    server's exit status, or 128 + the signal (130 for Ctrl-C, 143 for
    SIGTERM, 129 for SIGHUP) when this command was stopped. A signal this
    command was started ignoring (Ctrl-C of a job a script put in the
    background, SIGHUP under ``nohup``) stays ignored.
    """
    received: list[int] = []

    def stop(signum: int, frame) -> None:
        received.append(signum)
        if server.poll() is None:
            server.terminate()

    with handled(STOPPING, stop):
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
    if received:
        with contextlib.suppress(OSError):  # after a hang-up the terminal is gone
            print("staffroom dashboard stopped", file=sys.stderr)
        return 128 + received[0]
    return status
