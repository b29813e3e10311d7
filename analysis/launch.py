"""Entry point of the ``staffroom`` program.

Loading the command line takes a fraction of a second (each command imports
the heavy libraries it needs when it runs); Ctrl-C during that load ends the
program quietly (exit status 130) instead of with a traceback from whichever
import it interrupted. Everything else is :func:`analysis.cli.app.main`.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Load the command line and run it."""
    try:
        from analysis.cli.app import main as run_command_line
    except KeyboardInterrupt:
        sys.exit(130)
    run_command_line()
