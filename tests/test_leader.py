"""The Leader agent: it observes at checkpoints, checks rules, changes levers like a plan."""

from __future__ import annotations

import numpy as np
import pytest

from simulation import WEEKS_PER_YEAR, Leader, ParameterError, SchoolModel
from simulation.rules import OBSERVABLES

BASE = {
    "n_students": 250,
    "structure": "plc",
    "support_model": "train_the_trainer",
    "fidelity_monitoring": True,
}
NEVER = {
    "when": "cycle_end",
    "if": "observed_practice_share < -1",
    "then": {"support_model": "coaching"},
    "once": False,
}


def outcomes(model: SchoolModel):
    return model.datacollector.get_model_vars_dataframe()


def test_the_leader_is_a_mesa_agent_whose_step_is_called_every_week():
    model = SchoolModel(**BASE, rules=[NEVER], rng=1)
    (leader,) = model.agents_by_type[Leader]
    assert leader is model.leader
    model.run(1)
    steps = [step for step, _ in leader.observations]
    assert steps == [6, 12, 18, 24, 30, 36]  # the end of each 6-week cycle
    for _, seen in leader.observations:
        assert set(seen) == set(OBSERVABLES)


def test_observing_never_changes_a_run():
    plain = SchoolModel(**BASE, rng=5)
    watched = SchoolModel(**BASE, rules=[NEVER], rng=5)
    plain.run(2)
    watched.run(2)
    assert watched.leader.observations and not watched.leader.decisions
    assert outcomes(plain).equals(outcomes(watched))


def test_a_rule_fires_at_the_first_checkpoint_where_its_observable_crosses_the_threshold():
    watching = SchoolModel(**BASE, rules=[NEVER], rng=3)
    watching.run(2)
    seen = [(step, s["observed_practice_share"]) for step, s in watching.leader.observations]
    values = sorted({v for _, v in seen})
    threshold = values[len(values) // 2]  # some checkpoints above, some below
    first = next(step for step, v in seen if v >= threshold)
    rule = {
        "when": "cycle_end",
        "if": f"observed_practice_share >= {threshold!r}",
        "then": {"support_model": "coaching", "coaches": 3},
    }
    model = SchoolModel(**BASE, rules=[rule], rng=3)
    model.run(2)
    (decision,) = model.leader.decisions
    assert decision.step == first
    assert decision.seen == {"observed_practice_share": dict(seen)[first]}
    assert (decision.year - 1) * WEEKS_PER_YEAR + decision.week == first
    # the run is the same up to the decision, and coaching from the next week on
    before = outcomes(watching).iloc[: first + 1]
    assert outcomes(model).iloc[: first + 1].equals(before)
    assert model.params.support_model == "coaching" and model.params.coaches == 3


def test_a_rule_that_fires_at_a_year_end_equals_an_intervention_in_the_next_week():
    changes = {"support_model": "coaching", "coaches": 3, "data_review": True}
    ruled = SchoolModel(**BASE, rules=[{"if": "year == 1", "then": changes}], rng=8)
    planned = SchoolModel(**BASE, interventions=[{"year": 2, **changes}], rng=8)
    ruled.run(3)
    planned.run(3)
    assert [(d.year, d.week) for d in ruled.leader.decisions] == [(1, 36)]
    assert outcomes(ruled).equals(outcomes(planned))


def test_without_monitoring_the_leader_cannot_see_the_practice():
    rule = {"when": "cycle_end", "if": "observed_practice_share < 2", "then": {"coaches": 4}}
    blind = SchoolModel(**{**BASE, "fidelity_monitoring": False}, rules=[rule], rng=2)
    blind.run(1)
    assert not blind.leader.decisions
    assert all(s["observed_practice_share"] is None for _, s in blind.leader.observations)
    either = {**rule, "if": "observed_practice_share < 2 or year >= 1"}
    seeing = SchoolModel(**{**BASE, "fidelity_monitoring": False}, rules=[either], rng=2)
    seeing.run(1)
    assert len(seeing.leader.decisions) == 1


def test_walkthroughs_count_visits_and_without_noise_see_the_true_rate():
    model = SchoolModel(**BASE, rules=[NEVER], rng=4)
    model.run(1)
    visits = model.params.leader_attention * model.params.cycle_weeks
    for _, seen in model.leader.observations:
        assert seen["observed_practice_share"] * visits == pytest.approx(
            round(seen["observed_practice_share"] * visits)
        )
    exact = SchoolModel(**BASE, noise=False, rules=[NEVER], rng=4)
    exact.run(1)
    t = exact.teachers
    _, last = exact.leader.observations[-1]
    assert last["observed_practice_share"] == pytest.approx(
        float(np.mean(t.uses_practice * t.fidelity))
    )
    assert last["surveyed_collective_efficacy"] == pytest.approx(
        float(t.collective_efficacy.mean())
    )


def test_annual_results_and_turnover_are_seen_only_after_the_first_year_end():
    model = SchoolModel(**BASE, rules=[NEVER], rng=6)
    model.run(2)
    by_step = dict(model.leader.observations)
    assert by_step[30]["annual_gain"] is None and by_step[30]["turnover_rate"] is None
    assert by_step[36]["annual_gain"] == pytest.approx(model.annual_results[0]["annual_gain"])
    assert by_step[42]["annual_gain"] == by_step[36]["annual_gain"]
    assert by_step[72]["annual_gain"] == pytest.approx(model.annual_results[1]["annual_gain"])
    assert by_step[72]["turnover_rate"] == model.turnover_rate


def test_once_fires_once_and_repeating_rules_fire_whenever_they_hold():
    always = {"when": "cycle_end", "if": "year >= 1", "then": {"data_review": True}}
    once = SchoolModel(**BASE, rules=[always], rng=1)
    again = SchoolModel(**BASE, rules=[{**always, "once": False}], rng=1)
    once.run(1)
    again.run(1)
    assert len(once.leader.decisions) == 1
    assert [d.week for d in again.leader.decisions] == [6, 12, 18, 24, 30, 36]


def test_rules_with_unknown_levers_or_bad_values_are_refused_before_running():
    with pytest.raises(ParameterError, match="unknown lever 'coachs'"):
        SchoolModel(**BASE, rules=[{"if": "year == 1", "then": {"coachs": 3}}])
    with pytest.raises(ParameterError, match="cannot change during a run"):
        SchoolModel(**BASE, rules=[{"if": "year == 1", "then": {"n_students": 300}}])
    with pytest.raises(ParameterError, match="support_model"):
        SchoolModel(**BASE, rules=[{"if": "year == 1", "then": {"support_model": "mentors"}}])
