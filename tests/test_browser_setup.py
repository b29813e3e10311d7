"""The README's test command passes on a machine without a browser; CI makes the browser required.

The browser tests are run in a child pytest with ``STAFFROOM_CHROMIUM``
pointing at a file that does not exist, as on a fresh machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BROWSER_TESTS = Path(__file__).parent / "browser"


def run_browser_tests(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "STAFFROOM_REQUIRE_BROWSER"}
    environment |= {"STAFFROOM_CHROMIUM": str(tmp_path / "no-chromium-here"), **env}
    return subprocess.run(
        [sys.executable, "-m", "pytest", str(BROWSER_TESTS), "-q", "-rs", "-p", "no:cacheprovider"],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=300,
    )


def test_without_a_browser_the_browser_tests_skip_with_a_one_line_reason(tmp_path):
    done = run_browser_tests(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "error" not in done.stdout.lower(), done.stdout
    skipped = [line for line in done.stdout.splitlines() if line.startswith("SKIPPED")]
    assert skipped, done.stdout
    assert all(
        "no Chromium at" in line and "apt-get install chromium" in line for line in skipped
    ), skipped
    assert " passed" not in done.stdout


def test_ci_makes_a_missing_browser_a_failure(tmp_path):
    done = run_browser_tests(tmp_path, STAFFROOM_REQUIRE_BROWSER="1")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "STAFFROOM_REQUIRE_BROWSER is set" in done.stdout
    assert "Traceback" not in done.stdout
