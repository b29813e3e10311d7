"""Ctrl-C stops the work cleanly: a short message, exit status 130, no traceback, no stray output.

A terminal's Ctrl-C reaches every process of the command (its process
group), so the tests send SIGINT to the whole group, as a terminal would.
"""

from __future__ import annotations

import json
import os
import platform
import re
import signal
import subprocess
import sys
import time
import weakref
from pathlib import Path

import pytest
from cli_support import from_a_terminal, staffroom

import analysis.reports.outputs
import analysis.reports.terminal
from analysis.experiments.engines import LocalPool
from analysis.experiments.workers import Terminated, interrupts_as_flag, terminate_like_interrupt

LAUNCH = [sys.executable, "-c", "from analysis.launch import main; main()"]


def sigint_ignored(pid: int) -> bool:
    """Whether process ``pid`` ignores SIGINT (its SigIgn mask in /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigIgn:"):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGINT - 1)))
    raise AssertionError("no SigIgn line")


def test_the_fork_server_ignores_ctrl_c_from_its_first_instant():
    # In a fresh interpreter, so that this call starts the server; its mask
    # is read at once, while the server is still importing its preload.
    code = (
        "import multiprocessing.forkserver as f, analysis.experiments.workers as w, sys;"
        "w.forkserver_context(['analysis.experiments.replicates']);"
        "print(f._forkserver._forkserver_pid, flush=True); sys.stdin.read()"
    )
    with subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=from_a_terminal,
    ) as parent:
        pid = int(parent.stdout.readline())
        try:
            assert sigint_ignored(pid)
            assert not sigint_ignored(parent.pid), "the parent still handles Ctrl-C itself"
        finally:
            parent.stdin.close()


def test_a_background_job_that_ignores_ctrl_c_keeps_ignoring_it_inside_a_pool(ctrl_c_ignored):
    with interrupts_as_flag() as interrupted:
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.2)
        assert not interrupted.is_set()
    assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN


def test_ctrl_c_inside_a_pool_sets_the_flag_instead_of_raising(ctrl_c_at_its_default):
    with interrupts_as_flag() as interrupted:
        os.kill(os.getpid(), signal.SIGINT)
        deadline = time.monotonic() + 5
        while not interrupted.is_set() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert interrupted.is_set()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


@pytest.mark.parametrize("stop", [KeyboardInterrupt, Terminated])
def test_an_interruption_python_drops_in_a_callback_stops_the_next_pool_quietly(stop, capsys):
    # Ctrl-C landing in a weak reference's callback (as imports release their
    # locks) is printed and dropped by Python, and the command ran on to the end
    def interrupted(_):
        raise stop

    class Thing:
        pass

    with terminate_like_interrupt():
        thing = Thing()
        ref = weakref.ref(thing, interrupted)
        del thing
        assert ref() is None, "the callback has run"
        with pytest.raises(stop), interrupts_as_flag():
            pytest.fail("a pool began after the interruption")
        with interrupts_as_flag() as flag:  # acted on once
            assert not flag.is_set()
    assert "Exception ignored" not in capsys.readouterr().err


def test_a_dropped_interruption_ends_a_command_that_reaches_no_pool_and_other_errors_pass_on():
    seen = []
    previous, sys.unraisablehook = sys.unraisablehook, seen.append
    try:
        with pytest.raises(KeyboardInterrupt), terminate_like_interrupt():
            ref = weakref.ref(_Thing(), _interrupted)
            assert ref() is None
            weakref.ref(_Thing(), _failed)  # an unrelated error goes to the hook before
    finally:
        sys.unraisablehook = previous
    assert [type(u.exc_value) for u in seen] == [ValueError]


class _Thing:
    pass


def _interrupted(_):
    raise KeyboardInterrupt


def _failed(_):
    raise ValueError("not an interruption")


def test_a_dropped_interruption_stops_a_commit_before_anything_is_staged(tmp_path):
    from analysis.experiments.files import OutputFolder

    out = tmp_path / "out"
    with (
        terminate_like_interrupt(),
        pytest.raises(KeyboardInterrupt),
        OutputFolder(out, "run") as folder,
    ):
        ref = weakref.ref(_Thing(), _interrupted)
        assert ref() is None
        folder.commit({"summary.csv": b"a\n"}, {})
    assert not out.exists() or not any(out.rglob("*")), "nothing staged or left"


def test_cancelling_a_local_pool_stops_its_busy_workers_instead_of_waiting_for_them():
    pool = LocalPool(2)
    busy = [pool._pool.submit(time.sleep, 600) for _ in range(2)]
    while not all(future.running() for future in busy):
        time.sleep(0.05)
    workers = list(pool._pool._processes.values())
    pool.close(cancel=True)
    for worker in workers:
        worker.join(timeout=60)  # only so that a failure cannot hang the suite
    assert not any(worker.is_alive() for worker in workers)


def interrupt(
    args: list[str],
    ready: Path,
    settle: float = 1.0,
    signum: int = signal.SIGINT,
    group: bool = True,
) -> subprocess.CompletedProcess:
    """Start ``staffroom ARGS``, wait until ``ready`` exists, then signal its process group
    (Ctrl-C in a terminal; SIGTERM from a batch scheduler), or the main process alone."""
    process = subprocess.Popen(
        [*LAUNCH, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=from_a_terminal,
    )
    deadline = time.monotonic() + 120
    while not ready.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(settle)  # inside the runs: workers starting or working
    if group:
        os.killpg(process.pid, signum)
    else:
        os.kill(process.pid, signum)
    out, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(args, process.returncode, out, err)


def test_ctrl_c_during_a_run_writes_nothing_and_says_so(tmp_path):
    out = tmp_path / "out"
    done = interrupt(
        ["run", "plc", "--replicates", "2000", "--years", "3", "--out", str(out), "--workers", "2"],
        ready=out,
    )
    assert done.returncode == 130, done.stderr
    assert "interrupted: nothing was written" in done.stderr
    assert "Traceback" not in done.stderr
    assert not any(out.rglob("*.*")), "no output files after an interruption"


def test_ctrl_c_during_a_sweep_keeps_the_finished_runs_and_says_how_to_resume(tmp_path):
    sweep = tmp_path / "sweep.toml"
    sweep.write_text(
        'name = "interrupted"\nscenario = "plc"\nyears = 3\nreplicates = 1000\n'
        'seed = 1\n[design]\ntype = "factorial"\n[factors]\n'
        "collaboration_minutes = [30, 90]\n"
    )
    results = tmp_path / "results"
    done = interrupt(
        ["sweep", str(sweep), "--output", str(results), "--workers", "2"], ready=results, settle=3.0
    )
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr
    assert "run the same command to resume" in done.stderr


@pytest.mark.parametrize("group", [True, False], ids=["process group", "main process"])
def test_sigterm_stops_a_sweep_like_ctrl_c_and_says_how_to_resume(tmp_path, group):
    sweep = tmp_path / "sweep.toml"
    sweep.write_text(
        'name = "terminated"\nscenario = "plc"\nyears = 3\nreplicates = 1000\n'
        'seed = 1\n[design]\ntype = "factorial"\n[factors]\n'
        "collaboration_minutes = [30, 90]\n"
    )
    results = tmp_path / "results"
    done = interrupt(
        ["sweep", str(sweep), "--out", str(results), "--workers", "2"],
        ready=results / "runs",
        settle=3.0,
        signum=signal.SIGTERM,
        group=group,
    )
    assert done.returncode == 143, done.stderr
    assert "Traceback" not in done.stderr
    assert "leaked" not in done.stderr, "every semaphore and worker is released"
    assert re.search(
        r"terminated: \d+ of 2000 runs are saved in .*; run the same command "
        "to resume",
        done.stderr,
    ), done.stderr


def test_sigterm_during_a_run_writes_nothing_and_says_so(tmp_path):
    out = tmp_path / "out"
    done = interrupt(
        ["run", "plc", "--replicates", "2000", "--years", "3", "--out", str(out), "--workers", "2"],
        ready=out,
        signum=signal.SIGTERM,
    )
    assert done.returncode == 143, done.stderr
    assert "terminated: nothing was written" in done.stderr
    assert "Traceback" not in done.stderr
    assert not any(out.rglob("*.*")), "no output files after SIGTERM"


def _large_result(size: int) -> bytes:
    return bytes(size)


def _writing(pid: int) -> bool:
    """Whether process ``pid`` is inside a write(2) call (Linux x86-64 or arm64)."""
    write = {"x86_64": "1", "aarch64": "64"}[platform.machine()]
    return Path(f"/proc/{pid}/syscall").read_text().split()[0] == write


def test_cancelling_a_pool_while_a_worker_sends_its_result_lets_the_program_exit():
    # A worker stopped half-way through sending a result leaves half a message in the
    # result pipe; the pool's manager thread, waiting for the rest, held up the exit.
    pool = LocalPool(1)
    manager_started = pool._pool.submit(int)
    manager_started.result()
    worker = next(iter(pool._pool._processes.values()))
    sending = pool._pool.submit(_large_result, 1 << 30)
    while not _writing(worker.pid) and not sending.done():
        time.sleep(0.001)
    assert not sending.done(), "the result was sent before the pool could be cancelled"
    manager, results = pool._pool._executor_manager_thread, pool._pool._result_queue
    pool.close(cancel=True)
    manager.join(timeout=60)
    stuck = manager.is_alive()
    if stuck:  # free it, or this failure would also hold up pytest's own exit
        results._writer.close()
    assert not stuck, "the pool's manager thread still waits for the rest of the result"


COMPARE = ["compare", "departments", "plc", "-r", "2", "--years", "1", "-w", "1", "-q", "-o"]
STOPPED = [(KeyboardInterrupt, 130, "interrupted"), (Terminated, 143, "terminated")]


@pytest.mark.parametrize(("stop", "status", "word"), STOPPED, ids=["Ctrl-C", "SIGTERM"])
def test_stopped_while_the_report_is_drawn_writes_nothing_and_says_so(
    tmp_path, capsys, monkeypatch, stop, status, word
):
    def stopped(*args, **kwargs):
        raise stop

    monkeypatch.setattr(analysis.reports.outputs, "report_files", stopped)
    out = tmp_path / "out"
    done = staffroom(capsys, monkeypatch, *COMPARE, out)
    assert done.code == status
    assert done.err.strip() == f"{word}: nothing was written"
    assert not out.exists(), "the folder the command created is removed"


@pytest.mark.parametrize(("stop", "status", "word"), STOPPED, ids=["Ctrl-C", "SIGTERM"])
def test_stopped_after_the_results_are_written_says_where_they_are(
    tmp_path, capsys, monkeypatch, stop, status, word
):
    def stopped(*args, **kwargs):
        raise stop

    monkeypatch.setattr(analysis.reports.terminal, "terminal_table", stopped)
    out = tmp_path / "out"
    done = staffroom(capsys, monkeypatch, *COMPARE, out)
    assert done.code == status
    assert done.err.strip() == f"{word}; the results were written to {out.resolve()}/"
    manifest = json.loads((out / "run.json").read_text())
    assert "report.html" in manifest["files"]
    assert all((out / name).is_file() for name in manifest["files"])
