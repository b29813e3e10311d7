"""Faults on this machine's own resources: a full disk, a damaged results folder.

Each fault ends with one line saying what happened, where, and what to do,
exit status 2, and no output folder left half-made; a sweep keeps its
finished runs and says how to resume. The disks are real small tmpfs
mounts (see ``small_disk`` in conftest), filled for real.
"""

from __future__ import annotations

import os

import pandas as pd
import pytest
from cli_support import staffroom

from analysis import outputs
from analysis.sweeps import Sweep, execute, read_runs

KB = 1024


def fill(disk, leave: int) -> None:
    """Fill ``disk`` until only about ``leave`` bytes are free."""
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    (disk / ".ballast").write_bytes(b"\0" * max(0, free - leave))


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert "Traceback" not in err, err
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize("command", [
    ["compare", "departments", "plc", "-r", "3", "--years", "1"],
    ["run", "plc", "-r", "3", "--years", "1"],
])
def test_a_full_disk_is_one_line_and_leaves_no_half_made_folder(command, small_disk, capsys,
                                                                 monkeypatch):
    disk = small_disk("2m")
    fill(disk, leave=200 * KB)
    out = disk / "out"
    done = staffroom(capsys, monkeypatch, *command, "-w", "1", "-q", "-o", str(out))
    assert done.code == 2
    line = one_error_line(done.err)
    assert line.startswith("error: no space left on the device:")
    assert str(out) in line and "needed" in line and "free" in line
    assert not out.exists(), "the new output folder is removed"
    assert sorted(p.name for p in disk.iterdir()) == [".ballast"]


def test_when_the_disk_fills_while_writing_the_old_results_stay_complete(small_disk, capsys,
                                                                          monkeypatch):
    disk = small_disk("2m")
    out = disk / "out"
    command = ["compare", "departments", "plc", "-r", "2", "--years", "1", "-w", "1", "-q",
               "-o", str(out)]
    assert staffroom(capsys, monkeypatch, *command).code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    fill(disk, leave=100 * KB)
    # the free-space check cannot see everything (another program writing at the same
    # time): let the write itself meet the full disk
    monkeypatch.setattr(outputs, "free_space", lambda folder: 10**12)
    done = staffroom(capsys, monkeypatch, *command[:4], "3", *command[5:])
    assert done.code == 2
    assert "no space left on the device" in one_error_line(done.err)
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before, "the previous complete run is untouched"
    assert not [p for p in out.iterdir() if p.name.startswith(outputs.STAGING_PREFIX)]


FULL_SWEEP = {
    "name": "fills the disk", "scenario": "departments", "years": 1, "replicates": 2,
    "seed": 5, "outcomes": ["collective_efficacy", "annual_gain"],
    "design": {"type": "lhs", "samples": 60},
    "factors": {"n_students": {"range": [40, 80]}, "mastery_rate": {"range": [0.1, 0.4]}},
}


def test_a_sweep_that_fills_the_disk_keeps_its_runs_and_resumes_identically(
        small_disk, tmp_path, capsys, monkeypatch):
    sweep_file = tmp_path / "full.toml"
    sweep_file.write_text(_toml(FULL_SWEEP))
    disk = small_disk("160k")
    out = disk / "results"
    command = ["sweep", str(sweep_file), "--out", str(out), "-w", "0", "--runs-per-task", "1",
               "-q"]
    done = staffroom(capsys, monkeypatch, *command)
    assert done.code == 2
    line = one_error_line(done.err)
    assert "no space left on the device" in line and "run the same command to resume" in line
    saved = len(read_runs(out))
    assert 0 < saved < 120 and f"{saved} of 120 runs are saved" in line
    assert not [p for p in (out / "runs").iterdir() if p.name.startswith(".")], \
        "no temporary file left behind"

    small_disk.resize(disk, "8m")  # the user frees some space
    again = staffroom(capsys, monkeypatch, *command)
    assert again.code == 0, again.err
    assert f"resuming: {saved} of 120 runs already in" in again.err
    whole = execute(Sweep.from_dict(FULL_SWEEP), tmp_path / "whole", workers=0)
    assert whole.done == 120
    pd.testing.assert_frame_equal(read_runs(out), read_runs(tmp_path / "whole"))


def _toml(document: dict) -> str:
    from scenarios.dump import dumps

    return dumps(document)
