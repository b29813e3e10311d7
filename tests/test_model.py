"""The model's interface: what users and Mesa's own tools rely on."""

from __future__ import annotations

import mesa
import networkx as nx
import numpy as np
import pytest

from simulation import (
    OUTCOMES,
    PROCESSES,
    SOURCES,
    Intervention,
    Leader,
    ParameterError,
    SchoolModel,
    Teacher,
)


def test_the_issue_example_runs_and_exposes_agents_network_and_outcomes():
    model = SchoolModel(n_students=900, structure="plc", rng=42)
    model.run(years=1)
    df = model.datacollector.get_model_vars_dataframe()
    assert len(df) == 37 and list(df.columns) == list(OUTCOMES)
    teachers = model.agents_by_type[Teacher]
    assert len(teachers) == model.n_teachers == round(900 / 15.5)
    assert len(model.agents_by_type[Leader]) == 1
    assert isinstance(model.network, nx.Graph)
    assert model.network.number_of_nodes() == model.n_teachers
    assert all("weight" in d for _, _, d in model.network.edges(data=True))
    teacher = teachers.to_list()[0]
    for name in (
        "self_efficacy",
        "collective_efficacy",
        "responsibility",
        "stress",
        "skill",
        "expectation_bias",
        "experience",
        "team",
        "uses_practice",
        "self_efficacy_tses",
        "subject",
        "sources",
        "last_attribution",
    ):
        getattr(teacher, name)
    assert 1 <= teacher.self_efficacy_tses <= 9


def test_teacher_attributes_are_views_on_the_arrays():
    model = SchoolModel(n_students=300, rng=1)
    teacher = model.agents_by_type[Teacher].to_list()[3]
    teacher.self_efficacy = 0.2
    assert model.teachers.self_efficacy[teacher.row] == 0.2
    with pytest.raises(ValueError):
        teacher.self_efficacy = 1.5
    values = model.agents_by_type[Teacher].get("collective_efficacy")
    assert np.allclose(sorted(values), sorted(model.teachers.collective_efficacy))


def test_the_number_of_teachers_follows_enrolment_and_ratio():
    assert SchoolModel(n_students=2400, rng=0).n_teachers == round(2400 / 15.5)
    assert SchoolModel(n_students=2400, student_teacher_ratio=20, rng=0).n_teachers == 120


def test_results_are_identical_bit_for_bit_for_the_same_seed():
    a = SchoolModel(n_students=600, structure="houses", rng=5)
    b = SchoolModel(n_students=600, structure="houses", rng=5)
    a.run(2)
    b.run(2)
    assert a.datacollector.get_model_vars_dataframe().equals(
        b.datacollector.get_model_vars_dataframe()
    )
    c = SchoolModel(n_students=600, structure="houses", rng=6)
    c.run(2)
    assert not a.datacollector.get_model_vars_dataframe().equals(
        c.datacollector.get_model_vars_dataframe()
    )


@pytest.mark.parametrize("source", SOURCES)
def test_disabling_a_source_removes_its_contribution(source):
    model = SchoolModel(n_students=300, rng=3, disabled=(source,))
    model.run(1)
    df = model.datacollector.get_model_vars_dataframe()
    assert (df[f"source_{source}"] == 0).all()
    others = [s for s in SOURCES if s != source]
    assert any((df[f"source_{s}"] != 0).any() for s in others)


def test_every_process_can_be_switched_off():
    for process in PROCESSES:
        model = SchoolModel(n_students=200, rng=0, disabled=(process,))
        model.run(0.5)
    with pytest.raises(ParameterError, match=r"unknown process 'vicarous'.*'vicarious'"):
        SchoolModel(disabled=("vicarous",))


def test_source_contributions_add_up_to_the_change_in_self_efficacy():
    model = SchoolModel(n_students=300, rng=4, disabled=("turnover",))
    before = model.teachers.self_efficacy.copy()
    for _ in range(12):
        model.step()
        after = model.teachers.self_efficacy.copy()
        total = sum(model.source_changes.values())
        assert np.allclose(after - before, total, atol=1e-12)
        before = after


def test_interventions_change_levers_at_their_week():
    model = SchoolModel(
        n_students=300,
        rng=0,
        interventions=[
            {"year": 1, "week": 10, "support_model": "coaching", "coaches": 3},
            Intervention(year=2, week=1, changes={"structure": "plc"}),
        ],
    )
    model.run(weeks := 9 / 36)
    assert model.params.support_model == "none"
    model.step()
    assert model.params.support_model == "coaching" and model.params.coaches == 3
    model.run(1 - weeks - 1 / 36)
    assert model.structure.name == "departments"
    model.step()
    assert model.structure.name == "plc"


def test_interventions_refuse_unknown_or_fixed_parameters():
    with pytest.raises(ParameterError, match="did you mean 'data_review'"):
        SchoolModel(interventions=[{"year": 1, "data_reviw": True}])
    with pytest.raises(ParameterError, match="cannot change during a run"):
        SchoolModel(interventions=[{"year": 2, "n_students": 600}])
    with pytest.raises(ParameterError, match="week must be 1 to 36"):
        SchoolModel(interventions=[{"year": 2, "week": 40, "data_review": True}])


