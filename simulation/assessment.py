"""The common formative assessment: what a cycle's results do to teachers' beliefs.

At the end of each assessment cycle (docs/ODD.md §3, stage 4) students are
brought up to date and the cycle's residual learning noise is realised;
teachers see their classes' gains against goals set from their aspirations
(mastery and attribution, §7.2), their colleagues' results (vicarious
experience, §7.3, and the evidence for collective efficacy, §7.6) and the
achievement gap their team sees (data review); then practice trials (§7.8)
and learning from colleagues (§7.9). What it does to self-efficacy,
collective efficacy, responsibility and expectation bias is added to the
week's pushes (:class:`simulation.beliefs.WeekChanges`); everything else is
written into the schools' arrays
(:class:`simulation.school_arrays.SchoolArrays`) in place, for all schools
at once.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np

from .classes import Classes, course_sums
from .parameters import WEEKS_PER_YEAR
from .processes import collective, mastery, practice, skill, teaching, vicarious
from .processes.common import at

if TYPE_CHECKING:
    from .beliefs import WeekChanges
    from .school_arrays import SchoolArrays


def assess(school: SchoolArrays, week: WeekChanges, week_of_year: int) -> None:
    """A common formative assessment in every school: mastery, attribution and what follows.

    Adds its pushes on beliefs to ``week``; writes teachers' aspirations,
    last mastery and attribution, practice, peer learning and the
    situation's team signal and visible gap into ``school`` in place.
    """
    p, t, on = school.params, school.teachers, school._on
    n = t.n
    ties, view = school.ties, school.situation.ties
    school.catch_up()
    weeks = school.weeks_since_assessment
    classes = school.situation.classes
    if teaching.noise_due(weeks, p):
        courses = classes.n_courses
        noise = school._learning_noise(courses)
        noise *= at(p.student_noise, classes.teacher) * np.sqrt(weeks / WEEKS_PER_YEAR)
        mean_noise = course_sums(noise.reshape(-1, courses)) * (1.0 / courses)
        school.students.achievement += mean_noise
        school.students.fresh += mean_noise
        school.cycle_sum += classes.sum_over_pairs(noise)
        school.cycle_disadvantaged_sum += classes.sum_over_disadvantaged_pairs(noise)
    school._see_classes(week_of_year)
    results = mastery.class_results(
        school.cycle_sum,
        school.cycle_disadvantaged_sum,
        classes.size,
        classes.n_disadvantaged,
        classes.struggling_share,
        weeks,
    )
    goal = mastery.goals(
        t.aspiration, t.self_efficacy, t.expectation_bias, results.disadvantaged_share, p
    )
    taught = results.size > 0
    m = np.where(taught, mastery.signal(results.gain, goal, p.mastery_sensitivity), 0.0)
    team = school.team
    team_pairs = np.bincount(team, weights=results.size)
    safe = np.maximum(team_pairs, 1.0)
    team_gain = np.bincount(team, weights=results.gain * results.size) / safe
    shared_goal = mastery.team_goals(
        t.aspiration, t.expectation_bias, results.disadvantaged_share, p
    )
    team_goal = np.bincount(team, weights=shared_goal * results.size) / safe
    school.situation.team_signal = np.where(
        team_pairs > 0,
        mastery.signal(team_gain, team_goal, _by_team(p.mastery_sensitivity, team)),
        0.0,
    )[team]
    own_team_goal = np.where(team_pairs[team] > 0, team_goal[team], goal)

    if on("mastery"):
        probabilities = (
            mastery.attribution_probabilities(
                t.self_efficacy,
                t.collective_efficacy,
                t.responsibility,
                t.expectation_bias,
                t.reflective,
                view.exposure,
                p,
            )
            if on("attribution")
            else None
        )
        draw = (
            school._uniforms("attribution", _assessment_row(school, week_of_year))
            if probabilities is not None
            else None
        )
        effects = mastery.effects(m, probabilities, p, draw, t.self_efficacy)
        week.sources["mastery"] += (
            1.0 - p.novice_social_weight * week.novice
        ) * effects.self_efficacy
        week.bias += effects.expectation_bias
        week.responsibility += effects.responsibility
        t.strategy_prompt[:] = effects.strategy_prompt
        t.last_attribution[:] = effects.attribution
    if p.challenge_assumptions:  # otherwise it adds zeros, which change nothing
        unbiased = mastery.goals(
            t.aspiration, t.self_efficacy, np.zeros(n), results.disadvantaged_share, p
        )
        week.bias += mastery.disconfirmation(results.disadvantaged_gain, unbiased, p)
    t.last_mastery[:] = m
    if on("aspiration"):
        t.aspiration[:] = mastery.adapted_aspiration(
            t.aspiration, results.gain, team_gain[team], taught, p
        )
    if on("vicarious"):
        h = vicarious.similarity(ties, t.experience, t.subject, p)
        seen = vicarious.observed_mastery(ties, results.gain, taught, goal, p)
        week.sources["vicarious"] += (
            p.vicarious_rate
            * week.social
            * vicarious.vicarious_signal(ties, view.visible, h, seen, n, p)
        )
    if on("collective"):  # weighed over ties to other teams only
        seen = vicarious.observed_mastery(
            ties, results.gain, taught, own_team_goal, p, among=view.other_team
        )
        week.collective += p.collective_rate * collective.mastery_evidence(
            ties,
            view.visible,
            view.same_team,
            school.situation.team_signal,
            seen,
            t.collective_efficacy,
            p,
        )
    # worked out only if data review reads it before the next assessment
    school.situation.visible_gap = functools.cache(
        functools.partial(_team_gaps, classes, school.students.achievement.copy(), team, team_pairs)
    )
    if on("practice"):
        try_p = practice.try_probability(
            t.self_efficacy, t.collective_efficacy, t.strategy_prompt, t.coached, p
        )
        expert = practice.support(ties, view.weight, t.trainer, t.coached, p)
        draw = school._uniforms("practice", _assessment_row(school, week_of_year))
        uses, fidelity = practice.update(
            t.uses_practice,
            t.fidelity,
            try_p,
            expert,
            t.trainer,
            t.collective_efficacy,
            p,
            draw,
        )
        t.uses_practice[:] = uses
        t.fidelity[:] = fidelity
    if on("skill"):
        t.peer_learned += skill.peer_learning(ties, view.visible, school.skill_now(), p)
    school.cycle_sum[:] = 0.0
    school.cycle_disadvantaged_sum[:] = 0.0
    school.weeks_since_assessment = 0
    school._update_stress_target()


def _assessment_row(school: SchoolArrays, week_of_year: int) -> int:
    """Which of the year's assessments ``week_of_year`` is: its row of the year's draws."""
    return school._assessment_weeks().index(week_of_year)


def _team_gaps(
    classes: Classes, achievement: np.ndarray, team: np.ndarray, team_pairs: np.ndarray
) -> np.ndarray:
    """The achievement gap each teacher's team sees in its classes (data review), per teacher.

    ``achievement`` is students' achievement at the assessment; ``team_pairs``
    the (student, course) pairs each team teaches.
    """
    pairs = np.repeat(achievement, classes.n_courses)
    gap = mastery.class_gaps(
        classes.size,
        classes.n_disadvantaged,
        classes.sum_over_pairs(pairs),
        classes.sum_over_disadvantaged_pairs(pairs),
    )
    weighted = np.nan_to_num(gap) * classes.size
    gaps = np.maximum(np.bincount(team, weights=weighted) / np.maximum(team_pairs, 1.0), 0.0)[team]
    gaps.flags.writeable = False  # kept until the next assessment, read by every week's review
    return gaps


def _by_team(value: float | np.ndarray, team: np.ndarray) -> float | np.ndarray:
    """A parameter, shared or one a teacher (:func:`processes.common.at`), as one a team."""
    if not isinstance(value, np.ndarray):
        return value
    by_team = np.ones(int(team.max(initial=0)) + 1)
    by_team[team] = value  # a team's teachers are of one school
    return by_team
