"""Start-up time of ``staffroom app``: command start to a rendered page.

Runs ``staffroom app SCENARIO --no-open`` on a free local port, polls until
the server answers, opens the page in headless Chromium (Debian's, through
Playwright) and stops the clock when the network and the charts are drawn.
Repeats a few times and prints each run and the median. Needs the ``app``
extra, playwright and ``/usr/bin/chromium``::

    python benchmarks/app_startup.py --runs 3 --scenario plc
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def one_run(browser, scenario: str) -> tuple[float, float]:
    """Seconds from the command's start to (server answering, page rendered)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    script = Path(sys.executable).with_name("staffroom")
    start = time.perf_counter()
    process = subprocess.Popen(
        [str(script), "app", scenario, "--port", str(port), "--no-open"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5):
                    break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError("staffroom app exited") from None
                time.sleep(0.1)
        served = time.perf_counter() - start
        page = browser.new_page()
        page.goto(url)
        for selector in (
            "[data-name=network] circle[data-id]",
            "[data-chart=outcomes]",
            "[data-chart=sources]",
        ):
            page.wait_for_selector(selector, timeout=120_000)
        rendered = time.perf_counter() - start
        page.close()
        return served, rendered
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scenario", default="plc")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        results = [one_run(browser, args.scenario) for _ in range(args.runs)]
        browser.close()
    for served, rendered in results:
        print(f"server answering {served:5.1f} s   page rendered {rendered:5.1f} s")
    print(
        f"median: server {statistics.median(r[0] for r in results):.1f} s, "
        f"page rendered {statistics.median(r[1] for r in results):.1f} s"
    )


if __name__ == "__main__":
    main()
