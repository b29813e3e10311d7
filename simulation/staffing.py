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
from .networks import NetworkFile
from .parameters import Parameters
from .state import StudentState


@dataclass
class Staffing:
    """Teachers' subjects and specialisms (fixed roles; hires inherit them)."""

    subject: np.ndarray
    specialism: np.ndarray


def staff_size(p: Parameters, network: NetworkFile | None = None) -> int:
    """Number of teachers: the network file's teachers, else ``n_students / ratio``.

    The one place the school's staff size is worked out (the model and the
    scenario checks both ask here).
    """
    if network is not None:
        return network.n
    return max(2, round(p.n_students / p.student_teacher_ratio))


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

    Students choose among a subject's courses in equal shares (demand does
    not bend to staffing). Within a house (or the whole school), each of the
    subject's teachers takes an equal share of its students; a course's
    specialists take its students up to their share, and the students they
    cannot take are taught, out of field, by colleagues of the subject with
    room left (any teacher when the school has none of the subject). So the
    share of courses taught out of field falls smoothly as the staff of each
    subject grows: with ``n`` teachers for ``m`` courses it is about
    ``1 - n/m`` below ``n = m`` and a few percent of mismatch above
    (Ingersoll 1999: out-of-field teaching is commonest in small schools).
    Sets ``students.assign`` and ``students.out_of_field``.

    Returns
    -------
    numpy.ndarray
        Distinct course preparations per teacher.
    """
    n = students.n
    n_teachers = staffing.subject.size
    n_houses = int(max(teacher_house.max(initial=0), students.house.max(initial=0))) + 1
    max_spec = max(specialisms)
    prep_codes = []
    for s, m in enumerate(specialisms):
        course = (rng.integers(0, m, n) if noise else np.arange(n) % m).astype(np.int64)
        deal = rng.permutation(n) if noise else np.arange(n)
        subject_teachers = np.flatnonzero(staffing.subject == s)
        teacher = np.empty(n, dtype=np.int64)
        for h in range(n_houses):
            members = deal[students.house[deal] == h]
            if members.size == 0:
                continue
            pool = subject_teachers[teacher_house[subject_teachers] == h]
            if pool.size == 0:
                pool = subject_teachers if subject_teachers.size else np.arange(n_teachers)
            teacher[members] = _fill(members, course[members], pool,
                                     staffing.specialism[pool], m)
        students.assign[:, s] = teacher
        students.out_of_field[:, s] = ((staffing.subject[teacher] != s)
                                       | (staffing.specialism[teacher] != course))
        prep_codes.append(teacher * (len(specialisms) * max_spec) + s * max_spec + course)
    codes = np.unique(np.concatenate(prep_codes))
    return np.bincount(codes // (len(specialisms) * max_spec), minlength=n_teachers)


def _fill(members: np.ndarray, course: np.ndarray, pool: np.ndarray,
          specialism: np.ndarray, n_courses: int) -> np.ndarray:
    """Teachers (from ``pool``) for ``members`` in dealing order, each taking an equal share.

    Specialists of each course take its students round-robin up to their
    share; the rest go to the teachers with room left, the emptiest first.
    """
    share = -(-members.size // pool.size)  # ceiling: every student finds a place
    load = np.zeros(pool.size, dtype=np.int64)
    chosen = np.full(members.size, -1, dtype=np.int64)
    for c in range(n_courses):
        want = np.flatnonzero(course == c)
        experts = np.flatnonzero(specialism == c)
        if want.size == 0 or experts.size == 0:
            continue
        taken = min(want.size, experts.size * share)
        slot = np.arange(taken) % experts.size
        chosen[want[:taken]] = experts[slot]
        load += np.bincount(experts[slot], minlength=pool.size)
    left = np.flatnonzero(chosen < 0)
    if left.size:
        room = share - load
        slots = np.repeat(np.arange(pool.size), room)
        within = np.arange(slots.size) - np.repeat(np.cumsum(room) - room, room)
        rank = within + np.repeat(load, room)
        slots = slots[np.argsort(rank, kind="stable")]
        chosen[left] = slots[:left.size]
    return pool[chosen]


def known_students(students: StudentState, ties, n_teachers: int) -> np.ndarray:
    """Whether each (student, course)'s teacher knows the student individually.

    Known means the teacher taught the student in an earlier year
    (``students.previous``), or has a tie to another of the student's
    current teachers, so the student is talked about (Bryk, Lee & Holland
    1993; Lee & Smith 1997). In a small school students meet the same
    teachers again and their teachers know each other; in a house their
    teachers share a team.
    """
    assign = students.assign
    known = assign == students.previous
    if ties.src.size == 0:
        return known
    codes = np.unique(ties.src * n_teachers + ties.dst)
    n_courses = assign.shape[1]
    for c in range(n_courses):
        for other in range(n_courses):
            if other == c:
                continue
            pair = assign[:, c] * n_teachers + assign[:, other]
            at = np.minimum(np.searchsorted(codes, pair), codes.size - 1)
            known[:, c] |= codes[at] == pair
    return known


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
