"""Shared fixtures: small schools and network files."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from simulation import SchoolModel

# pytest-xdist's workers run with COLUMNS=80 in their environment, which the
# command line's consoles (created when their module is first imported) would
# take as the window's width; a plain `pytest` run has no COLUMNS. Tests of the
# off-terminal layout expect what a user's log file gets, so drop xdist's value.
if os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get("COLUMNS") == "80":
    del os.environ["COLUMNS"]


@pytest.fixture
def ctrl_c_at_its_default():
    """Ctrl-C raising KeyboardInterrupt in this process, as in a command typed at a terminal.

    A suite started in the background without job control (as CI may be)
    ignores SIGINT, and staffroom rightly leaves an ignored Ctrl-C ignored.
    """
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


@pytest.fixture
def ctrl_c_ignored():
    """Ctrl-C ignored in this process, as a script without job control starts a job with `&`."""
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    yield
    signal.signal(signal.SIGINT, before)


@pytest.fixture
def small_school():
    """A factory for small, fast schools (seeded)."""

    def make(**kw) -> SchoolModel:
        kw.setdefault("n_students", 300)
        kw.setdefault("rng", 7)
        return SchoolModel(**kw)

    return make


@pytest.fixture
def ring_csv(tmp_path):
    """A CSV ring of 12 teachers, all in one team, equal weights."""
    path = tmp_path / "ring.csv"
    rows = ["source,target,weight,team"]
    for i in range(12):
        rows.append(f"t{i},t{(i + 1) % 12},1.0,A")
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.fixture
def tiny_sweep():
    """A factory for small sweep documents (tiny schools, one year) as dictionaries."""

    def make(**changes) -> dict:
        document = {
            "name": "tiny",
            "scenario": "departments",
            "years": 1,
            "replicates": 2,
            "seed": 11,
            "outcomes": ["collective_efficacy", "annual_gain", "responsibility"],
            "design": {"type": "factorial"},
            "factors": {"n_students": [60, 120], "structure": ["departments", "plc"]},
        }
        document.update(changes)
        return document

    return make


@pytest.fixture
def small_disk(tmp_path):
    """A factory for tiny file systems (tmpfs of a given size), to fill the disk for real.

    Mounting needs root (CI runs as root); elsewhere the tests that use it are
    skipped with the reason. ``resize(path, size)`` grows one, as a user frees
    space. Everything mounted is unmounted afterwards.
    """
    import subprocess

    mounted = []

    def mount(size: str, name: str = "disk") -> Path:
        path = tmp_path / name
        path.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", str(path)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a small tmpfs here (needs root): {done.stderr.strip()}")
        mounted.append(path)
        return path

    def resize(path: Path, size: str) -> None:
        subprocess.run(["mount", "-o", f"remount,size={size}", str(path)], check=True)

    mount.resize = resize
    yield mount
    for path in mounted:
        subprocess.run(["umount", "-l", str(path)], check=False)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalDask:
    """A Dask scheduler and workers on 127.0.0.1, each its own process (so tests can kill
    them)."""

    def __init__(self, workers: int = 2):
        import subprocess
        import sys

        distributed = pytest.importorskip("distributed")
        port = free_port()
        self.address = f"tcp://127.0.0.1:{port}"
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        self.scheduler = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "dask",
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-dashboard",
            ],
            **quiet,
        )
        self.workers = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "dask",
                    "worker",
                    self.address,
                    "--host",
                    "127.0.0.1",
                    "--nthreads",
                    "1",
                    "--no-nanny",
                    "--no-dashboard",
                    "--death-timeout",
                    "60",
                ],
                **quiet,
            )
            for _ in range(workers)
        ]
        try:
            with distributed.Client(self.address, timeout="60s") as client:
                client.wait_for_workers(workers, timeout=120)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop every process still running (at once: nothing is waited for)."""
        for process in [self.scheduler, *self.workers]:
            if process.poll() is None:
                process.kill()
            process.wait()


@pytest.fixture
def local_dask():
    """A :class:`LocalDask` cluster, stopped afterwards."""
    cluster = LocalDask()
    yield cluster
    cluster.stop()


@pytest.fixture
def dask_cluster(local_dask):
    """The address of a Dask scheduler with two single-thread workers on 127.0.0.1."""
    return local_dask.address
