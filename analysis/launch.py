"""Entry point of the ``staffroom`` program.

Loading the command line takes a fraction of a second (each command imports
the heavy libraries it needs when it runs); Ctrl-C during that load ends the
program quietly (exit status 130) instead of with a traceback from whichever
import it interrupted. Everything else is :func:`analysis.cli.app.main`.

Two things here only save time:

- A command that will run the model on local worker processes starts their
  fork server first (:func:`pool_workers` reads the arguments), so the
  server imports the kernel while this process loads the command line.
- When the command is over, the objects left are frozen out of the garbage
  collector (``gc.freeze``): Python's shutdown then does not walk the
  hundreds of thousands of objects pandas and matplotlib leave, about a
  tenth of a second. Everything the command writes is closed by then.
"""

from __future__ import annotations

import gc
import sys

from analysis.cli.workers import ALL_CORES, ZERO_MEANS, given_workers

#: Commands that run the model on a pool of local worker processes.
POOLED = frozenset(ZERO_MEANS)
#: Options with which they start no local pool (or nothing at all).
NO_POOL = frozenset({"--help", "--plan", "--scheduler"})
#: Commands whose ``--workers 0`` means one per core (elsewhere: none, or an error).
ZERO_IS_ALL = frozenset(command for command, zero in ZERO_MEANS.items() if zero == ALL_CORES)


def pool_workers(args: list[str], cores: int) -> int:
    """Worker processes the command in ``args`` will start, as told before parsing it.

    0 when the command runs no local pool (another command, ``--help``,
    ``--plan``, a Dask scheduler) or the arguments cannot be read; the
    command line itself checks them afterwards. A misjudgement costs only
    time: a server started for nothing ends with the program.

    Parameters
    ----------
    args : list of str
        The program's arguments (without the program's name).
    cores : int
        Cores this process may use (the default number of workers).
    """
    if not args or args[0] not in POOLED:
        return 0
    if any(arg.split("=", 1)[0] in NO_POOL for arg in args):
        return 0
    value = given_workers(args)
    try:
        workers = cores if value is None else int(value)
    except ValueError:
        return 0
    if workers == 0 and args[0] in ZERO_IS_ALL:
        return cores
    return max(workers, 0)


def main() -> None:
    """Load the command line and run it."""
    try:
        from analysis.experiments.workers import start_early, usable_cores

        start_early(pool_workers(sys.argv[1:], usable_cores()))
        from analysis.cli.app import main as run_command_line
    except KeyboardInterrupt:
        sys.exit(130)
    try:
        run_command_line()
    finally:
        gc.freeze()
