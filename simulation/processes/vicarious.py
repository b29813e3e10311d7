"""Vicarious experience: colleagues' visible mastery (MODEL.md §4.3).

    Δs_i = η_V Σ_j w_ij v_ij h_ij m_j / (Σ_j w_ij v_ij h_ij + w½)

with tie strength ``w``, visibility ``v`` (how much the team's protocol lets
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
from .common import strength, tie_sum


def similarity(ties: Ties, experience: np.ndarray, subject: np.ndarray,
               p: Parameters) -> np.ndarray:
    """Similarity ``h_ij`` of each directed tie's two teachers."""
    near = np.exp(-np.abs(experience[ties.src] - experience[ties.dst]) / p.similarity_scale)
    same = subject[ties.src] == subject[ties.dst]
    return near * np.where(same, 1.0, p.cross_subject_similarity)


def vicarious_signal(ties: Ties, visible_weight: np.ndarray, h: np.ndarray,
                     mastery: np.ndarray, p: Parameters) -> np.ndarray:
    """The saturating, visibility-weighted mean of colleagues' mastery signals."""
    n = mastery.size
    weight = visible_weight * h
    return tie_sum(ties.src, ties.dst, weight, mastery, n) / (
        strength(ties.src, weight, n) + p.exposure_half)
