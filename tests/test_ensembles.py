"""Ensembles: many schools in one set of arrays give what each school gives alone.

``SchoolEnsemble`` replicate r must equal ``SchoolModel(..., rng=seeds[r])``
bit for bit (not merely to a tolerance): every recorded outcome at every
recorded week, the annual results, and everything the engine measures.
"""

from __future__ import annotations

import copy
import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties import parameter_sets

from analysis.experiments.engines import run_all
from analysis.experiments.replicates import run_many, scenario_runs
from analysis.experiments.runs import ENSEMBLE_SIZE, Run, batches, ensembles
from analysis.experiments.sweeps.api import run_sweep
from scenarios import load
from simulation import OUTCOMES, Intervention, Parameters, SchoolEnsemble, SchoolModel, state
from simulation.classes import course_sums
from simulation.ensemble import VARYING
from simulation.errors import ParameterError
from simulation.parameters import STRUCTURES, WEEKS_PER_YEAR
from simulation.processes import teaching, turnover


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def _assert_replicates_match(ensemble: SchoolEnsemble, kwargs: dict, years: int) -> None:
    for r, seed in enumerate(ensemble.seeds):
        alone = SchoolModel(**kwargs, rng=seed, record_every=ensemble.record_every)
        alone.run(years)
        columns = alone.datacollector.model_vars
        together = ensemble.recorded_columns(r)
        assert list(together) == list(OUTCOMES)
        for name in OUTCOMES:
            assert len(columns[name]) == len(together[name])
            differ = [
                i
                for i, (a, b) in enumerate(zip(columns[name], together[name], strict=True))
                if not _same(a, b)
            ]
            assert not differ, f"replicate {r} (seed {seed}), {name}, rows {differ[:5]}"
        pd.testing.assert_frame_equal(
            pd.DataFrame(alone.annual_results),
            pd.DataFrame(ensemble.annual_results[r]),
            check_exact=True,
        )


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=parameter_sets(),
    seeds=st.lists(st.integers(0, 2**31 - 1), min_size=2, max_size=4, unique=True),
    years=st.integers(1, 2),
    record_every=st.sampled_from([1, 4, 36]),
)
def test_every_replicate_of_an_ensemble_equals_its_own_model_bit_for_bit(
    values, seeds, years, record_every
):
    ensemble = SchoolEnsemble(seeds, **values, record_every=record_every)
    ensemble.run(years)
    _assert_replicates_match(ensemble, values, years)


@pytest.mark.parametrize("structure", [s for s in STRUCTURES if s != "custom"])
def test_each_structure_at_a_realistic_size_matches_over_three_years(structure):
    kwargs = {"n_students": 700, "structure": structure}
    ensemble = SchoolEnsemble([3, 17, 4242], **kwargs)
    ensemble.run(3)
    _assert_replicates_match(ensemble, kwargs, 3)


def test_interventions_and_restructuring_reach_every_replicate_as_they_reach_one_model():
    plan = [
        Intervention(year=1, week=20, changes={"coaches": 2, "support_model": "coaching"}),
        Intervention(year=2, week=4, changes={"structure": "plc"}),
    ]
    kwargs = {"n_students": 500, "structure": "departments", "interventions": plan}
    ensemble = SchoolEnsemble([5, 6], **kwargs)
    ensemble.run(2)
    _assert_replicates_match(ensemble, kwargs, 2)


def test_a_replicate_does_not_depend_on_the_other_schools_in_its_ensemble():
    few = SchoolEnsemble([11, 12], n_students=400, structure="plc")
    many = SchoolEnsemble([99, 12, 7, 11], n_students=400, structure="plc")
    few.run(2)
    many.run(2)
    pd.testing.assert_frame_equal(few.recorded(1), many.recorded(1), check_exact=True)
    pd.testing.assert_frame_equal(few.recorded(0), many.recorded(3), check_exact=True)


# ---------------------------------------------------------------------------
# the engine: ensembles on or off give the same tables
# ---------------------------------------------------------------------------


def _runs() -> list[Run]:
    return [
        Run("e", structure, r, 1000 + r, {"n_students": 300, "structure": structure}, 2)
        for structure in ("plc", "departments")
        for r in range(3)
    ]


