"""The school as a Mesa model: build, weekly pipeline, record.

One step is one instructional week (36 a year). Each week students learn;
teachers' stress moves; colleagues and the leader persuade; at every common
assessment (each ``cycle_weeks``) teachers see their classes' gains, which
drive mastery, attribution, vicarious experience, collective efficacy,
practice and learning from colleagues. At the end of the year teachers may
leave and are replaced, and the student cohort rolls over.

All state lives in arrays (:mod:`simulation.state`); teachers are Mesa
agents whose attributes read those arrays (:mod:`simulation.agents`).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import mesa
import numpy as np
import pandas as pd

from . import metrics, networks, situation, staffing, state
from . import rules as leader_rules
from .agents import Leader, Teacher
from .errors import ParameterError
from .parameters import WEEKS_PER_YEAR, Parameters, suggest, tses
from .processes import (
    PROCESSES,
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
from .processes.common import malleability, noviceness, soft_update
from .situation import Situation

SOURCES = ("mastery", "vicarious", "persuasion", "affect")
RESTRUCTURING = ("structure", "network_file", "house_assignment")


@dataclass
class WeekChanges:
    """This week's pushes on beliefs (before malleability and the soft bound).

    ``sources`` holds the four sources' pushes on self-efficacy; the
    career and in-school malleability and the novice weights they are
    scaled by are worked out once, at the start of the week.
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
    def start(cls, teachers: state.TeacherState, p: Parameters) -> WeekChanges:
        """No pushes yet; malleability and novice weights from this week's experience."""
        n = teachers.n
        novice = noviceness(teachers.experience, p.novice_scale)
        return cls(sources={name: np.zeros(n) for name in SOURCES},
                   collective=np.zeros(n), responsibility=np.zeros(n), bias=np.zeros(n),
                   career=malleability(teachers.experience, p.malleability_scale),
                   in_school=malleability(teachers.tenure, p.malleability_scale),
                   novice=novice, social=1.0 + p.novice_social_weight * novice)


@dataclass(frozen=True)
class Intervention:
    """A change of levers at the start of a given week.

    Parameters
    ----------
    year : int
        School year, from 1.
    week : int
        Week of that year, 1-36; the change applies before that week is taught.
    changes : Mapping[str, Any]
        Lever names (``Parameters.levers()``) and their new values.
    """

    year: int
    week: int = 1
    changes: Mapping[str, Any] = field(default_factory=dict)

    @property
    def step(self) -> int:
        """The model step (1-based) at whose start the change applies."""
        return (self.year - 1) * WEEKS_PER_YEAR + self.week


def _intervention(item: Intervention | Mapping[str, Any]) -> Intervention:
    if isinstance(item, Intervention):
        return item
    item = dict(item)
    year, week = item.pop("year", None), item.pop("week", 1)
    changes = item.pop("changes", None) or item
    if not isinstance(year, int) or isinstance(year, bool) or year < 1:
        raise ParameterError(f"an intervention needs a year of at least 1, not {year!r}",
                             key="year")
    if not isinstance(week, int) or isinstance(week, bool) or not 1 <= week <= WEEKS_PER_YEAR:
        raise ParameterError(f"an intervention's week must be 1 to {WEEKS_PER_YEAR}, "
                             f"not {week!r}", key="week")
    return Intervention(year, week, changes)


