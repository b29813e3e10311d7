"""A Dask cluster that fails mid-sweep: one line each, the finished runs kept, resumable.

The cluster is real: a scheduler and two workers on 127.0.0.1, each its own
process, killed with SIGKILL as a crash or a pre-empted node would be.
Marked slow (a cluster starts for each test); they run in the default suite
and in CI, ``-m "not slow"`` leaves them out of a quick local run.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from cli_support import staffroom
from conftest import free_port

from analysis.experiments.sweeps import Sweep, execute, read_runs
from scenarios.dump import dumps

SWEEP = {
    "name": "on a cluster",
    "scenario": "departments",
    "years": 1,
    "replicates": 2,
    "seed": 9,
    "outcomes": ["collective_efficacy", "annual_gain"],
    "design": {"type": "lhs", "samples": 60},
    "factors": {"n_students": {"range": [40, 80]}, "mastery_rate": {"range": [0.1, 0.4]}},
}


def kill_when_started(out: Path, victims) -> threading.Thread:
    """Kill ``victims`` once the sweep has written its first runs."""

    def watch() -> None:
        deadline = time.monotonic() + 120
        while len(list((out / "runs").glob("part-*.parquet"))) < 3:
            if time.monotonic() > deadline:
                return
            time.sleep(0.02)
        for process in victims:
            process.kill()

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def sweep(capsys, monkeypatch, tmp_path: Path, *options: str):
    """``staffroom sweep`` of :data:`SWEEP` into ``tmp_path/out`` with ``options``."""
    sweep_file = tmp_path / "cluster.toml"
    sweep_file.write_text(dumps(SWEEP))
    out = ["--out", str(tmp_path / "out"), "-q"]
    return staffroom(capsys, monkeypatch, "sweep", str(sweep_file), *out, *options)


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert "Traceback" not in err, err
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.slow
def test_a_lost_scheduler_is_one_line_and_the_sweep_resumes(
    local_dask, tmp_path, capsys, monkeypatch
):
    out = tmp_path / "out"
    killer = kill_when_started(out, [local_dask.scheduler])
    done = sweep(
        capsys, monkeypatch, tmp_path, "--scheduler", local_dask.address, "--runs-per-task", "1"
    )
    killer.join()
    assert done.code == 1
    line = one_line(done.err)
    assert f"lost the connection to the Dask scheduler at {local_dask.address}" in line
    assert "run the same command to resume" in line
    saved = len(read_runs(out))
    assert 0 < saved < 120

    resumed = sweep(capsys, monkeypatch, tmp_path, "-w", "2")
    assert resumed.code == 0, resumed.err
    assert f"resuming: {saved} of 120 runs already in" in resumed.err
    execute(Sweep.from_dict(SWEEP), tmp_path / "whole", workers=2)
    pd.testing.assert_frame_equal(read_runs(out), read_runs(tmp_path / "whole"))


@pytest.mark.slow
def test_a_cluster_without_workers_gives_up_after_a_time_out(
    local_dask, tmp_path, capsys, monkeypatch
):
    from analysis.experiments import clusters as engine

    monkeypatch.setattr(engine, "WORKER_TIMEOUT", 3.0)
    out = tmp_path / "out"
    killer = kill_when_started(out, local_dask.workers)
    done = sweep(
        capsys, monkeypatch, tmp_path, "--scheduler", local_dask.address, "--runs-per-task", "1"
    )
    killer.join()
    assert done.code == 1
    line = one_line(done.err)
    assert "has had no worker for 3 s" in line and f"dask worker {local_dask.address}" in line
    assert "run the same command to resume" in line
    assert 0 < len(read_runs(out)) < 120


@pytest.mark.parametrize("address", ["http://127.0.0.1:8787", "tcp://", "ftp://x:1"])
def test_an_address_that_is_not_a_schedulers_is_refused_at_once(address, tmp_path):
    pytest.importorskip("distributed")
    sweep_file = tmp_path / "cluster.toml"
    sweep_file.write_text(dumps(SWEEP))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis.cli.app",
            "sweep",
            str(sweep_file),
            "--out",
            str(tmp_path / "out"),
            "--scheduler",
            address,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    line = one_line(done.stderr)
    assert line.startswith(f"error: --scheduler {address!r}")
    assert "tcp://HOST:PORT" in line
    assert "Exception ignored" not in done.stderr
    assert not (tmp_path / "out").exists(), "nothing is written"


def test_an_unreachable_scheduler_exits_2_and_writes_nothing(tmp_path, capsys, monkeypatch):
    pytest.importorskip("distributed")
    from analysis.experiments import clusters as engine

    monkeypatch.setattr(engine, "CONNECT_TIMEOUT", 1.0)
    address = f"tcp://127.0.0.1:{free_port()}"
    done = sweep(capsys, monkeypatch, tmp_path, "--scheduler", address)
    assert done.code == 2
    line = one_line(done.err)
    assert line.startswith(f"error: cannot reach the Dask scheduler at {address} (")
    assert "check that the scheduler is running" in line and "nothing was written" in line
    assert not (tmp_path / "out").exists(), "no folder is left behind"


@pytest.mark.parametrize(
    "answer",
    [None, b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n"],
    ids=["a program that says nothing", "a web server"],
)
def test_something_that_is_not_a_scheduler_is_one_line_not_a_hang(
    tmp_path, capsys, monkeypatch, answer
):
    pytest.importorskip("distributed")
    from analysis.experiments import clusters as engine

    monkeypatch.setattr(engine, "CONNECT_TIMEOUT", 1.0)
    server = socket.create_server(("127.0.0.1", 0))
    held = []

    def serve() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            held.append(connection)  # kept open: the program never hangs up
            if answer is not None:
                connection.recv(4096)
                connection.sendall(answer)

    threading.Thread(target=serve, daemon=True).start()
    address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
    try:
        done = sweep(capsys, monkeypatch, tmp_path, "--scheduler", address)
    finally:
        server.close()
        for connection in held:
            connection.close()
    assert done.code == 2
    line = one_line(done.err)
    assert line.startswith(f"error: something answers at {address}, but it is not a Dask")
    assert "8786" in line and "nothing was written" in line
    assert not (tmp_path / "out").exists(), "no folder is left behind"


def test_ctrl_c_while_reaching_a_scheduler_says_nothing_was_written(tmp_path, capsys, monkeypatch):
    pytest.importorskip("distributed")
    from analysis.experiments import clusters as engine

    def interrupted(address, seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr(engine, "check_handshake", interrupted)
    done = sweep(capsys, monkeypatch, tmp_path, "--scheduler", "tcp://127.0.0.1:8786")
    assert done.code == 130
    assert one_line(done.err) == "interrupted before the sweep began: nothing was written"
    assert not (tmp_path / "out").exists()