def test_the_engine_gives_the_same_results_with_ensembles_on_and_off():
    runs = _runs()
    together = run_all(runs)
    with ensembles(False):
        alone = run_all(runs, workers=2)
    for a, b in zip(together, alone, strict=True):
        pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_runs_are_grouped_by_what_they_share_in_blocks_fixed_by_the_runs_alone():
    runs = [Run("e", "a", r, r, {"n_students": 300}, 1) for r in range(ENSEMBLE_SIZE + 5)]
    runs.insert(3, Run("e", "b", 0, 7, {"n_students": 400}, 1))
    groups = batches(runs)
    assert sorted(i for group in groups for i in group) == list(range(len(runs)))
    # 37 runs that share a key: the fewest parts of at most ENSEMBLE_SIZE, sizes within one
    parts = -(-(ENSEMBLE_SIZE + 5) // ENSEMBLE_SIZE)
    shared = [len(g) for g in groups[:parts]]
    assert sum(shared) == ENSEMBLE_SIZE + 5 and max(shared) <= ENSEMBLE_SIZE
    assert max(shared) - min(shared) <= 1 and [len(g) for g in groups[parts:]] == [1]
    assert groups[0] == sorted(groups[0]) and groups[0][-1] < groups[1][0]  # in run order
    for group in groups:
        assert len({runs[i].parameters["n_students"] for i in group}) == 1
    assert batches(runs, False) == [[i] for i in range(len(runs))]


def test_runs_with_leader_rules_or_a_per_model_measure_run_one_by_one():
    scenario = load("turnaround").for_run(replicates=3)
    ruled = scenario_runs(scenario)
    assert all(len(group) == 1 for group in batches(ruled)) == bool(scenario.rules)
    custom = [
        Run("e", "a", r, r, {"n_students": 300}, 1, measure=_mean_self_efficacy) for r in range(3)
    ]
    assert batches(custom) == [[0], [1], [2]]


def _mean_self_efficacy(model: SchoolModel, run: Run) -> float:
    model.run(run.years)
    return float(np.mean(model.teachers.self_efficacy))


def test_scenario_replicates_give_the_same_tables_as_an_ensemble_and_one_by_one():
    planned = [load(name).for_run(replicates=3, years=2) for name in ("plc", "small_school")]
    together = run_many(planned)
    with ensembles(False):
        alone = run_many(planned)
    for a, b in zip(together, alone, strict=True):
        pd.testing.assert_frame_equal(a.trajectories, b.trajectories, check_exact=True)
        pd.testing.assert_frame_equal(a.summary, b.summary, check_exact=True)


def test_a_sweep_gives_the_same_runs_with_ensembles_on_and_off(tmp_path):
    sweep = tmp_path / "s.toml"
    sweep.write_text(
        'name = "tiny"\nscenario = "departments"\nyears = 1\nreplicates = 3\n'
        'seed = 5\noutcomes = ["annual_gain", "self_efficacy_tses"]\n'
        '[design]\ntype = "factorial"\n'
        '[factors]\nn_students = [200, 300]\nstructure = ["plc", "houses"]\n'
    )
    together = run_sweep(sweep, workers=0)
    alone = run_sweep(sweep, workers=2, ensemble=False)
    pd.testing.assert_frame_equal(together, alone, check_exact=True)


# ---------------------------------------------------------------------------
# schools that differ in their parameters, not only their seeds
# ---------------------------------------------------------------------------


@st.composite
def varied_ensembles(draw):
    """A random shared design, and per-school values of some parameters that may differ."""
    shared = draw(parameter_sets())
    names = draw(
        st.lists(
            st.sampled_from(sorted(VARYING - set(shared))), min_size=1, max_size=6, unique=True
        )
    )
    schools = draw(st.integers(2, 3))
    values = {}
    for name in names:
        spec = Parameters.spec(name)
        values[name] = draw(
            st.lists(
                st.floats(spec.low, min(spec.high, spec.low + 100), allow_nan=False),
                min_size=schools,
                max_size=schools,
            )
        )
    # what lasts cannot exceed what a year leaves
    default = Parameters()
    one_year = values.get(
        "persistence_one_year",
        [shared.get("persistence_one_year", default.persistence_one_year)] * schools,
    )
    if "persistence_long_run" in values:
        pairs = zip(values["persistence_long_run"], one_year, strict=True)
        values["persistence_long_run"] = [min(a, b) for a, b in pairs]
    elif "persistence_one_year" in values:
        long_run = shared.get("persistence_long_run", default.persistence_long_run)
        values["persistence_one_year"] = [max(v, long_run) for v in one_year]
    seeds = draw(st.lists(st.integers(0, 2**31 - 1), min_size=schools, max_size=schools))
    return shared, values, seeds


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(design=varied_ensembles(), years=st.integers(1, 2))
def test_schools_that_differ_in_parameters_each_equal_their_own_model(design, years):
    shared, values, seeds = design
    ensemble = SchoolEnsemble(seeds, **shared, varying=values)
    ensemble.run(years)
    for r, seed in enumerate(seeds):
        own = {**shared, **{name: v[r] for name, v in values.items()}}
        alone = SchoolModel(**own, rng=seed, record_every=ensemble.record_every)
        alone.run(years)
        together = ensemble.recorded_columns(r)
        for name in OUTCOMES:
            differ = [
                i
                for i, (a, b) in enumerate(
                    zip(alone.datacollector.model_vars[name], together[name], strict=True)
                )
                if not _same(a, b)
            ]
            assert not differ, f"school {r}: {name} differs at rows {differ[:5]} ({values})"


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("student_noise", [0.0, 0.5, 1.4]),  # a school without noise draws none
        ("peer_effect", [0.3, 0.0, 0.1]),  # nor reads its classmates
        ("out_of_field_penalty", [0.0, 0.08, 0.4]),
        ("persistence_one_year", [0.25, 0.6, 1.0]),
        ("mastery_sensitivity", [0.05, 0.15, 1.5]),
    ],
)
@pytest.mark.parametrize("structure", ["departments", "houses"])
def test_parameters_read_on_students_pairs_ties_and_teams_may_differ(name, values, structure):
    # read per (student, course), per student, per tie or per team, not per teacher
    shared = {"n_students": 260, "structure": structure}
    ensemble = SchoolEnsemble([5, 6, 7], **shared, varying={name: values})
    ensemble.run(2)
    for r, seed in enumerate(ensemble.seeds):
        alone = SchoolModel(**shared, **{name: values[r]}, rng=seed, record_every=36)
        alone.run(2)
        together = ensemble.recorded_columns(r)
        for outcome in OUTCOMES:
            pairs = zip(alone.datacollector.model_vars[outcome], together[outcome], strict=True)
            assert all(_same(a, b) for a, b in pairs), (name, r, outcome)


