"""Running sweeps: identical results for any workers, resuming, refusing a changed sweep."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_support import files_in
from conftest import free_port

from analysis.experiments.sweeps import (
    Sweep,
    execute,
    read_manifest,
    read_runs,
    run_seed,
    run_sweep,
)
from simulation import InputError, SchoolModel


@pytest.fixture
def tiny(tiny_sweep):
    return Sweep.from_dict(tiny_sweep())


def test_results_are_identical_with_one_or_two_workers(tiny, tmp_path):
    one = execute(tiny, tmp_path / "one", workers=1, runs_per_task=1)
    two = execute(tiny, tmp_path / "two", workers=2, runs_per_task=1)
    assert (one.engine, two.engine) == (
        "1 worker process using 1 core",
        "2 worker processes using 2 cores",
    )
    assert len(read_runs(tmp_path / "one")) == tiny.runs == 8
    pd.testing.assert_frame_equal(read_runs(tmp_path / "one"), read_runs(tmp_path / "two"))


def test_a_run_row_is_the_model_run_with_the_derived_seed(tiny, tmp_path):
    runs = run_sweep(tiny, tmp_path / "out", workers=0)
    row = runs[
        (runs["n_students"] == 120) & (runs["structure"] == "plc") & (runs["replicate"] == 1)
    ].iloc[0]
    assert row["seed"] == run_seed(11, int(row["point"]), 1)
    model = SchoolModel(n_students=120, structure="plc", rng=int(row["seed"]))
    model.run(1)
    year_end = model.datacollector.get_model_vars_dataframe().iloc[36]
    for outcome in ("collective_efficacy", "annual_gain", "responsibility"):
        assert row[outcome] == year_end[outcome]
        assert row[f"{outcome}_y1"] == year_end[outcome]
    assert (row["years"], row["structure"]) == (1, "plc")


def test_runs_of_different_lengths_and_an_outcome_named_like_a_factor(tiny_sweep, tmp_path):
    sweep = Sweep.from_dict(
        tiny_sweep(
            replicates=1,
            outcomes=["novice_share", "annual_gain"],
            factors={"years": [1, 2], "novice_share": [0.1, 0.5], "n_students": [60]},
        )
    )
    runs = run_sweep(sweep, tmp_path / "out", workers=0)
    assert {"novice_share", "outcome_novice_share", "outcome_novice_share_y2"} <= set(runs)
    short, long = runs[runs["years"] == 1], runs[runs["years"] == 2]
    assert short["annual_gain_y2"].isna().all() and long["annual_gain_y2"].notna().all()
    assert (short["annual_gain"] == short["annual_gain_y1"]).all()
    assert (long["annual_gain"] == long["annual_gain_y2"]).all()
    assert sorted(runs["novice_share"].unique()) == [0.1, 0.5]


def test_trajectories_hold_every_week_and_leave_the_summary_unchanged(tiny_sweep, tmp_path):
    sweep = Sweep.from_dict(tiny_sweep(years=2, replicates=1))
    execute(sweep, tmp_path / "plain", workers=0)
    execute(sweep, tmp_path / "weekly", workers=0, trajectories=True)
    plain, weekly = read_runs(tmp_path / "plain"), read_runs(tmp_path / "weekly")
    pd.testing.assert_frame_equal(plain, weekly)
    trajectories = read_runs(tmp_path / "weekly", trajectories=True)
    assert len(trajectories) == sweep.runs * (2 * 36 + 1)
    ends = trajectories[trajectories["step"] == 72].sort_values("point")
    assert np.array_equal(
        ends["collective_efficacy"].to_numpy(),
        weekly.sort_values("point")["collective_efficacy_y2"].to_numpy(),
    )


def test_the_parquet_files_are_the_same_bytes_however_the_runs_finished(
    tiny_sweep, tmp_path, monkeypatch
):
    """Workers, the order batches finish in and resuming change no byte of the results."""
    from analysis.experiments.sweeps import api, merge

    monkeypatch.setattr(merge, "ROW_GROUP", 50)  # trajectories merged a point at a time
    sweep = Sweep.from_dict(tiny_sweep())
    options = {"trajectories": True, "runs_per_task": 1, "ensemble": False}
    execute(sweep, tmp_path / "plain", workers=0, **options)
    execute(sweep, tmp_path / "two", workers=2, **options)
    execute(Sweep.from_dict(tiny_sweep(replicates=1)), tmp_path / "resumed", workers=0, **options)
    execute(sweep, tmp_path / "resumed", workers=0, **options)  # replicate 1 of every point
    in_order = api.tasks_for
    monkeypatch.setattr(api, "tasks_for", lambda *a, **k: reversed(list(in_order(*a, **k))))
    execute(sweep, tmp_path / "reversed", workers=0, **options)  # the last point finishes first

    def results(name: str) -> dict[str, bytes]:
        folder = tmp_path / name
        return {
            **files_in(folder / "runs"),
            **{f"t/{k}": v for k, v in files_in(folder / "trajectories").items()},
        }

    expected = results("plain")
    assert sorted(expected) == ["data.parquet", "t/data.parquet"]
    for name in ("two", "resumed", "reversed"):
        assert results(name) == expected, name
        runs = pd.read_parquet(tmp_path / name / "runs")
        assert list(zip(runs["point"], runs["replicate"], strict=True)) == [
            (p, r) for p in range(4) for r in range(2)
        ]


def test_resuming_a_finished_sweep_runs_nothing_and_keeps_the_results(tiny, tmp_path):
    first = execute(tiny, tmp_path / "out", workers=0)
    before = read_runs(tmp_path / "out")
    again = execute(tiny, tmp_path / "out", workers=0)
    assert (first.new, again.new, again.before) == (8, 0, 8)
    pd.testing.assert_frame_equal(before, read_runs(tmp_path / "out"))


def test_more_replicates_are_added_and_the_old_runs_kept(tiny_sweep, tmp_path):
    execute(Sweep.from_dict(tiny_sweep(replicates=1)), tmp_path / "out", workers=0)
    small = read_runs(tmp_path / "out")
    outcome = execute(Sweep.from_dict(tiny_sweep(replicates=3)), tmp_path / "out", workers=0)
    assert (outcome.before, outcome.new, outcome.done) == (4, 8, 12)
    assert "raised from 1 to 3" in outcome.note
    grown = read_runs(tmp_path / "out")
    pd.testing.assert_frame_equal(grown[grown["replicate"] == 0].reset_index(drop=True), small)
    assert read_manifest(tmp_path / "out")["replicates"] == 3


def test_a_changed_sweep_is_refused_unless_overwrite(tiny_sweep, tmp_path):
    execute(Sweep.from_dict(tiny_sweep()), tmp_path / "out", workers=0)
    changed = Sweep.from_dict(tiny_sweep(seed=12, outcomes=["stress"]))
    with pytest.raises(InputError) as error:
        execute(changed, tmp_path / "out", workers=0)
    assert "different sweep" in str(error.value)
    assert "changed: outcomes, seed" in str(error.value)
    with pytest.raises(InputError, match="without --trajectories"):
        execute(Sweep.from_dict(tiny_sweep()), tmp_path / "out", workers=0, trajectories=True)
    with pytest.raises(InputError, match="fewer replicates"):
        execute(Sweep.from_dict(tiny_sweep(replicates=1)), tmp_path / "out", workers=0)
    execute(changed, tmp_path / "out", workers=0, overwrite=True)
    assert list(read_runs(tmp_path / "out").columns)[-1] == "stress_y1"


def test_a_folder_that_is_not_a_sweep_is_never_written_into(tiny, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="not empty"):
        execute(tiny, tmp_path, workers=0, overwrite=True)
    assert os.listdir(tmp_path) == ["notes.txt"]


def test_a_damaged_part_file_is_set_aside_and_its_runs_redone(tiny, tmp_path):
    execute(tiny, tmp_path / "ok", workers=0)
    execute(tiny, tmp_path / "out", workers=0, runs_per_task=1)
    runs = tmp_path / "out" / "runs"
    (runs / "part-broken.parquet").write_bytes(b"PAR1 not really")
    (runs / "data.parquet").unlink()  # lose every run, as if the disk lost them
    outcome = execute(tiny, tmp_path / "out", workers=0)
    assert (outcome.before, outcome.new) == (0, 8)
    assert (runs / ".damaged-part-broken.parquet").exists()
    pd.testing.assert_frame_equal(read_runs(tmp_path / "out"), read_runs(tmp_path / "ok"))


# ---------------------------------------------------------------------------
# killing a sweep
# ---------------------------------------------------------------------------

KILL_SWEEP = """
name = "kill me"
scenario = "departments"
years = 1
replicates = 2
seed = 5
outcomes = ["collective_efficacy", "annual_gain"]

