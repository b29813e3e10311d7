"""Sensitivity analysis recovers known indices, through the code `staffroom sensitivity` uses."""

from __future__ import annotations

import io
import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from analysis.experiments.sweeps import Factor, Sweep, execute, make_design
from analysis.experiments.sweeps.results import new_manifest, read_design
from analysis.experiments.sweeps.runner import TaskResult
from analysis.experiments.sweeps.store import ResultStore
from analysis.reports.sensitivity import analyse
from analysis.statistics.sensitivity import (
    main_effects,
    morris_indices,
    noise_floor,
    rbd_fast_indices,
    replicate_uncertainty,
    sobol_indices,
)
from simulation import InputError

PI = math.pi
ISHIGAMI = [Factor(f"x{i}", low=-PI, high=PI) for i in (1, 2, 3)]
# Ishigami & Homma (1990) with a = 7, b = 0.1: analytic indices
S1 = {"x1": 0.3139, "x2": 0.4424, "x3": 0.0}
ST = {"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}


def ishigami(points: pd.DataFrame) -> np.ndarray:
    x1, x2, x3 = (points[n].to_numpy(dtype=float) for n in ("x1", "x2", "x3"))
    return np.sin(x1) + 7 * np.sin(x2) ** 2 + 0.1 * x3**4 * np.sin(x1)


def write_results(folder, design, values, replicates=1, common=False):
    """A results folder holding a toy function's values, as a sweep would write it.

    ``values`` is one value per point (every replicate the same), or an
    array of shape (points, replicates); ``common`` marks the sweep as run
    on common random numbers (replicate r on one seed at every point).
    """
    values = np.asarray(values, dtype=float)
    if values.ndim == 1:
        values = np.repeat(values[:, None], replicates, axis=1)
    manifest = new_manifest(
        name="ishigami",
        description="",
        identity={"common_random_numbers": common},
        design=design,
        replicates=replicates,
        outcomes=["y"],
        yearly=False,
        max_years=1,
        trajectories=False,
        source=None,
    )
    store, _ = ResultStore.prepare(folder, manifest, design)
    try:
        n = design.size
        for r in range(replicates):
            store.write(
                [
                    TaskResult(
                        np.arange(n),
                        np.full(n, r),
                        np.zeros(n, dtype=np.int64),
                        [np.array([[v]]) for v in values[:, r]],
                        None,
                        0.0,
                    )
                ]
            )
    finally:
        store.close()


def test_sobol_indices_of_the_ishigami_function_are_recovered():
    design = make_design("sobol", ISHIGAMI, n=2048, second_order=True, seed=1)
    table, pairs = sobol_indices(design, ishigami(design.points))
    table = table.set_index("factor")
    for name in S1:
        assert table.loc[name, "S1"] == pytest.approx(S1[name], abs=0.04)
        assert table.loc[name, "ST"] == pytest.approx(ST[name], abs=0.04)
        assert 0 < table.loc[name, "ST_conf"] < 0.1
    s13 = pairs.set_index(["factor_1", "factor_2"]).loc[("x1", "x3"), "S2"]
    assert s13 == pytest.approx(ST["x1"] - S1["x1"], abs=0.08)  # x1-x3 is the interaction


def test_the_sensitivity_command_recovers_ishigami_from_a_results_folder(tmp_path):
    design = make_design("sobol", ISHIGAMI, n=1024, second_order=False, seed=3)
    write_results(tmp_path / "ishigami", design, ishigami(design.points))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis.cli.app",
            "sensitivity",
            str(tmp_path / "ishigami"),
            "--outcome",
            "y",
            "--csv",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(io.StringIO(done.stdout)).set_index("factor")
    for name in S1:
        assert table.loc[name, "S1"] == pytest.approx(S1[name], abs=0.05)
        assert table.loc[name, "ST"] == pytest.approx(ST[name], abs=0.05)
    assert (tmp_path / "ishigami" / "sensitivity-y.png").stat().st_size > 1000
    assert (tmp_path / "ishigami" / "sensitivity-y.csv").exists()


def test_replicates_are_averaged_before_the_indices(tmp_path):
    design = make_design("sobol", ISHIGAMI, n=256, second_order=False, seed=3)
    values = ishigami(design.points)
    write_results(tmp_path / "one", design, values)
    write_results(tmp_path / "three", design, values, replicates=3)
    one, three = analyse(tmp_path / "one", "y"), analyse(tmp_path / "three", "y")
    main = ["factor", "S1", "S1_conf", "ST", "ST_conf"]
    pd.testing.assert_frame_equal(one.table[main], three.table[main])
    assert three.replicates == 3
    assert one.table["S1_conf_replicates"].isna().all(), "one replicate: noise not measured"
    assert np.allclose(three.table["S1_conf_replicates"], 0), "identical replicates: no noise"
    assert any("one run per design point" in note for note in one.notes)
    assert not any("one run per design point" in note for note in three.notes)


def test_morris_ranks_a_linear_function_by_its_slopes():
    factors = [Factor(n, low=0.0, high=1.0) for n in ("steep", "gentle", "idle")]
    design = make_design("morris", factors, trajectories=20, levels=4, seed=5)
    points = design.points
    y = 10 * points["steep"] + 1 * points["gentle"] + 0 * points["idle"]
    table = morris_indices(design, y.to_numpy()).set_index("factor")
    assert table.loc["steep", "mu_star"] == pytest.approx(10)
    assert table.loc["gentle", "mu_star"] == pytest.approx(1)
    assert table.loc["idle", "mu_star"] == pytest.approx(0)
    assert np.allclose(table["sigma"], 0, atol=1e-9)  # linear: every effect the same


def test_rbd_fast_on_a_latin_hypercube_finds_the_first_order_ishigami_indices():
    design = make_design("lhs", ISHIGAMI, samples=4000, seed=2)
    table = rbd_fast_indices(design, ishigami(design.points)).set_index("factor")
    for name in S1:
        assert table.loc[name, "S1"] == pytest.approx(S1[name], abs=0.06)


def test_main_effects_of_a_grid_attribute_variance_to_the_factor_that_moves_it():
    design = make_design(
        "factorial", [Factor("a", levels=(1, 2, 3)), Factor("b", levels=("p", "q"))]
    )
    runs = design.points.reset_index()
    runs["y"] = runs["a"] * 2.0
    table = main_effects(runs, ["a", "b"], "y").set_index("factor")
    assert table.loc["a", "eta_squared"] == pytest.approx(1.0)
    assert table.loc["b", "eta_squared"] == pytest.approx(0.0)
    assert (table.loc["a", "lowest_at"], table.loc["a", "highest_at"]) == (1, 3)


def test_a_grid_sweep_gives_a_heat_map_in_the_sweep_file_order(tiny_sweep, tmp_path):
    sweep = Sweep.from_dict(
        tiny_sweep(factors={"structure": ["plc", "departments"], "n_students": [120, 60]})
    )
    execute(sweep, tmp_path / "grid", workers=0)
    analysis = analyse(tmp_path / "grid", "collective_efficacy", x="n_students")
    cells = analysis.extra["grid"]
    assert list(cells.columns) == [120, 60] and list(cells.index) == ["plc", "departments"]
    assert (tmp_path / "grid" / "sensitivity-collective_efficacy-heatmap.png").exists()
    written = {p.name for p in (tmp_path / "grid").glob("sensitivity-*")}
    assert {p.name for p in analysis.files} == written, "every file written is said"
    with pytest.raises(InputError, match="not a factor"):
        analyse(tmp_path / "grid", "collective_efficacy", x="coaches")
    with pytest.raises(InputError, match="kept outcomes"):
        analyse(tmp_path / "grid", "stress")


def test_an_unfinished_sweep_is_not_analysed(tiny_sweep, tmp_path):
    sweep = Sweep.from_dict(tiny_sweep())
    execute(sweep, tmp_path / "out", workers=0)
    for part in (tmp_path / "out" / "runs").glob("*.parquet"):
        part.unlink()
    with pytest.raises(InputError, match="holds 0 of the sweep's 8 runs"):
        analyse(tmp_path / "out")


def test_replicate_noise_is_in_the_intervals_as_wide_as_it_really_is(tmp_path):
    """The bootstrap over replicates matches the spread of indices over fresh noise."""
    design = make_design("sobol", ISHIGAMI, n=128, second_order=False, seed=4)
    exact = ishigami(design.points)
    rng = np.random.default_rng(0)
    noisy = exact[:, None] + rng.normal(0, 3.0, size=(design.size, 4))  # 4 replicates
    write_results(tmp_path / "noisy", design, noisy, replicates=4)
    analysis = analyse(tmp_path / "noisy", "y").table.set_index("factor")
    claimed = replicate_uncertainty(design, noisy).set_index("factor")["ST_conf_replicates"]
    assert (analysis["ST_conf_replicates"] > 0).all()
    assert (analysis["ST_conf"] >= analysis["ST_conf_replicates"]).all()
    # the same design with other draws of the noise: the indices' real spread
    again = [
        sobol_indices(design, (exact[:, None] + rng.normal(0, 3.0, (design.size, 4))).mean(axis=1))[
            0
        ].set_index("factor")["ST"]
        for _ in range(30)
    ]
    real = 1.96 * pd.concat(again, axis=1).std(axis=1)
    assert ((claimed / real) > 0.5).all() and ((claimed / real) < 2).all(), (claimed, real)


@pytest.mark.parametrize("samples", [21, 30, 40, 41, 42])  # 40, 41: the bootstrap's half is 2M
def test_rbd_fast_on_too_few_samples_has_no_interval_and_says_so(samples, tmp_path):
    design = make_design("lhs", ISHIGAMI, samples=samples, seed=2)
    write_results(tmp_path / "few", design, ishigami(design.points), replicates=2)
    analysis = analyse(tmp_path / "few", "y")
    assert analysis.table["S1_conf"].isna().all(), "not ±0: there is no interval"
    assert np.isfinite(analysis.table["S1"]).all()
    assert any("too small for RBD-FAST" in note for note in analysis.notes)


@pytest.mark.parametrize("samples", [12, 20])
def test_rbd_fast_refuses_a_latin_hypercube_of_at_most_twice_its_harmonics(samples, tmp_path):
    # its bias correction divides by 1 - 2M/N: at N = 2M SALib divided by zero
    design = make_design("lhs", ISHIGAMI, samples=samples, seed=2)
    write_results(tmp_path / "few", design, ishigami(design.points), replicates=2)
    with pytest.raises(InputError, match=r"samples = \d+ is too few for RBD-FAST.*more than 20"):
        analyse(tmp_path / "few", "y")


def test_a_big_enough_latin_hypercube_has_real_intervals_and_no_warning(tmp_path):
    design = make_design("lhs", ISHIGAMI, samples=400, seed=2)
    write_results(tmp_path / "enough", design, ishigami(design.points), replicates=2)
    analysis = analyse(tmp_path / "enough", "y")
    assert (analysis.table["S1_conf"] > 0).all()
    assert analysis.notes == []


def test_the_built_in_sobol_sweep_measures_its_noise_and_is_big_enough():
    from analysis.experiments.sweeps import load_sweep
    from analysis.statistics.sensitivity import design_warnings

    sweep = load_sweep("belief_dynamics_sobol")
    assert sweep.replicates >= 2
    assert design_warnings(sweep.design(), sweep.replicates) == []


def test_a_heat_map_cell_carries_its_interval(tiny_sweep, tmp_path):
    sweep = Sweep.from_dict(tiny_sweep(replicates=3))
    execute(sweep, tmp_path / "grid", workers=0)
    analysis = analyse(tmp_path / "grid", "collective_efficacy")
    half = analysis.extra["grid_half_width"]
    assert half.shape == analysis.extra["grid"].shape and (half.to_numpy() > 0).all()
    cells = pd.read_csv(tmp_path / "grid" / "sensitivity-collective_efficacy-grid.csv")
    assert {"mean", "low", "high", "runs"} <= set(cells.columns) and (cells["runs"] == 3).all()
    assert ((cells["low"] < cells["mean"]) & (cells["mean"] < cells["high"])).all()


def test_the_design_file_is_written_with_the_first_runs_and_on_resuming(tmp_path):
    # a sweep stopped before its first runs has no design.parquet; resuming writes it
    design = make_design("lhs", ISHIGAMI, samples=8, seed=2)
    manifest = new_manifest(
        name="ishigami",
        description="",
        identity={},
        design=design,
        replicates=1,
        outcomes=["y"],
        yearly=False,
        max_years=1,
        trajectories=False,
        source=None,
    )
    folder = tmp_path / "early"
    store, _ = ResultStore.prepare(folder, manifest, design)
    store.close()
    assert (folder / "manifest.json").exists() and not (folder / "design.parquet").exists()
    store, note = ResultStore.prepare(folder, manifest, design)
    try:
        assert note is None, "nothing to tell the user: there were no runs"
        store.compact()
    finally:
        store.close()
    assert (folder / "design.parquet").exists()
    again = read_design(folder)
    for factor in ISHIGAMI:
        assert np.array_equal(again.columns[factor.name], design.columns[factor.name])
    write_results(tmp_path / "written", design, ishigami(design.points))
    assert (tmp_path / "written" / "design.parquet").exists()


WITH_DUMMY = [*ISHIGAMI, Factor("dummy", low=0.0, high=1.0)]


def _seed_sets(design, exact, seeds, shared=3.0, own=0.5):
    """Runs on common random numbers: a seed effect every point shares, plus own noise."""
    rng = np.random.default_rng(seeds)
    return exact[:, None] + rng.normal(0, shared, 8) + rng.normal(0, own, (design.size, 8))


def test_under_common_random_numbers_the_seed_is_the_unit_resampled(tmp_path):
    design = make_design("sobol", WITH_DUMMY, n=64, second_order=False, seed=1)
    exact = ishigami(design.points)
    # a seed effect shared by every point shifts all means alike: no index moves
    shifted = exact[:, None] + np.random.default_rng(2).normal(0, 3.0, 8)
    write_results(tmp_path / "crn", design, shifted, replicates=8, common=True)
    write_results(tmp_path / "apart", design, shifted, replicates=8)
    crn = analyse(tmp_path / "crn", "y").table
    apart = analyse(tmp_path / "apart", "y").table  # independent seeds: this is noise
    assert (crn["ST_conf_replicates"] < 1e-6).all(), crn
    assert (apart["ST_conf_replicates"] > 0.01).all(), apart
    # with noise of its own as well, the width is the spread over fresh sets of seeds
    runs = _seed_sets(design, exact, 0)
    claimed = replicate_uncertainty(design, runs, common=True, resamples=100)
    again = [sobol_indices(design, _seed_sets(design, exact, k).mean(1))[0] for k in range(1, 31)]
    for index in ("S1", "ST"):
        real = 1.96 * np.std([t[index] for t in again], axis=0, ddof=1)
        ratio = claimed[f"{index}_conf_replicates"] / real
        if index == "ST":  # the inert factor's ST hardly moves between seed sets: below
            ratio = ratio[:3]
        assert ((ratio > 0.4) & (ratio < 2)).all(), (index, ratio.tolist())
    assert claimed["ST_conf_replicates"].iloc[3] < 0.01, claimed


@pytest.mark.parametrize("common", [False, True])
def test_a_run_that_is_not_finite_is_left_out_and_said(common, tmp_path):
    design = make_design("sobol", ISHIGAMI, n=64, second_order=False, seed=4)
    rng = np.random.default_rng(0)
    noisy = ishigami(design.points)[:, None] + rng.normal(0, 3.0, size=(design.size, 4))
    write_results(tmp_path / "clean", design, noisy, replicates=4, common=common)
    noisy[17, 2] = np.nan
    write_results(tmp_path / "one_nan", design, noisy, replicates=4, common=common)
    clean, holed = (analyse(tmp_path / n, "y") for n in ("clean", "one_nan"))
    width = holed.table["ST_conf_replicates"]
    assert (width > 0).all(), "the noise is still in the intervals"
    if not common:
        assert np.allclose(width, clean.table["ST_conf_replicates"], rtol=0.35)
    note = next(n for n in holed.notes if "no finite value" in n)
    assert note.startswith(f"1 of {noisy.size} runs (1 of {design.size} design points)")
    assert not any("no finite value" in n for n in clean.notes)
    if common:  # the seed is dropped at every point, not at point 17 alone
        assert "use 3 of the 4 seeds" in note
        kept = noisy[:, [0, 1, 3]]
        assert np.allclose(holed.table["ST"], sobol_indices(design, kept.mean(axis=1))[0]["ST"])
        seeds = replicate_uncertainty(design, kept, seed=4, common=True)
        assert np.allclose(width, seeds["ST_conf_replicates"])
    else:
        assert "within each point" in note


def test_the_noise_floor_is_the_bias_an_inert_factor_shows_in_its_total_index(tmp_path):
    design = make_design("sobol", WITH_DUMMY, n=64, second_order=False, seed=1)
    exact = ishigami(design.points)
    floors, dummy = [], []
    for k in range(8):
        runs = exact[:, None] + np.random.default_rng(k).normal(0, 2.0, (design.size, 4))
        floors.append(noise_floor(runs))
        dummy.append(sobol_indices(design, runs.mean(axis=1))[0]["ST"].iloc[-1])
        # a seed effect shared by all points under common random numbers changes nothing
        shared = runs + np.random.default_rng(k + 100).normal(0, 5.0, 4)
        assert noise_floor(shared, common=True) == pytest.approx(floors[-1], rel=0.1)
    true = 1.0 / (np.var(exact) + 1.0)  # sigma^2 / r over the variance of the means
    assert np.mean(floors) == pytest.approx(true, rel=0.1)
    assert np.mean(dummy) == pytest.approx(np.mean(floors), rel=0.35), "no effect, yet ST > 0"
    write_results(tmp_path / "noisy", design, runs, replicates=4)
    analysis = analyse(tmp_path / "noisy", "y")
    assert analysis.noise_floor == pytest.approx(floors[-1])
    assert any(n.startswith("noise floor of the total indices") for n in analysis.notes)
