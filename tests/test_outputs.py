"""What the files say: seeds that survive other tools, one seed scheme, units in the schema,
CSV for sweeps, whole lines off a terminal, any scenario name in the plots."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from cli_support import staffroom
from hypothesis import given
from hypothesis import strategies as st

from analysis.experiments.seeds import replicate_seeds, run_seed
from analysis.experiments.sweeps import Sweep, execute, read_runs
from analysis.experiments.sweeps import run_seed as sweep_seed
from scenarios import load
from simulation import SchoolModel

SEEDS = st.integers(0, 2**63 - 1)


@given(seed=SEEDS, point=st.integers(0, 10**6), replicate=st.integers(0, 10**4))
def test_every_seed_survives_a_trip_through_a_double(seed, point, replicate):
    for derived in (run_seed(seed, replicate), sweep_seed(seed, point, replicate)):
        assert 0 <= derived < 2**53
        assert int(float(derived)) == derived  # R, Excel, JavaScript, read.csv


@given(seed=SEEDS, point=st.integers(0, 10**6))
def test_one_seed_scheme_for_run_compare_and_sweeps(seed, point):
    seeds = replicate_seeds(seed, 3)
    assert seeds == [sweep_seed(seed, point, r, common=True) for r in range(3)]
    assert len(set(seeds)) == 3


def test_a_seed_read_back_from_csv_reruns_the_same_run(tmp_path, capsys, monkeypatch):
    out = tmp_path / "run"
    done = staffroom(
        capsys,
        monkeypatch,
        "run",
        "small_school",
        "-r",
        "2",
        "--years",
        "1",
        "-w",
        "1",
        "-q",
        "--no-plots",
        "--seed",
        str(2**63 - 5),
        "-o",
        str(out),
    )
    assert done.code == 0, done.err
    summary = pd.read_csv(out / "summary.csv", dtype={"seed": float})  # as R or Excel read it
    trajectories = pd.read_parquet(out / "trajectories.parquet")
    assert trajectories["seed"].dtype == np.int64
    row = summary[summary["replicate"] == 1].iloc[0]
    model = load("small_school").model(rng=int(row["seed"]))
    model.run(1)
    assert model.annual_results[0]["annual_gain"] == pytest.approx(
        trajectories[(trajectories["replicate"] == 1) & (trajectories["step"] == 36)][
            "annual_gain"
        ].iloc[0],
        abs=0,
        rel=0,
    )


def test_mesa_batch_run_gives_whole_steps():
    import mesa

    results = mesa.batch_run(
        SchoolModel,
        parameters={"n_students": [100], "record_every": 36},
        rng=[0],
        max_steps=72,
        number_processes=1,
        data_collection_period=1,
        display_progress=False,
    )
    frame = pd.DataFrame(results)
    assert frame["Step"].dtype == np.int64 and frame["Step"].tolist() == [0, 36, 72]


def test_parquet_columns_carry_units_and_descriptions(tmp_path, capsys, monkeypatch, tiny_sweep):
    out = tmp_path / "run"
    assert (
        staffroom(
            capsys,
            monkeypatch,
            "run",
            "small_school",
            "-r",
            "2",
            "--years",
            "1",
            "-w",
            "1",
            "-q",
            "--no-plots",
            "-o",
            str(out),
        ).code
        == 0
    )
    schema = pq.read_schema(out / "trajectories.parquet")
    gain = schema.field("annual_gain").metadata
    assert gain[b"unit"] == b"SD/year" and b"gain" in gain[b"description"]
    assert b"2^53" in schema.field("seed").metadata[b"description"]
    described = json.loads(schema.metadata[b"staffroom"])["columns"]
    assert described["self_efficacy_tses"]["unit"] == "TSES 1-9"

    execute(Sweep.from_dict(tiny_sweep()), tmp_path / "sweep", workers=0)
    (part,) = (tmp_path / "sweep" / "runs").glob("*.parquet")
    runs = pq.read_schema(part)
    assert runs.field("n_students").metadata[b"unit"] == b"students"
    assert b"end of year 1" in runs.field("annual_gain_y1").metadata[b"description"]
    design = pq.read_schema(tmp_path / "sweep" / "design.parquet")
    assert design.field("n_students").metadata[b"unit"] == b"students"


def test_a_sweep_also_writes_csv_when_asked(tmp_path, tiny_sweep, capsys, monkeypatch):
    from scenarios.dump import dumps

    sweep_file = tmp_path / "tiny.toml"
    sweep_file.write_text(dumps(tiny_sweep()))
    out = tmp_path / "out"
    done = staffroom(
        capsys,
        monkeypatch,
        "sweep",
        str(sweep_file),
        "--out",
        str(out),
        "-w",
        "0",
        "-q",
        "--format",
        "csv",
        "--trajectories",
    )
    assert done.code == 0, done.err
    assert f"CSV: {out}/runs.csv and trajectories.csv" in " ".join(done.out.split())
    runs = pd.read_csv(out / "runs.csv")
    pd.testing.assert_frame_equal(runs, read_runs(out), check_dtype=False)
    weekly = pd.read_csv(out / "trajectories.csv")
    assert len(weekly) == 8 * 37 and set(weekly.columns) == set(
        read_runs(out, trajectories=True).columns
    )
    bad = staffroom(capsys, monkeypatch, "sweep", str(sweep_file), "--format", "xlsx")
    assert bad.code == 2 and "allowed: parquet, csv" in bad.err


@pytest.mark.parametrize("name", ["学校の計画 A", "École Ståhl — Ørsted 🏫", "Ωμέγα"])
def test_any_scenario_name_draws_without_missing_glyphs(name, tmp_path):
    from matplotlib.figure import Figure

    from analysis.reports.glyphs import drawable
    from analysis.reports.plots import png

    figure = Figure()
    axes = figure.add_subplot()
    axes.plot([0, 1], [0, 1], label=name)
    axes.legend()
    axes.set_title(f"{name}: annual gain")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" would fail here
        data = png(figure)
    assert data.startswith(b"\x89PNG")
    shown = drawable(name)
    assert len(shown) == len(name)
    kept = [a == b for a, b in zip(shown, name, strict=True)]
    assert all(ch in name or ch == "?" for ch in shown)
    assert any(kept), "what the fonts can draw is drawn as written"
    if name == "Ωμέγα" or name.startswith("École"):
        assert shown.startswith(name[:5]), "Latin and Greek are drawn (DejaVu has them)"


def test_off_a_terminal_tables_and_lines_are_not_broken_at_80_columns(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.delenv("COLUMNS", raising=False)
    done = staffroom(capsys, monkeypatch, "scenarios")
    lines = done.out.splitlines()
    assert max(len(line) for line in lines) > 80
    described = [line for line in lines if "large_houses_choice" in line]
    assert len(described) == 1, "each scenario on one line (grep finds its description)"
    assert load("large_houses_choice").description[:60] in described[0]


def test_on_a_narrow_terminal_the_tables_cut_off_nothing():
    import io

    from rich.console import Console

    from analysis.experiments.plans import common_run
    from analysis.experiments.replicates import run_many
    from analysis.reports.terminal import run_table, terminal_table
    from analysis.statistics.compare import compare

    names = ["large_comprehensive", "departments", "small_school"]
    results = run_many(common_run(names, years=1, replicates=2, seed=1), workers=1)
    console = Console(width=64, record=True, file=io.StringIO())  # narrower still
    console.print(terminal_table(compare(results, "School size")))
    console.print(run_table(results[0]))
    text = console.export_text()
    assert "…" not in text, "no label or heading is cut off"
    rows = [line.rstrip() for line in text.splitlines() if line.startswith(("│", "┃"))]
    assert rows and all(line.endswith(("│", "┃")) for line in rows), "no table is cropped"
    assert max(len(line) for line in text.splitlines()) <= 64
