"""Turnover at the end of the year: movers and leavers (MODEL.md §3, §4.9).

Two competing hazards. Moving to another school answers to working
conditions; leaving teaching to one's career and, late in it, retirement:

    P(move_i)  = σ(μ0 - θ_s (s_i - s*) - θ_c (c_i - c*) + θ_a (a_i - a_ref)
                   + θ_p (poverty - 1/4) + θ_n ν_i),
    P(leave_i) = σ(λ0 - θ_s (s_i - s*) + θ_a (a_i - a_ref)
                   + θ_r max(0, x_i - x_r)),

``poverty`` the school's share of disadvantaged students, ``ν_i`` the novice
weight (1 in the first year, fading) and ``x_i`` experience. A teacher goes
when either happens (``1 - (1 - P_move)(1 - P_leave)``). The bases are set so
that about 8% move and 8% leave each year, as in the NCES Teacher Follow-up
Survey 2012-13; moves are about twice as common in high-poverty schools,
novices move more, veterans near retirement leave more; low efficacy and
high stress raise both (Skaalvik & Skaalvik 2016, 2017). Leavers are
replaced by hires who take their role (subject, course, team, ties).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..parameters import REFERENCE_COLLECTIVE_EFFICACY, REFERENCE_SELF_EFFICACY, Parameters
from .common import logistic, noviceness

STAY, MOVE, LEAVE = 0, 1, 2


@dataclass
class Hazards:
    """Each teacher's chance of moving and of leaving teaching this summer."""

    move: np.ndarray
    leave: np.ndarray

    @property
    def either(self) -> np.ndarray:
        """Chance of going for either reason."""
        return 1.0 - (1.0 - self.move) * (1.0 - self.leave)


def hazards(
    self_efficacy, collective, stress, experience, poverty: float, p: Parameters
) -> Hazards:
    """Each teacher's chance of moving and of leaving teaching this summer."""
    efficacy = -p.turnover_efficacy * (self_efficacy - REFERENCE_SELF_EFFICACY)
    strain = p.turnover_stress * (stress - p.stress_reference)
    move = logistic(
        p.move_base
        + efficacy
        + strain
        - p.turnover_collective * (collective - REFERENCE_COLLECTIVE_EFFICACY)
        + p.turnover_poverty * (poverty - 0.25)
        + p.turnover_novice * noviceness(experience, p.novice_scale)
    )
    leave = logistic(
        p.leave_base
        + efficacy
        + strain
        + p.retirement_rate * np.maximum(experience - p.retirement_onset, 0.0)
    )
    return Hazards(move, leave)


def leave_probability(
    self_efficacy, collective, stress, experience, poverty: float, p: Parameters
) -> np.ndarray:
    """Each teacher's chance of going (moving or leaving) this summer."""
    return hazards(self_efficacy, collective, stress, experience, poverty, p).either


def departures(h: Hazards, p: Parameters, draw: np.ndarray | None) -> np.ndarray:
    """Who goes and why: STAY, MOVE or LEAVE per teacher.

    One uniform draw per teacher (``draw``) decides both: below ``P_move``
    the teacher moves, in the next ``(1 - P_move) P_leave`` they leave
    teaching. Without noise (``draw`` None), teachers more likely to go than
    stay go, for their likelier reason.
    """
    if p.noise:
        moves = draw < h.move
        leaves = ~moves & (draw < h.either)
    else:
        go = h.either > 0.5
        moves = go & (h.move >= h.leave)
        leaves = go & ~moves
    return np.where(moves, MOVE, np.where(leaves, LEAVE, STAY)).astype(np.int8)