LEVERS_AND_WEIGHTS = {
    # collaboration time weighs the team ties; attention sets who the leader
    # reaches (here also more than the staff), confidence what the leader
    # voices (here also below the typical level)
    "leader": {
        "collaboration_minutes": [0.0, 45.5, 180.0],
        "leader_attention": [0.5, 7.0, 80.0],
        "leader_confidence": [-0.2, 0.0, 0.5],
    },
    # read per student: lasting growth, the proficiency cut, what lasts of teaching
    "students": {
        "baseline_growth": [0.0, 0.4, 0.7],
        "ses_growth": [0.0, 0.05, 0.2],
        "proficiency_cut": [-1.0, 0.0, 0.6],
        "persistence_long_run": [0.0, 0.1, 0.3],
    },
    # read per kind of student, per tie, per tie under self-evaluation
    "seeing": {
        "unknown_support": [0.0, 0.3, 1.0],
        "individuation": [0.0, 0.5, 0.5],
        "similarity_scale": [1.0, 5.0, 30.0],
        "cross_subject_similarity": [0.0, 0.4, 1.0],
        "self_evaluation_visibility": [0.0, 0.5, 1.0],
        "shared_students_full": [0.05, 0.25, 1.0],
    },
}


@pytest.mark.parametrize("noise", [True, False])
@pytest.mark.parametrize("group", sorted(LEVERS_AND_WEIGHTS))
def test_levers_that_are_amounts_and_weights_of_what_is_seen_may_differ(group, noise):
    shared = {"n_students": 260, "structure": "plc", "noise": noise, "self_evaluation": True}
    values = LEVERS_AND_WEIGHTS[group]
    ensemble = SchoolEnsemble([5, 6, 7], **shared, varying=values)
    ensemble.run(2)
    for r, seed in enumerate(ensemble.seeds):
        own = {name: v[r] for name, v in values.items()}
        alone = SchoolModel(**shared, **own, rng=seed, record_every=36)
        alone.run(2)
        together = ensemble.recorded_columns(r)
        for outcome in OUTCOMES:
            pairs = zip(alone.datacollector.model_vars[outcome], together[outcome], strict=True)
            assert all(_same(a, b) for a, b in pairs), (r, outcome)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n_students=st.integers(20, 320),
    structures=st.lists(
        st.sampled_from([s for s in STRUCTURES if s != "custom"]), min_size=2, max_size=4
    ),
    noise=st.booleans(),
    first_seed=st.integers(0, 2**31 - 1),
)
def test_schools_of_different_structures_each_equal_their_own_model(
    n_students, structures, noise, first_seed
):
    # each school draws its own network, teams and houses (a different number of
    # houses in each), and a restructuring lever later re-deals them all
    seeds = [first_seed + k for k in range(len(structures))]
    shared = {"n_students": n_students, "noise": noise}
    plan = [Intervention(year=1, week=20, changes={"house_assignment": "choice"})]
    ensemble = SchoolEnsemble(
        seeds, **shared, interventions=plan, varying={"structure": structures}
    )
    ensemble.run(2)
    for r, seed in enumerate(seeds):
        alone = SchoolModel(
            **shared, structure=structures[r], interventions=plan, rng=seed, record_every=36
        )
        alone.run(2)
        together = ensemble.recorded_columns(r)
        for outcome in OUTCOMES:
            pairs = zip(alone.datacollector.model_vars[outcome], together[outcome], strict=True)
            assert all(_same(a, b) for a, b in pairs), (structures, r, outcome)


