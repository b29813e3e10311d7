"""The arrays of R schools laid end to end, and what every stage of a week reads from them.

:class:`SchoolArrays` is the part of :class:`simulation.schools.Schools`
that the stages share: where each school's rows are (teachers
``t_bounds[r]:t_bounds[r+1]`` belong to school ``r``, students likewise),
each school's parameters and its draws for the year, the classes and ties
as the weekly processes see them (re-derived when courses are dealt or ties
change), teachers' skill and effects, and bringing students up to date
(:meth:`SchoolArrays.catch_up`). :class:`simulation.schools.Schools` builds
the arrays and steps them; the stages with a job of their own
(:mod:`simulation.assessment`, :mod:`simulation.beliefs`,
:mod:`simulation.year_end`, :mod:`simulation.results`) are functions of a
:class:`SchoolArrays`, so they sit below the class that calls them.

Whatever is worked out for all schools at once here is made so that a
school's numbers do not depend on the others (``np.bincount`` over global
ids, per-school slices); what draws, draws school by school from each
school's own generator (module docstring of :mod:`simulation.schools`).
"""

from __future__ import annotations

import copy

import numpy as np

from . import networks, situation, staffing
from .classes import Classes
from .parameters import WEEKS_PER_YEAR, Parameters
from .processes import affect, collective, persuasion, responsibility, skill, teaching
from .situation import Situation
from .state import StudentState, TeacherState


