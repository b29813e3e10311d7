"""Designs: sizes, bounds and structure of factorial, LHS, Sobol and Morris designs; seeds."""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path

import numpy as np
import pytest

from analysis.experiments.sweeps import Factor, Sweep, make_design, run_seed
from simulation import Parameters

UNIFORM = [
    Factor("a", low=0.0, high=1.0),
    Factor("b", low=-2.0, high=3.0),
    Factor("c", low=10.0, high=20.0),
]


def test_factorial_crosses_every_level_of_every_factor_once():
    factors = [
        Factor("n", levels=(300, 900, 2400)),
        Factor("s", levels=("plc", "houses")),
        Factor("m", low=0.0, high=1.0, steps=5),
    ]
    design = make_design("factorial", factors)
    assert design.size == 3 * 2 * 5
    cells = set(map(tuple, design.points[["n", "s", "m"]].itertuples(index=False)))
    assert cells == set(
        itertools.product((300, 900, 2400), ("plc", "houses"), (0.0, 0.25, 0.5, 0.75, 1.0))
    )
    assert list(design.points.index) == list(range(design.size))


def test_latin_hypercube_puts_one_point_in_every_stratum_of_every_factor():
    samples = 40
    design = make_design("lhs", UNIFORM, samples=samples, seed=3)
    assert design.size == samples
    unit = design.unit()
    for j in range(unit.shape[1]):
        strata = np.floor(unit[:, j] * samples).astype(int)
        assert sorted(strata) == list(range(samples))
    for factor in UNIFORM:
        values = design.points[factor.name]
        assert values.min() >= factor.low and values.max() <= factor.high


@pytest.mark.parametrize("second_order, per_n", [(True, 2 * 3 + 2), (False, 3 + 2)])
def test_sobol_design_has_saltelli_size_and_structure(second_order, per_n):
    n = 64
    design = make_design("sobol", UNIFORM, n=n, second_order=second_order, seed=1)
    assert design.size == n * per_n
    unit = design.unit().reshape(n, per_n, 3)
    a, b = unit[:, 0], unit[:, -1]
    for j in range(3):  # AB_j is A with column j taken from B
        ab = unit[:, 1 + j]
        assert np.array_equal(ab[:, j], b[:, j])
        others = [k for k in range(3) if k != j]
        assert np.array_equal(ab[:, others], a[:, others])
    assert ((unit >= 0) & (unit <= 1)).all()
    for factor in UNIFORM:
        values = design.points[factor.name]
        assert values.min() >= factor.low and values.max() <= factor.high


def test_morris_trajectories_move_one_factor_at_a_time_by_delta():
    trajectories, levels, k = 12, 4, 3
    design = make_design("morris", UNIFORM, trajectories=trajectories, levels=levels, seed=2)
    assert design.size == trajectories * (k + 1)
    unit = design.unit()
    grid = np.arange(levels) / (levels - 1)
    assert np.isin(np.round(unit, 12), np.round(grid, 12)).all()
    delta = levels / (2 * (levels - 1))
    for t in range(trajectories):
        block = unit[t * (k + 1) : (t + 1) * (k + 1)]
        steps = np.diff(block, axis=0)
        moved = np.abs(steps) > 1e-12
        assert (moved.sum(axis=1) == 1).all()  # one factor per step
        assert sorted(np.argmax(moved, axis=1)) == list(range(k))  # each factor once
        assert np.allclose(np.abs(steps[moved]), delta)


def test_distributions_keep_their_range_and_shape():
    u = (np.arange(2000) + 0.5) / 2000
    log = Factor("x", low=1.0, high=100.0, distribution="loguniform").from_unit(u)
    assert min(log) >= 1 and max(log) <= 100
    assert math.isclose(np.median(log), 10.0, rel_tol=0.01)
    normal = Factor("x", low=0.0, high=1.0, distribution="normal", mean=0.3, sd=0.1)
    values = np.array(normal.from_unit(u))
    assert values.min() >= 0 and values.max() <= 1
    assert abs(values.mean() - 0.3) < 0.01 and abs(values.std() - 0.1) < 0.01
    tri = np.array(Factor("x", low=0.0, high=1.0, distribution="triangular", mode=1.0).from_unit(u))
    assert abs(tri.mean() - 2 / 3) < 0.01
    whole = Factor("x", low=300, high=2400, integer=True).from_unit(u)
    assert all(isinstance(v, int) for v in whole) and min(whole) == 300 and max(whole) == 2400
    levels = Factor("x", levels=("a", "b", "c", "d")).from_unit(u)
    assert [levels.count(v) for v in "abcd"] == [500] * 4


@pytest.mark.parametrize(
    "design, points",
    [
        ({"type": "factorial"}, 4),
        ({"type": "lhs", "samples": 17}, 17),
        ({"type": "sobol", "n": 8, "second_order": False}, 8 * (2 + 2)),
        ({"type": "sobol", "n": 8}, 8 * (2 * 2 + 2)),
        ({"type": "morris", "trajectories": 5}, 5 * 3),
    ],
)
def test_a_sweep_has_points_times_replicates_runs(tiny_sweep, design, points):
    factors = (
        {"n_students": [60, 120], "structure": ["departments", "plc"]}
        if design["type"] == "factorial"
        else {"mastery_rate": {"range": [0.1, 0.4]}, "n_students": {"range": [60, 200]}}
    )
    sweep = Sweep.from_dict(tiny_sweep(design=design, factors=factors, replicates=3))
    built = sweep.design()
    assert built.size == sweep.points == points
    assert sweep.runs == 3 * points
    if design["type"] != "factorial":
        assert built.points["n_students"].between(60, 200).all()
        assert built.points["mastery_rate"].between(0.1, 0.4).all()
        assert all(isinstance(v, int) for v in built.points["n_students"])


def test_designs_are_the_same_every_time_for_the_same_seed(tiny_sweep):
    document = tiny_sweep(
        design={"type": "sobol", "n": 8},
        factors={"mastery_rate": {"range": [0.1, 0.4]}, "vicarious_rate": {"range": [0.0, 0.3]}},
    )
    first = Sweep.from_dict(document).design().points
    again = Sweep.from_dict(document).design().points
    other = Sweep.from_dict({**document, "seed": 12}).design().points
    assert first.equals(again)
    assert not first.equals(other)


def test_run_seeds_differ_by_point_and_replicate_and_are_shared_with_common_numbers():
    seeds = {run_seed(5, p, r) for p in range(50) for r in range(4)}
    assert len(seeds) == 200
    assert all(0 <= s < 2**63 for s in seeds)
    assert run_seed(5, 3, 1) == run_seed(5, 3, 1) != run_seed(6, 3, 1)
    assert run_seed(5, 3, 1, common=True) == run_seed(5, 40, 1, common=True)
    assert run_seed(5, 3, 1, common=True) != run_seed(5, 3, 2, common=True)


def test_the_defaults_quoted_in_the_built_in_sweep_files_are_the_models():
    defaults = Parameters()
    quoted = 0
    for path in (Path(__file__).parents[1] / "scenarios" / "sweeps").glob("*.toml"):
        for line in path.read_text().splitlines():
            found = re.match(r"(\w+) = \{.*\}\s*# default ([\d.]+)", line)
            if found:
                name, value = found.groups()
                assert float(value) == getattr(defaults, name), f"{path.name}: {name}"
                quoted += 1
    assert quoted >= 8