def test_a_custom_network_cannot_be_one_structure_among_others():
    with pytest.raises(ParameterError, match="custom"):
        SchoolEnsemble([1, 2], n_students=200, varying={"structure": ["plc", "custom"]})
    with pytest.raises(ParameterError, match="custom"):  # values by position, not label
        SchoolEnsemble([1, 2], n_students=200, varying={"structure": pd.Series(["custom", "plc"])})


def test_custom_runs_join_no_ensemble_of_other_structures():
    custom = Run("e", "a", 0, 1, {"n_students": 240, "structure": "custom"}, 1)
    plc = Run("e", "a", 1, 2, {"n_students": 240, "structure": "plc"}, 1)
    houses = Run("e", "a", 2, 3, {"n_students": 240, "structure": "houses"}, 1)
    assert sorted(batches([custom, plc, houses])) == [[0], [1, 2]]


def test_rules_between_parameters_are_checked_on_the_schools_that_exist():
    # what lasts (varying) under a low one-year persistence (shared): each school
    # is valid, though the default long-run persistence would break the rule
    shared = {"n_students": 200, "persistence_one_year": 0.1}
    values = {"persistence_long_run": [0.05, 0.08]}
    ensemble = SchoolEnsemble([1, 2], **shared, varying=values)
    ensemble.run(1)
    alone = SchoolModel(**shared, persistence_long_run=0.08, rng=2, record_every=36)
    alone.run(1)
    assert (
        ensemble.recorded_columns(1)["achievement"] == alone.datacollector.model_vars["achievement"]
    )
    with pytest.raises(ParameterError, match="persistence_long_run"):
        SchoolEnsemble([1, 2], **shared, varying={"persistence_long_run": [0.05, 0.5]})


