"""Collective responsibility and reflective practice (MODEL.md §4.7).

Responsibility grows slowly with sustained collaboration on shared students
and goals, the more so the more the teacher believes the faculty can make a
difference, and erodes toward an individualist floor without it:

    Δr_i = η_R [K_i c_i (1 - r_i) - ε (r_i - r_0)] + η_D D gap_i (c_i - c0),
    K_i  = Σ_j w_ij σ_ij / (Σ_j w_ij + w½),
    σ_ij = max(goal_ij, min(1, overlap_ij / o_full)),

where ``overlap_ij`` is the share of i's students that j also teaches
(large in small schools and houses), ``goal_ij`` the goals the two share (1
for a PLC course team with common assessments, less for department
colleagues teaching the same subject), and ``D`` is 1 when teams review
disaggregated data: the gap between the team's disadvantaged students and
the rest becomes visible, which raises responsibility where collective
efficacy is above ``c0`` and breeds defensiveness below it (Lee & Smith
1996; Lortie 1975; Donohoo & Katz 2020). ``η_R`` is small: years, not weeks.

Reflective practice ``ρ_i`` rises under the CLEAR cycle in proportion to
team exposure and fades slowly without it; it makes failures more likely to
be attributed to strategy (``mastery.py``).
"""

from __future__ import annotations

import numpy as np

from ..networks import Ties
from ..parameters import Parameters
from ..state import StudentState
from .common import at, strength


def student_overlap(
    students: StudentState, ties: Ties, n_teachers: int, teachers_per_school: int
) -> np.ndarray:
    """Share of the source teacher's students the destination teacher also teaches.

    Each student's distinct teachers, sorted, are paired (lower id first)
    and the pairs counted. Ties never cross schools, which are laid end to
    end in blocks of ``teachers_per_school`` (:mod:`simulation.schools`), and
    neither do a student's teachers, so a pair is numbered by its lower
    teacher and how far above it the other is (less than
    ``teachers_per_school``). Counts are whole numbers, so the shares do not
    depend on the order of adding.
    """
    if ties.src.size == 0:
        return np.zeros(0)
    teacher = np.sort(students.assign, axis=1).T.copy()  # a row per course: fast to gather
    first, second = np.triu_indices(teacher.shape[0], 1)
    scaled = teacher * teachers_per_school
    pair = np.empty((first.size, teacher.shape[1]), dtype=np.int64)
    for row, low, high in zip(pair, first, second, strict=True):  # row by row: no big temporaries
        np.subtract(teacher[high], teacher[low], out=row)
        row += scaled[low]
    repeated = teacher[1:] == teacher[:-1]
    if repeated.any():  # a student counts once per teacher
        distinct = np.ones(teacher.shape, dtype=bool)
        distinct[1:] = ~repeated
        teacher, pair = teacher[distinct], pair[distinct[first] & distinct[second]]
    own = np.bincount(teacher.ravel(), minlength=n_teachers)
    shared = np.bincount(pair.ravel(), minlength=n_teachers * teachers_per_school)
    low, high = np.minimum(ties.src, ties.dst), np.maximum(ties.src, ties.dst)
    together = shared[low * teachers_per_school + (high - low)]
    return np.divide(together, own[ties.src], out=np.zeros(ties.src.size), where=own[ties.src] > 0)


def shared_work(
    ties: Ties, weight: np.ndarray, overlap: np.ndarray, n: int, p: Parameters
) -> np.ndarray:
    """Collaboration on shared students and goals, ``K_i`` in [0, 1)."""
    full = at(p.shared_students_full, ties.src)
    partnership = np.maximum(ties.shared_goal, np.minimum(1.0, overlap / full))
    return strength(ties.src, weight * partnership, n) / (
        strength(ties.src, weight, n) + p.exposure_half
    )


def responsibility_change(
    responsibility: np.ndarray,
    collective: np.ndarray,
    collaboration: np.ndarray,
    visible_gap: np.ndarray | None,
    p: Parameters,
) -> np.ndarray:
    """Weekly change in responsibility (before malleability).

    ``visible_gap`` (the gap each teacher's team sees) is read only under data
    review; None without it.
    """
    change = p.responsibility_rate * (
        collaboration * collective * (1.0 - responsibility)
        - p.responsibility_erosion * (responsibility - p.responsibility_floor)
    )
    if p.data_review:
        change += p.data_review_rate * visible_gap * (collective - p.defensiveness_threshold)
    return change


def reflective_change(reflective: np.ndarray, exposure: np.ndarray, p: Parameters) -> np.ndarray:
    """Weekly change in reflective practice: uptake under CLEAR, slow fade without."""
    if p.clear_cycle:
        return p.reflective_rate * exposure * (1.0 - reflective)
    return -0.25 * p.reflective_rate * reflective
