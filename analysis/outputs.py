"""Writing results: an output folder checked up front, files written atomically.

Every file is written to a temporary file in the same folder and moved into
place with :func:`os.replace`, so a file with its final name is always
complete: an interrupted run leaves either the old file, or none, never a
truncated one. ``run.json`` (what was run, with which version, and a
checksum of every file) is removed when a run starts and written last, so
its presence means the folder holds one complete run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from simulation import InputError

MANIFEST = "run.json"


def _file_mode() -> int:
    """The mode an ordinary new file gets (0o666 less the umask); mkstemp uses 0o600."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def prepare(folder: str | os.PathLike, option: str = "--out") -> Path:
    """Create (if needed) and check an output folder before any work is done.

    Raises
    ------
    InputError
        If the path is a file, cannot be created, or cannot be written to.
    """
    path = Path(folder).expanduser()
    if path.exists() and not path.is_dir():
        raise InputError(f"{option} {str(path)!r} is a file, not a folder; allowed: a folder "
                         "(it is created if missing)", key=option)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"{option} {str(path)!r}: cannot create the folder "
                         f"({error.strerror or error})", key=option) from None
    try:
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-check-"):
            pass
    except OSError as error:
        raise InputError(f"{option} {str(path)!r}: cannot write there "
                         f"({error.strerror or error})", key=option) from None
    with contextlib.suppress(FileNotFoundError):
        (path / MANIFEST).unlink()
    return path.resolve()


def write_with(path: Path, writer: Callable[[Path], None]) -> Path:
    """Write ``path`` atomically: ``writer`` fills a temporary file, then it is moved in."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".part")
    os.close(handle)
    try:
        writer(Path(temporary))
        with open(temporary, "rb+") as stream:
            os.fsync(stream.fileno())
        os.chmod(temporary, _file_mode())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return path


def write_bytes(path: Path, data: bytes) -> Path:
    """Write bytes atomically."""
    return write_with(path, lambda p: p.write_bytes(data))


def write_text(path: Path, text: str) -> Path:
    """Write UTF-8 text atomically."""
    return write_with(path, lambda p: p.write_text(text, encoding="utf-8"))


def write_parquet(path: Path, frame: pd.DataFrame) -> Path:
    """Write a table as Parquet (zstd) atomically."""
    return write_with(path, lambda p: frame.to_parquet(p, index=False, compression="zstd"))


def write_csv(path: Path, frame: pd.DataFrame) -> Path:
    """Write a table as CSV atomically."""
    return write_with(path, lambda p: frame.to_csv(p, index=False))


def checksum(path: Path) -> str:
    """SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_manifest(folder: Path, files: Mapping[str, Path], about: Mapping[str, Any]) -> Path:
    """Write ``run.json`` last: what was run and each file's SHA-256."""
    content = {**about, "files": {name: checksum(path) for name, path in sorted(files.items())}}
    return write_text(folder / MANIFEST, json.dumps(content, indent=2, sort_keys=True) + "\n")