def test_a_parameter_that_may_not_differ_is_refused_naming_those_that_may():
    with pytest.raises(ParameterError, match=r"cannot differ.*mastery_rate"):
        SchoolEnsemble([1, 2], n_students=200, varying={"n_teachers_typo": [1, 2]})
    with pytest.raises(ParameterError, match="cannot differ"):
        SchoolEnsemble([1, 2], n_students=200, varying={"coaches": [1, 2]})
    with pytest.raises(ParameterError, match="2 schools"):
        SchoolEnsemble([1, 2], n_students=200, varying={"mastery_rate": [0.1]})
    with pytest.raises(ParameterError, match="mastery_rate"):
        SchoolEnsemble([1, 2], n_students=200, varying={"mastery_rate": [0.1, -5.0]})


def test_a_sweep_cuts_a_points_replicates_into_even_ensembles(tmp_path):
    from analysis.experiments.sweeps.api import tasks_for
    from analysis.experiments.sweeps.spec import load_sweep

    sweep = tmp_path / "many.toml"
    sweep.write_text(
        'scenario = "plc"\nyears = 1\nreplicates = 40\noutcomes = ["annual_gain"]\n'
        '[design]\ntype = "factorial"\n[factors]\nstructure = ["plc", "houses"]\n'
    )
    spec = load_sweep(sweep)
    tasks = list(tasks_for(spec, spec.design(), set(), 1, False))
    assert [task.runs for task in tasks] == [20, 20, 20, 20]
    done = {(0, r) for r in range(25)}  # resuming: point 0's 15 missing runs in one
    tasks = list(tasks_for(spec, spec.design(), done, 1, False))
    assert [task.runs for task in tasks] == [15, 20, 20]
    assert tasks[0].jobs[0].replicates == tuple(range(25, 40))


def test_a_lever_sweep_runs_its_points_together_and_gives_the_same_runs(tmp_path):
    sweep = tmp_path / "levers.toml"
    sweep.write_text(
        'name = "levers"\nscenario = "plc"\nyears = 1\nreplicates = 2\n'
        'seed = 9\noutcomes = ["annual_gain", "collective_efficacy"]\n'
        "[parameters]\nn_students = 200\n"
        '[design]\ntype = "factorial"\n'
        "[factors]\nmastery_rate = [0.1, 0.3]\npersuasion_rate = [0.0, 0.02]\n"
    )
    from analysis.experiments.sweeps.api import tasks_for
    from analysis.experiments.sweeps.spec import load_sweep

    spec = load_sweep(sweep)
    tasks = list(tasks_for(spec, spec.design(), set(), 1, False))
    assert [task.runs for task in tasks] == [8], "four points x two replicates, one ensemble"
    together = run_sweep(sweep, workers=0)
    alone = run_sweep(sweep, workers=2, ensemble=False)
    pd.testing.assert_frame_equal(together, alone, check_exact=True)


def test_a_design_of_many_kinds_hands_out_its_first_ensembles_at_once(tmp_path):
    # a count drawn from many levels makes many kinds: only a few stay open,
    # so the first task comes after a few points, not after the whole design
    from analysis.experiments.sweeps.api import OPEN_KINDS, tasks_for
    from analysis.experiments.sweeps.spec import load_sweep

    sweep = tmp_path / "kinds.toml"
    levels = list(range(2, 2 * OPEN_KINDS + 6))
    sweep.write_text(
        'scenario = "departments"\nyears = 1\nreplicates = 3\noutcomes = ["annual_gain"]\n'
        '[design]\ntype = "lhs"\nsamples = 120\n'
        f"[factors]\ncoaches = {levels}\nmastery_rate = {{ range = [0.1, 0.4] }}\n"
    )
    spec = load_sweep(sweep)
    design = spec.design()
    read: list[int] = []

    class Counted:
        size = design.size

        def values(self, point):
            read.append(point)
            return design.values(point)

    tasks = tasks_for(spec, Counted(), set(), 1, False)
    first = next(tasks)
    coaches = design.columns["coaches"]
    assert len({coaches[p] for p in read}) == OPEN_KINDS + 1
    every = [first, *tasks]
    assert len(read) == design.size
    runs = [(job.point, r) for task in every for job in task.jobs for r in job.replicates]
    assert sorted(runs) == [(p, r) for p in range(design.size) for r in range(3)]
    for task in every:
        assert len({coaches[job.point] for job in task.jobs}) == 1


