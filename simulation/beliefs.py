"""A week's pushes on teachers' beliefs, and how the beliefs move.

Each week the stages before the update (docs/ODD.md §3: the assessment,
persuasion, affect) add their pushes to one :class:`WeekChanges`, worked
out from the beliefs at the start of the week; :func:`update_beliefs` then
applies them all together, scaled by malleability and under the soft bound
(stage 7), and records each source's share of the change in self-efficacy.
The functions work on the schools' arrays
(:class:`simulation.school_arrays.SchoolArrays`), all schools at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .parameters import Parameters
from .processes import affect, collective, expectations, persuasion, responsibility
from .processes.common import malleability, noviceness, soft_update
from .state import TeacherState

if TYPE_CHECKING:
    from .school_arrays import SchoolArrays

#: The four sources of self-efficacy whose pushes are kept apart and recorded.
SOURCES = ("mastery", "vicarious", "persuasion", "affect")


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


def persuade(school: SchoolArrays, week: WeekChanges) -> None:
    """Colleagues' talk and the leader's in-depth contacts (persuasion)."""
    p, t = school.params, school.teachers
    if school._on("leader"):
        reached = persuasion.leader_contacts(
            school.n_per_school, p, school._uniforms("contacts", school.week_of_year - 1)
        )
        if reached.size != t.n:  # without noise: the expected share, every school
            reached = np.full(t.n, reached[0])
    else:
        reached = np.zeros(t.n)
    school.reached = reached
    if not school._on("persuasion"):
        return
    weight = school.situation.ties.weight
    weighted = persuasion.credible_weight(
        school.ties, weight, persuasion.credibility(t.experience, p)
    )
    on_self, on_collective = persuasion.peer_pulls(
        school.ties,
        weighted,
        (t.self_efficacy, t.collective_efficacy),
        school._pull_denominator(weight),
    )
    week.sources["persuasion"] += p.persuasion_rate * week.social * on_self
    week.collective += p.persuasion_rate * on_collective
    on_self, on_collective = persuasion.leader_pull(
        reached, week.social, t.self_efficacy, t.collective_efficacy, p
    )
    week.sources["persuasion"] += on_self
    week.collective += on_collective


def feel(school: SchoolArrays, week: WeekChanges) -> None:
    """Stress and its push on school-efficacy, team mood, and expectations."""
    p, t = school.params, school.teachers
    if school._on("affect"):
        t.stress[:] = affect.next_stress(t.stress, school.situation.stress_target, p)
        week.sources["affect"] += affect.affect_on_self_efficacy(t.stress, p)
        week.collective += collective.mood(t.stress, school.team, p, school._team_size())
    if school._on("expectations"):
        week.bias += expectations.collective_pull(t.collective_efficacy, p)


def update_beliefs(school: SchoolArrays, week: WeekChanges) -> None:
    """Every belief moves by the week's pushes, with malleability and the soft bound."""
    p, t, on = school.params, school.teachers, school._on
    raw = {name: week.career * week.sources[name] for name in SOURCES}
    total = sum(raw.values())
    new = soft_update(t.self_efficacy, total)
    moved = new - t.self_efficacy
    scale = np.divide(moved, total, out=np.zeros_like(total), where=total != 0)
    school.source_changes = {name: scale * raw[name] for name in SOURCES}
    t.self_efficacy[:] = new
    if on("collective"):
        t.collective_efficacy[:] = soft_update(
            t.collective_efficacy, week.in_school * week.collective
        )
    if on("responsibility"):
        week.responsibility += responsibility.responsibility_change(
            t.responsibility,
            t.collective_efficacy,
            school.situation.ties.collaboration,
            school.situation.visible_gap() if p.data_review else None,
            p,
        )
        t.responsibility[:] = soft_update(t.responsibility, week.responsibility)
        t.reflective += responsibility.reflective_change(
            t.reflective, school.situation.ties.exposure, p
        )
    t.expectation_bias[:] = soft_update(t.expectation_bias, week.career * week.bias)