[design]
type = "lhs"
samples = 40

[factors]
n_students = { range = [40, 80] }
mastery_rate = { range = [0.1, 0.4] }
"""


def _session_processes(session: int) -> list[int]:
    """Processes whose process group is ``session`` (the killed sweep and its workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z" and int(fields[2]) == session:
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the workers")
def test_a_killed_sweep_resumes_to_exactly_the_uninterrupted_results(tmp_path):
    sweep_file = tmp_path / "kill.toml"
    sweep_file.write_text(KILL_SWEEP)
    out = tmp_path / "killed"
    command = [
        sys.executable,
        "-m",
        "analysis.cli.app",
        "sweep",
        str(sweep_file),
        "--output",
        str(out),
        "--workers",
        "2",
        "--runs-per-task",
        "2",
        "--quiet",
    ]
    process = subprocess.Popen(
        command, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 120
        while len(list((out / "runs").glob("part-*.parquet"))) < 3:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the sweep never wrote its first runs"
            time.sleep(0.01)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        deadline = time.monotonic() + 30
        while _session_processes(process.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _session_processes(process.pid) == [], "worker processes outlived the sweep"
    finally:
        leftover = _session_processes(process.pid)
        if leftover:
            os.killpg(process.pid, signal.SIGKILL)
        process.stdout.close()
        process.stderr.close()

    saved = len(read_runs(out))
    assert 0 < saved < 80, "the kill should land mid-sweep"
    resumed = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert f"resuming: {saved} of 80 runs already in" in resumed.stderr
    assert f"80 runs ({80 - saved} new)" in resumed.stdout

    execute(sweep_file, tmp_path / "whole", workers=0)
    pd.testing.assert_frame_equal(read_runs(out), read_runs(tmp_path / "whole"))
    assert len(list((out / "runs").glob("*.parquet"))) == 1  # compacted at the end
    merged = "runs/data.parquet"
    assert (out / merged).read_bytes() == (tmp_path / "whole" / merged).read_bytes()


# ---------------------------------------------------------------------------
# a real Dask cluster on this machine
# ---------------------------------------------------------------------------


def test_a_sweep_on_a_dask_cluster_gives_the_local_results(tiny, tmp_path, dask_cluster):
    outcome = execute(tiny, tmp_path / "dask", scheduler=dask_cluster, runs_per_task=1)
    assert "Dask cluster" in outcome.engine and outcome.done == 8
    execute(tiny, tmp_path / "local", workers=0)
    pd.testing.assert_frame_equal(read_runs(tmp_path / "dask"), read_runs(tmp_path / "local"))


def test_an_unreachable_scheduler_is_one_clear_error(tiny, tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    from analysis.experiments import clusters as engine

    monkeypatch.setattr(engine, "CONNECT_TIMEOUT", 1.0)

    address = f"tcp://127.0.0.1:{free_port()}"
    with pytest.raises(InputError, match=f"cannot reach the Dask scheduler at {address}"):
        execute(tiny, tmp_path / "out", scheduler=address)
    assert not (tmp_path / "out").exists(), "the folder is made only once the cluster answers"


def test_a_script_without_a_main_guard_is_told_why_its_workers_died(tmp_path):
    script = tmp_path / "unguarded.py"
    script.write_text(
        "from analysis.experiments.sweeps import Sweep, run_sweep\n"
        "sweep = Sweep.from_dict({'scenario': 'departments', 'years': 1, 'replicates': 2,\n"
        "    'design': {'type': 'factorial'}, 'factors': {'n_students': [60, 80]}})\n"
        f"run_sweep(sweep, workers=2, output={str(tmp_path / 'out')!r})\n"
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=300
    )
    assert done.returncode != 0
    assert 'unguarded.py starts the work outside `if __name__ == "__main__":`' in done.stderr
