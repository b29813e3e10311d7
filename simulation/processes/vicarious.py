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
    """Similarity ``h_ij`` of each directed tie's two teachers.

    Worked out in one array, in place, with the operations in the order of
    ``exp(-|x_i - x_j| / τ_h) * factor``, which keeps every number the same.
    """
    near = experience.take(ties.src)
    near -= experience.take(ties.dst)
    np.abs(near, out=near)
    np.negative(near, out=near)
    near /= at(p.similarity_scale, ties.src)
    np.exp(near, out=near)
    same = subject.take(ties.src) == subject.take(ties.dst)
    near *= np.where(same, 1.0, at(p.cross_subject_similarity, ties.src))
    return near


def observed_mastery(
    ties: Ties,
    gain: np.ndarray,
    taught: np.ndarray,
    observer_goal: np.ndarray,
    p: Parameters,
    among: np.ndarray | None = None,
) -> np.ndarray:
    """``m_ij`` for every directed tie: j's class gain against i's goal (0 if j teaches none).

    ``among`` lists the ties to judge (indices; the others are 0), all of
    them if None: each judged tie's number is the same either way.
    """
    src, dst = (ties.src, ties.dst) if among is None else (ties.src[among], ties.dst[among])
    observed = gain.take(dst)
    observed -= observer_goal.take(src)
    observed /= at(p.mastery_sensitivity, src)
    np.tanh(observed, out=observed)
    observed[np.logical_not(taught.take(dst))] = 0.0
    if among is None:
        return observed
    every = np.zeros(ties.src.size)
    every[among] = observed
    return every


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
