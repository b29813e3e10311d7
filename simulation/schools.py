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
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from . import metrics, networks, situation, staffing, state
from .classes import Classes, course_sums
from .errors import ParameterError
from .parameters import WEEKS_PER_YEAR, Parameters
from .processes import (
    affect,
    collective,
    expectations,
    mastery,
    persuasion,
    practice,
    responsibility,
    skill,
    teaching,
    turnover,
    vicarious,
)
from .processes.common import at, malleability, noviceness, soft_update
from .situation import Situation
from .state import StudentState, TeacherState

SOURCES = ("mastery", "vicarious", "persuasion", "affect")
RESTRUCTURING = ("structure", "network_file", "house_assignment")


@dataclass
class WeekChanges:
    """This week's pushes on beliefs (before malleability and the soft bound).

    ``sources`` holds the four sources' pushes on self-efficacy; the career
    and in-school malleability and the novice weights they are scaled by
    are worked out once, at the start of the week.
    """

    sources: dict[str, np.ndarray]
    collective: np.ndarray
    responsibility: np.ndarray
    bias: np.ndarray
    career: np.ndarray
    in_school: np.ndarray
    novice: np.ndarray
    social: np.ndarray

    @classmethod
    def start(cls, teachers: TeacherState, p: Parameters) -> WeekChanges:
        """No pushes yet; malleability and novice weights from this week's experience."""
        n = teachers.n
        novice = noviceness(teachers.experience, p.novice_scale)
        return cls(
            sources={name: np.zeros(n) for name in SOURCES},
            collective=np.zeros(n),
            responsibility=np.zeros(n),
            bias=np.zeros(n),
            career=malleability(teachers.experience, p.malleability_scale),
            in_school=malleability(teachers.tenure, p.malleability_scale),
            novice=novice,
            social=1.0 + p.novice_social_weight * novice,
        )


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
            self.assess(week, week_of_year)
        self.persuade(week)
        self.feel(week)
        self.update_beliefs(week)
        self.develop()

    def teach(self) -> None:
        """A week of teaching: the teachers' effects are added to the running sum."""
        self.table_sum += self.teacher_effects()
        self.weeks_since_taught += 1
        self.weeks_since_assessment += 1

    def _assessment_row(self, week_of_year: int) -> int:
        return self._assessment_weeks().index(week_of_year)

    def assessment_due(self, week: int) -> bool:
        """Whether ``week`` of the year ends an assessment cycle."""
        return week % self.params.cycle_weeks == 0 or week == WEEKS_PER_YEAR

    def assess(self, week: WeekChanges, week_of_year: int) -> None:
        """A common formative assessment: mastery, attribution and what follows."""
        p, t, on = self.params, self.teachers, self._on
        n = t.n
        ties, view = self.ties, self.situation.ties
        self.catch_up()
        weeks = self.weeks_since_assessment
        classes = self.situation.classes
        if teaching.noise_due(weeks, p):
            courses = classes.n_courses
            noise = self._learning_noise(courses)
            noise *= at(p.student_noise, classes.teacher) * np.sqrt(weeks / WEEKS_PER_YEAR)
            mean_noise = course_sums(noise.reshape(-1, courses)) * (1.0 / courses)
            self.students.achievement += mean_noise
            self.students.fresh += mean_noise
            self.cycle_sum += classes.sum_over_pairs(noise)
            self.cycle_disadvantaged_sum += classes.sum_over_disadvantaged_pairs(noise)
        self._see_classes(week_of_year)
        results = mastery.class_results(
            self.cycle_sum,
            self.cycle_disadvantaged_sum,
            classes.size,
            classes.n_disadvantaged,
            classes.struggling_share,
            weeks,
        )
        goal = mastery.goals(
            t.aspiration, t.self_efficacy, t.expectation_bias, results.disadvantaged_share, p
        )
        taught = results.size > 0
        m = np.where(taught, mastery.signal(results.gain, goal, p.mastery_sensitivity), 0.0)
        team = self.team
        team_pairs = np.bincount(team, weights=results.size)
        safe = np.maximum(team_pairs, 1.0)
        team_gain = np.bincount(team, weights=results.gain * results.size) / safe
        shared_goal = mastery.team_goals(
            t.aspiration, t.expectation_bias, results.disadvantaged_share, p
        )
        team_goal = np.bincount(team, weights=shared_goal * results.size) / safe
        self.situation.team_signal = np.where(
            team_pairs > 0,
            mastery.signal(team_gain, team_goal, _by_team(p.mastery_sensitivity, team)),
            0.0,
        )[team]
        own_team_goal = np.where(team_pairs[team] > 0, team_goal[team], goal)

        if on("mastery"):
            probabilities = (
                mastery.attribution_probabilities(
                    t.self_efficacy,
                    t.collective_efficacy,
                    t.responsibility,
                    t.expectation_bias,
                    t.reflective,
                    view.exposure,
                    p,
                )
                if on("attribution")
                else None
            )
            draw = (
                self._uniforms("attribution", self._assessment_row(week_of_year))
                if probabilities is not None
                else None
            )
            effects = mastery.effects(m, probabilities, p, draw, t.self_efficacy)
            week.sources["mastery"] += (
                1.0 - p.novice_social_weight * week.novice
            ) * effects.self_efficacy
            week.bias += effects.expectation_bias
            week.responsibility += effects.responsibility
            t.strategy_prompt[:] = effects.strategy_prompt
            t.last_attribution[:] = effects.attribution
        if p.challenge_assumptions:  # otherwise it adds zeros, which change nothing
            unbiased = mastery.goals(
                t.aspiration, t.self_efficacy, np.zeros(n), results.disadvantaged_share, p
            )
            week.bias += mastery.disconfirmation(results.disadvantaged_gain, unbiased, p)
        t.last_mastery[:] = m
        if on("aspiration"):
            t.aspiration[:] = mastery.adapted_aspiration(
                t.aspiration, results.gain, team_gain[team], taught, p
            )
        if on("vicarious"):
            h = vicarious.similarity(ties, t.experience, t.subject, p)
            seen = vicarious.observed_mastery(ties, results.gain, taught, goal, p)
            week.sources["vicarious"] += (
                p.vicarious_rate
                * week.social
                * vicarious.vicarious_signal(ties, view.visible, h, seen, n, p)
            )
        if on("collective"):  # weighed over ties to other teams only
            seen = vicarious.observed_mastery(
                ties, results.gain, taught, own_team_goal, p, among=view.other_team
            )
            week.collective += p.collective_rate * collective.mastery_evidence(
                ties,
                view.visible,
                view.same_team,
                self.situation.team_signal,
                seen,
                t.collective_efficacy,
                p,
            )
        # worked out only if data review reads it before the next assessment
        self.situation.visible_gap = functools.cache(
            functools.partial(
                _team_gaps, classes, self.students.achievement.copy(), team, team_pairs
            )
        )
        if on("practice"):
            try_p = practice.try_probability(
                t.self_efficacy, t.collective_efficacy, t.strategy_prompt, t.coached, p
            )
            expert = practice.support(ties, view.weight, t.trainer, t.coached, p)
            draw = self._uniforms("practice", self._assessment_row(week_of_year))
            uses, fidelity = practice.update(
                t.uses_practice,
                t.fidelity,
                try_p,
                expert,
                t.trainer,
                t.collective_efficacy,
                p,
                draw,
            )
            t.uses_practice[:] = uses
            t.fidelity[:] = fidelity
        if on("skill"):
            t.peer_learned += skill.peer_learning(ties, view.visible, self.skill_now(), p)
        self.cycle_sum[:] = 0.0
        self.cycle_disadvantaged_sum[:] = 0.0
        self.weeks_since_assessment = 0
        self._update_stress_target()

    def persuade(self, week: WeekChanges) -> None:
        """Colleagues' talk and the leader's in-depth contacts (persuasion)."""
        p, t = self.params, self.teachers
        if self._on("leader"):
            reached = persuasion.leader_contacts(
                self.n_per_school, p, self._uniforms("contacts", self.week_of_year - 1)
            )
            if reached.size != t.n:  # without noise: the expected share, every school
                reached = np.full(t.n, reached[0])
        else:
            reached = np.zeros(t.n)
        self.reached = reached
        if not self._on("persuasion"):
            return
        weight = self.situation.ties.weight
        weighted = persuasion.credible_weight(
            self.ties, weight, persuasion.credibility(t.experience, p)
        )
        on_self, on_collective = persuasion.peer_pulls(
            self.ties,
            weighted,
            (t.self_efficacy, t.collective_efficacy),
            self._pull_denominator(weight),
        )
        week.sources["persuasion"] += p.persuasion_rate * week.social * on_self
        week.collective += p.persuasion_rate * on_collective
        on_self, on_collective = persuasion.leader_pull(
            reached, week.social, t.self_efficacy, t.collective_efficacy, p
        )
        week.sources["persuasion"] += on_self
        week.collective += on_collective

    def _pull_denominator(self, weight: np.ndarray) -> np.ndarray:
        """:func:`persuasion.pull_denominator`, kept while the ties, weights and parameters hold."""
        return self._kept(
            "pull denominator",
            (self.ties, weight, self.params),
            lambda: persuasion.pull_denominator(self.ties, weight, self.teachers.n, self.params),
        )

    def feel(self, week: WeekChanges) -> None:
        """Stress and its push on self-efficacy, team mood, and expectations."""
        p, t = self.params, self.teachers
        if self._on("affect"):
            t.stress[:] = affect.next_stress(t.stress, self.situation.stress_target, p)
            week.sources["affect"] += affect.affect_on_self_efficacy(t.stress, p)
            week.collective += collective.mood(t.stress, self.team, p, self._team_size())
        if self._on("expectations"):
            week.bias += expectations.collective_pull(t.collective_efficacy, p)

    def update_beliefs(self, week: WeekChanges) -> None:
        """Every belief moves by the week's pushes, with malleability and the soft bound."""
        p, t, on = self.params, self.teachers, self._on
        raw = {name: week.career * week.sources[name] for name in SOURCES}
        total = sum(raw.values())
        new = soft_update(t.self_efficacy, total)
        moved = new - t.self_efficacy
        scale = np.divide(moved, total, out=np.zeros_like(total), where=total != 0)
        self.source_changes = {name: scale * raw[name] for name in SOURCES}
        t.self_efficacy[:] = new
        if on("collective"):
            t.collective_efficacy[:] = soft_update(
                t.collective_efficacy, week.in_school * week.collective
            )
        if on("responsibility"):
            week.responsibility += responsibility.responsibility_change(
                t.responsibility,
                t.collective_efficacy,
                self.situation.ties.collaboration,
                self.situation.visible_gap() if p.data_review else None,
                p,
            )
            t.responsibility[:] = soft_update(t.responsibility, week.responsibility)
            t.reflective += responsibility.reflective_change(
                t.reflective, self.situation.ties.exposure, p
            )
        t.expectation_bias[:] = soft_update(t.expectation_bias, week.career * week.bias)

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

    def close_year(self, year: int, step: int) -> list[dict[str, float]]:
        """A year's last week: every school's annual test, then who moves and who leaves."""
        annual = self.annual_results(year, step)
        self.decide_departures()
        return annual

    def decide_departures(self) -> None:
        """Year end: who moves and who leaves, drawn school by school."""
        t, p = self.teachers, self.params
        n = t.n
        if not self._on("turnover"):
            self.departure = np.zeros(n, dtype=np.int8)
        else:
            # each school's share of disadvantaged students (schools are equal blocks of rows)
            poverty = self.students.disadvantaged.reshape(self.count, -1).mean(axis=1)
            h = turnover.hazards(
                t.self_efficacy,
                t.collective_efficacy,
                t.stress,
                t.experience,
                poverty[self.school_of_teacher] if self.count > 1 else float(poverty[0]),
                p,
            )
            self.departure = turnover.departures(h, p, self._uniforms("departure", 0))
        # a row per school; counts are whole numbers, so the shares are exact as one by one
        d = self.departure.reshape(self.count, -1)
        size = d.shape[1]
        self.turnover_rate[:] = (d != turnover.STAY).mean(axis=1)
        self.move_rate[:] = np.count_nonzero(d == turnover.MOVE, axis=1) / size
        self.leave_rate[:] = np.count_nonzero(d == turnover.LEAVE, axis=1) / size

    # -------------------------------------------------------------- the summer
    def summer(self) -> list[np.ndarray]:
        """Hires replace leavers in their roles; students roll over; new classes.

        Each school's draws (its hires, its first-years, their houses) are
        made school by school on the school's own rows; what draws nothing
        (how hires take on their team's norms, the rest of the roll-over) is
        worked out for all schools at once. Returns, per school, the rows of
        teachers who were replaced (the Mesa model replaces their agents).
        """
        p, t, s = self.params, self.teachers, self.students
        leaving = (
            self.departure != turnover.STAY
            if self.departure is not None
            else np.zeros(t.n, dtype=bool)
        )
        teaching.close_year(s, p)
        graduating = s.grade == p.grades - 1
        replaced = [self._summer_school(r, leaving, graduating) for r in range(self.count)]
        hired = np.flatnonzero(leaving)
        if hired.size:
            staying = ~leaving
            empty = np.bincount(self.team, weights=staying) == 0
            alone = np.unique(self.school_of_teacher[hired[empty[self.team[hired]]]])
            t.aspiration[hired] = self._team_norms(t.aspiration, staying, alone)[hired]
            # a newcomer's view of this faculty's capability is formed by the
            # faculty they join, around their own disposition
            own = t.collective_efficacy[hired] - at(p.initial_collective_efficacy, hired)
            t.collective_efficacy[hired] = np.clip(
                self._team_norms(t.collective_efficacy, staying, alone)[hired] + own,
                state.BELIEF_FLOOR,
                1.0 - state.BELIEF_FLOOR,
            )
        state.roll_over(s, graduating, leaving)
        self.departure = None
        self._assign()
        self._after_assignment(week=0)
        self.skill = self.skill_now()
        return replaced

    def _team_norms(self, values: np.ndarray, staying: np.ndarray, alone: np.ndarray) -> np.ndarray:
        """Each teacher's team norm of ``values`` among those staying (:func:`local_norm`).

        A team's mean is over its own school's teachers, so one call serves
        every school; but where a hire's team has nobody staying, the norm
        falls back on the school's mean, so those schools (``alone``) are
        worked out on their own rows.
        """
        norm = local_norm(values, self.team, staying)
        for r in alone:
            ts = self.teacher_slice(r)
            norm[ts] = local_norm(values[ts], self.structures[r].team, staying[ts])
        return norm

    def _summer_school(
        self, r: int, leaving_all: np.ndarray, graduating_all: np.ndarray
    ) -> np.ndarray:
        """One school's summer draws, in its own stream: hires, first-years, their houses.

        Works in place on the school's rows; returns the rows (local) of the
        teachers who were replaced.
        """
        p, rng, t, s = self.params_of(r), self.rngs[r], self.teachers, self.students
        ts, start = self.teacher_slice(r), int(self.s_bounds[r])
        rows = np.flatnonzero(leaving_all[ts])
        if rows.size:
            t.hire(rows + ts.start, state.new_teachers(rows.size, p, rng, hires=True))
            if p.support_model == "coaching":
                t.coached[ts] = practice.caseload(t.coached[ts], p, rng)
        entering = start + np.flatnonzero(graduating_all[self.student_slice(r)])
        if entering.size:
            state.enter_cohort(s, entering, p, rng)
        n_houses = self.structures[r].n_houses
        if n_houses > 1:
            staffing.place_in_houses(s, n_houses, p, rng, rows=entering)
        return rows

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
        """Every school's outcomes (``simulation.OUTCOMES``) now: one value per school each."""
        count = self.count
        return metrics.outcomes(
            self.teachers,
            self.skill,
            self.students.view(slice(None), self.current_achievement()),
            np.array([self.params_of(r).proficiency_cut for r in range(count)]),
            schools=count,
            step=step,
            density=np.array([s.density for s in self.structures]),
            clustering=np.array([s.clustering for s in self.structures]),
            sources=self.source_changes,
            turnover_rate=self.turnover_rate,
            move_rate=self.move_rate,
            leave_rate=self.leave_rate,
        )

    def school_outcomes(self, step: int) -> list[dict[str, float]]:
        """:meth:`outcomes` as one dict of floats per school."""
        columns = self.outcomes(step)
        return [
            {name: float(values[r]) for name, values in columns.items()} for r in range(self.count)
        ]

    def current_achievement(self) -> np.ndarray:
        """Students' achievement now, with the weeks not yet caught up (state untouched)."""
        weeks = self.weeks_since_taught
        if weeks == 0:
            return self.students.achievement
        classes = self.situation.classes
        induced = classes.induced(self.table_sum, weeks)
        lost = self.students.fading * self._fading_loss(weeks)
        return (
            self.students.achievement + classes.baseline * (weeks / WEEKS_PER_YEAR) + induced - lost
        )

    def class_gains(self) -> np.ndarray:
        """Each teacher's mean annualised gain since the last assessment (noise not yet seen)."""
        classes = self.situation.classes
        total, _ = classes.gain_sums(self.table_sum, self.weeks_since_taught)
        weeks = max(self.weeks_since_assessment, 1)
        return (self.cycle_sum + total) * (WEEKS_PER_YEAR / weeks) / classes.safe_size

    def annual_results(self, year: int, step: int) -> list[dict[str, float]]:
        """Every school's annual test now (a year's last week): gain and equity measures."""
        keep = (
            "annual_gain",
            "ses_gap",
            "ses_gain_slope",
            "proficient_advantaged",
            "proficient_disadvantaged",
            "achievement",
        )
        columns = self.outcomes(step)
        return [
            {"year": float(year), **{k: float(columns[k][r]) for k in keep}}
            for r in range(self.count)
        ]