class SchoolArrays:
    """R schools' state laid end to end, and the views of it the stages read.

    Not built on its own: :class:`simulation.schools.Schools` sets every
    attribute below when it builds the schools, and keeps them true as they
    are stepped.
    """

    rngs: list[np.random.Generator]  # one generator per school
    params: Parameters  # per-teacher arrays where schools differ (:meth:`set_params`)
    school_values: dict[str, np.ndarray]  # parameters that differ: one value per school
    disabled: frozenset[str]  # processes switched off
    n_per_school: int  # teachers per school
    t_bounds: np.ndarray  # school r's teachers are rows t_bounds[r]:t_bounds[r+1]
    s_bounds: np.ndarray  # and its students s_bounds[r]:s_bounds[r+1]
    school_of_teacher: np.ndarray
    school_of_student: np.ndarray
    teachers: TeacherState
    students: StudentState
    structures: list[networks.Structure]  # each school's own, local teacher ids
    team: np.ndarray  # global team ids
    ties: networks.Ties  # global teacher ids, block-diagonal
    teacher_house: np.ndarray
    situation: Situation
    skill: np.ndarray  # every teacher's skill now (SD/year)
    table_sum: np.ndarray  # teacher-effect tables of the weeks not yet caught up
    cycle_sum: np.ndarray  # per teacher: the cycle's summed gains, caught up
    cycle_disadvantaged_sum: np.ndarray
    weeks_since_taught: int
    weeks_since_assessment: int
    week_of_year: int
    network_file: networks.NetworkFile | None
    source_changes: dict[str, np.ndarray]  # each source's share of the week's change
    reached: np.ndarray  # the leader's in-depth contacts this week
    departure: np.ndarray | None  # from a year's close to the summer: who stays, moves, leaves
    turnover_rate: np.ndarray  # per school: the year's share who moved or left
    move_rate: np.ndarray
    leave_rate: np.ndarray

    # ------------------------------------------------------------ parameters
    def set_params(self, base: Parameters) -> None:
        """Parameters in force: ``base`` with each school's own values where they differ.

        Raises ``ParameterError`` if a school's values break a rule of
        :class:`Parameters` (each school is checked whole).
        """
        if not self.school_values:
            self.params = base
            self._school_params = [base] * self.count
            return
        self._school_params = [
            base.replace(**{name: _plain(v[r]) for name, v in self.school_values.items()})
            for r in range(self.count)
        ]
        params = copy.copy(base)
        for name, values in self.school_values.items():
            object.__setattr__(params, name, np.repeat(values, self.n_per_school))
        self.params = params

    def params_of(self, r: int) -> Parameters:
        """School ``r``'s parameters (scalars)."""
        return self._school_params[r]

    # ---------------------------------------------------------------- layout
    @property
    def count(self) -> int:
        """Number of schools (R)."""
        return len(self.rngs)

    def _on(self, process: str) -> bool:
        return process not in self.disabled

    def _layout(self, teachers_per_school: int, students_per_school: int) -> None:
        r = np.arange(self.count)
        self.n_per_school = teachers_per_school
        self.t_bounds = np.append(r * teachers_per_school, self.count * teachers_per_school)
        self.s_bounds = np.append(r * students_per_school, self.count * students_per_school)
        self.school_of_teacher = np.repeat(r, teachers_per_school)
        self.school_of_student = np.repeat(r, students_per_school)

    def teacher_slice(self, r: int) -> slice:
        """Rows of school ``r``'s teachers."""
        return slice(int(self.t_bounds[r]), int(self.t_bounds[r + 1]))

    def student_slice(self, r: int) -> slice:
        """Rows of school ``r``'s students."""
        return slice(int(self.s_bounds[r]), int(self.s_bounds[r + 1]))

    def _each_school(self, value_of) -> float | np.ndarray:
        """``value_of(parameters)``: one number if all schools give the same, else one a school."""
        if not self.school_values:
            return value_of(self.params)
        values = np.array([value_of(self.params_of(r)) for r in range(self.count)])
        return float(values[0]) if (values == values[0]).all() else values

    def _fading_loss(self, weeks: int) -> float | np.ndarray:
        """Share of what is fading lost over ``weeks`` weeks: per student where schools differ."""
        retention = self.situation.retention
        if np.ndim(retention) == 0:
            return teaching.fading_loss(retention, weeks)
        loss = np.array([teaching.fading_loss(float(kept), weeks) for kept in retention])
        return loss[self.school_of_student]

    def _history_years(self) -> np.ndarray:
        """Each student's :func:`teaching.history_years`, with their own school's retention."""
        years = self.students.grade.astype(float)
        retention = self.situation.retention
        if np.ndim(retention) == 0:
            return teaching.history_years(years, retention)
        return np.concatenate(
            [
                teaching.history_years(years[self.student_slice(r)], float(kept))
                for r, kept in enumerate(retention)
            ]
        )

    # ------------------------------------------------------------ the draws
    def _learning_noise(self, courses: int) -> np.ndarray:
        """Standard normal noise for every (student, course), each school from its own stream.

        A school whose ``student_noise`` is 0 draws nothing (zeros), as its
        own model, which makes no draws, would.
        """
        noisy = self._each_school(lambda p: p.student_noise != 0)
        noisy = np.broadcast_to(noisy, self.count)
        noise = np.zeros((self.count, self.params.n_students * courses))
        for rng, on, school in zip(self.rngs, noisy, noise, strict=True):
            if on:  # drawn into place: the same numbers as drawing and joining them
                rng.standard_normal(out=school)
        return noise.ravel()

    def _assessment_weeks(self) -> list[int]:
        cycle = self.params.cycle_weeks
        return [w for w in range(1, WEEKS_PER_YEAR + 1) if w % cycle == 0 or w == WEEKS_PER_YEAR]

    def _draw_year(self) -> None:
        """Each school's uniform numbers for the year, drawn at once from its own stream.

        Leader contacts (a row per week), attributions and practice trials (a
        row per assessment) and departures (one row): one call per school a
        year instead of one a week, so a week's draws cost one numpy call for
        all schools. Which rows exist depends only on fixed settings (noise,
        processes switched off), so every school draws the same shape.
        """
        p, on = self.params, self._on
        if not p.noise:
            self._uniform = {}
            return
        assessments = len(self._assessment_weeks())
        rows = {
            "contacts": WEEKS_PER_YEAR if on("leader") else 0,
            "attribution": assessments if on("mastery") and on("attribution") else 0,
            "practice": assessments if on("practice") else 0,
            "departure": 1 if on("turnover") else 0,
        }
        total = sum(rows.values())
        block = np.concatenate(
            [rng.random((total, self.n_per_school)) for rng in self.rngs], axis=1
        )
        self._uniform, start = {}, 0
        for name, count in rows.items():
            self._uniform[name] = block[start : start + count]
            start += count

    def _uniforms(self, name: str, row: int) -> np.ndarray | None:
        """This year's uniform numbers for ``name`` (row ``row``); None without noise."""
        if not self.params.noise:
            return None
        return self._uniform[name][row]

    # --------------------------------------------------- classes and ties seen
    def _assign(self) -> None:
        """Course assignment of every school (each from its own stream); preparations."""
        p, t = self.params, self.teachers
        preps = staffing.assign_courses(
            self.students,
            staffing.Staffing(t.subject, t.specialism),
            self.teacher_house,
            p.specialisms_per_subject,
            self.rngs,
            p.noise,
            self.n_per_school,
        )
        if not self._on("staffing"):
            self.students.out_of_field[:] = False
            self.situation.extra_preps = np.zeros(t.n)
        else:
            self.situation.extra_preps = np.maximum(preps - 1, 0).astype(float)

    def _after_assignment(self, week: int) -> None:
        """What new classes bring: who knows whom, shared students, ties, classes."""
        n = self.teachers.n
        self.students.known[:] = (
            staffing.known_students(self.students, self.ties, n, self.n_per_school)
            if self._on("personalisation")
            else False
        )
        self.situation.overlap = responsibility.student_overlap(
            self.students, self.ties, n, self.n_per_school
        )
        self.situation.classes = Classes(
            self.students,
            n,
            self.params,
            out_of_field=self._on("staffing"),
            peers=self._on("peers"),
        )
        # gains since the last assessment belonged to the old classes
        self.cycle_sum[:] = 0.0
        self.cycle_disadvantaged_sum[:] = 0.0
        self._see_classes(week)
        self.weeks_since_assessment = 0
        self.weeks_since_taught = 0
        self.table_sum[:] = 0.0
        self._see_ties()

    def _see_classes(self, week: int) -> None:
        self.situation.classes.see(
            self.students, self.params, week / WEEKS_PER_YEAR, self._grade_group()
        )

    def _grade_group(self) -> np.ndarray:
        """Each student's (school, grade): peers are compared within a school's grade."""
        if self.count == 1:
            return self.students.grade
        return self.school_of_student * self.params.grades + self.students.grade

    def _see_ties(self) -> None:
        self.situation.ties = situation.tie_view(
            self.ties, self.team, self.situation.overlap, self.teachers.n, self.params
        )
        self._update_stress_target()

    def _update_stress_target(self) -> None:
        p = self.params
        reach = persuasion.reach_probability(self.n_per_school, p) if self._on("leader") else 0.0
        self.situation.stress_target = affect.stress_target(
            self.situation.extra_preps,
            self.situation.classes.struggling_share,
            self.teachers.last_mastery,
            self.situation.ties.exposure,
            reach,
            self.teachers.experience,
            p,
        )

    # ---------------------------------------------------------------- helpers
    def skill_now(self) -> np.ndarray:
        """Every teacher's current skill (SD/year)."""
        t = self.teachers
        return skill.skill(t.talent, t.effective_experience, t.peer_learned, self.params)

    def teacher_effects(self) -> np.ndarray:
        """Each teacher's annual effect on the eight kinds of student now (SD/year)."""
        p, t = self.params, self.teachers
        if not self._on("teaching"):
            return np.zeros((t.n, teaching.KINDS))
        plan = teaching.plan_reach(self.situation.ties.collaboration, t.responsibility, p)
        team_collective = collective.team_mean(t.collective_efficacy, self.team, self._team_size())
        return teaching.teacher_effects(
            self.skill,
            t.self_efficacy,
            team_collective,
            t.expectation_bias,
            t.responsibility,
            t.fidelity * t.uses_practice,
            plan,
            p,
        )

    def _kept(self, name: str, inputs: tuple, work_out) -> np.ndarray:
        """``work_out()``, read-only, kept while ``inputs`` are the very same objects.

        Whatever changes teams, ties or parameters replaces them, never
        writes into them, so an input that is the same object holds the same
        values.
        """
        kept = self._kept_values.get(name)
        if kept is None or any(a is not b for a, b in zip(kept[0], inputs, strict=True)):
            value = work_out()
            value.flags.writeable = False
            kept = self._kept_values[name] = (inputs, value)
        return kept[1]

    def _team_size(self) -> np.ndarray:
        """Teachers in each team (at least 1), kept while the teams are."""
        return self._kept("team size", (self.team,), lambda: np.maximum(np.bincount(self.team), 1))

    def _pull_denominator(self, weight: np.ndarray) -> np.ndarray:
        """:func:`persuasion.pull_denominator`, kept while the ties, weights and parameters hold."""
        return self._kept(
            "pull denominator",
            (self.ties, weight, self.params),
            lambda: persuasion.pull_denominator(self.ties, weight, self.teachers.n, self.params),
        )

    def catch_up(self) -> None:
        """Bring students up to date with the weeks taught since the last catch-up.

        Their achievement gains the weeks' learning (and earlier years' gains
        fade on); each teacher's sums of the cycle's gains grow
        (``classes.Classes.gain_sums``).
        """
        weeks = self.weeks_since_taught
        if weeks == 0:
            return
        classes, students = self.situation.classes, self.students
        teaching.fade(students, self._fading_loss(weeks))
        teaching.learn(
            students,
            classes.baseline * (weeks / WEEKS_PER_YEAR),
            classes.induced(self.table_sum, weeks),
        )
        total, disadvantaged = classes.gain_sums(self.table_sum, weeks)
        self.cycle_sum += total
        self.cycle_disadvantaged_sum += disadvantaged
        self.table_sum[:] = 0.0
        self.weeks_since_taught = 0


def _plain(value: object) -> float | str:
    """One school's value of a parameter that differs: a float, or a word (``structure``)."""
    return value if isinstance(value, str) else float(value)
