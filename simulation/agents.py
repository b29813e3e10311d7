"""Mesa agents: teachers and the leader, as views on the model's arrays.

A :class:`Teacher` holds only its row number; every attribute reads (and the
beliefs also write) that row of :attr:`SchoolModel.teachers`, so users get
Mesa's agent interface while each weekly step runs as whole-array
operations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import mesa
import numpy as np

from .parameters import SUBJECT_NAMES, WEEKS_PER_YEAR, tses
from .processes import persuasion as persuasion_process
from .processes.mastery import ATTRIBUTION_NAMES
from .processes.persuasion import reach_probability


def _column(name: str, doc: str, writable: bool = False, kind=float):
    def get(self):
        return kind(getattr(self.model.teachers, name)[self.row])

    def set_(self, value):
        value = float(value)
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must be between 0 and 1, not {value}")
        getattr(self.model.teachers, name)[self.row] = value

    return property(get, set_ if writable else None, doc=doc)


class Teacher(mesa.Agent):
    """A teacher: beliefs, stress, skill and practice, read from the model's arrays."""

    def __init__(self, model: mesa.Model, row: int) -> None:
        super().__init__(model)
        self.row = int(row)

    self_efficacy = _column("self_efficacy", "Self-efficacy on (0, 1).", writable=True)
    collective_efficacy = _column(
        "collective_efficacy", "Perceived collective efficacy of the faculty (0-1).", writable=True
    )
    responsibility = _column("responsibility", "Collective responsibility (0-1).", writable=True)
    stress = _column("stress", "Stress (0-1).", writable=True)
    expectation_bias = _column(
        "expectation_bias", "Lower expectations for disadvantaged students (0-1).", writable=True
    )
    experience = _column("experience", "Years of teaching.")
    tenure = _column("tenure", "Years in this school.")
    reflective = _column("reflective", "Engagement in reflective practice (0-1).")
    fidelity = _column("fidelity", "Fidelity of the evidence-based practice (0-1).")
    uses_practice = _column("uses_practice", "Uses the evidence-based practice.", kind=bool)
    trainer = _column("trainer", "Trained as a trainer (train-the-trainer).", kind=bool)
    last_mastery = _column("last_mastery", "Last mastery signal (-1 failure to 1 success).")

    @property
    def self_efficacy_tses(self) -> float:
        """Self-efficacy on the TSES 1-9 scale."""
        return float(tses(self.self_efficacy))

    @property
    def skill(self) -> float:
        """Teaching skill: effect on students' annual gain (SD/year)."""
        return float(self.model.skill[self.row])

    @property
    def team(self) -> int:
        """Team id (PLC, department or house team)."""
        return int(self.model.structure.team[self.row])

    @property
    def house(self) -> int:
        """House id (0 when the school is not split into houses)."""
        return int(self.model.structure.house[self.row])

    @property
    def subject(self) -> str:
        """Subject taught."""
        return SUBJECT_NAMES[int(self.model.teachers.subject[self.row])]

    @property
    def last_attribution(self) -> str:
        """Cause blamed for the last failure: none, ability, background or strategy."""
        return ATTRIBUTION_NAMES[int(self.model.teachers.last_attribution[self.row])]

    @property
    def sources(self) -> dict[str, float]:
        """This week's change in self-efficacy from each of the four sources."""
        return {name: float(values[self.row]) for name, values in self.model.source_changes.items()}

    def __repr__(self) -> str:
        return (
            f"Teacher(row={self.row}, subject={self.subject!r}, team={self.team}, "
            f"tses={self.self_efficacy_tses:.2f})"
        )


#: Reliability assumed for survey scales (the TSES short form reports 0.90,
#: Tschannen-Moran & Woolfolk Hoy 2001): each answer's error SD is the staff's
#: spread in that belief times sqrt((1 - r) / r).
SURVEY_RELIABILITY = 0.90
#: Results of the annual test the leader reads (``model.annual_results``).
ANNUAL_OBSERVABLES = (
    "annual_gain",
    "ses_gap",
    "ses_gain_slope",
    "proficient_disadvantaged",
    "proficient_advantaged",
)
#: Spawn key of the leader's own random stream (walkthroughs, surveys), kept
#: apart from the model's so that observing never changes a run.
LEADER_STREAM = 0x1EAD


@dataclass(frozen=True)
class Decision:
    """A rule that fired: when, what the leader saw, and what changes from next week."""

    rule: int
    year: int
    week: int
    step: int
    changes: dict[str, Any]
    seen: dict[str, float | None]