def test_a_sampled_design_runs_the_points_of_each_kind_together_wherever_they_fall(tmp_path):
    # a switch-like lever drawn at random interleaves its levels; each level's
    # points still share ensembles, while amounts and structures vary within them
    sweep = tmp_path / "mixed.toml"
    sweep.write_text(
        'name = "mixed"\nscenario = "departments"\nyears = 1\nreplicates = 3\n'
        'seed = 4\noutcomes = ["annual_gain", "collective_efficacy"]\n'
        "[parameters]\nn_students = 200\n"
        '[design]\ntype = "lhs"\nsamples = 24\n'
        "[factors]\ncollaboration_minutes = { range = [0, 180] }\n"
        'leader_confidence = { range = [-0.3, 0.5] }\nstructure = ["plc", "houses"]\n'
        'support_model = ["none", "coaching"]\n'
    )
    from analysis.experiments.sweeps.api import tasks_for
    from analysis.experiments.sweeps.spec import load_sweep

    spec = load_sweep(sweep)
    design = spec.design()
    tasks = list(tasks_for(spec, design, set(), 1, False))
    support = design.columns["support_model"].tolist()
    for task in tasks:
        assert len({support[job.point] for job in task.jobs}) == 1
    assert sum(task.runs for task in tasks) == 72
    assert len(tasks) == 4, [task.runs for task in tasks]  # 72 runs, 2 kinds: 30+6 each
    together = run_sweep(sweep, workers=0)
    alone = run_sweep(sweep, workers=2, ensemble=False)
    pd.testing.assert_frame_equal(together, alone, check_exact=True)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.integers(0, 50),
    courses=st.integers(1, 12),
    seed=st.integers(0, 2**32 - 1),
    spread=st.floats(0.0, 30.0),
)
def test_course_sums_are_numpys_row_sums_to_the_bit(rows, courses, seed, spread):
    # the kernel's fast row sums must not change a single result
    rng = np.random.default_rng(seed)
    values = rng.standard_normal((rows, courses)) * np.exp(spread * rng.standard_normal((rows, 1)))
    assert course_sums(values).tobytes() == values.sum(axis=1).tobytes()
    by_course = np.ascontiguousarray(values.T)  # how Classes gathers: a row per course
    assert course_sums(by_course.T).tobytes() == values.sum(axis=1).tobytes()


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), spread=st.floats(0.0, 30.0))
def test_sums_over_disadvantaged_pairs_are_the_masked_sums_to_the_bit(seed, spread):
    school = SchoolEnsemble(seeds=[seed % 7, 1], n_students=200).school
    classes, students = school.situation.classes, school.students
    rng = np.random.default_rng(seed)
    values = rng.standard_normal(classes.teacher.size) * np.exp(spread * rng.standard_normal())
    disadvantaged = np.repeat(students.disadvantaged, classes.n_courses).astype(float)
    masked = classes.sum_over_pairs(values * disadvantaged)
    assert classes.sum_over_disadvantaged_pairs(values).tobytes() == masked.tobytes()
    assert np.array_equal(classes.n_disadvantaged, classes.sum_over_pairs(disadvantaged))


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    subjects=st.sampled_from([(2, 3, 4, 3, 3, 4), (1, 1, 1), (1,) * 9, (3,)]),
    fraction=st.floats(0.0, 1.0),
    spread=st.floats(0.0, 30.0),
)
def test_classes_read_a_row_per_course_as_the_pairs_in_student_order_give(
    seed, subjects, fraction, spread
):
    # Classes gathers a row per course; every sum must be what the pairs in
    # student order give, to the bit
    school = SchoolEnsemble(
        seeds=[seed % 7, 1], n_students=200, structure="houses", specialisms_per_subject=subjects
    ).school
    classes, students, p = school.situation.classes, school.students, school.params
    # its own arrays: the next summer reassigns the students' teachers in place
    assert not np.shares_memory(classes.teacher, students.assign)
    assert not np.shares_memory(classes.teacher_by_course, students.assign)
    classes.see(students, p, fraction, school._grade_group())
    courses, kinds = classes.n_courses, teaching.KINDS
    kind = 4 * students.known + 2 * students.disadvantaged[:, None] + classes.struggling[:, None]
    index = classes.teacher * kinds + kind.ravel()
    assert np.array_equal(classes.index.T.ravel(), index)
    counts = np.bincount(index, minlength=classes.n_teachers * kinds)
    assert np.array_equal(classes.kind_counts.ravel(), counts)
    peer_mean = classes.peer[classes.teacher].reshape(-1, courses).sum(axis=1) * (1.0 / courses)
    assert classes.peer_mean.tobytes() == peer_mean.tobytes()
    rng = np.random.default_rng(seed)
    table = rng.standard_normal((classes.n_teachers, kinds)) * np.exp(spread * rng.normal())
    mean = table.ravel()[index].reshape(-1, courses).sum(axis=1) * (1.0 / courses)
    assert classes.effect_per_student(table).tobytes() == (mean + classes.extra_mean).tobytes()
    induced = (mean + 5 * classes.extra_mean) * (1.0 / WEEKS_PER_YEAR)
    assert classes.induced(table, 5).tobytes() == induced.tobytes()


