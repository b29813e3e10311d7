"""The school the dashboard shows: a scenario with the classroom levers applied.

:class:`DashboardSchool` is a :class:`simulation.SchoolModel` built from a
scenario (built-in name or file) whose classroom levers, seed and teaching
switches are keyword arguments, so that Mesa's SolaraViz can rebuild it
from its controls on *Reset*. It records every teacher every week (for the
trajectory of a clicked teacher) and can plant one cynical colleague.
Nothing here imports the visualization; the teaching checks
(:mod:`dashboard.activities`) build exactly the schools the dashboard shows.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np

import scenarios
from simulation import SOURCES, WEEKS_PER_YEAR, ParameterError, Parameters, SchoolModel, Teacher
from simulation.networks import read_network_file
from simulation.parameters import from_tses
from simulation.processes.mastery import collective_weights
from simulation.staffing import check_staff_ratio

# The levers a class changes, in the order the sidebar shows them.
LEVERS = (
    "structure",
    "n_students",
    "collaboration_minutes",
    "data_review",
    "clear_cycle",
    "intervention_plan",
    "support_model",
    "leader_persuasion",
)
NO_SOURCE = "none"
SWITCHABLE = (NO_SOURCE, *SOURCES)
_RUNS = itertools.count(1)
CYNIC_TSES = 2.0
"""Self-efficacy (TSES 1-9) a cynical colleague is given."""
PUT_DOWN_TO = {
    "ability": "their own ability",
    "background": "the students' background",
    "strategy": "the teaching strategy",
}
"""A failure's attribution (``Teacher.last_attribution``) in a class's words."""
CYNIC_COLLECTIVE = 0.2
"""Perceived collective efficacy (0-1) a cynical colleague is given."""


class DashboardSchool(SchoolModel):
    """A scenario's school with the dashboard's levers, seed and switches.

    Parameters
    ----------
    from_scenario : str or Path
        Built-in scenario name or scenario file (``scenarios.load``). (Not
        ``scenario``: Mesa models already have a ``scenario`` attribute, and
        SolaraViz passes one to models that take that keyword.)
    seed : int or str
        Seed of the run (a whole number, also as text from the dashboard's
        input box): the same seed and settings give the same run.
    structure, n_students, collaboration_minutes, data_review, clear_cycle, \