class Leader(mesa.Agent):
    """The principal: contacts and persuasion, finite attention, monitoring and rules.

    Each week the model asks the leader whom they talk with in depth
    (:meth:`contacts`: attention is finite, so a leader of 150 teachers
    reaches each less often than a leader of 30) and what those talks do to
    beliefs (:meth:`persuade`), and then calls :meth:`step`. At the leader's
    checkpoints (the end of an assessment cycle and of the year) the leader
    observes the school (:meth:`observe`) and checks the model's ``rules``;
    a rule whose condition holds changes levers from the next week, as an
    intervention would. Decisions are kept in :attr:`decisions`, what the
    leader saw at each checkpoint in :attr:`observations` (only when there
    are rules).
    """

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        self.decisions: list[Decision] = []
        self.observations: list[tuple[int, dict[str, float | None]]] = []
        self._fired: set[int] = set()
        self._rng: np.random.Generator | None = None

    def contacts(self) -> np.ndarray:
        """Which teachers the leader talked with in depth this week (1/0; shares without noise).

        Attention is finite: a leader of 150 teachers reaches each less often
        than a leader of 30 (``processes.persuasion.leader_contacts``).
        """
        reached = getattr(self.model.school, "reached", None)
        return np.zeros(self.model.n_teachers) if reached is None else reached.copy()

    def persuade(self, reached: np.ndarray, social: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The pull of talks on self-efficacy and on collective efficacy (before rates).

        A contacted teacher's belief moves by ``η_L (z_L - z)`` toward the
        belief the leader voices (``parameters.voiced_beliefs``); for
        self-efficacy weighted by ``social`` (novices listen more).
        """
        t = self.model.teachers
        return persuasion_process.leader_pull(
            reached, social, t.self_efficacy, t.collective_efficacy, self.model.params
        )

    def step(self) -> None:
        """At a checkpoint, observe the school and apply the rules that are due."""
        model = self.model
        if not model.rules or not model.steps:
            return
        week = model.week
        if week % model.params.cycle_weeks and week != WEEKS_PER_YEAR:
            return
        year_end = week == WEEKS_PER_YEAR
        due = [
            k
            for k, r in enumerate(model.rules)
            if (year_end or r.when == "cycle_end") and not (r.once and k in self._fired)
        ]
        if not due:
            return
        seen = self.observe()
        self.observations.append((model.steps, seen))
        for k in due:
            rule = model.rules[k]
            if rule.condition.holds(seen):
                self._fired.add(k)
                self.decisions.append(
                    Decision(
                        k + 1,
                        model.year,
                        week,
                        model.steps,
                        dict(rule.changes),
                        {name: seen.get(name) for name in sorted(rule.condition.names)},
                    )
                )
                model.schedule(rule.changes, model.steps + 1)

    def observe(self) -> dict[str, float | None]:
        """What the leader can see now (``simulation.rules.OBSERVABLES``); None if nothing.

        Walkthroughs (only with ``fidelity_monitoring``): ``leader_attention``
        classroom visits a week over the last cycle, each seeing the practice
        with the visited teacher's ``uses_practice x fidelity``. Surveys: each
        teacher answers with a measurement error (:data:`SURVEY_RELIABILITY`).
        Annual results and turnover: the latest year end, exactly. With
        ``noise=False`` walkthroughs and surveys give their expected values.
        Draws come from the leader's own stream, never the model's.
        """
        model, t, p = self.model, self.model.teachers, self.model.params
        week = model.week
        seen: dict[str, float | None] = {
            "year": float(model.year),
            "cycle": float(math.ceil(week / p.cycle_weeks)) if week else None,
        }
        visits = round(p.leader_attention * p.cycle_weeks)
        share = None
        if p.fidelity_monitoring and visits > 0:
            rate = float(np.mean(t.uses_practice * t.fidelity))
            share = (
                float(self.random_stream().binomial(visits, min(max(rate, 0.0), 1.0))) / visits
                if p.noise
                else rate
            )
        seen["observed_practice_share"] = share
        seen["surveyed_self_efficacy"] = float(tses(self._survey(t.self_efficacy)))
        seen["surveyed_collective_efficacy"] = self._survey(t.collective_efficacy)
        seen["surveyed_responsibility"] = self._survey(t.responsibility)
        last = model.annual_results[-1] if model.annual_results else None
        for name in ANNUAL_OBSERVABLES:
            value = None if last is None else last.get(name)
            seen[name] = None if value is None or math.isnan(value) else float(value)
        seen["turnover_rate"] = None if last is None else float(model.turnover_rate)
        return seen

    def _survey(self, belief: np.ndarray) -> float:
        """The staff's mean answer on a 0-1 belief scale, each answer with an error."""
        if not self.model.params.noise or belief.size < 2:
            return float(belief.mean())
        error = float(belief.std()) * math.sqrt((1 - SURVEY_RELIABILITY) / SURVEY_RELIABILITY)
        answers = belief + self.random_stream().normal(0.0, error, belief.size)
        return float(np.clip(answers, 0.0, 1.0).mean())

    def random_stream(self) -> np.random.Generator:
        """The leader's own generator, derived from the model's seed (not its stream)."""
        if self._rng is None:
            sequence = getattr(self.model.rng.bit_generator, "seed_seq", None)
            if isinstance(sequence, np.random.SeedSequence):
                sequence = np.random.SeedSequence(
                    sequence.entropy,
                    spawn_key=(*sequence.spawn_key, LEADER_STREAM),
                    pool_size=sequence.pool_size,
                )
            else:
                sequence = np.random.SeedSequence(self.model.random.getrandbits(64))
            self._rng = np.random.default_rng(sequence)
        return self._rng

    @property
    def persuasion(self) -> float:
        """Pull of a contacted teacher's beliefs toward the leader's (per contact)."""
        return self.model.params.leader_persuasion

    @property
    def attention(self) -> float:
        """Teachers the leader can talk with in depth each week."""
        return self.model.params.leader_attention

    @property
    def confidence(self) -> float:
        """How far above typical the beliefs are that the leader voices (-1 to 1)."""
        return self.model.params.leader_confidence

    @property
    def reach_probability(self) -> float:
        """Chance that a given teacher is reached in a week."""
        return reach_probability(self.model.n_teachers, self.model.params)

    @property
    def policies(self) -> dict[str, object]:
        """The levers in force now."""
        params = self.model.params
        return {name: getattr(params, name) for name in params.levers()}
