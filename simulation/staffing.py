"""Staffing and student assignment (MODEL.md §4.10).

Each student takes one course in every subject each year; a course belongs
to one of the subject's specialisms (biology, chemistry, ...). A subject's
teachers cover its specialisms in turn, so a school with fewer teachers in a
subject than specialisms has courses taught out of field (lower effective
skill) and teachers with more preparations (more workload). This is the
mechanism by which very small schools can do worse (Lee & Smith 1997).

Houses (schools within schools) place students at random or, by choice,
sorted on SES and prior achievement (Lee & Ready 2007); students then take
their courses from their house's teachers where one is in field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .errors import ParameterError
from .parameters import Parameters
from .state import StudentState


@dataclass
class Staffing:
    """Teachers' subjects and specialisms (fixed roles; hires inherit them)."""

    subject: np.ndarray
    specialism: np.ndarray


def allocate_subjects(n_teachers: int, specialisms: tuple[int, ...],
                      subject: np.ndarray | None = None) -> Staffing:
    """Give teachers subjects in proportion to demand, and specialisms in turn.

    Every student takes every subject, so demand is equal; the remainder goes
    first to subjects with more specialisms. A given ``subject`` array (from a
    network file) is kept, its codes wrapped onto the subjects available.
    """
    n_subjects = len(specialisms)
    if subject is None:
        base, extra = divmod(n_teachers, n_subjects)
        counts = np.full(n_subjects, base)
        counts[np.argsort(-np.asarray(specialisms), kind="stable")[:extra]] += 1
        subject = np.repeat(np.arange(n_subjects), counts)
    else:
        subject = np.asarray(subject, dtype=np.int64) % n_subjects
    specialism = np.zeros(n_teachers, dtype=np.int64)
    for s in range(n_subjects):
        members = np.flatnonzero(subject == s)
        specialism[members] = np.arange(members.size) % specialisms[s]
    return Staffing(subject, specialism)


def place_in_houses(students: StudentState, n_houses: int, p: Parameters,
                    rng: np.random.Generator, rows: np.ndarray | None = None) -> None:
    """Place students (all, or ``rows``) in houses, balanced in size.

    ``random``: a random balanced deal. ``choice``: families choose, which
    sorts students on SES and prior achievement plus idiosyncratic taste
    (Lee & Ready 2007), so houses differ in composition.
    """
    rows = np.arange(students.n) if rows is None else rows
    if n_houses <= 1 or rows.size == 0:
        students.house[rows] = 0
        return
    taste = rng.normal(0.0, 1.0, rows.size) if p.noise else np.zeros(rows.size)
    if p.house_assignment == "choice":
        key = students.ses[rows] + students.achievement[rows] + taste
    else:
        key = taste if p.noise else np.arange(rows.size, dtype=float)
    order = np.argsort(key, kind="stable")
    house = np.empty(rows.size, dtype=np.int64)
    if p.house_assignment == "choice":
        house[order] = np.arange(rows.size) * n_houses // rows.size
    else:
        house[order] = np.arange(rows.size) % n_houses
    students.house[rows] = house


