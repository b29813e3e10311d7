"""The school as a Mesa model: one school's engine with Mesa's agents around it.

One step is one instructional week (36 a year). Each week students learn;
teachers' stress moves; colleagues and the leader persuade; at every common
assessment (each ``cycle_weeks``) teachers see their classes' gains, which
drive mastery, attribution, vicarious experience, collective efficacy,
practice and learning from colleagues. At the end of the year teachers may
leave and are replaced, and the student cohort rolls over.

The arithmetic lives in :class:`simulation.schools.Schools` (here with one
school; :class:`simulation.SchoolEnsemble` runs many at once, with the same
results); teachers are Mesa agents whose attributes read its arrays
(:mod:`simulation.agents`); the leader is a Mesa agent that checks the
plan's rules (:mod:`simulation.rules`).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

import mesa
import numpy as np
import pandas as pd

from . import metrics, networks, state
from . import rules as leader_rules
from .agents import Leader, Teacher
from .errors import ParameterError
from .interventions import Intervention, as_intervention, check_changes, checked_processes
from .parameters import WEEKS_PER_YEAR, Parameters, tses, week_of, year_of
from .schools import SOURCES, Schools


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

    def __init__(
        self,
        n_students: int = 900,
        structure: str = "departments",
        *,
        disabled: Iterable[str] = (),
        interventions: Iterable[Any] = (),
        rules: Iterable[Any] = (),
        record_every: int = 1,
        record_teachers_every: int = 0,
        network: networks.NetworkFile | None = None,
        rng: int | None = None,
        **parameters: Any,
    ) -> None:
        super().__init__(rng=rng)
        self.params = Parameters.build(
            {"n_students": n_students, "structure": structure, **parameters}
        )
        self.disabled = frozenset(checked_processes(disabled))
        self.interventions = sorted(
            (as_intervention(i) for i in interventions), key=lambda i: i.step
        )
        for item in self.interventions:
            self._check_changes(item.changes)
        self.rules = leader_rules.rules(rules)
        for rule in self.rules:
            self._check_changes(rule.changes)
        for name, value in (
            ("record_every", record_every),
            ("record_teachers_every", record_teachers_every),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ParameterError(
                    f"{name} must be a whole number of weeks (0 for never), not {value!r}", key=name
                )
        self.record_every = record_every
        self.record_teachers_every = record_teachers_every
        self.school = Schools(self.params, [self.rng], self.disabled, network)
        self.annual_results: list[dict[str, float]] = []
        self._teacher_records: list[dict[str, np.ndarray]] = []
        self._teacher_table: tuple[int, pd.DataFrame] | None = None  # (records in it, table)
        self._summer_due = False
        self._teacher_agents = list(
            Teacher.create_agents(self, self.n_teachers, row=np.arange(self.n_teachers))
        )
        self.leader = Leader(self)
        self.datacollector = OutcomeCollector(
            model_reporters={name: partial(_outcome, name=name) for name in metrics.OUTCOMES}
        )
        self._record()

    # ------------------------------------------------------------------ API
    @property
    def params(self) -> Parameters:
        """The parameters in force (``apply``, interventions and rules change the levers)."""
        return self._params

    @params.setter
    def params(self, value: Parameters) -> None:
        """Replace the parameters; every process reads them from the next stage on."""
        self._params = value
        school = self.__dict__.get("school")
        if school is not None:
            school.set_params(value)

    @property
    def teachers(self) -> state.TeacherState:
        """The teachers' state arrays (one row per teacher)."""
        return self.school.teachers

    @property
    def students(self) -> state.StudentState:
        """The students' state arrays (one row per student).

        Achievement is brought up to date at each assessment; between them
        :meth:`outcomes` reports it as of now.
        """
        return self.school.students

    @property
    def structure(self) -> networks.Structure:
        """Teams, houses and ties."""
        return self.school.structures[0]

    @property
    def situation(self):
        """What the processes read beyond the state (``simulation.situation.Situation``)."""
        return self.school.situation

    @property
    def skill(self) -> np.ndarray:
        """Each teacher's current skill (SD of student gain a year)."""
        return self.school.skill

    @property
    def source_changes(self) -> dict[str, np.ndarray]:
        """This week's change in each teacher's self-efficacy from each source."""
        return self.school.source_changes

    @property
    def turnover_rate(self) -> float:
        """Share of teachers who went at the most recent year end."""
        return float(self.school.turnover_rate[0])

    @property
    def n_teachers(self) -> int:
        """Number of teachers."""
        return self.school.teachers.n

    @property
    def network(self):
        """The weighted ``networkx.Graph`` of collaboration ties."""
        return self.structure.graph

    @property
    def week(self) -> int:
        """Week of the school year of the last step (0 before the first)."""
        return week_of(self.steps)

    @property
    def year(self) -> int:
        """School year of the last step (1-based)."""
        return year_of(self.steps)

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
        try:
            self.school.apply(old, changes, self.week % WEEKS_PER_YEAR)
        except ParameterError:
            self.params = old
            raise

    def schedule(self, changes: Mapping[str, Any], step: int) -> None:
        """Apply lever ``changes`` at the start of model step ``step`` (1-based).

        The leader's rules use it; the change then behaves exactly like an
        ``[[intervention]]`` of that week (after any already due that week).
        """
        self._check_changes(changes)
        item = Intervention(year_of(step), week_of(step), dict(changes))
        later = next(
            (k for k, i in enumerate(self.interventions) if i.step > item.step),
            len(self.interventions),
        )
        self.interventions.insert(later, item)

    def outcomes(self) -> dict[str, float]:
        """The outcomes of ``simulation.OUTCOMES`` for the current state.

        They mean what they say at any time. After a year's last week (for
        instance after ``model.run(3)``) the school is still at that year's
        end: ``annual_gain`` is the year's gain, turnover the year's leavers,
        exactly the data collector's last row. The summer (hiring, the new
        cohort, new classes) happens at the start of the next step.
        """
        return self.school.school_outcomes(self.steps)[0]

    def teacher_effects(self) -> np.ndarray:
        """Each teacher's annual effect on the eight kinds of student now (SD/year).

        An (n_teachers, 8) table indexed by ``4 * known + 2 * disadvantaged +
        below_proficiency`` (``processes.teaching.teacher_effects``).
        """
        return self.school.teacher_effects()

    def teacher_dataframe(self) -> pd.DataFrame:
        """Per-teacher snapshots (tidy: one row per teacher and recorded step).

        Built once and extended by the snapshots recorded since (a dashboard
        asks for it every week of a long run); treat it as read-only.
        """
        records = self._teacher_records
        if not records:
            return pd.DataFrame(columns=["Step", "AgentID"])
        done, table = self._teacher_table or (0, None)
        if done < len(records):
            new = [pd.DataFrame(r) for r in records[done:]]
            table = pd.concat(new if table is None else [table, *new], ignore_index=True)
            self._teacher_table = (len(records), table)
        return table

    # ------------------------------------------------------- the week's schedule
    def step(self) -> None:
        """One instructional week, stage by stage (docs/ODD.md §3)."""
        self._summer_if_due()
        self._apply_due_interventions()
        self.school.week_of_teaching(self.week)
        self._close_week()

    def _summer_if_due(self) -> None:
        """Summer, once a year has ended: hires replace leavers, students roll over."""
        if not self._summer_due:
            return
        self._summer_due = False
        (rows,) = self.school.summer()
        for row in rows:
            self._teacher_agents[row].remove()
            self._teacher_agents[row] = Teacher(self, row)

    def _apply_due_interventions(self) -> None:
        for item in self.interventions:
            if item.step == self.steps:
                self.apply(**item.changes)

    def _close_week(self) -> None:
        """At a year's end the annual test and departures; then record; the leader's checkpoint."""
        year_end = self.week == WEEKS_PER_YEAR
        if year_end:
            self.annual_results.extend(self.school.close_year(self.year, self.steps))
        self._record()
        self.leader.step()  # checkpoints: observe, check the rules, decide for next week
        self._summer_due = year_end

    # ------------------------------------------------------------ internals
    def _on(self, process: str) -> bool:
        return process not in self.disabled

    def _check_changes(self, changes: Mapping[str, Any]) -> None:
        check_changes(self.params, changes)

    def _record(self) -> None:
        if self.record_every and self.steps % self.record_every == 0:
            self.datacollector.collect(self)
        every = self.record_teachers_every
        if every and self.steps % every == 0:
            self._teacher_records.append(self._teacher_snapshot())

    def _teacher_snapshot(self) -> dict[str, np.ndarray]:
        t, n, school = self.teachers, self.n_teachers, self.school
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
            "skill": school.skill.copy(),
            "uses_practice": t.uses_practice.copy(),
            "fidelity": t.fidelity.copy(),
            "last_mastery": t.last_mastery.copy(),
            "last_attribution": t.last_attribution.copy(),
            "aspiration": t.aspiration.copy(),
            "coached": t.coached > 0,
            "departure": (
                school.departure.copy()
                if school.departure is not None
                else np.zeros(n, dtype=np.int8)
            ),
        }
        for name in SOURCES:
            snapshot[f"source_{name}"] = school.source_changes[name].copy()
        return snapshot


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


def _signature() -> inspect.Signature:
    """Document every parameter in ``SchoolModel``'s signature (help, IDEs)."""
    base = inspect.signature(SchoolModel.__init__)
    fixed = [prm for prm in base.parameters.values() if prm.kind != prm.VAR_KEYWORD]
    known = {prm.name for prm in fixed}
    extra = [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            default=Parameters.__dataclass_fields__[name].default,
        )
        for name in Parameters.names()
        if name not in known
    ]
    ordered = (
        [prm for prm in fixed if prm.kind != prm.KEYWORD_ONLY]
        + [prm for prm in fixed if prm.kind == prm.KEYWORD_ONLY]
        + extra
    )
    return base.replace(parameters=ordered)


SchoolModel.__init__.__signature__ = _signature()