@pytest.mark.parametrize("noise", [[0.1, 0.0, 0.2], [0.0, 0.0, 0.0], [0.3, 0.3, 0.3]])
def test_learning_noise_is_each_schools_draws_in_turn(noise):
    # drawn into one array: the numbers each school's own model would draw
    varying = {"student_noise": noise}
    school = SchoolEnsemble(seeds=[1, 2, 3], n_students=200, varying=varying).school
    courses = school.situation.classes.n_courses
    streams = [copy.deepcopy(rng) for rng in school.rngs]
    expected = np.concatenate(
        [
            rng.standard_normal(200 * courses) if on else np.zeros(200 * courses)
            for rng, on in zip(streams, noise, strict=True)
        ]
    )
    assert school._learning_noise(courses).tobytes() == expected.tobytes()
    assert all(a.random() == b.random() for a, b in zip(school.rngs, streams, strict=True))


def _roll_over_school_by_school(students, leaving, p, rngs, n_per_school):
    """The summer's roll-over as each school once made it on a copy of its own rows."""
    per_school = students.n // len(rngs)
    for r, rng in enumerate(rngs):
        ss, shift = slice(r * per_school, (r + 1) * per_school), r * n_per_school
        s = students.take(ss, shift)
        top = s.grade == p.grades - 1
        s.previous[:] = np.where(top[:, None], -1, s.assign)
        s.grade[~top] += 1
        if top.any():
            ses, achievement = state.new_cohort(int(top.sum()), 0, p, rng)
            s.ses[top], s.achievement[top], s.prior[top] = ses, achievement, achievement
            s.grade[top] = 0
            s.fresh[top] = 0.0
            s.fading[top] = 0.0
            s.disadvantaged[:] = s.ses < state.DISADVANTAGED_CUT
            s.advantaged[:] = s.ses > state.ADVANTAGED_CUT
        s.year_start[:] = s.achievement
        rows = np.flatnonzero(leaving[r * n_per_school : (r + 1) * n_per_school])
        if rows.size:
            s.previous[np.isin(s.previous, rows)] = -1
        students.put(ss, s, shift)


@settings(max_examples=40, deadline=None)
@given(
    schools=st.integers(1, 4),
    grades=st.integers(1, 6),
    leave_share=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**31 - 1),
)
def test_all_schools_roll_over_at_once_as_each_did_alone(schools, grades, leave_share, seed):
    p = Parameters(n_students=60, grades=grades)
    n_per_school, setup = 7, np.random.default_rng(seed)
    parts = [state.new_students(p, setup, 6) for _ in range(schools)]
    for r, part in enumerate(parts):
        part.grade[:] = setup.integers(0, grades, part.n)
        part.assign[:] = setup.integers(0, n_per_school, part.assign.shape) + r * n_per_school
        part.fresh[:], part.fading[:] = setup.normal(size=(2, part.n))
    students = _concat(parts)
    leaving = setup.random(schools * n_per_school) < leave_share
    expected = students.take(slice(None))
    _roll_over_school_by_school(expected, leaving, p, _rngs(seed, schools), n_per_school)

    graduating = students.grade == p.grades - 1
    per_school = students.n // schools
    for r, rng in enumerate(_rngs(seed, schools)):
        rows = np.flatnonzero(graduating[r * per_school : (r + 1) * per_school])
        if rows.size:
            state.enter_cohort(
                students.view(slice(r * per_school, (r + 1) * per_school)), rows, p, rng
            )
    state.roll_over(students, graduating, leaving)
    for field in dataclasses.fields(students):
        got, want = getattr(students, field.name), getattr(expected, field.name)
        assert got.dtype == want.dtype and got.tobytes() == want.tobytes(), field.name


