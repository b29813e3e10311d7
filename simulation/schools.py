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

This module builds the schools, teaches, runs the week's stages in order
and changes levers. What every stage shares (where a school's rows are,
its parameters and draws, the classes and ties as seen, catching students
up) is :class:`simulation.school_arrays.SchoolArrays`, which
:class:`Schools` extends; the stages with a job of their own are functions
of those arrays in the modules below this one: the assessment
(:mod:`simulation.assessment`), the week's pushes on beliefs and their
update (:mod:`simulation.beliefs`), the year's end and the summer
(:mod:`simulation.year_end`), and what the state shows
(:mod:`simulation.results`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import Any

import numpy as np

from . import assessment, beliefs, networks, results, staffing, state, year_end
from .beliefs import SOURCES, WeekChanges
from .errors import ParameterError
from .parameters import WEEKS_PER_YEAR, Parameters
from .processes import practice, skill, teaching
from .school_arrays import SchoolArrays
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


class Schools(SchoolArrays):
    """R schools of one parameter set, stepped together (module docstring).

    Parameters
    ----------
    params : Parameters
        Shared by every school but for ``school_values``; a lever an
        intervention changes changes for all schools together.
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
            name: np.asarray(values, dtype=object if name == "structure" else float)
            for name, values in (school_values or {}).items()
        }
        self.params = params
        self.disabled = disabled
        self.network_file = networks.custom_network(params, network)
        self._kept_values: dict[str, tuple[tuple, np.ndarray]] = {}
        self._build()

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
            network = networks.custom_network(self.params_of(0))  # custom: every school's
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
                    self.params_of(r).structure,
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
