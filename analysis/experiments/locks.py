"""One writer per output folder: an exclusive lock on the folder itself.

Locking the folder's own descriptor (``flock``), not a file in it, leaves
nothing behind in the user's folder, whether the command wrote its results
or was refused. Where a folder cannot be locked (NFS emulates ``flock``
with write locks, which a folder cannot take), a ``.lock`` file in it is
locked instead and left there; where nothing can be locked, or on
Windows, the folder is not locked.
"""

from __future__ import annotations

import os
from pathlib import Path

from simulation import InputError

try:  # POSIX: one writer per folder
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

#: The file locked where the folder itself cannot be (listings ignore it).
LOCK_FILE = ".lock"


class FolderLock:
    """An exclusive lock held on an open descriptor; :meth:`close` releases it."""

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
    try:
        held = _try_lock(folder, os.O_RDONLY | os.O_DIRECTORY)
        if held is None:  # the folder cannot be locked here: a file in it can
            held = _try_lock(folder / LOCK_FILE, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    except BlockingIOError:
        raise InputError(
            f"another {who} is writing to {folder} (the folder is locked); wait "
            f"for it to finish or choose another {option}",
            key=option,
        ) from None
    return held or FolderLock(None)


def _try_lock(path: Path, flags: int) -> FolderLock | None:
    """An exclusive lock on ``path`` opened with ``flags``; None if it cannot be locked.

    Raises ``BlockingIOError`` if someone else holds it; a file system that
    cannot lock (or open) ``path`` so is not an error.
    """
    try:
        descriptor = os.open(path, flags, 0o666)
    except OSError:
        return None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        raise
    except OSError:
        os.close(descriptor)
        return None
    return FolderLock(descriptor)