@settings(max_examples=40, deadline=None)
@given(n=st.integers(20, 400), grades=st.integers(1, 6), seed=st.integers(0, 2**31 - 1))
def test_the_starting_students_are_drawn_cohort_by_cohort_in_grade_order(n, grades, seed):
    p = Parameters(n_students=n, grades=grades)
    students = state.new_students(p, np.random.default_rng(seed), 6)
    grade = np.sort(np.arange(n) % grades)  # as it was first written
    ses, achievement, rng = np.empty(n), np.empty(n), np.random.default_rng(seed)
    for g in range(grades):
        rows = grade == g
        ses[rows], achievement[rows] = state.new_cohort(int(rows.sum()), g, p, rng)
    for got, want in ((students.grade, grade), (students.ses, ses), (students.prior, achievement)):
        assert got.dtype == want.dtype and got.tobytes() == want.tobytes()


@pytest.mark.parametrize("support_model", ["none", "coaching"])
def test_hires_settle_in_as_in_their_school_alone_even_when_a_team_or_staff_all_leave(
    support_model,
):
    seeds, shared = [5, 6, 7], {"n_students": 300, "support_model": support_model}
    starting = [0.3, 0.5, 0.7]
    ensemble = SchoolEnsemble(seeds, **shared, varying={"initial_collective_efficacy": starting})
    alone = [
        SchoolModel(**shared, initial_collective_efficacy=value, rng=seed)
        for seed, value in zip(seeds, starting, strict=True)
    ]
    ensemble.run(1)
    for model in alone:
        model.run(1)
    # the year's departures, forced: a few teachers; a whole team; the whole staff
    forced = np.zeros((3, ensemble.school.n_per_school), dtype=np.int8)
    forced[0, [1, 5]] = turnover.LEAVE
    team = alone[1].structure.team
    forced[1, team == team[0]] = turnover.MOVE
    forced[2] = turnover.LEAVE
    ensemble.school.departure = forced.ravel()
    for model, departure in zip(alone, forced, strict=True):
        model.school.departure = departure.copy()
    ensemble.step()  # the summer, then a week
    for r, model in enumerate(alone):
        model.step()
        rows = ensemble.school.teacher_slice(r)
        for field in dataclasses.fields(state.TeacherState):
            together = getattr(ensemble.school.teachers, field.name)[rows]
            assert together.tobytes() == getattr(model.teachers, field.name).tobytes(), field.name


def _rngs(seed, count):
    return [np.random.default_rng([seed, r]) for r in range(count)]


def _concat(parts):
    return state.StudentState(
        **{
            f.name: np.concatenate([getattr(part, f.name) for part in parts])
            for f in dataclasses.fields(state.StudentState)
        }
    )


def test_year_end_shares_are_each_schools_own():
    """Turnover shares and poverty, worked out for all schools at once, are each school's own."""
    ensemble = SchoolEnsemble(seeds=[5, 6, 7], n_students=300, structure="plc")
    ensemble.run(years=1)
    school = ensemble.school
    for r in range(school.count):
        d = school.departure[school.teacher_slice(r)]
        assert school.turnover_rate[r] == float((d != turnover.STAY).mean())
        assert school.move_rate[r] == np.count_nonzero(d == turnover.MOVE) / d.size
        assert school.leave_rate[r] == np.count_nonzero(d == turnover.LEAVE) / d.size
    poverty = school.students.disadvantaged.reshape(school.count, -1).mean(axis=1)
    for r in range(school.count):
        assert poverty[r] == float(school.students.disadvantaged[school.student_slice(r)].mean())
