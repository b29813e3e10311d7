"""``-w/--workers``: what each command allows, and its check before parsing.

Six commands take a number of local worker processes and they do not all
read 0 the same way (``run``, ``compare`` and ``demo`` refuse it, ``sweep``
then runs in its own process, ``validate`` and ``calibrate`` take it as one
per CPU, their default). :data:`ZERO_MEANS` is the one table of that;
:func:`check_workers` reads the value from the arguments before the command
line parses them, so a value that is not allowed ends with one line naming
the command and what it allows (exit status 2), the same for every command,
instead of a boxed usage message. The module imports nothing heavy: the
launcher (:mod:`analysis.launch`) reads the same table before anything loads.
"""

from __future__ import annotations

#: ``--workers 0`` that means the default: one worker process per core.
ALL_CORES = "one per CPU, the default"
#: ``--workers 0`` that means no pool: the runs run in the command's own process.
IN_PROCESS = "the runs run in this process"
#: What ``--workers 0`` means for each command that takes the option (None: refused).
ZERO_MEANS: dict[str, str | None] = {
    "run": None,
    "compare": None,
    "demo": None,
    "sweep": IN_PROCESS,
    "validate": ALL_CORES,
    "calibrate": ALL_CORES,
}
OPTION = ("-w", "--workers")


def given_workers(args: list[str]) -> str | None:
    """The last value given to ``-w``/``--workers`` in ``args`` as typed, or None.

    Reads ``-w 2``, ``--workers 2``, ``--workers=2`` and ``-w2``, as the
    command line does.
    """
    value = None
    for i, arg in enumerate(args):
        if arg in OPTION and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--workers="):
            value = arg.split("=", 1)[1]
        elif arg.startswith("-w") and not arg.startswith("--") and len(arg) > 2:
            value = arg[2:]
    return value


def allowed(command: str) -> str:
    """What ``command`` allows for ``--workers``, in words (e.g. ``1 or more ...``)."""
    zero = ZERO_MEANS[command]
    if zero is None:
        return "1 or more worker processes"
    return f"0 ({zero}) or more worker processes"


def check_workers(args: list[str]) -> None:
    """Refuse a ``--workers`` value the command in ``args`` does not allow.

    Raises
    ------
    simulation.InputError
        For a value that is not a whole number, or is below what the
        command allows; one line naming the command and what it allows.
    """
    if not args or args[0] not in ZERO_MEANS:
        return
    value = given_workers(args)
    if value is None:
        return
    from simulation import InputError

    command = args[0]
    try:
        count = int(value)
    except ValueError:
        raise InputError(
            f"--workers {value!r} is not a whole number; {command} allows {allowed(command)}",
            key="--workers",
        ) from None
    checked_count(command, count)


def checked_count(command: str, count: int) -> int:
    """``count`` if ``command`` allows that many workers; else one :class:`InputError` line."""
    if count < (1 if ZERO_MEANS[command] is None else 0):
        from simulation import InputError

        raise InputError(
            f"--workers {count} is not allowed for {command}; allowed: {allowed(command)}",
            key="--workers",
        )
    return count
