"""Mesa agents: teachers and the leader, as views on the model's arrays.

A :class:`Teacher` holds only its row number; every attribute reads (and the
beliefs also write) that row of :attr:`SchoolModel.teachers`, so users get
Mesa's agent interface while each weekly step runs as whole-array
operations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from .parameters import SUBJECT_NAMES, tses
from .processes.mastery import ATTRIBUTION_NAMES
from .processes.persuasion import reach_probability

if TYPE_CHECKING:
    from .model import SchoolModel


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

    model: SchoolModel

    def __init__(self, model: SchoolModel, row: int) -> None:
        super().__init__(model)
        self.row = int(row)

    self_efficacy = _column("self_efficacy", "Self-efficacy on (0, 1).", writable=True)
    collective_efficacy = _column(
        "collective_efficacy", "Perceived collective efficacy of the faculty (0-1).",
        writable=True)
    responsibility = _column("responsibility", "Collective responsibility (0-1).",
                             writable=True)
    stress = _column("stress", "Stress (0-1).", writable=True)
    expectation_bias = _column(
        "expectation_bias", "Lower expectations for disadvantaged students (0-1).",
        writable=True)
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
        return {name: float(values[self.row])
                for name, values in self.model.source_changes.items()}

    def __repr__(self) -> str:
        return (f"Teacher(row={self.row}, subject={self.subject!r}, team={self.team}, "
                f"tses={self.self_efficacy_tses:.2f})")


class Leader(mesa.Agent):
    """The principal: persuasion, finite attention, and the policies in force."""

    model: SchoolModel

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