class SchoolModel(mesa.Model):
    """A school's teachers, students and leader over weekly steps.

    Parameters
    ----------
    n_students : int
        Enrolment; the number of teachers is ``n_students /
        student_teacher_ratio`` (or the nodes of a custom network file).
    structure : str
        ``isolated``, ``departments``, ``plc``, ``houses``, ``networked_plc``
        or ``custom`` (needs ``network_file``).
    disabled : iterable of str
        Processes to switch off for ablation (``simulation.PROCESSES``).
    interventions : iterable of Intervention or mappings
        Lever changes at given weeks, e.g. ``{"year": 2, "week": 1,
        "support_model": "coaching"}``.
    rules : iterable of simulation.rules.Rule or mappings
        The leader's rules, checked at its checkpoints (:class:`Leader`),
        e.g. ``{"when": "year_end", "if": "observed_practice_share < 0.3",
        "then": {"support_model": "coaching"}}``.
    record_every : int
        Record the model-level outcomes every this many weeks (default every
        week; 0: never, for the bare kernel). :meth:`outcomes` gives them
        for the current state at any time.
    record_teachers_every : int
        Record a per-teacher snapshot every this many weeks (0: never); read
        it with :meth:`teacher_dataframe`.
    network : simulation.networks.NetworkFile, optional
        An already loaded custom network (``networks.read_network_file``) for
        ``structure="custom"``, so that a caller who has read the file does
        not make the model read it again; without it the model reads
        ``network_file``.
    rng : int, optional
        Seed (Mesa's keyword). Same parameters and seed give identical data.
    **parameters
        Any field of :class:`simulation.Parameters` (its docstring and
        ``python -m simulation.parameters`` list units, ranges and sources).

    Examples
    --------
    >>> model = SchoolModel(n_students=900, structure="plc", rng=42)
    >>> model.run(years=1)
    >>> df = model.datacollector.get_model_vars_dataframe()
    """

    def __init__(self, n_students: int = 900, structure: str = "departments", *,
                 disabled: Iterable[str] = (), interventions: Iterable[Any] = (),
                 rules: Iterable[Any] = (), record_every: int = 1, record_teachers_every: int = 0,
                 network: networks.NetworkFile | None = None, rng: int | None = None,
                 **parameters: Any) -> None:
        super().__init__(rng=rng)
        self.params = Parameters.build(
            {"n_students": n_students, "structure": structure, **parameters})
        self.disabled = frozenset(_checked_processes(disabled))
        self.interventions = sorted((_intervention(i) for i in interventions),
                                    key=lambda i: i.step)
        for item in self.interventions:
            self._check_changes(item.changes)
        self.rules = leader_rules.rules(rules)
        for rule in self.rules:
            self._check_changes(rule.changes)
        for name, value in (("record_every", record_every),
                            ("record_teachers_every", record_teachers_every)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ParameterError(f"{name} must be a whole number of weeks (0 for never), "
                                     f"not {value!r}", key=name)
        self.record_every = record_every
        self.record_teachers_every = record_teachers_every
        self._build(network)
        self.datacollector = OutcomeCollector(
            model_reporters={name: partial(_outcome, name=name) for name in metrics.OUTCOMES})
        self._record()

    def _build(self, network: networks.NetworkFile | None) -> None:
        """The starting school: staff, students, structure, classes, agents."""
        p = self.params
        self._network_file = networks.custom_network(p, network)
        n_teachers = staffing.staff_size(p, self._network_file)
        if self._network_file is not None:
            staffing.check_staff_ratio(p.n_students, n_teachers, p)
        roles = staffing.allocate_subjects(
            n_teachers, p.specialisms_per_subject,
            self._network_file.subject if self._network_file is not None else None)
        self.teachers = state.new_teachers(n_teachers, p, self.rng)
        if self._network_file is not None:  # a staff survey's teachers, one by one
            state.set_starting(self.teachers, self._network_file.starting)
        self.teachers.subject[:] = roles.subject
        self.teachers.specialism[:] = roles.specialism
        self.students = state.new_students(p, self.rng, len(p.specialisms_per_subject))
        self.structure = networks.build(p.structure, roles.subject, roles.specialism, p,
                                        self.rng, self._network_file)
        if p.support_model == "train_the_trainer":
            self.teachers.trainer[:] = practice.choose_trainers(self._skill_now(), p, self.rng)
        self.teachers.coached[:] = practice.caseload(self.teachers.coached, p, self.rng)

        self.turnover_rate = self.move_rate = self.leave_rate = 0.0
        self.annual_results: list[dict[str, float]] = []
        self.source_changes = {name: np.zeros(n_teachers) for name in SOURCES}
        self._teacher_records: list[dict[str, np.ndarray]] = []
        self._departure: np.ndarray | None = None
        self._summer_due = False
        self._weeks_since_assessment = 0
        self.situation = Situation.empty(
            n_teachers, teaching.weekly_retention(p) if self._on("fading") else 1.0)
        self._place_and_assign(all_students=True, week=0)
        self.skill = self._skill_now()
        if self._on("fading"):
            induced = (self.teacher_effects().ravel()[self.situation.classes.index]
                       + self.situation.classes.extra) @ self.students.course_weights
            teaching.settle_history(self.students, induced, p)
            self._see_classes(week=0)
            self._update_stress_target()
        self.teachers.aspiration[:] = self._expected_gains()
        self._teacher_agents = list(Teacher.create_agents(self, n_teachers,
                                                          row=np.arange(n_teachers)))
        self.leader = Leader(self)

    # ------------------------------------------------------------------ API
    @property
    def n_teachers(self) -> int:
        """Number of teachers."""
        return self.teachers.n

    @property
    def network(self):
        """The weighted ``networkx.Graph`` of collaboration ties."""
        return self.structure.graph

    @property
    def week(self) -> int:
        """Week of the school year of the last step (0 before the first)."""
        return (self.steps - 1) % WEEKS_PER_YEAR + 1 if self.steps else 0

    @property
    def year(self) -> int:
        """School year of the last step (1-based)."""
        return (self.steps - 1) // WEEKS_PER_YEAR + 1 if self.steps else 1

    def run(self, years: float = 1) -> None:
        """Run ``years`` school years of 36 weekly steps."""
        for _ in range(round(years * WEEKS_PER_YEAR)):
            self.step()

    def apply(self, **changes: Any) -> None:
        """Change levers now (MODEL.md §6), e.g. ``model.apply(structure="plc")``.

        Changing ``structure`` (or ``network_file`` / ``house_assignment``)
        restructures the school: new teams and ties, students re-placed and
        re-assigned; teachers keep their beliefs. Called between school
        years, the change applies to the new year (after the summer).
        """
        self._check_changes(changes)
        self._summer_if_due()
        old = self.params
        self.params = old.replace(**changes)
        p = self.params
        if any(getattr(old, k) != getattr(p, k) for k in RESTRUCTURING if k in changes):
            try:
                self._network_file = networks.custom_network(p)
            except ParameterError:
                self.params = old
                raise
            if self._network_file is not None and self._network_file.n != self.n_teachers:
                self.params = old
                raise ParameterError(
                    f"the network file has {self._network_file.n} teachers but the school "
                    f"has {self.n_teachers}; staff size cannot change mid-run",
                    source=p.network_file, key="network_file")
            self.structure = networks.build(p.structure, self.teachers.subject,
                                            self.teachers.specialism, p, self.rng,
                                            self._network_file)
            self._place_and_assign(all_students=True, week=self.week % WEEKS_PER_YEAR)
        if p.support_model == "train_the_trainer" and not self.teachers.trainer.any():
            self.teachers.trainer[:] = practice.choose_trainers(self._skill_now(), p, self.rng)
        if any(getattr(old, k) != getattr(p, k) for k in ("support_model", "coaches")):
            self.teachers.coached[:] = practice.caseload(self.teachers.coached, p, self.rng)
        self._see_ties()

    def schedule(self, changes: Mapping[str, Any], step: int) -> None:
        """Apply lever ``changes`` at the start of model step ``step`` (1-based).

        The leader's rules use it; the change then behaves exactly like an
        ``[[intervention]]`` of that week (after any already due that week).
        """
        self._check_changes(changes)
        item = Intervention((step - 1) // WEEKS_PER_YEAR + 1, (step - 1) % WEEKS_PER_YEAR + 1,
                            dict(changes))
        later = next((k for k, i in enumerate(self.interventions) if i.step > item.step),
                     len(self.interventions))
        self.interventions.insert(later, item)

    def outcomes(self) -> dict[str, float]:
        """The outcomes of ``simulation.OUTCOMES`` for the current state.

        They mean what they say at any time. After a year's last week (for
        instance after ``model.run(3)``) the school is still at that year's
        end: ``annual_gain`` is the year's gain, turnover the year's leavers,
        exactly the data collector's last row. The summer (hiring, the new
        cohort, new classes) happens at the start of the next step.
        """
        return self._outcomes_now()

    def teacher_dataframe(self) -> pd.DataFrame:
        """Per-teacher snapshots (tidy: one row per teacher and recorded step)."""
        if not self._teacher_records:
            return pd.DataFrame(columns=["Step", "AgentID"])
        return pd.concat([pd.DataFrame(r) for r in self._teacher_records], ignore_index=True)

    # ------------------------------------------------------- the week's schedule
    def step(self) -> None:
        """One instructional week, stage by stage (docs/ODD.md §3)."""
        self._summer_if_due()
        self._apply_due_interventions()
        self._teach()
        week = WeekChanges.start(self.teachers, self.params)
        if self._assessment_due():
            self._assess(week)
        self._persuade(week)
        self._feel(week)
        self._update_beliefs(week)
        self._develop()
        self._close_week()

    def _summer_if_due(self) -> None:
        """Summer, once a year has ended: hires replace leavers, students roll over."""
        if self._summer_due:
            self._summer_due = False
            self._new_year()
            self.skill = self._skill_now()

    def _apply_due_interventions(self) -> None:
        for item in self.interventions:
            if item.step == self.steps:
                self.apply(**item.changes)

    def _teach(self) -> None:
        """A week of learning; earlier years' teacher-induced gains fade a little."""
        classes = self.situation.classes
        teaching.teach_week(self.students, self.teacher_effects(), classes.baseline,
                            classes.extra, classes.index)
        teaching.fade_week(self.students, self.situation.retention)
        self._weeks_since_assessment += 1

    def _assessment_due(self) -> bool:
        week = self.week
        return week % self.params.cycle_weeks == 0 or week == WEEKS_PER_YEAR

    def _assess(self, week: WeekChanges) -> None:
        """A common formative assessment: mastery, attribution and what follows."""
        p, t, on = self.params, self.teachers, self._on
        n = self.n_teachers
        ties, view = self.structure.ties, self.situation.ties
        teaching.learning_noise(self.students, self._weeks_since_assessment, p, self.rng)
        classes = situation.class_view(self.students, n, p, self.week,
                                       in_field_only=not on("staffing"), peers=on("peers"))
        results = mastery.class_results(self.students, classes.struggling, n,
                                        self._weeks_since_assessment)
        goal = mastery.goals(t.aspiration, t.self_efficacy, t.expectation_bias,
                             results.disadvantaged_share, p)
        taught = results.size > 0
        m = np.where(taught, mastery.signal(results.gain, goal, p), 0.0)
        team = self.structure.team
        team_size = np.bincount(team, weights=results.size)
        safe = np.maximum(team_size, 1.0)
        team_gain = np.bincount(team, weights=results.gain * results.size) / safe
        shared_goal = mastery.team_goals(t.aspiration, t.expectation_bias,
                                         results.disadvantaged_share, p)
        team_goal = np.bincount(team, weights=shared_goal * results.size) / safe
        self.situation.team_signal = np.where(
            team_size > 0, mastery.signal(team_gain, team_goal, p), 0.0)[team]
        own_team_goal = np.where(team_size[team] > 0, team_goal[team], goal)

        if on("mastery"):
            probabilities = (mastery.attribution_probabilities(
                t.self_efficacy, t.collective_efficacy, t.responsibility,
                t.expectation_bias, t.reflective, view.exposure, p)
                if on("attribution") else None)
            effects = mastery.effects(m, probabilities, p, self.rng, t.self_efficacy)
            week.sources["mastery"] += (1.0 - p.novice_social_weight * week.novice) \
                * effects.self_efficacy
            week.bias += effects.expectation_bias
            week.responsibility += effects.responsibility
            t.strategy_prompt[:] = effects.strategy_prompt
            t.last_attribution[:] = effects.attribution
        unbiased = mastery.goals(t.aspiration, t.self_efficacy, np.zeros(n),
                                 results.disadvantaged_share, p)
        week.bias += mastery.disconfirmation(results.disadvantaged_gain, unbiased, p)
        t.last_mastery[:] = m
        if on("aspiration"):
            t.aspiration[:] = mastery.adapted_aspiration(t.aspiration, results.gain,
                                                         team_gain[team], taught, p)
        if on("vicarious"):
            h = vicarious.similarity(ties, t.experience, t.subject, p)
            seen = vicarious.observed_mastery(ties, results.gain, taught, goal, p)
            week.sources["vicarious"] += p.vicarious_rate * week.social \
                * vicarious.vicarious_signal(ties, view.visible, h, seen, n, p)
        if on("collective"):
            seen = vicarious.observed_mastery(ties, results.gain, taught, own_team_goal, p)
            week.collective += p.collective_rate * collective.mastery_evidence(
                ties, view.visible, view.same_team, self.situation.team_signal, seen,
                t.collective_efficacy, p)
        gap = np.nan_to_num(results.gap) * results.size
        self.situation.visible_gap = np.maximum(
            np.bincount(team, weights=gap) / np.maximum(team_size, 1.0), 0.0)[team]
        if on("practice"):
            try_p = practice.try_probability(t.self_efficacy, t.collective_efficacy,
                                             t.strategy_prompt, t.coached, p)
            expert = practice.support(ties, view.weight, t.trainer, t.coached, p)
            uses, fidelity = practice.update(t.uses_practice, t.fidelity, try_p, expert,
                                             t.trainer, t.collective_efficacy, p, self.rng)
            t.uses_practice[:] = uses
            t.fidelity[:] = fidelity
        if on("skill"):
            t.peer_learned += skill.peer_learning(ties, view.visible, self._skill_now(), p)
        self.students.cycle_gain[:] = 0.0
        self._weeks_since_assessment = 0
        self.situation.classes = classes
        self._update_stress_target()

    def _persuade(self, week: WeekChanges) -> None:
        """Colleagues' talk and the leader's in-depth contacts (persuasion)."""
        p, t = self.params, self.teachers
        reached = self.leader.contacts() if self._on("leader") else np.zeros(self.n_teachers)
        if not self._on("persuasion"):
            return
        credible = persuasion.credibility(t.experience, p)
        ties, weight = self.structure.ties, self.situation.ties.weight
        week.sources["persuasion"] += p.persuasion_rate * week.social * persuasion.peer_pull(
            ties, weight, credible, t.self_efficacy, p)
        week.collective += p.persuasion_rate * persuasion.peer_pull(
            ties, weight, credible, t.collective_efficacy, p)
        on_self, on_collective = self.leader.persuade(reached, week.social)
        week.sources["persuasion"] += on_self
        week.collective += on_collective

    def _feel(self, week: WeekChanges) -> None:
        """Stress and its push on self-efficacy, team mood, and expectations."""
        p, t = self.params, self.teachers
        if self._on("affect"):
            t.stress[:] = affect.next_stress(t.stress, self.situation.stress_target, p)
            week.sources["affect"] += affect.affect_on_self_efficacy(t.stress, p)
            week.collective += collective.mood(t.stress, self.structure.team, p)
        if self._on("expectations"):
            week.bias += expectations.collective_pull(t.collective_efficacy, p)

    def _update_beliefs(self, week: WeekChanges) -> None:
        """Every belief moves by the week's pushes, with malleability and the soft bound."""
        p, t, on = self.params, self.teachers, self._on
        self._update_self_efficacy(week.sources, week.career)
        if on("collective"):
            t.collective_efficacy[:] = soft_update(t.collective_efficacy,
                                                   week.in_school * week.collective)
        if on("responsibility"):
            week.responsibility += responsibility.responsibility_change(
                t.responsibility, t.collective_efficacy, self.situation.ties.collaboration,
                self.situation.visible_gap, p)
            t.responsibility[:] = soft_update(t.responsibility, week.responsibility)
            t.reflective += responsibility.reflective_change(
                t.reflective, self.situation.ties.exposure, p)
        t.expectation_bias[:] = soft_update(t.expectation_bias, week.career * week.bias)

    def _develop(self) -> None:
        """A week of experience; effective experience faster where support is."""
        p, t = self.params, self.teachers
        t.experience += 1.0 / WEEKS_PER_YEAR
        t.tenure += 1.0 / WEEKS_PER_YEAR
        if self._on("skill"):
            t.effective_experience += skill.experience_speed(
                self.situation.ties.exposure, t.collective_efficacy, p) / WEEKS_PER_YEAR
        self.skill = self._skill_now()

    def _close_week(self) -> None:
        """At a year's end the annual test and departures; then record; the leader's checkpoint."""
        year_end = self.week == WEEKS_PER_YEAR
        if year_end:
            self._annual_test()
            self._decide_leavers()
        self._record()
        self.leader.step()  # checkpoints: observe, check the rules, decide for next week
        self._summer_due = year_end

    # ------------------------------------------------------------ internals
    def _on(self, process: str) -> bool:
        return process not in self.disabled

    def _skill_now(self) -> np.ndarray:
        t = self.teachers
        return skill.skill(t.talent, t.effective_experience, t.peer_learned, self.params)

    def teacher_effects(self) -> np.ndarray:
        """Each teacher's annual effect on the eight kinds of student now (SD/year).

        An (n_teachers, 8) table indexed by ``4 * known + 2 * disadvantaged +
        below_proficiency`` (``processes.teaching.teacher_effects``).
        """
        p, t = self.params, self.teachers
        if not self._on("teaching"):
            return np.zeros((self.n_teachers, teaching.KINDS))
        plan = teaching.plan_reach(self.situation.ties.collaboration, t.responsibility, p)
        team_collective = teaching.team_collective(t.collective_efficacy, self.structure.team)
        return teaching.teacher_effects(self.skill, t.self_efficacy, team_collective,
                                        t.expectation_bias,
                                        t.responsibility, t.fidelity * t.uses_practice,
                                        plan, p)

    def _expected_gains(self) -> np.ndarray:
        """Each teacher's expected class gain this year, without noise (SD/year).

        What a teacher who knows the school and their classes would expect:
        the starting aspirations.
        """
        students, classes = self.students, self.situation.classes
        expected = (self.teacher_effects().ravel()[classes.index] + classes.extra
                    + classes.baseline[:, None])
        flat = students.assign.ravel()
        total = np.bincount(flat, weights=expected.ravel(), minlength=self.n_teachers)
        count = np.bincount(flat, minlength=self.n_teachers)
        mean = float(expected.mean())
        return np.where(count > 0, total / np.maximum(count, 1), mean)

    def _update_self_efficacy(self, change: dict[str, np.ndarray], career: np.ndarray) -> None:
        """Apply the four sources with the soft bound; record each one's share."""
        t = self.teachers
        raw = {name: career * change[name] for name in SOURCES}
        total = sum(raw.values())
        new = soft_update(t.self_efficacy, total)
        moved = new - t.self_efficacy
        scale = np.divide(moved, total, out=np.zeros_like(total), where=total != 0)
        self.source_changes = {name: scale * raw[name] for name in SOURCES}
        t.self_efficacy[:] = new

    def _annual_test(self) -> None:
        students = self.students
        gain = students.achievement - students.year_start
        row = {"year": float(self.year), "annual_gain": float(gain.mean())}
        row.update({k: v for k, v in self._outcomes_now().items()
                    if k in ("ses_gap", "ses_gain_slope", "proficient_advantaged",
                             "proficient_disadvantaged", "achievement")})
        self.annual_results.append(row)

    def _decide_leavers(self) -> None:
        t, p = self.teachers, self.params
        n = self.n_teachers
        if not self._on("turnover"):
            self._departure = np.zeros(n, dtype=np.int8)
        else:
            poverty = float(self.students.disadvantaged.mean())
            h = turnover.hazards(t.self_efficacy, t.collective_efficacy, t.stress,
                                 t.experience, poverty, p)
            self._departure = turnover.departures(h, p, self.rng)
        leaving = self._departure != turnover.STAY
        self.turnover_rate = float(leaving.mean())
        self.move_rate = float(np.count_nonzero(self._departure == turnover.MOVE)) / n
        self.leave_rate = float(np.count_nonzero(self._departure == turnover.LEAVE)) / n

    def _new_year(self) -> None:
        """Summer: leavers are replaced by hires in their roles; students roll over."""
        p, t = self.params, self.teachers
        leaving = (self._departure != turnover.STAY if self._departure is not None
                   else np.zeros(self.n_teachers, dtype=bool))
        rows = np.flatnonzero(leaving)
        if rows.size:
            hires = state.new_teachers(rows.size, p, self.rng, hires=True)
            team = self.structure.team
            staying = ~leaving
            for k, row in enumerate(rows):
                subject, specialism = t.subject[row], t.specialism[row]
                t.fill_row(row, hires, k)
                t.subject[row], t.specialism[row] = subject, specialism
                self._teacher_agents[row].remove()
                self._teacher_agents[row] = Teacher(self, row)
            t.aspiration[rows] = _local_norm(t.aspiration, team, staying)[rows]
            # a newcomer's view of this faculty's capability is formed by the
            # faculty they join, around their own disposition
            own = t.collective_efficacy[rows] - p.initial_collective_efficacy
            t.collective_efficacy[rows] = np.clip(
                _local_norm(t.collective_efficacy, team, staying)[rows] + own,
                state.BELIEF_FLOOR, 1.0 - state.BELIEF_FLOOR)
            if p.support_model == "coaching":
                t.coached[:] = practice.caseload(t.coached, p, self.rng)
        self._departure = None
        entering = self.students.grade == p.grades - 1
        teaching.close_year(self.students, p)
        state.roll_over(self.students, p, self.rng)
        if rows.size:
            self.students.previous[np.isin(self.students.previous, rows)] = -1
        if self.structure.n_houses > 1:
            staffing.place_in_houses(self.students, self.structure.n_houses, p, self.rng,
                                     rows=np.flatnonzero(entering))
        self._place_and_assign(all_students=False, week=0)

    def _place_and_assign(self, all_students: bool, week: int) -> None:
        """Place students in houses (if asked), assign courses, and see what follows."""
        p, n = self.params, self.n_teachers
        if all_students:
            staffing.place_in_houses(self.students, self.structure.n_houses, p, self.rng)
        preps = staffing.assign_courses(
            self.students, staffing.Staffing(self.teachers.subject, self.teachers.specialism),
            self.structure.house, p.specialisms_per_subject, self.rng, p.noise)
        staffed = not self._on("staffing")
        if staffed:
            self.students.out_of_field[:] = False
        self.situation.extra_preps = np.zeros(n) if staffed else np.maximum(preps - 1, 0)
        self.students.known[:] = (staffing.known_students(self.students, self.structure.ties,
                                                          n)
                                  if self._on("personalisation") else False)
        self.situation.overlap = responsibility.student_overlap(self.students,
                                                                self.structure.ties, n)
        # gains since the last assessment belonged to the old classes
        self.students.cycle_gain[:] = 0.0
        self._see_classes(week)
        self._weeks_since_assessment = 0
        self._see_ties()

    def _see_classes(self, week: int) -> None:
        """Who is below proficiency at ``week`` of the year, and what that makes of each class."""
        self.situation.classes = situation.class_view(
            self.students, self.n_teachers, self.params, week,
            in_field_only=not self._on("staffing"), peers=self._on("peers"))

    def _see_ties(self) -> None:
        """Ties under the levers in force (after any change), and the stress target."""
        self.situation.ties = situation.tie_view(self.structure, self.situation.overlap,
                                                 self.n_teachers, self.params)
        self._update_stress_target()

    def _update_stress_target(self) -> None:
        """The stress each teacher's situation pushes toward.

        It depends only on what changes at assessments, at the year's start
        and with levers (workload, struggling students, the last mastery
        signal, exposure, the leader's reach), so it is computed then, not
        weekly.
        """
        p, view = self.params, self.situation
        reach = persuasion.reach_probability(self.n_teachers, p) if self._on("leader") else 0.0
        view.stress_target = affect.stress_target(
            view.extra_preps, view.classes.struggling_share, self.teachers.last_mastery,
            view.ties.exposure, reach, self.teachers.experience, p)

    def _check_changes(self, changes: Mapping[str, Any]) -> None:
        levers = Parameters.levers()
        for name in changes:
            if name not in levers:
                if name in Parameters.names():
                    raise ParameterError(
                        f"{name!r} cannot change during a run; levers that can: "
                        f"{', '.join(levers)}", key=name)
                raise ParameterError(f"unknown lever {name!r}{suggest(name, levers)}; "
                                     f"levers: {', '.join(levers)}", key=name)
        self.params.replace(**changes)

    def _outcomes_now(self) -> dict[str, float]:
        return metrics.outcomes(
            self.teachers, self.skill, self.students, self.params, step=self.steps,
            density=self.structure.density, clustering=self.structure.clustering,
            sources=self.source_changes, turnover_rate=self.turnover_rate,
            move_rate=self.move_rate, leave_rate=self.leave_rate)

    def _record(self) -> None:
        if self.record_every and self.steps % self.record_every == 0:
            self.datacollector.collect(self)
        every = self.record_teachers_every
        if every and self.steps % every == 0:
            self._teacher_records.append(self._teacher_snapshot())

    def _teacher_snapshot(self) -> dict[str, np.ndarray]:
        t, n = self.teachers, self.n_teachers
        snapshot = {
            "Step": np.full(n, self.steps),
            "AgentID": np.array([a.unique_id for a in self._teacher_agents]),
            "row": np.arange(n),
            "team": self.structure.team.copy(),
            "subject": t.subject.copy(),
            "experience": t.experience.copy(),
            "self_efficacy": t.self_efficacy.copy(),
            "self_efficacy_tses": tses(t.self_efficacy),
            "collective_efficacy": t.collective_efficacy.copy(),
            "responsibility": t.responsibility.copy(),
            "stress": t.stress.copy(),
            "expectation_bias": t.expectation_bias.copy(),
            "skill": self.skill.copy(),
            "uses_practice": t.uses_practice.copy(),
            "fidelity": t.fidelity.copy(),
            "last_mastery": t.last_mastery.copy(),
            "last_attribution": t.last_attribution.copy(),
            "aspiration": t.aspiration.copy(),
            "coached": t.coached > 0,
            "departure": (self._departure.copy() if self._departure is not None
                          else np.zeros(n, dtype=np.int8)),
        }
        for name in SOURCES:
            snapshot[f"source_{name}"] = self.source_changes[name].copy()
        return snapshot


def _local_norm(values: np.ndarray, team: np.ndarray, among: np.ndarray) -> np.ndarray:
    """Per teacher: the mean of ``values`` over the ``among`` members of their team.

    The school's mean over ``among`` where a team has none of them: a hire
    takes on the aspirations of the colleagues they join.
    """
    total = np.bincount(team, weights=values * among)
    count = np.bincount(team, weights=among.astype(float))
    school = float(values[among].mean()) if among.any() else float(values.mean())
    return np.where(count > 0, total / np.maximum(count, 1e-12), school)[team]


def _outcome(model: SchoolModel, name: str) -> float:
    return model.outcomes()[name]


class OutcomeCollector(mesa.DataCollector):
    """Mesa's DataCollector, filling the outcome columns in one pass.

    The model computes all outcomes from its arrays in one pass
    (:func:`simulation.metrics.outcomes`) instead of one reporter call and
    deep copy each (immutable floats need no copy). Reporters a user adds,
    and agent reporters, are collected by the base class as usual.
    """

    def collect(self, model) -> None:
        """Record this step's outcomes (and any agent reporters).

        The step is recorded as a whole number (``model.steps``; Mesa records
        ``model.time``, a float equal to it here), so the ``Step`` column of
        ``mesa.batch_run`` comes back as integers.
        """
        outcomes = model.outcomes()
        if any(name not in outcomes for name in self.model_reporters):
            super().collect(model)
            if self._collection_steps:
                self._collection_steps[-1] = model.steps
            return
        self._collection_steps.append(model.steps)
        for name, column in self.model_vars.items():
            column.append(outcomes[name])
        if self.agent_reporters:
            self._agent_records[model.time] = list(self._record_agents(model))


def _checked_processes(disabled: Iterable[str]) -> list[str]:
    if isinstance(disabled, str):
        disabled = (disabled,)
    names = list(disabled)
    for name in names:
        if name not in PROCESSES:
            raise ParameterError(f"cannot disable unknown process {name!r}"
                                 f"{suggest(name, PROCESSES)}; processes: "
                                 f"{', '.join(PROCESSES)}", key="disabled")
    return names


def _signature() -> inspect.Signature:
    """Document every parameter in ``SchoolModel``'s signature (help, IDEs)."""
    base = inspect.signature(SchoolModel.__init__)
    fixed = [prm for prm in base.parameters.values() if prm.kind != prm.VAR_KEYWORD]
    known = {prm.name for prm in fixed}
    extra = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY,
                               default=Parameters.__dataclass_fields__[name].default)
             for name in Parameters.names() if name not in known]
    ordered = ([prm for prm in fixed if prm.kind != prm.KEYWORD_ONLY]
               + [prm for prm in fixed if prm.kind == prm.KEYWORD_ONLY] + extra)
    return base.replace(parameters=ordered)


SchoolModel.__init__.__signature__ = _signature()
