"""The time a sweep's plan announces: the model's measured costs added up over its ensembles."""

from __future__ import annotations

import pytest

from analysis.experiments.sweeps.estimate import Costs, duration_text, estimated_seconds, probe
from analysis.experiments.sweeps.spec import Sweep


def test_each_ensemble_is_counted_once_and_each_student_year_once(tiny_sweep):
    # 2 sizes x 2 structures: a size's two structures share an ensemble, the two
    # sizes cannot, so 2 ensembles of 1 year
    sweep = Sweep.from_dict(tiny_sweep())
    per_ensemble_year = Costs(
        year_fixed=1.0, year_per_student=0.0, build_fixed=0.0, build_per_student=0.0
    )
    assert estimated_seconds(sweep, 2, per_ensemble_year) == pytest.approx(2 / 2)
    per_student_year = Costs(0.0, 1.0, 0.0, 0.0)
    assert estimated_seconds(sweep, 1, per_student_year) == pytest.approx(2 * (60 + 120) * 2)
    longer = Sweep.from_dict(tiny_sweep(years=3))
    assert estimated_seconds(longer, 1, per_student_year) == pytest.approx(3 * 720)
    per_build = Costs(0.0, 0.0, 0.0, 1.0)
    assert estimated_seconds(longer, 1, per_build) == pytest.approx(720), "built once"


def test_runs_are_counted_in_the_ensembles_the_sweep_runs_them_in(tiny_sweep):
    few = Sweep.from_dict(tiny_sweep(replicates=2, factors={"mastery_rate": [0.1, 0.2]}))
    many = Sweep.from_dict(tiny_sweep(replicates=64, factors={"mastery_rate": [0.1, 0.2]}))
    fixed = Costs(1.0, 0.0, 0.0, 0.0)
    # 4 runs fit one ensemble; 128 runs need 4 ensembles of 32
    assert estimated_seconds(few, 1, fixed) == pytest.approx(1.0)
    assert estimated_seconds(many, 1, fixed) == pytest.approx(4.0)


def test_the_probe_measures_positive_costs():
    costs = probe()
    assert costs.year_per_student > 0 and costs.build_per_student >= 0
    assert costs.year_fixed >= 0 and costs.build_fixed >= 0


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0.2, "about 1 s"), (40, "about 40 s"), (600, "about 10 min"), (4 * 3600, "about 4.0 h")],
)
def test_durations_read_as_a_person_says_them(seconds, text):
    assert duration_text(seconds) == text
