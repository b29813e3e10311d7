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
    teacher_school = np.arange(n_teachers) // size
    n_houses = int(max(teacher_house.max(initial=0), students.house.max(initial=0))) + 1
    group = np.arange(students.n) // per_school * n_houses + students.house
    max_spec = max(specialisms)
    in_field = staffing.subject * max_spec + staffing.specialism  # each teacher's own course
    taught = np.zeros(n_teachers * len(specialisms) * max_spec, dtype=bool)
    for s, m in enumerate(specialisms):
        course, dealt = _deal(rngs, m, per_school, noise)
        entries = _pool_entries(s, staffing, teacher_house, teacher_school, n_schools, n_houses)
        teacher = np.empty_like(dealt)
        teacher[dealt] = _fill(group[dealt], course[dealt], entries, n_schools, n_houses, m)
        code = s * max_spec + course  # the course, numbered over all subjects
        students.assign[:, s] = teacher
        students.out_of_field[:, s] = in_field[teacher] != code
        taught[teacher * (len(specialisms) * max_spec) + code] = True
    return taught.reshape(n_teachers, -1).sum(axis=1)


def _deal(
    rngs: Sequence[np.random.Generator], n_courses: int, per_school: int, noise: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Every student's course in one subject, and the order each school deals its students in.

    School ``r`` draws from ``rngs[r]`` only: its students' courses, then a
    permutation of them (the dealing order). Returns the courses (one per
    student) and the students (ids over all schools) listed school by
    school, each school's in dealing order.
    """
    n_schools = len(rngs)
    dealt = np.arange(n_schools * per_school).reshape(n_schools, per_school)
    if not noise:
        return np.tile(np.arange(per_school) % n_courses, n_schools), dealt.ravel()
    course = np.empty((n_schools, per_school), dtype=np.int64)
    for r, rng in enumerate(rngs):
        course[r] = rng.integers(0, n_courses, per_school)
        rng.shuffle(dealt[r])  # the draws of rng.permutation(per_school), in place
    return course.ravel(), dealt.ravel()


def _pool_entries(
    subject: int,
    staffing: Staffing,
    teacher_house: np.ndarray,
    teacher_school: np.ndarray,
    n_schools: int,
    n_houses: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each (school, house) group's pool of teachers for ``subject``: group, teacher, specialism.

    The specialism is -1 for a stand-in from another subject.

    The house's teachers of the subject; the school's, when the house has
    none; any of the school's teachers, when the school has none. Pools are
    listed group by group, teachers in id order within a group. Teachers are
    numbered school by school, so each candidate list is a run of
    ``candidates`` below and a pool is its group's run.
    """
    n_groups = n_schools * n_houses
    teachers = np.flatnonzero(staffing.subject == subject)
    school = teacher_school[teachers]
    group = school * n_houses + teacher_house[teachers]
    by_house = teachers[np.argsort(group, kind="stable")]
    candidates = np.concatenate([by_house, teachers, np.arange(staffing.subject.size)])
    in_house = np.bincount(group, minlength=n_groups)
    in_school = np.bincount(school, minlength=n_schools)
    staff = np.bincount(teacher_school, minlength=n_schools)
    school_start = teachers.size + _starts(in_school)
    staff_start = 2 * teachers.size + _starts(staff)
    of_school = np.arange(n_groups) // n_houses
    count = np.where(in_school > 0, in_school, staff)[of_school]
    start = np.where(in_school > 0, school_start, staff_start)[of_school]
    count = np.where(in_house > 0, in_house, count)
    start = np.where(in_house > 0, _starts(in_house), start)
    pool_group = np.repeat(np.arange(n_groups), count)
    members = candidates[_runs(start, count)]
    # a stand-in from another subject is no specialist of this one's courses
    own = staffing.subject[members] == subject
    return pool_group, members, np.where(own, staffing.specialism[members], -1)


def _fill(
    group: np.ndarray,
    course: np.ndarray,
    entries: tuple[np.ndarray, np.ndarray, np.ndarray],
    n_schools: int,
    n_houses: int,
    n_courses: int,
) -> np.ndarray:
    """Teachers for the students of every group, each teacher taking an equal share.

    Students are listed school by school (equal numbers), each school's in
    dealing order; group ``school * n_houses + house``. In each group a
    course's specialists take its students round-robin up to their share;
    the rest go to the pool's teachers with room left, the emptiest first.
    Returns the teacher of each listed student.
    """
    n_groups = n_schools * n_houses
    pool_group, pool_teacher, specialism = entries
    want = group * n_courses + course
    wanting = np.bincount(want, minlength=n_groups * n_courses)
    students_in = wanting.reshape(n_groups, n_courses).sum(axis=1)
    share = -(-students_in // np.maximum(np.bincount(pool_group, minlength=n_groups), 1))
    # specialists of each (group, course), in pool order
    cells_all = n_groups * n_courses
    cell = np.where(specialism >= 0, pool_group * n_courses + specialism, cells_all)
    by_cell = np.argsort(cell, kind="stable")  # stand-ins (no course's cell) last
    experts = np.bincount(cell, minlength=cells_all + 1)[:cells_all]
    first_expert = _starts(experts)
    # students of each (group, course) in dealing order: a school's cells are
    # its own, so a stable sort of each school's row on its cell counted from
    # the school's first (a small key, sorted by radix a short row at a time)
    cells = n_houses * n_courses
    local = want.reshape(n_schools, -1) - np.arange(n_schools)[:, None] * cells
    order = (_stable_order(local, cells) + np.arange(n_schools)[:, None] * local.shape[1]).ravel()
    # the first students of each (group, course), up to its specialists'
    # shares, go to the specialists in turn
    took = np.minimum(wanting, experts * np.repeat(share, n_courses))
    rank = _runs(np.zeros_like(took), took)  # of each student taken, within the cell
    entry = by_cell[np.repeat(first_expert, took) + rank % np.repeat(experts, took)]
    chosen = np.full(group.size, -1)
    chosen[order[_runs(_starts(wanting), took)]] = entry
    # the rest: slots of room left, by how full the teacher already is
    load = np.bincount(entry, minlength=pool_group.size)
    room = share[pool_group] - load
    slot_rank = _runs(load, room)
    ranks = int(slot_rank.max(initial=0)) + 1
    slot_key = np.repeat(pool_group, room) * ranks + slot_rank
    slots = np.repeat(np.arange(pool_group.size), room)[_stable_order(slot_key, n_groups * ranks)]
    slots_in = np.bincount(pool_group[slots], minlength=n_groups)
    first_slot = _starts(slots_in)
    # students left, group by group in dealing order (already so with one house)
    left = np.flatnonzero(chosen < 0)
    if n_houses > 1:
        left = left[_stable_order(group[left], n_groups)]
    left_group = group[left]
    left_rank = np.arange(left.size) - _firsts(left_group, n_groups)[left_group]
    chosen[left] = slots[first_slot[left_group] + left_rank]
    return pool_teacher[chosen]


def _starts(lengths: np.ndarray) -> np.ndarray:
    """Where each of runs of ``lengths`` starts when they are laid end to end."""
    return np.cumsum(lengths) - lengths


def _runs(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The runs ``starts[i], starts[i] + 1, ...`` of ``lengths[i]`` numbers each, end to end."""
    return np.repeat(starts - _starts(lengths), lengths) + np.arange(lengths.sum())


def _stable_order(keys: np.ndarray, n_keys: int) -> np.ndarray:
    """``argsort(keys, kind="stable")`` along the last axis, for keys ``0..n_keys-1``.

    Held in the narrowest unsigned type that fits, small keys are sorted by
    radix (several times faster than a comparison sort); the order is the
    same whatever the type, since a stable sort's order is unique.
    """
    if n_keys <= 1 << 8:
        keys = keys.astype(np.uint8)
    elif n_keys <= 1 << 16:
        keys = keys.astype(np.uint16)
    return np.argsort(keys, axis=-1, kind="stable")


def _firsts(labels: np.ndarray, n_labels: int) -> np.ndarray:
    """Where each label's run starts once ``labels`` are sorted (labels ``0..n_labels-1``)."""
    return _starts(np.bincount(labels, minlength=n_labels))


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
    known = students.assign == students.previous
    if ties.src.size == 0:
        return known
    size = n_teachers if school_size is None else school_size
    tied = np.zeros((n_teachers // size) * size * size, dtype=bool)
    tied[ties.src * size + (ties.dst - (ties.src // size) * size)] = True
    # course by course (contiguous): a teacher's row in its school's table,
    # and a teacher's column there
    teacher = np.ascontiguousarray(students.assign.T)
    column = teacher - (teacher[0] // size) * size
    row = teacher * size
    talked_about = np.zeros(teacher.shape, dtype=bool)
    for c in range(teacher.shape[0]):
        for other in range(c + 1, teacher.shape[0]):
            pair = tied[row[c] + column[other]]
            talked_about[c] |= pair
            talked_about[other] |= pair
    return known | talked_about.T


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