def assign_courses(students: StudentState, staffing: Staffing, teacher_house: np.ndarray,
                   specialisms: tuple[int, ...], rng: np.random.Generator,
                   noise: bool) -> np.ndarray:
    """Assign every (student, subject) course to a teacher; return preparations.

    For each course the candidates are, in order: in-field teachers of the
    student's house; in-field teachers anywhere; teachers of the subject in
    the house; of the subject anywhere; any teacher. Students are dealt
    round-robin over the candidates, so classes are balanced. Sets
    ``students.assign`` and ``students.out_of_field``.

    Returns
    -------
    numpy.ndarray
        Distinct course preparations per teacher.
    """
    n = students.n
    n_teachers = staffing.subject.size
    all_teachers = np.arange(n_teachers)
    n_houses = int(max(teacher_house.max(initial=0), students.house.max(initial=0))) + 1
    prep_codes = []
    max_spec = max(specialisms)
    # teachers grouped once by (subject, house, course), (subject, course),
    # (subject, house) and subject: the candidate lists are then look-ups
    by_shc: dict[tuple[int, int, int], list[int]] = {}
    by_sc: dict[tuple[int, int], list[int]] = {}
    by_sh: dict[tuple[int, int], list[int]] = {}
    by_s: dict[int, list[int]] = {}
    for t, (subj, house, spec) in enumerate(zip(staffing.subject.tolist(),
                                                teacher_house.tolist(),
                                                staffing.specialism.tolist(), strict=True)):
        by_shc.setdefault((subj, house, spec), []).append(t)
        by_sc.setdefault((subj, spec), []).append(t)
        by_sh.setdefault((subj, house), []).append(t)
        by_s.setdefault(subj, []).append(t)
    for s, m in enumerate(specialisms):
        # schools run more sections of the courses they can staff in field;
        # a course nobody can teach in field still runs (taught out of field)
        staffed = np.array([len(by_sc.get((s, c), ())) for c in range(m)])
        share = np.cumsum(np.maximum(staffed, 1)) / np.maximum(staffed, 1).sum()
        draws = rng.random(n) if noise else (np.arange(n) + 0.5) / n
        course = np.minimum(np.searchsorted(share, draws, side="right"), m - 1)
        key = students.house * m + course
        cand_flat: list[int] = []
        cand_start = np.zeros(n_houses * m, dtype=np.int64)
        cand_len = np.zeros(n_houses * m, dtype=np.int64)
        cand_oof = np.zeros(n_houses * m, dtype=bool)
        for h in range(n_houses):
            for c in range(m):
                options = ((by_shc.get((s, h, c)), False), (by_sc.get((s, c)), False),
                           (by_sh.get((s, h)), True), (by_s.get(s), True))
                members, oof = None, True
                for group, out_of_field in options:
                    if group:
                        members, oof = group, out_of_field
                        break
                if members is None:
                    members = all_teachers.tolist()
                g = h * m + c
                cand_start[g], cand_len[g], cand_oof[g] = len(cand_flat), len(members), oof
                cand_flat.extend(members)
        flat = np.asarray(cand_flat, dtype=np.int64)
        deal = rng.permutation(n) if noise else np.arange(n)
        order = deal[np.argsort(key[deal], kind="stable")]
        sorted_key = key[order]
        group_first = np.searchsorted(sorted_key, sorted_key, side="left")
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n) - group_first
        teacher = flat[cand_start[key] + rank % cand_len[key]]
        students.assign[:, s] = teacher
        students.out_of_field[:, s] = cand_oof[key]
        prep_codes.append(teacher * (len(specialisms) * max_spec) + s * max_spec + course)
    codes = np.unique(np.concatenate(prep_codes))
    return np.bincount(codes // (len(specialisms) * max_spec), minlength=n_teachers)


def check_staff_ratio(n_students: int, n_teachers: int, p: Parameters) -> None:
    """Refuse a custom network whose staff cannot teach ``n_students``.

    With a network file the staff is the file's teachers, so the students
    per teacher follow from the file; they must lie in the range allowed for
    ``student_teacher_ratio`` (6-40), as for every other structure.

    Raises
    ------
    ParameterError
        Naming the ratio and the school sizes, or network sizes, that fit.
    """
    spec = Parameters.spec("student_teacher_ratio")
    low, high = spec.low, spec.high
    ratio = n_students / n_teachers
    if low <= ratio <= high:
        return
    fits = (f"{math.ceil(n_teachers * low)} to {math.floor(n_teachers * high)} students for "
            f"these {n_teachers} teachers, or a network of {math.ceil(n_students / high)} to "
            f"{math.floor(n_students / low)} teachers for {n_students} students")
    raise ParameterError(f"the network file lists {n_teachers} teachers, so {n_students} "
                         f"students is {ratio:.1f} students per teacher; allowed: {low:g} to "
                         f"{high:g} students per teacher ({fits})", key="n_students")
