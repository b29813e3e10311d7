"""The year's end: who moves and who leaves, and the summer that follows.

At the close of a year's last week every school's departures are drawn
(docs/ODD.md §3, stage 9; §7.10); in the first step of the next year the
summer replaces leavers with hires in their roles, rolls the students over
and deals new classes (stage 1; §7.11). Each school's draws are made school
by school from its own generator, in the order a school alone would make
them; what draws nothing is worked out for all schools at once
(:class:`simulation.school_arrays.SchoolArrays`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import staffing, state
from .processes import practice, teaching, turnover
from .processes.common import at

if TYPE_CHECKING:
    from .school_arrays import SchoolArrays


def decide_departures(school: SchoolArrays) -> None:
    """Year end: who moves and who leaves, drawn school by school."""
    t, p = school.teachers, school.params
    n = t.n
    if not school._on("turnover"):
        school.departure = np.zeros(n, dtype=np.int8)
    else:
        # each school's share of disadvantaged students (schools are equal blocks of rows)
        poverty = school.students.disadvantaged.reshape(school.count, -1).mean(axis=1)
        h = turnover.hazards(
            t.self_efficacy,
            t.collective_efficacy,
            t.stress,
            t.experience,
            poverty[school.school_of_teacher] if school.count > 1 else float(poverty[0]),
            p,
        )
        school.departure = turnover.departures(h, p, school._uniforms("departure", 0))
    # a row per school; counts are whole numbers, so the shares are exact as one by one
    d = school.departure.reshape(school.count, -1)
    size = d.shape[1]
    school.turnover_rate[:] = (d != turnover.STAY).mean(axis=1)
    school.move_rate[:] = np.count_nonzero(d == turnover.MOVE, axis=1) / size
    school.leave_rate[:] = np.count_nonzero(d == turnover.LEAVE, axis=1) / size


def summer(school: SchoolArrays) -> list[np.ndarray]:
    """Hires replace leavers in their roles; students roll over; new classes.

    Each school's draws (its hires, its first-years, their houses) are
    made school by school on the school's own rows; what draws nothing
    (how hires take on their team's norms, the rest of the roll-over) is
    worked out for all schools at once. Returns, per school, the rows of
    teachers who were replaced (the Mesa model replaces their agents).
    """
    p, t, s = school.params, school.teachers, school.students
    leaving = (
        school.departure != turnover.STAY
        if school.departure is not None
        else np.zeros(t.n, dtype=bool)
    )
    teaching.close_year(s, p)
    graduating = s.grade == p.grades - 1
    replaced = [_summer_school(school, r, leaving, graduating) for r in range(school.count)]
    hired = np.flatnonzero(leaving)
    if hired.size:
        staying = ~leaving
        empty = np.bincount(school.team, weights=staying) == 0
        alone = np.unique(school.school_of_teacher[hired[empty[school.team[hired]]]])
        t.aspiration[hired] = _team_norms(school, t.aspiration, staying, alone)[hired]
        # a newcomer's view of this faculty's capability is formed by the
        # faculty they join, around their own disposition
        own = t.collective_efficacy[hired] - at(p.initial_collective_efficacy, hired)
        t.collective_efficacy[hired] = np.clip(
            _team_norms(school, t.collective_efficacy, staying, alone)[hired] + own,
            state.BELIEF_FLOOR,
            1.0 - state.BELIEF_FLOOR,
        )
    state.roll_over(s, graduating, leaving)
    school.departure = None
    school._assign()
    school._after_assignment(week=0)
    school.skill = school.skill_now()
    return replaced


def _team_norms(
    school: SchoolArrays, values: np.ndarray, staying: np.ndarray, alone: np.ndarray
) -> np.ndarray:
    """Each teacher's team norm of ``values`` among those staying (:func:`local_norm`).

    A team's mean is over its own school's teachers, so one call serves
    every school; but where a hire's team has nobody staying, the norm
    falls back on the school's mean, so those schools (``alone``) are
    worked out on their own rows.
    """
    norm = local_norm(values, school.team, staying)
    for r in alone:
        ts = school.teacher_slice(r)
        norm[ts] = local_norm(values[ts], school.structures[r].team, staying[ts])
    return norm


def _summer_school(
    school: SchoolArrays, r: int, leaving_all: np.ndarray, graduating_all: np.ndarray
) -> np.ndarray:
    """One school's summer draws, in its own stream: hires, first-years, their houses.

    Works in place on the school's rows; returns the rows (local) of the
    teachers who were replaced.
    """
    p, rng, t, s = school.params_of(r), school.rngs[r], school.teachers, school.students
    ts, start = school.teacher_slice(r), int(school.s_bounds[r])
    rows = np.flatnonzero(leaving_all[ts])
    if rows.size:
        t.hire(rows + ts.start, state.new_teachers(rows.size, p, rng, hires=True))
        if p.support_model == "coaching":
            t.coached[ts] = practice.caseload(t.coached[ts], p, rng)
    entering = start + np.flatnonzero(graduating_all[school.student_slice(r)])
    if entering.size:
        state.enter_cohort(s, entering, p, rng)
    n_houses = school.structures[r].n_houses
    if n_houses > 1:
        staffing.place_in_houses(s, n_houses, p, rng, rows=entering)
    return rows


def local_norm(values: np.ndarray, team: np.ndarray, among: np.ndarray) -> np.ndarray:
    """Per teacher: the mean of ``values`` over the ``among`` members of their team.

    The school's mean over ``among`` where a team has none of them: a hire
    takes on the aspirations of the colleagues they join.
    """
    total = np.bincount(team, weights=values * among)
    count = np.bincount(team, weights=among.astype(float))
    school = float(values[among].mean()) if among.any() else float(values.mean())
    return np.where(count > 0, total / np.maximum(count, 1e-12), school)[team]
