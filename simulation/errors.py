"""Errors a user can cause, each carrying what is needed for a one-line message.

Every error the model raises for bad input derives from :class:`InputError`,
so a command line can catch that one class, print ``str(error)`` and exit
with status 2 without a traceback.
"""

from __future__ import annotations


class InputError(ValueError):
    """Bad input from a user: a parameter, a file, a key.

    Parameters
    ----------
    message : str
        What is wrong and what is allowed, in one sentence.
    source : str, optional
        Where the input came from (a file path), if anywhere.
    key : str, optional
        The parameter or key at fault.
    """

    def __init__(self, message: str, *, source: str | None = None, key: str | None = None):
        self.message = message
        self.source = source
        self.key = key
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        return f"{where}{self.message}"


def about(key: str, message: str) -> str:
    """``message`` about ``key``: ``"years: must be ..."``, or ``"years = 1 is ..."``.

    A message that starts by showing the value (``"= 12 is out of range"``,
    ``"is 'plcs' (did you mean ...)"``) reads on from the key without a colon.
    """
    return f"{key} {message}" if message.startswith(("= ", "is ")) else f"{key}: {message}"


class ParameterError(InputError):
    """A model parameter that does not exist, has the wrong type or is out of range."""


class NetworkFileError(InputError):
    """A custom collaboration network file that is missing or malformed."""
