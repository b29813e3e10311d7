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
from collections.abc import Sequence
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


def allocate_subjects(
    n_teachers: int, specialisms: tuple[int, ...], subject: np.ndarray | None = None
) -> Staffing:
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


def place_in_houses(
    students: StudentState,
    n_houses: int,
    p: Parameters,
    rng: np.random.Generator,
    rows: np.ndarray | None = None,
) -> None:
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


def assign_courses(
    students: StudentState,
    staffing: Staffing,
    teacher_house: np.ndarray,
    specialisms: tuple[int, ...],
    rngs: Sequence[np.random.Generator],
    noise: bool,
    school_size: int | None = None,
) -> np.ndarray:
    """Assign every (student, subject) course to a teacher; return preparations.

    Students choose among a subject's courses in equal shares (demand does
    not bend to staffing). Within a house (or the whole school), each of the
    subject's teachers takes an equal share of its students; a course's
    specialists take its students up to their share, and the students they
    cannot take are taught, out of field, by colleagues of the subject with
    room left (the school's teachers of the subject when the house has none,
    any teacher of the school when the school has none). So the share of
    courses taught out of field falls smoothly as the staff of each subject
    grows: with ``n`` teachers for ``m`` courses it is about ``1 - n/m``
    below ``n = m`` and a few percent of mismatch above (Ingersoll 1999:
    out-of-field teaching is commonest in small schools). Sets
    ``students.assign`` and ``students.out_of_field``.

    Several schools of ``school_size`` teachers (and equal enrolment) may
    share the arrays (teacher ids global, houses numbered within a school):
    school ``r`` draws from ``rngs[r]`` only, subject by subject (its
    students' courses, then the order they are dealt in), and nothing one
    school's students get depends on another's.

    Returns
    -------
    numpy.ndarray
        Distinct course preparations per teacher.
    """
    n_teachers = staffing.subject.size
    size = n_teachers if school_size is None else school_size
    n_schools = n_teachers // size
    per_school = students.n // n_schools
    student_school = np.arange(students.n) // per_school
    teacher_school = np.arange(n_teachers) // size
    n_houses = int(max(teacher_house.max(initial=0), students.house.max(initial=0))) + 1
    group = student_school * n_houses + students.house
    max_spec = max(specialisms)
    prep_codes = []
    for s, m in enumerate(specialisms):
        course = np.empty(students.n, dtype=np.int64)
        position = np.empty(students.n, dtype=np.int64)
        for r, rng in enumerate(rngs):
            rows = slice(r * per_school, (r + 1) * per_school)
            course[rows] = rng.integers(0, m, per_school) if noise else np.arange(per_school) % m
            deal = rng.permutation(per_school) if noise else np.arange(per_school)
            position[rows.start + deal] = np.arange(per_school)
        entries = _pool_entries(s, staffing, teacher_house, teacher_school, n_schools, n_houses)
        teacher = _fill(group, course, position, entries, n_schools * n_houses, m)
        students.assign[:, s] = teacher
        students.out_of_field[:, s] = (staffing.subject[teacher] != s) | (
            staffing.specialism[teacher] != course
        )
        prep_codes.append(teacher * (len(specialisms) * max_spec) + s * max_spec + course)
    taught = np.zeros(n_teachers * len(specialisms) * max_spec, dtype=bool)
    for codes in prep_codes:
        taught[codes] = True
    return taught.reshape(n_teachers, -1).sum(axis=1)


