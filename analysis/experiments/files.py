"""Writing results: an output folder checked and locked up front, its files committed at once.

:class:`OutputFolder` creates, checks and locks the folder before any run
and refuses another command's results (unless ``--overwrite``).
:meth:`OutputFolder.commit` checks for room, writes every file into a
hidden staging folder, moves them into place and writes ``run.json``
last, so a folder with ``run.json`` holds one complete run and a failure
leaves the folder as it was. Single files are written by :func:`write_with`.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from analysis.experiments.locks import LOCK_FILE, lock
from analysis.experiments.workers import interrupts_as_flag, raise_kept_stop
from simulation import InputError

MANIFEST = "run.json"
SWEEP_MANIFEST = "manifest.json"
STAGING_PREFIX = ".staging-"


class NoSpaceError(InputError):
    """The disk (or quota) is full: says what was being written, where, and how much is needed."""


def size_text(count: float) -> str:
    """A byte count for people: ``"3.2 MB"``."""
    for unit in ("bytes", "kB", "MB", "GB"):
        if count < 1000:
            return f"{count:.0f} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count:.1f} TB"


def free_space(folder: Path) -> int:
    """Bytes free for this user on the device holding ``folder``."""
    return shutil.disk_usage(folder).free


def is_no_space(error: BaseException) -> bool:
    """Whether ``error`` says the disk or the quota is full (pyarrow's errors included)."""
    said = str(error)
    return isinstance(error, OSError) and (
        error.errno in (errno.ENOSPC, errno.EDQUOT)
        or "No space left on device" in said
        or "Disk quota exceeded" in said
    )


def no_space(what: str, folder: Path, needed: float | None, advice: str) -> NoSpaceError:
    """The one-line message for a full disk."""
    try:
        free = f"{size_text(free_space(folder))} free"
    except OSError:
        free = "no free space"
    need = f"about {size_text(needed)} needed, " if needed else ""
    return NoSpaceError(
        f"no space left on the device: {what} in {folder}: {need}{free}; {advice}", key="disk"
    )


@contextlib.contextmanager
def when_full(message: Callable[[], NoSpaceError]) -> Iterator[None]:
    """Raise ``message()`` instead if the block fills the disk; other errors pass unchanged."""
    try:
        yield
    except OSError as error:
        if not is_no_space(error):
            raise
        raise message() from None


def _file_mode() -> int:
    """The mode an ordinary new file gets (0o666 less the umask); mkstemp uses 0o600."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _create(path: Path, option: str) -> bool:
    """Create ``path`` (and parents) if needed; True if this call created it."""
    if path.exists() and not path.is_dir():
        raise InputError(
            f"{option} {str(path)!r} is a file, not a folder; allowed: a folder "
            "(it is created if missing)",
            key=option,
        )
    created = not path.exists()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(
            f"{option} {str(path)!r}: cannot create the folder ({error.strerror or error})",
            key=option,
        ) from None
    try:
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-check-"):
            pass
    except OSError as error:
        if created:
            with contextlib.suppress(OSError):
                path.rmdir()
        if is_no_space(error):
            raise no_space(
                "the output", path, None, f"free some space or choose another {option}"
            ) from None
        raise InputError(
            f"{option} {str(path)!r}: cannot write there ({error.strerror or error})", key=option
        ) from None
    return created


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return content if isinstance(content, dict) else None


def sweep_files(folder: Path) -> list[Path]:
    """The results of a sweep in ``folder`` (``staffroom sweep``, ``sensitivity``)."""
    named = [folder / name for name in (SWEEP_MANIFEST, "design.parquet", "runs.csv")]
    named += [folder / "runs", folder / "trajectories", folder / "trajectories.csv"]
    return [f for f in [*named, *sorted(folder.glob("sensitivity-*"))] if f.exists()]


def remove(paths: Iterable[Path]) -> None:
    """Delete files and folders (with what they hold); missing ones are fine."""
    for item in paths:
        if item.is_dir():
            shutil.rmtree(item)
        else:
            with contextlib.suppress(FileNotFoundError):
                item.unlink()


def others_results(
    folder: Path, command: str, scenarios: Sequence[str] | None = None
) -> tuple[str, list[Path]] | None:
    """Results of another staffroom command in ``folder``: a description and their files.

    ``run.json`` names the command that wrote a folder and the scenarios it
    ran (their files, or names for built-in ones); ``manifest.json`` (or
    ``design.parquet``) marks a sweep's results. The same command's results
    count as another's when they are of other ``scenarios`` (when given):
    running the same scenarios again replaces them, other scenarios would
    lose them.
    """
    if (folder / SWEEP_MANIFEST).exists() or (folder / "design.parquet").exists():
        return "the results of a sweep (staffroom sweep)", sweep_files(folder)
    manifest = _read_json(folder / MANIFEST)
    if manifest is None or manifest.get("command") is None:
        return None
    ran = scenarios_of(manifest)
    if manifest["command"] != command:
        what = f"the results of `staffroom {manifest['command']}`"
    elif scenarios is not None and ran is not None and ran != list(scenarios):
        what = f"`staffroom {command}` results of other scenarios ({', '.join(ran)})"
    else:
        return None
    listed = [folder / name for name in manifest.get("files", {})]
    return what, [f for f in [*listed, folder / MANIFEST] if f.exists()]


def scenario_keys(scenarios: Sequence[Any]) -> list[str]:
    """How ``run.json`` names the scenarios a command runs: each one's file, or its name."""
    return [str(s.path) if s.path else s.name for s in scenarios]


def scenarios_of(manifest: Mapping[str, Any]) -> list[str] | None:
    """The scenarios a ``run.json`` says were run: each one's file, or its name."""
    entries = manifest.get("scenarios") or (
        [manifest["scenario"]] if isinstance(manifest.get("scenario"), dict) else None
    )
    if not entries:
        return None
    return [str(entry.get("file") or entry.get("name")) for entry in entries]


class OutputFolder:
    """An output folder for one command: checked and locked now, written by :meth:`commit`.

    Parameters
    ----------
    folder : path
        The output folder (created if missing).
    command : str
        The command writing it (``"compare"``), recorded in ``run.json`` and
        checked against what the folder already holds.
    option : str
        The option that named the folder, for messages.
    overwrite : bool or None
        Replace another command's results instead of refusing; None for a
        command without an ``--overwrite`` option (its refusal offers none).
    scenarios : sequence of str, optional
        The scenarios this command runs (as :func:`scenarios_of` reads them
        back): the same command's results of other scenarios are refused too.

    Raises
    ------
    InputError
        If the folder cannot be created or written, another command is
        writing to it, or it holds another command's results.
    """

    def __init__(
        self,
        folder: str | os.PathLike,
        command: str,
        *,
        option: str = "--out",
        overwrite: bool | None = False,
        scenarios: Sequence[str] | None = None,
    ):
        path = Path(folder).expanduser()
        self.command = command
        self.option = option
        self.created = _create(path, option)
        self.path = path.resolve()
        #: Where :meth:`commit` put each file; empty until the results are all in place.
        self.written: dict[str, Path] = {}
        self._lock = None
        try:
            self._lock = lock(self.path, "staffroom command", option)
            other = others_results(self.path, command, scenarios)
            if other is not None and not overwrite:
                offer = "" if overwrite is None else ", or add --overwrite to replace them"
                raise InputError(
                    f"{option} {str(path)!r} holds {other[0]}; choose another {option}{offer}",
                    key=option,
                )
            self._replaced = other[1] if other is not None else []
        except BaseException:
            self.close(failed=True)
            raise

    def __enter__(self) -> OutputFolder:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        self.close(failed=error is not None)

    def close(self, failed: bool = False) -> None:
        """Release the lock; after a failure, remove a folder this command created."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None
        if failed and self.created and self.path.is_dir():
            leftovers = [p for p in self.path.iterdir() if p.name != LOCK_FILE]
            if not leftovers:
                shutil.rmtree(self.path, ignore_errors=True)

    def commit(self, files: Mapping[str, bytes], about: Mapping[str, Any]) -> dict[str, Path]:
        """Write ``files`` (relative name -> content) and then ``run.json``, all or nothing.

        Returns the final path of every file (``run.json`` included), also
        kept as :attr:`written`. Ctrl-C or SIGTERM while the files are moved
        into place is held back until they all are, then raised (the old
        results are replaced file by file: stopping halfway would leave a mix
        of two runs without a ``run.json``).

        Raises
        ------
        NoSpaceError
            If the device cannot hold the files; the folder is left as it was.
        """
        needed = sum(len(data) for data in files.values()) + 4096 * (len(files) + 2)
        advice = f"free some space or choose another {self.option}; nothing was written"
        what = f"the {self.command} output ({len(files)} files)"
        with contextlib.suppress(OSError):  # no answer: try, and see
            if free_space(self.path) < needed:
                raise no_space(what, self.path, needed, advice)
        manifest = {
            **about,
            "command": about.get("command", self.command),
            "files": {
                name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())
            },
        }
        text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
        raise_kept_stop()  # before anything is staged
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.path))
        try:
            with when_full(lambda: no_space(what, self.path, needed, advice)):
                for name, data in {**files, MANIFEST: text.encode("utf-8")}.items():
                    target = staging / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with open(target, "wb") as stream:
                        stream.write(data)
                        stream.flush()
                        os.fsync(stream.fileno())
                    os.chmod(target, _file_mode())
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        with interrupts_as_flag() as stopped:
            self.written = self._move_in(staging, list(files))
        if stopped.is_set():
            raise stopped.stop()
        return self.written

    def _move_in(self, staging: Path, names: list[str]) -> dict[str, Path]:
        """Replace the folder's results by the staged files; ``run.json`` last."""
        old = _read_json(self.path / MANIFEST) or {}
        remove([self.path / MANIFEST, *self._replaced])
        placed: dict[str, Path] = {}
        for name in names:
            target = self.path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, target)
            placed[name] = target
        for name in old.get("files", {}):  # the previous run's files this run does not make
            if name not in placed and ".." not in Path(name).parts:
                with contextlib.suppress(OSError):
                    (self.path / name).unlink()
        os.replace(staging / MANIFEST, self.path / MANIFEST)
        placed[MANIFEST] = self.path / MANIFEST
        shutil.rmtree(staging, ignore_errors=True)
        return placed


def write_with(path: Path, writer: Callable[[Path], None]) -> Path:
    """Write ``path`` atomically: ``writer`` fills a temporary file, then it is moved in.

    The one way a single file is written (reports, tables, a sweep's parts and
    manifest): a file with its final name is always complete. The temporary
    file (``.NAME.*.part``, hidden) is removed on any failure; a full disk
    raises the OSError, which the caller turns into its own advice.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
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
