"""What each teacher's situation is: derived from the ties, the classes and the levers.

The weekly processes read arrays that do not change every week: how strong
and how visible each tie is under the levers in force, how exposed each
teacher is to colleagues, how much they collaborate on shared students,
which students are below proficiency and what each class is made of. They
are worked out here, from the state, when what they depend on changes
(a lever, a restructuring, an assessment, a new year), and kept beside the
state in a :class:`Situation`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .classes import Classes
from .networks import Ties
from .parameters import Parameters
from .processes import responsibility
from .processes.common import at, strength


@dataclass
class TieView:
    """Ties under the levers in force (per directed tie, or per teacher)."""

    weight: np.ndarray  # interaction intensity, scaled by collaboration minutes
    visible: np.ndarray  # weight times visibility (raised by self-evaluation)
    exposure: np.ndarray  # per teacher: saturating strength of all ties
    same_team: np.ndarray  # per tie: both teachers in one team
    other_team: np.ndarray  # indices of the ties between teams
    collaboration: np.ndarray  # per teacher: collaboration on shared students and goals


@dataclass
class Situation:
    """Everything the weekly processes read that is not the state itself."""

    ties: TieView
    classes: Classes  # what the current classes are made of
    overlap: np.ndarray  # per tie: share of i's students j also teaches
    extra_preps: np.ndarray  # per teacher: course preparations beyond one
    stress_target: np.ndarray  # per teacher: where their stress is heading
    team_signal: np.ndarray  # per teacher: their team's last mastery signal
    # per teacher: the achievement gap their team saw at the last assessment, worked out
    # when first asked (only data review asks; it keeps that assessment's classes alive)
    visible_gap: Callable[[], np.ndarray]
    retention: float | np.ndarray  # fading part of achievement kept a week (per school if varied)

    @classmethod
    def empty(cls, n_teachers: int, retention: float | np.ndarray) -> Situation:
        """Before the first classes and ties are seen."""
        zeros = np.zeros(n_teachers)
        return cls(
            ties=None,
            classes=None,
            overlap=np.zeros(0),
            extra_preps=zeros,
            stress_target=zeros.copy(),
            team_signal=zeros.copy(),
            visible_gap=functools.partial(np.zeros, n_teachers),
            retention=retention,
        )


def tie_view(ties: Ties, team: np.ndarray, overlap: np.ndarray, n: int, p: Parameters) -> TieView:
    """Ties under the levers in force: weights, visibility, exposure, collaboration."""
    minutes = at(p.collaboration_minutes, ties.src) / 60.0
    weight = ties.weight * np.where(ties.structured, minutes, 1.0)
    boost = at(p.self_evaluation_visibility, ties.src) * float(p.self_evaluation)
    visible = weight * (ties.visibility + boost * (1.0 - ties.visibility))
    total = strength(ties.src, weight, n)
    same_team = team[ties.src] == team[ties.dst]
    return TieView(
        weight=weight,
        visible=visible,
        exposure=total / (total + p.exposure_half),
        same_team=same_team,
        other_team=np.flatnonzero(~same_team),
        collaboration=responsibility.shared_work(ties, weight, overlap, n, p),
    )
