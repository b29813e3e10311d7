"""Teaching: students' weekly gains, and how much of them lasts (MODEL.md §4.1).

Weekly gain of student k in the course of subject j taught by teacher i:

    Δy_kj = [g0 + γ ses_k + e_i - π oof_kj + β_peer p_kj - β_b b_i d_k (1 - ι K_kj)
             + t_k (c̄_T / c*)^k (β_r r_i + β_I P_i)(u + (1 - u) K_kj)] / W + ε_kj

with the teacher's effect ``e_i = q_i + β_s (s_i - s*) + β_G κ_c (c̄_T(i) -
c*) + β_p f_i`` (skill; effort that self-efficacy brings; the effort a
challenging shared goal brings, the team's goal stretching above its
aspirations by ``κ_c`` per unit of the team's mean collective efficacy
``c̄_T`` above typical (Locke & Latham 2002); practice at fidelity ``f_i``),
and the extra help for struggling students sustained in proportion to
``(c̄_T / c*)^k`` (persistence: Bandura 1997, collective efficacy is a
group's staying power), ``d_k`` the disadvantaged flag, ``t_k`` the flag for
a student below proficiency at the last common assessment, ``P_i`` how fully
the teacher's team runs a systematic intervention plan (``plan_reach``),
``oof_kj`` an out-of-field course, ``p_kj`` the peer composition of the
class (its mean achievement relative to the student's grade in the school)
and ``ε_kj`` a residual with annual SD σ, realised at each common assessment.

``K_kj`` is 1 when the teacher *knows the student*: taught them in an
earlier year, or works with (has a tie to) another of their teachers. A
known student gets all of the extra help for struggling students (an
unknown one a share ``u``) and meets less of the teacher's group-based
expectation (``ι``): personalism (Bryk, Lee & Holland 1993; Lee & Smith 1997)
and individuating information (Jussim & Harber 2005). In a small school
students meet the same teachers again and their teachers know each other,
so this is one channel through which size acts; nothing here names size.

Collective efficacy has no term of its own here: it acts on gains only
through what teachers do (the team's goals and the effort they bring;
attributions, expectations, adoption and fidelity of practice, in the other
processes).

**Fading.** Everything teachers and classmates add (all but ``g0 + γ ses``)
fades in part: a share ``δ∞`` of a year's teacher-induced gain lasts, the
rest decays so that a share ``δ1`` is left a year later (Jacob, Lefgren &
Sims 2010; Chetty, Friedman & Rockoff 2014). A sustained improvement in
teaching therefore raises achievement by a bounded amount, and annual gains
(measured spring to spring) carry the loss of last year's boost.

References: Bloom et al. (2008); Hanushek & Rivkin (2010); Jussim & Harber
(2005); Lee & Smith (1996, 1997); Kraft, Blazar & Hogan (2018); Hanushek,
Kain, Markman & Rivkin (2003).
"""

from __future__ import annotations

import functools

import numpy as np

from ..parameters import (
    NATIONAL_GROWTH,
    REFERENCE_COLLECTIVE_EFFICACY,
    REFERENCE_SELF_EFFICACY,
    WEEKS_PER_YEAR,
    Parameters,
)
from ..state import StudentState
from .common import at, per_teacher

KINDS = 8
"""Columns of the teacher-effect table: ``4 known + 2 disadvantaged + struggling``."""


