"""Fixtures for driving ``staffroom app`` in headless Chromium, and a summary line.

The server is started the way a user starts it (the ``staffroom`` command) on
a free port of 127.0.0.1; the browser is Debian's Chromium through
Playwright, with every request that would leave 127.0.0.1 blocked and
recorded, so the tests also show that the page works offline. The
screenshot's path and the measured start-up time are printed at the end of
the test run.

Without a browser (``STAFFROOM_CHROMIUM``, else ``chromium`` on the PATH, else
``/usr/bin/chromium``) or without Playwright, these tests are skipped with a
one-line reason, so the README's test command passes on a fresh machine.
``STAFFROOM_REQUIRE_BROWSER=1`` (set by ``.ci/run``, which installs Chromium)
turns that skip into a failure.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REQUIRE_ENV = "STAFFROOM_REQUIRE_BROWSER"
CHROMIUM = os.environ.get("STAFFROOM_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVER_TIMEOUT = 180.0
"""Seconds allowed for the server to answer (generous: the machine may be busy)."""
PAGE_TIMEOUT_MS = 120_000
SUMMARY = pytest.StashKey[list]()


@dataclass
class Dashboard:
    """A running ``staffroom app``: its address, when the command started, what it printed."""

    url: str
    started: float
    process: subprocess.Popen
    log: Path
    external: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def staffroom_command() -> list[str]:
    script = Path(sys.executable).with_name("staffroom")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from analysis.cli.app import main; main()"]


def wait_for_server(dashboard: Dashboard) -> None:
    deadline = time.monotonic() + SERVER_TIMEOUT
    while time.monotonic() < deadline:
        if dashboard.process.poll() is not None:
            pytest.fail(
                f"staffroom app exited with {dashboard.process.returncode}:\n"
                f"{dashboard.log.read_text()}"
            )
        try:
            with urllib.request.urlopen(dashboard.url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    pytest.fail(
        f"no answer from {dashboard.url} within {SERVER_TIMEOUT:g} s:\n{dashboard.log.read_text()}"
    )


def missing_browser() -> str | None:
    """Why the browser tests cannot run here (one line), or None if they can."""
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed (pip install '.[test]')"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return (
            f"no Chromium at {CHROMIUM} (apt-get install chromium, or set "
            "STAFFROOM_CHROMIUM to a Chromium executable)"
        )
    return None


def required() -> bool:
    """Whether a missing browser is a failure (``STAFFROOM_REQUIRE_BROWSER=1``, as in CI)."""
    return os.environ.get(REQUIRE_ENV, "").strip().lower() not in ("", "0", "false", "no")


def pytest_configure(config):
    config.stash[SUMMARY] = []


def need_browser() -> None:
    """Skip the calling fixture's tests without a browser (fail when one is required)."""
    reason = missing_browser()
    if reason is None:
        return
    if required():
        pytest.fail(f"browser tests: {reason}, and {REQUIRE_ENV} is set", pytrace=False)
    pytest.skip(f"browser tests: {reason}")


@pytest.fixture(scope="session")
def summary(pytestconfig):
    """Append a line to the summary printed at the end of the run."""
    return pytestconfig.stash[SUMMARY].append


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    """``staffroom app plc`` on a free local port, stopped (with its server) afterwards."""
    need_browser()
    log = tmp_path_factory.mktemp("dashboard") / "server.log"
    port = free_port()
    started = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(
            [*staffroom_command(), "app", "plc", "--port", str(port), "--no-open"],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = Dashboard(f"http://127.0.0.1:{port}/", started, process, log)
    try:
        wait_for_server(running)
        yield running
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium through Playwright."""
    need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, dashboard):
    """A fresh tab (its own school); non-local requests are blocked and recorded.

    Failed local responses are recorded too: a file missing from Solara's
    bundled assets would make the server try to fetch it from a CDN.
    """
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(PAGE_TIMEOUT_MS)

    def only_local(route):
        if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1")):
            route.continue_()
        else:
            dashboard.external.append(route.request.url)
            route.abort()

    tab.route("**/*", only_local)
    tab.on(
        "response",
        lambda response: (
            dashboard.missing.append(f"{response.status} {response.url}")
            if response.status >= 400
            else None
        ),
    )
    yield tab
    context.close()
