"""The school's classes: who teaches whom, and the sums that assessments read.

A student takes one course per subject; each (student, course) pair has a
teacher. Between assessments classes do not change, and what a teacher
sees at an assessment is a sum over their pairs: the gains their students
made, split by whether the student is disadvantaged. Those sums are linear
in the weekly teacher effects, so :class:`Classes` keeps, per teacher, how
many pairs of each kind they teach (``kind_counts``) and the sums of what
does not depend on the teacher (baseline growth, out-of-field teaching,
classmates), and a week of teaching costs teacher-sized work:
``Σ_pairs gain = (weeks (B_t + X_t) + Σ_κ T_tκ N_tκ) / W``, with ``T`` the
weeks' teacher-effect tables summed (``processes.teaching.teacher_effects``).

Sums over a teacher's pairs use ``np.bincount`` over global teacher ids,
which adds in input order, so a school's sums do not depend on other
schools sharing the arrays (:mod:`simulation.schools`).
"""

from __future__ import annotations

import numpy as np

from .parameters import WEEKS_PER_YEAR, Parameters
from .processes import teaching
from .processes.common import at
from .state import StudentState

#: Which of the eight kinds of (student, course) are disadvantaged students
#: (kind = 4 known + 2 disadvantaged + below proficiency).
DISADVANTAGED_KINDS = np.array([False, False, True, True] * 2)
#: Which kinds are students below proficiency (the last bit of the kind).
STRUGGLING_KINDS = np.arange(teaching.KINDS) % 2 == 1


def course_sums(values: np.ndarray) -> np.ndarray:
    """Each row's sum of a (student, course) array: ``values.sum(axis=1)``, faster.

    NumPy adds a row shorter than eight left to right, one row at a time,
    which is slow for many short rows; adding whole columns left to right
    gives the same numbers to the bit (tested) at a fraction of the cost,
    and less still where ``values`` is the transpose of a (course, student)
    array, whose columns are whole rows in memory. Longer rows are summed
    pairwise by NumPy and are left to it, laid out a row per student as
    NumPy sums them pairwise only then.
    """
    if not 2 <= values.shape[1] < 8:
        return np.ascontiguousarray(values).sum(axis=1)
    total = values[:, 0] + values[:, 1]
    for column in range(2, values.shape[1]):
        total += values[:, column]
    return total