def teacher_effects(
    skill: np.ndarray,
    self_efficacy: np.ndarray,
    team_collective: np.ndarray,
    expectation_bias: np.ndarray,
    responsibility: np.ndarray,
    practice_fidelity: np.ndarray,
    plan_quality: np.ndarray,
    p: Parameters,
) -> np.ndarray:
    """Per-teacher annual effect for the eight kinds of student.

    ``team_collective`` is the mean collective efficacy of each teacher's
    team (``collective.team_mean``): it sets how far the team's goal stretches
    above aspirations and how persistently struggling students are helped.
    Returns an (n_teachers, 8) table indexed by ``4 * known + 2 *
    disadvantaged + below_proficiency``, in SD/year.
    """
    team_stretch = p.goal_collective * (team_collective - REFERENCE_COLLECTIVE_EFFICACY)
    persistence = (team_collective / REFERENCE_COLLECTIVE_EFFICACY) ** p.persistence_collective
    effect = (
        skill
        + p.efficacy_effort * (self_efficacy - REFERENCE_SELF_EFFICACY)
        + p.goal_effort * team_stretch
        + p.practice_effect * practice_fidelity
    )
    expectation = p.expectation_effect * expectation_bias
    support = persistence * (
        p.responsibility_effort * responsibility + p.intervention_effect * plan_quality
    )
    stereotype, help_share = _teachers_kind_weights(p.unknown_support, p.individuation)
    # built a row per kind (whole rows of teachers are fast), returned a row per teacher
    table = (effect - stereotype * expectation) + help_share * support
    return np.ascontiguousarray(table.T)


