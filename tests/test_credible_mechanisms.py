"""The mechanisms that keep the model's magnitudes credible (issue 11).

Each test pins one mechanism's behaviour and fails if the mechanism is
removed: learning that fades, aspirations that adapt, collective efficacy
acting through behaviour only, personalisation, peers, expectations,
movers and leavers.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation import Parameters, SchoolModel
from simulation.classes import Classes
from simulation.networks import TEAM, Ties
from simulation.processes import expectations, mastery, teaching, turnover
from simulation.staffing import known_students
from simulation.state import new_students

P = Parameters()
WEEKS = 36


def _students(n: int = 40, p: Parameters = P):
    """Students starting at zero achievement (only the changes matter here)."""
    students = new_students(p.replace(n_students=n, noise=False), np.random.default_rng(0), 6)
    students.achievement[:] = 0.0
    return students


def _year_of_teaching(students, p: Parameters, effect: float) -> None:
    """One school year in which every teacher adds ``effect`` SD/year, then its close."""
    lasting = np.zeros(students.n)
    induced = np.full(students.n, effect / WEEKS)
    loss = teaching.fading_loss(teaching.weekly_retention(p), 1)
    for _ in range(WEEKS):
        teaching.learn(students, lasting, induced)
        teaching.fade(students, loss)
    teaching.close_year(students, p)


# --- learning that fades --------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(one_year=st.floats(0.0, 0.6), long_share=st.floats(0.0, 1.0))
def test_a_one_year_boost_leaves_the_published_share_after_a_year_and_settles(one_year, long_share):
    p = P.replace(persistence_one_year=one_year, persistence_long_run=long_share * one_year)
    students = _students(p=p)
    _year_of_teaching(students, p, 0.2)
    boost = students.achievement.copy()
    assert np.allclose(boost, 0.2)
    _year_of_teaching(students, p, 0.0)
    assert np.allclose(students.achievement, 0.2 * p.persistence_one_year, atol=1e-9)
    for _ in range(20):
        _year_of_teaching(students, p, 0.0)
    assert np.allclose(students.achievement, 0.2 * p.persistence_long_run, atol=1e-3)


def test_a_sustained_boost_raises_achievement_by_a_bounded_amount():
    students = _students()
    levels = []
    for _ in range(12):
        _year_of_teaching(students, P, 0.1)
        levels.append(float(students.achievement.mean()))
    # lasting part grows by δ∞ a year; the fading part settles: the yearly
    # rise converges to δ∞ times the boost, far below the boost itself
    rise = np.diff(levels)
    assert rise[-1] == pytest.approx(0.1 * P.persistence_long_run, rel=1e-3)
    assert rise[0] < 0.1


def test_without_fading_coaching_accumulates_more():
    def cumulative(disabled):
        models = [
            SchoolModel(
                rng=seed, support_model="coaching", coaches=4, disabled=disabled, record_every=0
            )
            for seed in range(2)
        ]
        baseline = [SchoolModel(rng=seed, disabled=disabled, record_every=0) for seed in range(2)]
        for m in models + baseline:
            m.run(3)
        return np.mean(
            [
                a.students.achievement.mean() - b.students.achievement.mean()
                for a, b in zip(models, baseline, strict=True)
            ]
        )

    assert cumulative(("fading",)) > cumulative(()) + 0.02


def test_persistence_that_lasts_cannot_exceed_what_a_year_leaves():
    from simulation import ParameterError

    with pytest.raises(ParameterError, match="persistence_long_run"):
        Parameters(persistence_one_year=0.2, persistence_long_run=0.3)


# --- aspirations that adapt -----------------------------------------------------------


def test_aspirations_move_toward_own_and_team_results():
    before = np.array([0.2, 0.2, 0.2])
    after = mastery.adapted_aspiration(
        before,
        np.array([0.4, 0.0, 0.4]),
        np.array([0.4, 0.0, 0.4]),
        np.array([True, True, False]),
        P,
    )
    assert after[0] > 0.2 > after[1]
    assert after[2] == 0.2  # no classes, no news


def _mean_tses(years: float = 3, disabled=(), **kw) -> float:
    values = []
    for seed in range(3):
        model = SchoolModel(rng=seed, disabled=disabled, record_every=0, **kw)
        model.run(years)
        values.append(model.outcomes()["self_efficacy_tses"])
    return float(np.mean(values))


def test_a_uniformly_faster_school_does_not_feel_more_successful():
    assert abs(_mean_tses(baseline_growth=0.32) - _mean_tses(baseline_growth=0.12)) < 0.3


def test_better_results_feel_like_success_only_until_aspirations_catch_up():
    def lift(disabled=()):
        plan = [{"year": 2, "support_model": "coaching", "coaches": 5}]
        return _mean_tses(5, disabled, interventions=plan) - _mean_tses(5, disabled)

    assert lift(("aspiration",)) > lift() + 0.1


def test_starting_aspirations_are_what_a_teacher_can_expect_of_their_classes():
    model = SchoolModel(rng=0, baseline_growth=0.4)
    assert model.teachers.aspiration.mean() == pytest.approx(0.4, abs=0.05)


# --- collective efficacy through behaviour only ---------------------------------------


def _effects(team_collective: float, p: Parameters = P) -> np.ndarray:
    one = np.ones(1)
    return teaching.teacher_effects(
        np.zeros(1),
        one * 0.7625,
        one * team_collective,
        one * 0.3,
        one * 0.5,
        np.zeros(1),
        np.zeros(1),
        p,
    )[0]


def test_collective_efficacy_reaches_gains_only_through_goals_and_persistence():
    mute = P.replace(goal_effort=0.0, persistence_collective=0.0)
    assert np.allclose(_effects(0.3, mute), _effects(0.9, mute))
    low, high = _effects(0.4), _effects(0.8)
    assert np.all(high > low)
    # persistence: help for struggling students grows more than the rest
    assert high[1] - low[1] > high[0] - low[0]


@settings(max_examples=30, deadline=None)
@given(c=st.floats(0.01, 0.99))
def test_a_faculty_that_believes_in_itself_expects_more_of_disadvantaged_students(c):
    push = expectations.collective_pull(np.array([c]), P)[0]
    assert np.sign(push) == -np.sign(c - 0.6) or c == pytest.approx(0.6)


def test_expectations_follow_collective_efficacy_in_a_school():
    def bias(ce, disabled=()):
        model = SchoolModel(
            rng=1, initial_collective_efficacy=ce, disabled=disabled, record_every=0
        )
        model.run(2)
        return model.teachers.expectation_bias.mean()

    assert bias(0.8) < bias(0.4) - 0.02
    assert abs(bias(0.8, ("expectations",)) - bias(0.4, ("expectations",))) < abs(
        bias(0.8) - bias(0.4)
    )


# --- personalisation ------------------------------------------------------------------


def test_a_known_student_gets_more_help_and_less_stereotype():
    row = _effects(0.6)
    unknown, known = row[:4], row[4:]
    assert known[1] - known[0] > unknown[1] - unknown[0] > 0  # help when struggling
    assert known[0] - known[2] < unknown[0] - unknown[2]  # smaller expectation penalty


def test_teachers_know_students_they_taught_before_or_share_with_a_colleague():
    students = _students(20)
    students.assign[:] = np.array([[0, 1, 2, 3, 4, 5]] * 20)
    students.previous[:] = -1
    students.previous[0, 0] = 0
    ties = Ties(
        src=np.array([1, 2]),
        dst=np.array([2, 1]),
        kind=np.array([TEAM, TEAM]),
        weight=np.ones(2),
        visibility=np.ones(2),
        shared_goal=np.ones(2),
    )
    known = known_students(students, ties, 6)
    assert known[0, 0] and not known[1, 0]  # taught before
    assert known[:, 1].all() and known[:, 2].all()  # tied to another of their teachers
    assert not known[:, 3:].any()


def test_students_are_known_more_in_small_schools_and_in_houses():
    def share(**kw):
        model = SchoolModel(rng=0, record_every=0, **kw)
        model.run(1.05)  # after a year end, so some students meet their teachers again
        return model.outcomes()["known_share"]

    assert share(n_students=300) > share(n_students=2400)
    assert share(n_students=2400, structure="houses") > share(n_students=2400)
    assert share(n_students=300, disabled=("personalisation",)) == 0


# --- peers and houses -----------------------------------------------------------------


def test_stronger_classmates_raise_a_course_gain():
    students = _students(20)
    students.grade[:] = 0
    students.assign[:] = np.repeat([[0] * 6, [1] * 6], 10, axis=0)
    students.achievement[:] = np.repeat([1.0, -1.0], 10)

    def extra(peers):
        classes = Classes(students, 2, P, out_of_field=False, peers=peers)
        classes.see(students, P, 0.0, students.grade)
        return classes.extra_mean  # each student's teacher-independent gain

    with_peers = extra(True)
    assert np.all(with_peers[:10] > 0) and np.all(with_peers[10:] < 0)
    assert not extra(False).any()


def test_houses_chosen_by_families_widen_the_ses_gap_through_peers():
    def gap(assignment, disabled=()):
        values = []
        for seed in range(3):
            model = SchoolModel(
                n_students=2400,
                structure="houses",
                house_assignment=assignment,
                rng=seed,
                disabled=disabled,
                record_every=0,
            )
            model.run(3)
            values.append(model.outcomes()["ses_gap"])
        return np.mean(values)

    widening = gap("choice") - gap("random")
    assert widening > 0.05
    assert gap("choice", ("peers",)) - gap("random", ("peers",)) < widening - 0.03


# --- movers and leavers ---------------------------------------------------------------


def _hazards(s=0.7625, c=0.6, a=0.4, x=10.0, poverty=0.25):
    return turnover.hazards(np.array([s]), np.array([c]), np.array([a]), np.array([x]), poverty, P)


def test_poverty_drives_moves_and_age_drives_leaving():
    base = _hazards()
    poor = _hazards(poverty=0.6)
    assert poor.move[0] > base.move[0] and poor.leave[0] == base.leave[0]
    old = _hazards(x=P.retirement_onset + 8)
    assert old.leave[0] > 3 * base.leave[0]
    assert old.move[0] == pytest.approx(base.move[0], abs=0.005)
    novice = _hazards(x=0.0)
    assert novice.move[0] > base.move[0]


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_departures_split_into_movers_and_leavers_at_their_hazards(seed):
    n = 20_000
    h = turnover.Hazards(np.full(n, 0.08), np.full(n, 0.08))
    gone = turnover.departures(h, P, np.random.default_rng(seed).random(n))
    moved = np.mean(gone == turnover.MOVE)
    left = np.mean(gone == turnover.LEAVE)
    assert moved == pytest.approx(0.08, abs=0.01)
    assert left == pytest.approx(0.92 * 0.08, abs=0.01)


def test_a_school_reports_movers_and_leavers_that_add_up_to_turnover():
    model = SchoolModel(rng=3, record_every=0)
    model.run(2)
    out = model.outcomes()
    assert out["move_rate"] > 0 and out["leave_rate"] > 0
    assert out["move_rate"] + out["leave_rate"] == pytest.approx(out["turnover_rate"])


def test_students_already_in_school_carry_the_fading_past_of_its_teaching():
    """No start-up jump: a weak school's first year loses what earlier years would have."""
    weak = dict(
        initial_self_efficacy=6.0,
        initial_collective_efficacy=0.4,
        initial_expectation_bias=0.5,
        record_every=36,
    )

    def jump(disabled=()):
        values = []
        for seed in range(3):
            model = SchoolModel(rng=seed, disabled=disabled, **weak)
            model.run(2)
            gains = [row["annual_gain"] for row in model.annual_results]
            values.append(gains[1] - gains[0])
        return float(np.mean(values))

    model = SchoolModel(rng=0, **weak)
    first_years = model.students.grade == 0
    assert not model.students.fading[first_years].any()
    assert (model.students.fading[~first_years] < 0).mean() > 0.5  # weak teaching: a deficit
    assert abs(jump()) < 0.03
