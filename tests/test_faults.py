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
from cli_support import files_in, staffroom
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.experiments import files as outputs
from analysis.experiments.sweeps import Sweep, execute, read_runs

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


@pytest.mark.parametrize(
    "command",
    [
        ["compare", "departments", "plc", "-r", "3", "--years", "1"],
        ["run", "plc", "-r", "3", "--years", "1"],
    ],
)
def test_a_full_disk_is_one_line_and_leaves_no_half_made_folder(
    command, small_disk, capsys, monkeypatch
):
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


def test_when_the_disk_fills_while_writing_the_old_results_stay_complete(
    small_disk, capsys, monkeypatch
):
    disk = small_disk("2m")
    out = disk / "out"
    command = [
        "compare",
        "departments",
        "plc",
        "-r",
        "2",
        "--years",
        "1",
        "-w",
        "1",
        "-q",
        "-o",
        str(out),
    ]
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
    "name": "fills the disk",
    "scenario": "departments",
    "years": 1,
    "replicates": 2,
    "seed": 5,
    "outcomes": ["collective_efficacy", "annual_gain"],
    "design": {"type": "lhs", "samples": 60},
    "factors": {"n_students": {"range": [40, 80]}, "mastery_rate": {"range": [0.1, 0.4]}},
}


def test_a_sweep_that_fills_the_disk_keeps_its_runs_and_resumes_identically(
    small_disk, tmp_path, capsys, monkeypatch
):
    sweep_file = tmp_path / "full.toml"
    sweep_file.write_text(_toml(FULL_SWEEP))
    disk = small_disk("160k")
    out = disk / "results"
    command = ["sweep", str(sweep_file), "--out", str(out), "-w", "0", "--runs-per-task", "1", "-q"]
    done = staffroom(capsys, monkeypatch, *command)
    assert done.code == 2
    line = one_error_line(done.err)
    assert "no space left on the device" in line and "run the same command to resume" in line
    saved = len(read_runs(out))
    assert 0 < saved < 120 and f"{saved} of 120 runs are saved" in line
    assert not [p for p in (out / "runs").iterdir() if p.name.startswith(".")], (
        "no temporary file left behind"
    )

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


# ---------------------------------------------------------------------------
# damaged files in a sweep's results folder
# ---------------------------------------------------------------------------

DAMAGED_SWEEP = {
    "name": "damaged",
    "scenario": "departments",
    "years": 1,
    "replicates": 2,
    "seed": 3,
    "outcomes": ["collective_efficacy", "annual_gain"],
    "design": {"type": "lhs", "samples": 24},  # RBD-FAST needs more than 20
    "factors": {"n_students": {"range": [40, 80]}, "mastery_rate": {"range": [0.1, 0.4]}},
}


@pytest.fixture(scope="module")
def finished_sweep(tmp_path_factory):
    """A finished sweep's folder and its sweep file (copy it before damaging it)."""
    folder = tmp_path_factory.mktemp("finished")
    sweep_file = folder / "damaged.toml"
    sweep_file.write_text(_toml(DAMAGED_SWEEP))
    execute(sweep_file, folder / "results", workers=0)
    return folder / "results", sweep_file


def copy_of(finished, tmp_path):
    import shutil

    results, sweep_file = finished
    target = tmp_path / "results"
    shutil.copytree(results, target)
    return target, sweep_file


@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cut=st.floats(0, 1), noise=st.binary(max_size=64))
def test_a_damaged_design_is_drawn_again_for_sweep_and_sensitivity(
    finished_sweep, tmp_path_factory, capsys, monkeypatch, cut, noise
):
    out, sweep_file = copy_of(finished_sweep, tmp_path_factory.mktemp("design"))
    design = out / "design.parquet"
    original = pd.read_parquet(design)
    kept = design.read_bytes()
    design.write_bytes(kept[: int(cut * (len(kept) - 1))] + noise)  # truncated, then garbage

    analysed = staffroom(capsys, monkeypatch, "sensitivity", str(out), "--csv")
    assert analysed.code == 0, analysed.err
    assert "design.parquet was damaged" in analysed.err and "drawn again" in analysed.err
    resumed = staffroom(
        capsys, monkeypatch, "sweep", str(sweep_file), "--out", str(out), "-q", "-w", "0"
    )
    assert resumed.code == 0, resumed.err
    assert "design.parquet was damaged" in resumed.err
    assert "48 runs (0 new)" in resumed.out
    pd.testing.assert_frame_equal(pd.read_parquet(design), original)
    assert (out / ".damaged-design.parquet").exists()


def test_a_deleted_design_is_drawn_again(finished_sweep, tmp_path, capsys, monkeypatch):
    out, sweep_file = copy_of(finished_sweep, tmp_path)
    original = pd.read_parquet(out / "design.parquet")
    (out / "design.parquet").unlink()
    analysed = staffroom(capsys, monkeypatch, "sensitivity", str(out), "--csv")
    assert analysed.code == 0 and "design.parquet was missing" in analysed.err
    assert (
        staffroom(capsys, monkeypatch, "sweep", str(sweep_file), "--out", str(out), "-q").code == 0
    )
    pd.testing.assert_frame_equal(pd.read_parquet(out / "design.parquet"), original)


