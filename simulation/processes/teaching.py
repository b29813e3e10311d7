"""Teaching: students' weekly gains (MODEL.md §4.1).

Weekly gain of student k in the course of subject j taught by teacher i:

    Δy_kj = [g0 + γ ses_k - π oof_kj + e_i - β_b b_i d_k
             + t_k (β_r r_i + β_I P_i)] / W + ε_kj

with the teacher's effect ``e_i = q_i + β_s (s_i - s*) + β_c (c_i - c*) +
β_p f_i`` (skill; efficacy-driven effort and persistence; practice at
fidelity ``f_i``), ``d_k`` the disadvantaged flag, ``t_k`` the flag for a
student below proficiency at the last common assessment, ``P_i`` how fully
the teacher's team runs a systematic intervention plan (``plan_reach``), ``oof_kj`` an
out-of-field course and ``ε_kj`` a residual with annual SD σ, realised at
each common assessment (``learning_noise``). Achievement ``y_k`` is the
mean over subjects. School size and structure appear nowhere here: they act
through the teachers' states.

References: Bloom et al. (2008); Hanushek & Rivkin (2010); Jussim & Harber
(2005); Lee & Smith (1996); Kraft, Blazar & Hogan (2018).
"""

from __future__ import annotations

import numpy as np

from ..parameters import (
    NATIONAL_GROWTH,
    REFERENCE_COLLECTIVE_EFFICACY,
    REFERENCE_SELF_EFFICACY,
    WEEKS_PER_YEAR,
    Parameters,
)
from ..state import StudentState


def teacher_effects(skill: np.ndarray, self_efficacy: np.ndarray,
                    collective_efficacy: np.ndarray, expectation_bias: np.ndarray,
                    responsibility: np.ndarray, practice_fidelity: np.ndarray,
                    plan_quality: np.ndarray, p: Parameters) -> np.ndarray:
    """Per-teacher annual effect for the four kinds of student.

    Returns an (n_teachers, 4) table indexed by ``2 * disadvantaged +
    below_proficiency``, in SD/year.
    """
    effect = (skill
              + p.efficacy_effort * (self_efficacy - REFERENCE_SELF_EFFICACY)
              + p.collective_effort * (collective_efficacy - REFERENCE_COLLECTIVE_EFFICACY)
              + p.practice_effect * practice_fidelity)
    expectation = p.expectation_effect * expectation_bias
    support = p.responsibility_effort * responsibility + p.intervention_effect * plan_quality
    return np.column_stack([effect, effect + support, effect - expectation,
                            effect - expectation + support])


REFERENCE_RESPONSIBILITY = 0.5


def plan_reach(collaboration: np.ndarray, responsibility: np.ndarray, p: Parameters
               ) -> np.ndarray:
    """How fully each teacher's team runs the systematic intervention plan (0-1).

    The plan needs coordination (collaboration on shared students and goals,
    ``K_i``) and follow-through from teachers who take responsibility for
    struggling students: ``K_i min(1, r_i / r*)``, ``r* = 0.5`` (Lee & Smith
    1996; DuFour & Mattos 2013). 0 when there is no plan.
    """
    if not p.intervention_plan:
        return np.zeros_like(collaboration)
    return collaboration * np.minimum(1.0, responsibility / REFERENCE_RESPONSIBILITY)


def course_baseline(students: StudentState, p: Parameters, staffed_in_field: bool
                    ) -> np.ndarray:
    """Annual gain of each (student, course) that does not depend on teachers."""
    base = (p.baseline_growth + p.ses_growth * students.ses)[:, None]
    base = np.broadcast_to(base, students.assign.shape).copy()
    if not staffed_in_field:
        base -= p.out_of_field_penalty * students.out_of_field
    return base


def below_proficiency(students: StudentState, p: Parameters, year_fraction: float
                      ) -> np.ndarray:
    """Students below the proficiency cut for their grade at this point of the year."""
    cut = p.proficiency_cut + NATIONAL_GROWTH * (students.grade + year_fraction)
    return students.achievement < cut


def class_index(students: StudentState, struggling: np.ndarray) -> np.ndarray:
    """Flat index into the (teacher, kind) table for every (student, course)."""
    kind = 2 * students.disadvantaged.astype(np.int64) + struggling.astype(np.int64)
    return students.assign * 4 + kind[:, None]


def teach_week(students: StudentState, table: np.ndarray, baseline: np.ndarray,
               index: np.ndarray) -> None:
    """Add one week's expected learning to every student's courses and achievement."""
    gains = baseline + table.ravel()[index]
    gains *= 1.0 / WEEKS_PER_YEAR
    students.cycle_gain += gains
    students.achievement += gains @ students.course_weights


def learning_noise(students: StudentState, weeks: int, p: Parameters,
                   rng: np.random.Generator) -> None:
    """Realise the variation in learning that teachers do not cause.

    Drawn at each common assessment for the ``weeks`` since the last one,
    ``ε_kj ~ N(0, σ² weeks / W)``: the same distribution as weekly draws
    summed, at a sixth of the cost, so the class gains teachers see carry
    exactly the sampling noise they would.
    """
    if not p.noise or p.student_noise == 0 or weeks == 0:
        return
    sd = p.student_noise * np.sqrt(weeks / WEEKS_PER_YEAR)
    noise = rng.standard_normal(students.cycle_gain.shape) * sd
    students.cycle_gain += noise
    students.achievement += noise @ students.course_weights