class Classes:
    """Pairs of (student, course) and their teachers, with the sums assessments need.

    Built after every course assignment; :meth:`see` brings it up to date
    with who is below proficiency and with classmates (at every
    assessment). ``teacher`` lists the pairs' teachers a student after
    another, the order every float sum over pairs adds in;
    ``teacher_by_course`` and ``index`` (each pair's cell of the teacher
    effect table) hold a row per course, so that what is gathered for a
    student's courses is summed over whole rows.

    Parameters
    ----------
    students : StudentState
        With ``assign`` holding global teacher ids.
    n_teachers : int
        Teachers in the arrays (all schools).
    p : Parameters
    out_of_field : bool
        Whether out-of-field teaching costs gains (the ``staffing`` process).
    peers : bool
        Whether classmates act on gains (the ``peers`` process).
    """

    def __init__(
        self,
        students: StudentState,
        n_teachers: int,
        p: Parameters,
        *,
        out_of_field: bool,
        peers: bool,
    ) -> None:
        self.n_teachers = n_teachers
        self.n_courses = courses = students.assign.shape[1]
        self.peers = peers and bool(np.any(p.peer_effect))
        self.teacher = students.assign.flatten()  # its own: the next summer reassigns in place
        self.teacher_by_course = np.array(students.assign.T, order="C")  # a copy, as above
        self.size = self.sum_over_pairs(None)
        self.safe_size = np.maximum(self.size, 1.0)
        # each disadvantaged student's pairs, in pair order
        self.disadvantaged_pairs = (
            np.flatnonzero(students.disadvantaged)[:, None] * courses + np.arange(courses)
        ).ravel()
        self.disadvantaged_teacher = self.teacher[self.disadvantaged_pairs]
        # whole numbers: the same as summing a 0/1 weight over every pair
        disadvantaged = np.bincount(self.disadvantaged_teacher, minlength=n_teachers)
        self.n_disadvantaged = disadvantaged.astype(float)
        self.baseline = teaching.student_baseline(students, p)
        base = np.repeat(self.baseline, courses)
        self.base_sum = self.sum_over_pairs(base)
        self.base_disadvantaged_sum = self.sum_over_disadvantaged_pairs(base)
        penalty = (
            at(p.out_of_field_penalty, self.teacher) * students.out_of_field.ravel()
            if out_of_field
            else np.zeros(self.teacher.size)
        )
        self.penalty_sum = self.sum_over_pairs(penalty)
        self.penalty_disadvantaged_sum = self.sum_over_disadvantaged_pairs(penalty)
        self.penalty_mean = course_sums(penalty.reshape(-1, courses)) * (1.0 / courses)
        kind_without_level = students.known.T * np.int8(4) + students.disadvantaged * np.int8(2)
        self.index_without_level = self.teacher_by_course * teaching.KINDS + kind_without_level

    def sum_over_pairs(self, values: np.ndarray | None) -> np.ndarray:
        """Per teacher: the sum of ``values`` over their pairs (the count if None)."""
        return np.bincount(self.teacher, weights=values, minlength=self.n_teachers).astype(float)

    def sum_over_disadvantaged_pairs(self, values: np.ndarray) -> np.ndarray:
        """Per teacher: the sum of ``values`` over their disadvantaged students' pairs.

        Equal to the bit to ``sum_over_pairs(values * disadvantaged)`` for
        finite values (the zeros left out add nothing, in the same order),
        at a quarter of the cost.
        """
        return np.bincount(
            self.disadvantaged_teacher,
            weights=values[self.disadvantaged_pairs],
            minlength=self.n_teachers,
        )

    def see(
        self, students: StudentState, p: Parameters, year_fraction: float, group: np.ndarray
    ) -> None:
        """Who is below proficiency now, what that makes of each class, and classmates.

        ``group`` numbers each student's (school, grade): peers are compared
        within a school's grade.
        """
        courses = self.n_courses
        self.struggling = teaching.below_proficiency(students, p, year_fraction)
        self.index = self.index_without_level + self.struggling  # the level bit
        counts = np.bincount(self.index.ravel(), minlength=self.n_teachers * teaching.KINDS)
        self.kind_counts = counts.reshape(self.n_teachers, teaching.KINDS).astype(float)
        struggling = self.kind_counts[:, STRUGGLING_KINDS].sum(axis=1)  # whole numbers: exact
        self.struggling_share = struggling / self.safe_size
        if self.peers:
            standing = np.repeat(teaching.standing(students, group), courses)
            self.peer = p.peer_effect * (self.sum_over_pairs(standing) / self.safe_size)
            if isinstance(p.peer_effect, np.ndarray):  # schools without it: none, as alone
                self.peer[p.peer_effect == 0] = 0.0
            peer_pairs = self.peer.take(self.teacher_by_course)
            self.peer_mean = course_sums(peer_pairs.T) * (1.0 / courses)
        else:
            self.peer = np.zeros(self.n_teachers)
            self.peer_mean = np.zeros(students.n)
        # teacher-independent gains that fade (out of field, classmates)
        self.extra_sum = self.peer * self.size - self.penalty_sum
        self.extra_disadvantaged_sum = (
            self.peer * self.n_disadvantaged - self.penalty_disadvantaged_sum
        )
        self.extra_mean = self.peer_mean - self.penalty_mean

    def effect_per_student(self, table: np.ndarray) -> np.ndarray:
        """Each student's mean over courses of ``table[pair]`` plus the extra gains (SD/year)."""
        gathered = table.take(self.index).T
        return course_sums(gathered) * (1.0 / self.n_courses) + self.extra_mean

    def induced(self, table_sum: np.ndarray, weeks: int) -> np.ndarray:
        """Each student's teacher-induced gain over ``weeks`` weeks, from summed tables."""
        gathered = table_sum.take(self.index).T
        return (course_sums(gathered) * (1.0 / self.n_courses) + weeks * self.extra_mean) * (
            1.0 / WEEKS_PER_YEAR
        )

    def gain_sums(self, table_sum: np.ndarray, weeks: int) -> tuple[np.ndarray, np.ndarray]:
        """Per teacher: the gain summed over their pairs, all and disadvantaged only.

        Over ``weeks`` weeks taught with effect tables summing to
        ``table_sum`` (noise not included).
        """
        taught = table_sum * self.kind_counts
        induced = taught.sum(axis=1)
        induced_disadvantaged = taught[:, DISADVANTAGED_KINDS].sum(axis=1)
        scale = 1.0 / WEEKS_PER_YEAR
        total = (weeks * (self.base_sum + self.extra_sum) + induced) * scale
        disadvantaged = (
            weeks * (self.base_disadvantaged_sum + self.extra_disadvantaged_sum)
            + induced_disadvantaged
        ) * scale
        return total, disadvantaged

    def expected_gain(self, table: np.ndarray) -> np.ndarray:
        """Per teacher: the mean over their pairs of a year's expected gain (SD/year)."""
        return (
            (table * self.kind_counts).sum(axis=1) + self.extra_sum + self.base_sum
        ) / self.safe_size
