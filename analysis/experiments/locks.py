"""One writer per output folder: an exclusive lock on the folder itself.

Locking the folder's own descriptor (``flock``), not a file in it, leaves
nothing behind in the user's folder, whether the command wrote its results
or was refused. On Windows folders are not locked.
"""

from __future__ import annotations

import os
from pathlib import Path

from simulation import InputError

try:  # POSIX: one writer per folder
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

#: The lock file of versions that locked a folder through a file in it: ignored.
OLD_LOCK = ".lock"


class FolderLock:
    """An exclusive lock held on a folder's own descriptor; :meth:`close` releases it."""

    def __init__(self, descriptor: int | None) -> None:
        self._descriptor = descriptor

    def close(self) -> None:
        """Release the lock (closing the descriptor releases it)."""
        if self._descriptor is not None:
            os.close(self._descriptor)
            self._descriptor = None


def lock(folder: Path, who: str, option: str) -> FolderLock:
    """Lock ``folder`` for one writer; returns the lock (close it to release).

    Raises
    ------
    InputError
        If another staffroom command holds the lock.
    """
    if fcntl is None:  # pragma: no cover - Windows
        return FolderLock(None)
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(descriptor)
        raise InputError(
            f"another {who} is writing to {folder} (the folder is locked); wait "
            f"for it to finish or choose another {option}",
            key=option,
        ) from None
    return FolderLock(descriptor)
