"""Vicarious experience: colleagues' visible mastery (MODEL.md §4.3).

    Δs_i  = η_V Σ_j w_ij v_ij h_ij m_ij / (Σ_j w_ij v_ij h_ij + w½),
    m_ij  = tanh((G_j - goal_i) / σ_G),

where the observer judges a colleague's class gain ``G_j`` against the
observer's own goal: seeing a similar colleague reach what one is aiming
for says "I can do this too" (Bandura 1997), whatever the colleague was
aiming for. ``w`` is tie strength, ``v`` visibility (how much the team's protocol lets
teachers see each other's results and practice; raised by self-evaluation),
similarity ``h_ij = exp(-|x_i - x_j| / τ_h)`` (times a factor for another
subject) and ``w½`` the tie strength at which a teacher is half exposed. The
denominator saturates, so a teacher who sees little of colleagues' work
(weak or invisible ties, as in an egg-crate school) learns little from it,
while well-connected teachers weigh what they see (Bandura 1997).
"""

from __future__ import annotations

import numpy as np

from ..networks import Ties
from ..parameters import Parameters
from .common import at, strength


def similarity(
    ties: Ties, experience: np.ndarray, subject: np.ndarray, p: Parameters
) -> np.ndarray:
    """Similarity ``h_ij`` of each directed tie's two teachers."""
    near = np.exp(-np.abs(experience[ties.src] - experience[ties.dst]) / p.similarity_scale)
    same = subject[ties.src] == subject[ties.dst]
    return near * np.where(same, 1.0, p.cross_subject_similarity)


def observed_mastery(
    ties: Ties, gain: np.ndarray, taught: np.ndarray, observer_goal: np.ndarray, p: Parameters
) -> np.ndarray:
    """``m_ij`` for every directed tie: j's class gain against i's goal (0 if j teaches none)."""
    return np.where(
        taught[ties.dst],
        np.tanh((gain[ties.dst] - observer_goal[ties.src]) / at(p.mastery_sensitivity, ties.src)),
        0.0,
    )


def vicarious_signal(
    ties: Ties,
    visible_weight: np.ndarray,
    h: np.ndarray,
    observed: np.ndarray,
    n: int,
    p: Parameters,
) -> np.ndarray:
    """The saturating, visibility-weighted mean of what colleagues' results show."""
    weight = visible_weight * h
    return np.bincount(ties.src, weights=weight * observed, minlength=n) / (
        strength(ties.src, weight, n) + p.exposure_half
    )