@pytest.mark.parametrize("content", [b"{not json", b"", b"[1, 2]", b'{"kind": "other"}'])
def test_a_damaged_manifest_is_named_and_overwrite_starts_again(
    finished_sweep, tmp_path, capsys, monkeypatch, content
):
    out, sweep_file = copy_of(finished_sweep, tmp_path)
    whole = read_runs(out)
    (out / "manifest.json").write_bytes(content)
    command = ["sweep", str(sweep_file), "--out", str(out), "-q", "-w", "0"]
    refused = staffroom(capsys, monkeypatch, *command)
    assert refused.code == 2
    line = one_error_line(refused.err)
    assert "manifest.json is damaged" in line and "--overwrite" in line
    again = staffroom(capsys, monkeypatch, *command, "--overwrite")
    assert again.code == 0, again.err
    assert "48 runs (48 new)" in again.out
    pd.testing.assert_frame_equal(read_runs(out), whole)


def test_a_damaged_part_file_is_set_aside_and_the_user_is_told(
    finished_sweep, tmp_path, capsys, monkeypatch
):
    out, sweep_file = copy_of(finished_sweep, tmp_path)
    whole = read_runs(out)
    (part,) = (out / "runs").glob("*.parquet")
    part.write_bytes(part.read_bytes()[:100])
    done = staffroom(
        capsys, monkeypatch, "sweep", str(sweep_file), "--out", str(out), "-q", "-w", "0"
    )
    assert done.code == 0, done.err
    assert "1 damaged result file(s) set aside" in done.err
    assert f".damaged-{part.name}" in done.err and "their runs are done again" in done.err
    assert "48 runs (48 new)" in done.out
    pd.testing.assert_frame_equal(read_runs(out), whole)


# ---------------------------------------------------------------------------
# one output folder, one command
# ---------------------------------------------------------------------------


def test_a_folder_being_written_is_locked(tmp_path, capsys, monkeypatch):
    out = tmp_path / "shared"
    compare = ("compare", "departments", "plc", "-r", "2", "--years", "1", "-w", "1", "-q")
    with outputs.OutputFolder(out, "compare"):  # another compare is writing there
        done = staffroom(capsys, monkeypatch, *compare, "-o", str(out))
        assert done.code == 2
        line = one_error_line(done.err)
        assert "is writing to" in line and "locked" in line
        assert not (out / outputs.MANIFEST).exists()
    done = staffroom(capsys, monkeypatch, *compare, "-o", str(out))
    assert done.code == 0, done.err


def test_another_commands_results_are_refused_unless_overwrite(
    finished_sweep, tmp_path, capsys, monkeypatch
):
    sweep_folder, _ = copy_of(finished_sweep, tmp_path)
    compare = ["compare", "departments", "plc", "-r", "2", "--years", "1", "-w", "1", "-q"]
    before = sorted(p.name for p in sweep_folder.iterdir())
    refused = staffroom(capsys, monkeypatch, *compare, "-o", str(sweep_folder))
    assert refused.code == 2
    assert "holds the results of a sweep" in one_error_line(refused.err)
    assert len(read_runs(sweep_folder)) == 48, "the sweep's results are untouched"
    assert sorted(p.name for p in sweep_folder.iterdir()) == before, "nothing left behind"

    replaced = staffroom(capsys, monkeypatch, *compare, "-o", str(sweep_folder), "--overwrite")
    assert replaced.code == 0, replaced.err
    assert not (sweep_folder / "runs").exists() and not (sweep_folder / "manifest.json").exists()
    assert (sweep_folder / "report.html").exists()

    run = [
        "run",
        "plc",
        "-r",
        "2",
        "--years",
        "1",
        "-w",
        "1",
        "-q",
        "--no-plots",
        "-o",
        str(sweep_folder),
    ]
    refused = staffroom(capsys, monkeypatch, *run)
    assert refused.code == 2
    assert "holds the results of `staffroom compare`" in one_error_line(refused.err)
    again = staffroom(capsys, monkeypatch, *compare, "-o", str(sweep_folder))
    assert again.code == 0, "the same command may replace its own results"


def test_the_same_command_of_other_scenarios_is_refused_unless_overwrite(
    tmp_path, capsys, monkeypatch
):
    out = str(tmp_path / "results")
    options = ["-r", "2", "--years", "1", "-w", "1", "-q", "-o", out]
    first = staffroom(capsys, monkeypatch, "compare", "departments", "plc", *options)
    assert first.code == 0, first.err
    before = files_in(tmp_path / "results")

    other = ["compare", "departments", "egg_crate", *options]
    refused = staffroom(capsys, monkeypatch, *other)
    assert refused.code == 2
    line = one_error_line(refused.err)
    assert "results of other scenarios" in line and "plc.toml" in line and "--overwrite" in line
    assert files_in(tmp_path / "results") == before, "nothing was touched"

    again = staffroom(capsys, monkeypatch, "compare", "departments", "plc", *options)
    assert again.code == 0, "the same scenarios may replace their own results"
    replaced = staffroom(capsys, monkeypatch, *other, "--overwrite")
    assert replaced.code == 0, replaced.err
    assert "egg_crate.toml" in (tmp_path / "results" / "run.json").read_text()