def _pool_entries(
    subject: int,
    staffing: Staffing,
    teacher_house: np.ndarray,
    teacher_school: np.ndarray,
    n_schools: int,
    n_houses: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each (school, house) group's pool of teachers for ``subject``: group, teacher, specialism.

    The house's teachers of the subject; the school's, when the house has
    none; any of the school's teachers, when the school has none. Pools are
    listed group by group, teachers in id order within a group.
    """
    of_subject = staffing.subject == subject
    teachers = np.arange(staffing.subject.size)
    groups, members = [], []
    for r in range(n_schools):
        mine = teacher_school == r
        subject_teachers = teachers[mine & of_subject]
        school_teachers = teachers[mine]
        fallback = subject_teachers if subject_teachers.size else school_teachers
        houses = teacher_house[subject_teachers]
        for h in range(n_houses):
            pool = subject_teachers[houses == h]
            pool = pool if pool.size else fallback
            groups.append(np.full(pool.size, r * n_houses + h))
            members.append(pool)
    members = np.concatenate(members)
    return np.concatenate(groups), members, staffing.specialism[members]


def _fill(
    group: np.ndarray,
    course: np.ndarray,
    position: np.ndarray,
    entries: tuple[np.ndarray, np.ndarray, np.ndarray],
    n_groups: int,
    n_courses: int,
) -> np.ndarray:
    """Teachers for the students of every group, each teacher taking an equal share.

    In each group (students in dealing order ``position``), a course's
    specialists take its students round-robin up to their share; the rest
    go to the pool's teachers with room left, the emptiest first.
    """
    pool_group, pool_teacher, specialism = entries
    pool_size = np.bincount(pool_group, minlength=n_groups)
    students_in = np.bincount(group, minlength=n_groups)
    share = -(-students_in // np.maximum(pool_size, 1))
    # specialists of each (group, course), in pool order
    cell = pool_group * n_courses + specialism
    by_cell = np.argsort(cell, kind="stable")
    experts = np.bincount(cell, minlength=n_groups * n_courses)
    first_expert = np.cumsum(experts) - experts
    # students of each (group, course) in dealing order, and their rank there
    # (positions differ within a school, so every sort key below is unique and
    # the fastest sort gives the one order)
    want = group * n_courses + course
    positions = int(position.max(initial=0)) + 1
    order = np.argsort(want * positions + position)
    sorted_want = want[order]
    rank = np.arange(order.size) - _firsts(want, n_groups * n_courses)[sorted_want]
    count = experts[sorted_want]
    taken = rank < count * share[sorted_want // n_courses]
    entry = np.full(order.size, -1)
    entry[taken] = by_cell[first_expert[sorted_want[taken]] + rank[taken] % count[taken]]
    chosen = np.full(group.size, -1)
    chosen[order] = entry
    # the rest: slots of room left, by how full the teacher already is
    load = np.bincount(chosen[chosen >= 0], minlength=pool_group.size)
    room = share[pool_group] - load
    slot_entry = np.repeat(np.arange(pool_group.size), room)
    within = np.arange(slot_entry.size) - np.repeat(np.cumsum(room) - room, room)
    slot_rank = within + np.repeat(load, room)
    entries = pool_group.size
    slot_key = (pool_group[slot_entry] * (int(slot_rank.max(initial=0)) + 1) + slot_rank) * entries
    slots = slot_entry[np.argsort(slot_key + slot_entry)]
    slot_group = pool_group[slots]
    slots_in = np.bincount(slot_group, minlength=n_groups)
    first_slot = np.cumsum(slots_in) - slots_in
    left = np.flatnonzero(chosen < 0)
    left = left[np.argsort(group[left] * positions + position[left])]
    left_group = group[left]
    left_rank = np.arange(left.size) - _firsts(left_group, n_groups)[left_group]
    chosen[left] = slots[first_slot[left_group] + left_rank]
    return pool_teacher[chosen]


def _firsts(labels: np.ndarray, n_labels: int) -> np.ndarray:
    """Where each label's run starts once ``labels`` are sorted (labels ``0..n_labels-1``)."""
    counts = np.bincount(labels, minlength=n_labels)
    return np.cumsum(counts) - counts


def known_students(
    students: StudentState, ties, n_teachers: int, school_size: int | None = None
) -> np.ndarray:
    """Whether each (student, course)'s teacher knows the student individually.

    Known means the teacher taught the student in an earlier year
    (``students.previous``), or has a tie to another of the student's
    current teachers, so the student is talked about (Bryk, Lee & Holland
    1993; Lee & Smith 1997). In a small school students meet the same
    teachers again and their teachers know each other; in a house their
    teachers share a team.

    ``school_size`` is the number of teachers per school when several
    schools of equal staff share the arrays (teacher ids global): ties are
    looked up in one adjacency table per school.
    """
    assign = students.assign
    known = assign == students.previous
    if ties.src.size == 0:
        return known
    size = n_teachers if school_size is None else school_size
    start = (assign[:, 0] // size) * size  # each student's school's first teacher
    tied = np.zeros((n_teachers // size) * size * size, dtype=bool)
    tied[ties.src * size + (ties.dst - (ties.src // size) * size)] = True
    n_courses = assign.shape[1]
    for c in range(n_courses):
        for other in range(c + 1, n_courses):
            pair = tied[assign[:, c] * size + (assign[:, other] - start)]
            known[:, c] |= pair
            known[:, other] |= pair
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
    fits = (
        f"{math.ceil(n_teachers * low)} to {math.floor(n_teachers * high)} students for "
        f"these {n_teachers} teachers, or a network of {math.ceil(n_students / high)} to "
        f"{math.floor(n_students / low)} teachers for {n_students} students"
    )
    raise ParameterError(
        f"the network file lists {n_teachers} teachers, so {n_students} "
        f"students is {ratio:.1f} students per teacher; allowed: {low:g} to "
        f"{high:g} students per teacher ({fits})",
        key="n_students",
    )
