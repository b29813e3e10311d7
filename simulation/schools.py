"""Schools: one or many schools of one parameter set, laid out in one set of arrays.

:class:`Schools` holds R schools' teachers, students and ties end to end
(teachers ``t_bounds[r]:t_bounds[r+1]`` belong to school ``r``, students
and ties likewise; team ids and every teacher id stored in a student's
course or a tie are global) and runs the weekly stages of the model
(docs/ODD.md §3) on all of them with the same numpy calls.

It is the model's engine: :class:`simulation.SchoolModel` is one school
(R = 1) with Mesa's agents, data collector and leader around it, and
:class:`simulation.SchoolEnsemble` is many replicates at once. Replicate r
of an ensemble gives exactly what ``SchoolModel(..., rng=seed_r)`` gives,
bit for bit, because

* every school draws from its own generator, in the same order whatever
  R is (the draws are made school by school at each random site);
* every reduction over a school's teachers, students or ties is made so
  that a school's result does not depend on the others (``np.bincount``
  over global ids, which adds in input order; per-school slices; and, for
  the outcomes, one pairwise sum or BLAS dot per school's row of a
  stacked array, as for the school alone);
* everything else is element-wise.

What happens only once a year or at a restructuring and involves random
draws (hiring, the new cohort, houses, course assignment, the coaches'
caseload, new networks) draws school by school from each school's own
generator, in the order a school alone would; the work around the draws
(dealing students to teachers, rolling students over, new teachers'
team norms) is done for all schools at once where a school's numbers
cannot depend on the others, and school by school where they could.

A week costs teacher-sized work: students are brought up to date at each
assessment (and before classes change) from the sum of the weeks' teacher
effect tables (``teaching.catch_up``), not every week.

This module lays the schools out, builds them, deals classes, teaches,
runs the week's stages in order and changes levers. The stages with a job
of their own are functions of a :class:`Schools` in the modules beside it:
the assessment (:mod:`simulation.assessment`), the week's pushes on beliefs
and their update (:mod:`simulation.beliefs`), the year's end and the summer
(:mod:`simulation.year_end`), and what the state shows
(:mod:`simulation.results`).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import Any

import numpy as np

from . import assessment, beliefs, networks, results, situation, staffing, state, year_end
from .beliefs import SOURCES, WeekChanges
from .classes import Classes
from .errors import ParameterError
from .parameters import WEEKS_PER_YEAR, Parameters
from .processes import affect, collective, persuasion, practice, responsibility, skill, teaching
from .situation import Situation
from .state import StudentState, TeacherState

RESTRUCTURING = ("structure", "network_file", "house_assignment")


def _concat_teachers(parts: Sequence[TeacherState]) -> TeacherState:
    if len(parts) == 1:
        return parts[0]
    return TeacherState(
        **{
            f.name: np.concatenate([getattr(t, f.name) for t in parts])
            for f in fields(TeacherState)
        }
    )


def _concat_students(parts: Sequence[StudentState]) -> StudentState:
    if len(parts) == 1:
        return parts[0]
    return StudentState(
        **{
            f.name: np.concatenate([getattr(s, f.name) for s in parts])
            for f in fields(StudentState)
        }
    )


class Schools:
    """R schools of one parameter set, stepped together (module docstring).

    Parameters
    ----------
    params : Parameters
        Shared by every school (levers included; they change for all schools
        together).
    rngs : sequence of numpy.random.Generator
        One generator per school: school r draws only from ``rngs[r]``.
    disabled : frozenset of str
        Processes switched off (``simulation.PROCESSES``).
    network : NetworkFile, optional
        A loaded custom network, shared by every school.
    school_values : mapping of str to array, optional
        Parameters that differ between schools: one value per school. Code
        that works on all schools at once reads them as per-teacher arrays
        (``self.params``); code that works school by school reads the
        school's own :class:`Parameters` (:meth:`params_of`).
    """

    def __init__(
        self,
        params: Parameters,
        rngs: Sequence[np.random.Generator],
        disabled: frozenset[str] = frozenset(),
        network: networks.NetworkFile | None = None,
        school_values: Mapping[str, Sequence[float]] | None = None,
    ) -> None:
        self.rngs = list(rngs)
        self.school_values = {
            name: np.asarray(values, dtype=float) for name, values in (school_values or {}).items()
        }
        self.params = params
        self.disabled = disabled
        self.network_file = networks.custom_network(params, network)
        self._kept_values: dict[str, tuple[tuple, np.ndarray]] = {}
        self._build()

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
            base.replace(**{name: float(v[r]) for name, v in self.school_values.items()})
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

    # ----------------------------------------------------------------- build
    def _build(self) -> None:
        """Every school drawn in turn (its own stream), then laid end to end."""
        p = self.params
        n_teachers = staffing.staff_size(p, self.network_file)
        if self.network_file is not None:
            staffing.check_staff_ratio(p.n_students, n_teachers, p)
        roles = staffing.allocate_subjects(
            n_teachers,
            p.specialisms_per_subject,
            self.network_file.subject if self.network_file is not None else None,
        )
        teachers, students, structures = [], [], []
        self._layout(n_teachers, p.n_students)
        self.set_params(p)
        p = self.params
        self.structures = structures
        self.situation = Situation.empty(
            self.count * n_teachers,
            self._each_school(teaching.weekly_retention) if self._on("fading") else 1.0,
        )
        for r, rng in enumerate(self.rngs):
            pr = self.params_of(r)
            t = state.new_teachers(n_teachers, pr, rng)
            if self.network_file is not None:  # a staff survey's teachers, one by one
                state.set_starting(t, self.network_file.starting)
            t.subject[:] = roles.subject
            t.specialism[:] = roles.specialism
            s = state.new_students(pr, rng, len(pr.specialisms_per_subject))
            structures.append(
                networks.build(
                    pr.structure, roles.subject, roles.specialism, pr, rng, self.network_file
                )
            )
            if pr.support_model == "train_the_trainer":
                t.trainer[:] = practice.choose_trainers(
                    skill.skill(t.talent, t.effective_experience, t.peer_learned, pr), pr, rng
                )
            t.coached[:] = practice.caseload(t.coached, pr, rng)
            staffing.place_in_houses(s, structures[r].n_houses, pr, rng)
            teachers.append(t)
            students.append(s)
        self.teachers = _concat_teachers(teachers)
        self.students = _concat_students(students)
        self._join_structures()
        self._assign()

        n = self.teachers.n
        self.turnover_rate = np.zeros(self.count)
        self.move_rate = np.zeros(self.count)
        self.leave_rate = np.zeros(self.count)
        self.source_changes = {name: np.zeros(n) for name in SOURCES}
        self.departure: np.ndarray | None = None
        self.weeks_since_assessment = 0
        self.weeks_since_taught = 0
        self.table_sum = np.zeros((n, teaching.KINDS))
        self.cycle_sum = np.zeros(n)
        self.cycle_disadvantaged_sum = np.zeros(n)
        self._after_assignment(week=0)
        self.skill = self.skill_now()
        if self._on("fading"):
            induced = self.situation.classes.effect_per_student(self.teacher_effects())
            teaching.settle_history(self.students, induced, self._history_years(), p)
            self._see_classes(week=0)
            self._update_stress_target()
        self.teachers.aspiration[:] = self._expected_gains()

    def _join_structures(self) -> None:
        """Team ids and tie ends made global; one set of tie arrays for all schools."""
        self.teacher_house = np.concatenate([structure.house for structure in self.structures])
        if self.count == 1:
            self.team = self.structures[0].team
            self.ties = self.structures[0].ties
            return
        team, ties, offset = [], [], 0
        for r, structure in enumerate(self.structures):
            shift = int(self.t_bounds[r])
            team.append(structure.team + offset)
            offset += int(structure.team.max()) + 1 if structure.team.size else 0
            t = structure.ties
            ties.append(
                networks.Ties(
                    t.src + shift, t.dst + shift, t.kind, t.weight, t.visibility, t.shared_goal
                )
            )
        self.team = np.concatenate(team)
        self.ties = networks.Ties(
            *(
                np.concatenate([getattr(t, name) for t in ties])
                for name in ("src", "dst", "kind", "weight", "visibility", "shared_goal")
            )
        )

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

    def _expected_gains(self) -> np.ndarray:
        """Each teacher's expected class gain without noise (SD/year): starting aspirations.

        A teacher without classes expects their school's mean over all pairs.
        """
        classes = self.situation.classes
        expected = classes.expected_gain(self.teacher_effects())
        weighted = expected * classes.size
        per_school = np.array(
            [
                weighted[self.teacher_slice(r)].sum() / classes.size[self.teacher_slice(r)].sum()
                for r in range(self.count)
            ]
        )
        return np.where(classes.size > 0, expected, per_school[self.school_of_teacher])

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

    # ------------------------------------------------------------- the stages
    def week_of_teaching(self, week_of_year: int) -> None:
        """The stages between the levers and the close of the week (docs/ODD.md §3)."""
        if week_of_year == 1 or not hasattr(self, "_uniform"):
            self._draw_year()
        self.week_of_year = week_of_year
        self.teach()
        week = WeekChanges.start(self.teachers, self.params)
        if self.assessment_due(week_of_year):
            assessment.assess(self, week, week_of_year)
        beliefs.persuade(self, week)
        beliefs.feel(self, week)
        beliefs.update_beliefs(self, week)
        self.develop()

    def teach(self) -> None:
        """A week of teaching: the teachers' effects are added to the running sum."""
        self.table_sum += self.teacher_effects()
        self.weeks_since_taught += 1
        self.weeks_since_assessment += 1

    def assessment_due(self, week: int) -> bool:
        """Whether ``week`` of the year ends an assessment cycle."""
        return week % self.params.cycle_weeks == 0 or week == WEEKS_PER_YEAR

    def develop(self) -> None:
        """A week of experience; effective experience faster where support is."""
        p, t = self.params, self.teachers
        t.experience += 1.0 / WEEKS_PER_YEAR
        t.tenure += 1.0 / WEEKS_PER_YEAR
        if self._on("skill"):
            t.effective_experience += (
                skill.experience_speed(self.situation.ties.exposure, t.collective_efficacy, p)
                / WEEKS_PER_YEAR
            )
        self.skill = self.skill_now()

    # ------------------------------------------------------------ year end
    def close_year(self, year: int, step: int) -> list[dict[str, float]]:
        """A year's last week: every school's annual test, then who moves and who leaves."""
        annual = results.annual_results(self, year, step)
        year_end.decide_departures(self)
        return annual

    def summer(self) -> list[np.ndarray]:
        """The summer (:func:`simulation.year_end.summer`): per school, the teachers replaced."""
        return year_end.summer(self)

    # ------------------------------------------------------------- levers
    def apply(self, old: Parameters, changes: Mapping[str, Any], week_of_year: int) -> None:
        """New levers (already in ``self.params``): restructure and re-support if asked."""
        p = self.params
        if any(getattr(old, k) != getattr(p, k) for k in RESTRUCTURING if k in changes):
            self.catch_up()
            network = networks.custom_network(p)
            if network is not None and network.n != self.n_per_school:
                raise ParameterError(
                    f"the network file has {network.n} teachers but the school has "
                    f"{self.n_per_school}; staff size cannot change mid-run",
                    source=p.network_file,
                    key="network_file",
                )
            self.network_file = network
            for r in range(self.count):
                ts = self.teacher_slice(r)
                self.structures[r] = networks.build(
                    p.structure,
                    self.teachers.subject[ts],
                    self.teachers.specialism[ts],
                    self.params_of(r),
                    self.rngs[r],
                    network,
                )
            self._join_structures()
            for r in range(self.count):
                ss = self.student_slice(r)
                s = self.students.take(ss)
                staffing.place_in_houses(
                    s, self.structures[r].n_houses, self.params_of(r), self.rngs[r]
                )
                self.students.house[ss] = s.house
            self._assign()
            self._after_assignment(week_of_year)
        for r in range(self.count):
            ts = self.teacher_slice(r)
            t, pr = self.teachers, self.params_of(r)
            if p.support_model == "train_the_trainer" and not t.trainer[ts].any():
                t.trainer[ts] = practice.choose_trainers(self.skill_now()[ts], pr, self.rngs[r])
            if any(getattr(old, k) != getattr(p, k) for k in ("support_model", "coaches")):
                t.coached[ts] = practice.caseload(t.coached[ts], pr, self.rngs[r])
        self._see_ties()

    # ------------------------------------------------------------ outcomes
    def outcomes(self, step: int) -> dict[str, np.ndarray]:
        """Every school's outcomes now (:func:`simulation.results.outcomes`)."""
        return results.outcomes(self, step)

    def school_outcomes(self, step: int) -> list[dict[str, float]]:
        """:meth:`outcomes` as one dict of floats per school."""
        return results.school_outcomes(self, step)

    def class_gains(self) -> np.ndarray:
        """Each teacher's mean gain since the last assessment (``results.class_gains``)."""
        return results.class_gains(self)