intervention_plan, support_model, leader_persuasion
        Levers in force from week 1; ``None`` keeps the scenario's value.
    switch_off : str
        ``"none"`` or one of the four sources (``simulation.SOURCES``) to
        switch off (ablation; ``"persuasion"`` silences colleagues and the
        leader alike).
    scheduled : bool
        Run the scenario's scheduled interventions (``[[intervention]]``) and its
        leader rules (``[[rule]]``).
    cynic : bool
        Make the most experienced teacher cynical at the start
        (:func:`make_cynical`).
    seed_fallback : int, optional
        Seed to use when ``seed`` is not a whole number, with a warning in
        :attr:`notice` (the dashboard's typed seed must not stop the page);
        without it a bad seed raises :class:`simulation.ParameterError`.
    rng : int, optional
        Mesa's seed keyword; overrides ``seed`` when given.
    """

    def __init__(
        self,
        from_scenario: str | Path = "departments",
        seed: int | str = 1,
        *,
        structure: str | None = None,
        n_students: int | None = None,
        collaboration_minutes: float | None = None,
        data_review: bool | None = None,
        clear_cycle: bool | None = None,
        intervention_plan: bool | None = None,
        support_model: str | None = None,
        leader_persuasion: float | None = None,
        switch_off: str = NO_SOURCE,
        scheduled: bool = True,
        cynic: bool = False,
        seed_fallback: int | None = None,
        rng: int | None = None,
    ) -> None:
        plan = scenarios.load(from_scenario)
        levers = {
            "structure": structure,
            "n_students": n_students,
            "collaboration_minutes": collaboration_minutes,
            "data_review": data_review,
            "clear_cycle": clear_cycle,
            "intervention_plan": intervention_plan,
            "support_model": support_model,
            "leader_persuasion": leader_persuasion,
        }
        parameters = {**plan.parameters, **{k: v for k, v in levers.items() if v is not None}}
        self.cynic_id: int | None = None
        self._cynic_at_start = bool(cynic)
        if switch_off not in SWITCHABLE:
            raise ParameterError(
                f"switch_off must be one of {', '.join(SWITCHABLE)}, not {switch_off!r}",
                key="switch_off",
            )
        notice = ""
        if rng is not None:
            seed = rng
        else:
            try:
                seed = parse_seed(seed)
            except ParameterError as error:
                if seed_fallback is None:
                    raise
                notice = f"{error.message}; seed {seed_fallback} was used"
                seed = seed_fallback
        if seed_fallback is not None and parameters.get("structure") == "custom":
            # a school size the custom network cannot staff: keep the page, say why
            try:
                check_staff_ratio(
                    int(parameters.get("n_students", 900)),
                    read_network_file(parameters["network_file"]).n,
                    Parameters(),
                )
            except ParameterError as error:
                parameters["n_students"] = plan.parameters.get("n_students", 900)
                notice = "; ".join(
                    filter(
                        None,
                        [notice, f"{error.message}; {parameters['n_students']} students were used"],
                    )
                )
        written = control_defaults(plan)
        self.changed_levers = {
            k: parameters[k]
            for k, v in levers.items()
            if v is not None and parameters[k] != written[k]
        }
        """The sidebar's levers that differ from the scenario as written (for titles)."""
        super().__init__(
            **parameters,
            disabled=() if switch_off == NO_SOURCE else (switch_off,),
            interventions=plan.interventions if scheduled else (),
            rules=plan.rules if scheduled else (),
            record_teachers_every=1,
            rng=seed,
        )
        self.scenario_spec = plan
        self.seed = seed
        self.notice = notice
        self.run_number = next(_RUNS)
        """Counts the schools built in this process (the page shows when Reset took effect)."""
        self.switch_off = switch_off
        self.weighing: list[tuple[float, float, float]] = []
        """At each assessment: (school years, mean weight of a success, of a failure)."""

    def step(self) -> None:
        """One week; at an assessment, how much the faculty's evidence counted.

        The weights (:func:`simulation.processes.mastery.collective_weights`)
        are those of the collective efficacy each teacher held going into
        the assessment, with the parameters then in force: a school at the
        typical belief counts a success and a failure alike (1 and 1).
        """
        belief = self.teachers.collective_efficacy.copy()
        super().step()
        week = self.week
        if self.steps and (week % self.params.cycle_weeks == 0 or week == WEEKS_PER_YEAR):
            success, failure = collective_weights(belief, self.params)
            self.weighing.append(
                (self.steps / WEEKS_PER_YEAR, float(success.mean()), float(failure.mean()))
            )

    def _record(self) -> None:
        """Record as the model does; the cynic (if asked) is made before the first record.

        So week 0 of every table and picture already shows the cynic, and the
        cynic's random streams are untouched (beliefs are not drawn again).
        """
        if self._cynic_at_start:
            self._cynic_at_start = False
            make_cynical(self.teacher_agents()[most_experienced(self)])
        super()._record()

    def teacher_agents(self) -> list[Teacher]:
        """The teachers in row order (row ``i`` of every array)."""
        return sorted(self.agents_by_type[Teacher], key=lambda agent: agent.row)


def parse_seed(seed: int | str) -> int:
    """A seed from a whole number or its text (spaces allowed); else :class:`ParameterError`."""
    if isinstance(seed, bool):
        raise ParameterError(f"the seed must be a whole number, not {seed!r}", key="seed")
    if isinstance(seed, int | np.integer):
        value = int(seed)
    else:
        text = str(seed).strip()
        if not text.isdigit():
            raise ParameterError(
                f"the seed must be a whole number of 0 or more, not {seed!r}", key="seed"
            )
        value = int(text)
    if value < 0:
        raise ParameterError(f"the seed must be 0 or more, not {value}", key="seed")
    return value


def most_experienced(model: SchoolModel) -> int:
    """Row of the most experienced teacher (ties: the lowest row)."""
    return int(np.argmax(model.teachers.experience))


def make_cynical(teacher: Teacher) -> None:
    """Make ``teacher`` a cynic: self-efficacy and collective efficacy set low.

    Self-efficacy becomes :data:`CYNIC_TSES` on the TSES scale and perceived
    collective efficacy :data:`CYNIC_COLLECTIVE`.

    Only the two beliefs change (through the agent's writable attributes);
    the model's random streams do not, so the same seed with and without
    the cynic is a controlled comparison (common random numbers).
    """
    teacher.self_efficacy = from_tses(CYNIC_TSES)
    teacher.collective_efficacy = CYNIC_COLLECTIVE
    model = teacher.model
    if isinstance(model, DashboardSchool):
        model.cynic_id = teacher.unique_id


def scheduled_changes(model: SchoolModel) -> list[tuple[int, str]]:
    """The scheduled interventions as ``(step, "year 2, week 1: support model coaching")``."""
    out = []
    for item in model.interventions:
        changes = ", ".join(f"{k.replace('_', ' ')} {_shown(v)}" for k, v in item.changes.items())
        out.append((item.step, f"year {item.year}, week {item.week}: {changes}"))
    return out


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).replace("_", "-")


def control_defaults(scenario: scenarios.Scenario) -> dict[str, Any]:
    """The value each lever of :data:`LEVERS` has in ``scenario`` (else the model default)."""
    defaults = Parameters()
    return {name: scenario.parameters.get(name, getattr(defaults, name)) for name in LEVERS}


def last_result(teacher: Teacher) -> str:
    """The teacher's last assessed result in words, and for a failure what it was put down to.

    ``Teacher.last_attribution`` is ``"none"`` after a success (only a
    failure is attributed), so it cannot be read as the cause of the last
    failure on its own.
    """
    if teacher.last_attribution in PUT_DOWN_TO:
        return f"last result a failure, put down to {PUT_DOWN_TO[teacher.last_attribution]}"
    if teacher.last_mastery > 0:
        return "last result a success"
    if teacher.last_mastery < 0:
        return "last result a failure"
    return "no result assessed yet"