def test_restructuring_mid_run_keeps_teachers_and_their_beliefs():
    model = SchoolModel(n_students=900, structure="departments", rng=0)
    model.run(1.5)  # mid-year: restructuring, not the summer's hiring, is under test
    beliefs = model.teachers.self_efficacy.copy()
    ids = [a.unique_id for a in model.agents_by_type[Teacher]]
    model.apply(structure="houses")
    assert model.structure.n_houses > 1
    assert np.array_equal(beliefs, model.teachers.self_efficacy)
    assert ids == [a.unique_id for a in model.agents_by_type[Teacher]]
    model.run(0.5)


def test_turnover_replaces_leaving_teachers_with_new_agents():
    model = SchoolModel(n_students=600, rng=0)
    before = {a.unique_id for a in model.agents_by_type[Teacher]}
    model.run(1)
    # the year has ended; its leavers are still there until the summer
    assert {a.unique_id for a in model.agents_by_type[Teacher]} == before
    model.step()  # the summer, then the first week of the new year
    after = {a.unique_id for a in model.agents_by_type[Teacher]}
    left = before - after
    df = model.datacollector.get_model_vars_dataframe()
    assert len(left) == round(df["turnover_rate"].iloc[-2] * model.n_teachers) > 0
    assert len(after) == model.n_teachers


def test_teacher_snapshots_are_recorded_only_as_often_as_asked():
    quiet = SchoolModel(n_students=300, rng=0)
    quiet.run(0.5)
    assert quiet.teacher_dataframe().empty
    model = SchoolModel(n_students=300, rng=0, record_teachers_every=6)
    model.run(0.5)
    df = model.teacher_dataframe()
    assert sorted(df["Step"].unique()) == [0, 6, 12, 18]
    assert len(df) == 4 * model.n_teachers
    assert {"self_efficacy_tses", "source_mastery", "AgentID"} <= set(df.columns)


def test_the_teacher_table_grown_week_by_week_equals_one_built_at_the_end():
    import pandas as pd

    grown = SchoolModel(n_students=300, rng=3, record_teachers_every=1)
    for _ in range(40):  # across a summer: leavers' rows stay, hires' rows start
        grown.step()
        grown.teacher_dataframe()
    once = SchoolModel(n_students=300, rng=3, record_teachers_every=1)
    for _ in range(40):
        once.step()
    whole = once.teacher_dataframe()
    pd.testing.assert_frame_equal(grown.teacher_dataframe(), whole)
    assert len(whole) == 41 * grown.n_teachers


def test_annual_results_hold_each_year_end():
    model = SchoolModel(n_students=300, rng=0)
    model.run(2)
    assert [r["year"] for r in model.annual_results] == [1.0, 2.0]
    df = model.datacollector.get_model_vars_dataframe()
    assert model.annual_results[0]["annual_gain"] == pytest.approx(df["annual_gain"].iloc[36])


def test_mesa_batch_run_works_and_returns_every_outcome():
    results = mesa.batch_run(
        SchoolModel,
        parameters={"n_students": [200, 400], "structure": "plc"},
        rng=[0, 1],
        max_steps=36,
        number_processes=1,
        display_progress=False,
    )
    assert len(results) == 4
    for row in results:
        assert set(OUTCOMES) <= set(row)
        assert row["Step"] == 36


def test_restructuring_mid_year_starts_a_fresh_assessment_cycle():
    model = SchoolModel(n_students=600, rng=0, noise=False)
    model.run(4 / 36)
    model.apply(structure="plc")
    assert model.school.weeks_since_assessment == 0 and not model.school.cycle_sum.any()
    model.run(2 / 36)  # the assessment at week 6 sees two weeks of the new classes
    gains = model.datacollector.get_model_vars_dataframe()["annual_gain"]
    assert 0.1 < gains.iloc[-1] < 0.5
    # annualised over the two weeks taught, not the six since the last assessment
    assert np.all(model.teachers.last_mastery < 0.9)


def test_outcomes_are_plain_python_floats():
    model = SchoolModel(n_students=300, rng=0)
    model.run(0.25)
    assert all(type(value) is float for value in model.outcomes().values())


def test_after_a_years_last_week_outcomes_are_that_years_results():
    """What an EMA Workbench or SALib wrapper reads after run(years) is the year's end."""
    model = SchoolModel(n_students=600, rng=4)
    model.run(2)
    last = model.datacollector.get_model_vars_dataframe().iloc[-1]
    now = model.outcomes()
    assert now["annual_gain"] == last["annual_gain"] != 0.0
    assert now["turnover_rate"] == last["turnover_rate"]
    assert now["year"] == 2 and now["week"] == 36
    assert model.annual_results[-1]["annual_gain"] == now["annual_gain"]