def _teachers_kind_weights(
    unknown_support: float | np.ndarray, individuation: float | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_kind_weights` as columns: one for all, or one per teacher where schools differ.

    Each school's weights are its own model's, from the same scalar arithmetic.
    """
    if not isinstance(unknown_support, np.ndarray) and not isinstance(individuation, np.ndarray):
        stereotype, help_share = _kind_weights(unknown_support, individuation)
        return stereotype[:, None], help_share[:, None]

    def columns() -> tuple[np.ndarray, np.ndarray]:
        pairs = np.column_stack(np.broadcast_arrays(unknown_support, individuation))
        levels, which = np.unique(pairs, axis=0, return_inverse=True)
        weights = [_kind_weights(float(u), float(i)) for u, i in levels]
        stereotype = np.column_stack([s for s, _ in weights])
        help_share = np.column_stack([h for _, h in weights])
        return stereotype[:, which.ravel()], help_share[:, which.ravel()]

    arrays = tuple(a for a in (unknown_support, individuation) if isinstance(a, np.ndarray))
    return per_teacher("kind weights", arrays, columns)


@functools.lru_cache(maxsize=16)
def _kind_weights(unknown_support: float, individuation: float) -> tuple[np.ndarray, np.ndarray]:
    """Per kind of student: the share of the expectation met and of the extra help given.

    Fixed while the two parameters are, so worked out once for them (read-only).
    """
    known = np.array([0.0] * 4 + [1.0] * 4)
    struggling = np.array([0.0, 1.0, 0.0, 1.0] * 2)
    disadvantaged = np.array([0.0, 0.0, 1.0, 1.0] * 2)
    help_share = (unknown_support + (1.0 - unknown_support) * known) * struggling
    stereotype = (1.0 - individuation * known) * disadvantaged
    help_share.flags.writeable = False
    stereotype.flags.writeable = False
    return stereotype, help_share


REFERENCE_RESPONSIBILITY = 0.5


def plan_reach(collaboration: np.ndarray, responsibility: np.ndarray, p: Parameters) -> np.ndarray:
    """How fully each teacher's team runs the systematic intervention plan (0-1).

    The plan needs coordination (collaboration on shared students and goals,
    ``K_i``) and follow-through from teachers who take responsibility for
    struggling students: ``K_i min(1, r_i / r*)``, ``r* = 0.5`` (Lee & Smith
    1996; DuFour & Mattos 2013). 0 when there is no plan.
    """
    if not p.intervention_plan:
        return np.zeros_like(collaboration)
    return collaboration * np.minimum(1.0, responsibility / REFERENCE_RESPONSIBILITY)


def student_baseline(students: StudentState, p: Parameters) -> np.ndarray:
    """Annual gain of each student that no teacher or classmate causes (lasting)."""
    school = students.assign[:, 0]  # a teacher in each student's school (for an ensemble)
    return at(p.baseline_growth, school) + at(p.ses_growth, school) * students.ses


def standing(students: StudentState, group: np.ndarray | None = None) -> np.ndarray:
    """Each student's achievement relative to the mean of their grade in the school.

    ``group`` numbers each student's (school, grade) when several schools
    share the arrays; by default the grade.
    """
    grade = students.grade if group is None else group
    total = np.bincount(grade, weights=students.achievement)
    count = np.maximum(np.bincount(grade), 1)
    return students.achievement - (total / count)[grade]


def below_proficiency(students: StudentState, p: Parameters, year_fraction: float) -> np.ndarray:
    """Students below the proficiency cut for their grade at this point of the year."""
    cut = at(p.proficiency_cut, students.assign[:, 0]) + NATIONAL_GROWTH * (
        students.grade + year_fraction
    )
    return students.achievement < cut


def weekly_retention(p: Parameters) -> float:
    """Share of the fading part of achievement kept each week.

    The part of a year's teacher-induced gain that does not last
    (``1 - δ∞``) decays to ``(δ1 - δ∞) / (1 - δ∞)`` of itself over a year,
    so that ``δ1`` of the whole gain is left after one year.
    """
    if p.persistence_long_run >= 1.0:
        return 1.0
    kept = (p.persistence_one_year - p.persistence_long_run) / (1.0 - p.persistence_long_run)
    return float(max(kept, 0.0) ** (1.0 / WEEKS_PER_YEAR))


def fading_loss(retention: float, weeks: int) -> float:
    """Share of what is fading lost over ``weeks`` weeks, ``retention`` kept a week."""
    return 0.0 if retention >= 1.0 or weeks == 0 else 1.0 - retention**weeks


def fade(students: StudentState, loss: float | np.ndarray) -> None:
    """Earlier years' teacher-induced gains fade: ``loss`` of them goes (:func:`fading_loss`).

    ``loss`` is per student where the schools of an ensemble differ.
    """
    if not np.any(loss):
        return
    lost = students.fading * loss
    students.fading -= lost
    students.achievement -= lost


def learn(students: StudentState, lasting: np.ndarray, induced: np.ndarray) -> None:
    """Add learning: ``lasting`` (growth no teacher causes) and ``induced`` (which fades)."""
    students.fresh += induced
    students.achievement += lasting + induced


def close_year(students: StudentState, p: Parameters) -> None:
    """Year end: the part of this year's induced gain that will not last starts fading."""
    students.fading += (1.0 - at(p.persistence_long_run, students.assign[:, 0])) * students.fresh
    students.fresh[:] = 0.0


def history_years(years: np.ndarray, retention: float) -> np.ndarray:
    """``Σ_{j<g} ρ^j`` for students in grade ``g``: what is left of their years still fading.

    ``ρ`` is a year's retention (``retention`` a week, :func:`weekly_retention`).
    """
    kept = retention**WEEKS_PER_YEAR
    return years if kept >= 1.0 else (1.0 - kept**years) / (1.0 - kept)


def settle_history(
    students: StudentState, induced: np.ndarray, fading_years: np.ndarray, p: Parameters
) -> None:
    """Give students already in the school the teacher-induced past they would carry.

    A student in grade ``g`` at the start has had ``g`` years of teaching
    at the school's starting level (``induced``, SD a year, per student):
    the lasting share ``δ∞ g e`` and what is still fading of those years,
    ``(1 - δ∞) e Σ_{j<g} ρ^j``, are added to their achievement. Without it
    every student would start with no history of teaching to lose, and a
    school's first-year gains would jump by the fading they skip.
    ``fading_years`` is :func:`history_years` of each student.
    """
    years = students.grade.astype(float)
    long_run = at(p.persistence_long_run, students.assign[:, 0])
    lasting = long_run * years * induced
    fading = (1.0 - long_run) * fading_years * induced
    students.fading[:] = fading
    students.achievement += lasting + fading
    students.year_start[:] = students.achievement
    students.prior[:] = students.achievement


def noise_due(weeks: int, p: Parameters) -> bool:
    """Whether an assessment after ``weeks`` weeks realises learning noise (draws are made).

    In an ensemble, only the schools whose ``student_noise`` is not 0 draw.
    """
    return bool(p.noise and np.any(p.student_noise != 0) and weeks != 0)