def _team_gaps(
    classes: Classes, achievement: np.ndarray, team: np.ndarray, team_pairs: np.ndarray
) -> np.ndarray:
    """The achievement gap each teacher's team sees in its classes (data review), per teacher.

    ``achievement`` is students' achievement at the assessment; ``team_pairs``
    the (student, course) pairs each team teaches.
    """
    pairs = np.repeat(achievement, classes.n_courses)
    gap = mastery.class_gaps(
        classes.size,
        classes.n_disadvantaged,
        classes.sum_over_pairs(pairs),
        classes.sum_over_disadvantaged_pairs(pairs),
    )
    weighted = np.nan_to_num(gap) * classes.size
    gaps = np.maximum(np.bincount(team, weights=weighted) / np.maximum(team_pairs, 1.0), 0.0)[team]
    gaps.flags.writeable = False  # kept until the next assessment, read by every week's review
    return gaps


def _by_team(value: float | np.ndarray, team: np.ndarray) -> float | np.ndarray:
    """A parameter, shared or one a teacher (:func:`processes.common.at`), as one a team."""
    if not isinstance(value, np.ndarray):
        return value
    by_team = np.ones(int(team.max(initial=0)) + 1)
    by_team[team] = value  # a team's teachers are of one school
    return by_team


def local_norm(values: np.ndarray, team: np.ndarray, among: np.ndarray) -> np.ndarray:
    """Per teacher: the mean of ``values`` over the ``among`` members of their team.

    The school's mean over ``among`` where a team has none of them: a hire
    takes on the aspirations of the colleagues they join.
    """
    total = np.bincount(team, weights=values * among)
    count = np.bincount(team, weights=among.astype(float))
    school = float(values[among].mean()) if among.any() else float(values.mean())
    return np.where(count > 0, total / np.maximum(count, 1e-12), school)[team]
