"""Skill: experience returns and learning from colleagues (MODEL.md §4.8).

Skill (SD/year) is ``q_i = talent_i - δ exp(-X_i / τ) + L_i``: a stable
talent, a novice deficit that shrinks with *effective* experience ``X_i``,
and what was learned from colleagues. Effective experience accrues faster in
a supportive, collaborative setting,

    dX_i/dt = 1 + κ (support_i - 1/2),   support_i = (exposure_i + c_i) / 2,

(Papay & Kraft 2015; Kraft & Papay 2014), and at each assessment a teacher
closes part of the gap to more skilled colleagues whose work is visible,

    ΔL_i = λ_Q Σ_j w_ij v_ij max(0, q_j - q_i) / (Σ_j w_ij v_ij + w½)

(Jackson & Bruegmann 2009).
"""

from __future__ import annotations

import numpy as np

from ..networks import Ties
from ..parameters import Parameters
from .common import strength


def skill(
    talent: np.ndarray, effective_experience: np.ndarray, peer_learned: np.ndarray, p: Parameters
) -> np.ndarray:
    """Current skill of every teacher."""
    return (
        talent
        - p.experience_deficit * np.exp(-effective_experience / p.experience_scale)
        + peer_learned
    )


def experience_speed(exposure: np.ndarray, collective: np.ndarray, p: Parameters) -> np.ndarray:
    """How fast effective experience accrues relative to calendar time."""
    return np.maximum(0.0, 1.0 + p.support_growth * ((exposure + collective) / 2.0 - 0.5))


def peer_learning(
    ties: Ties, visible_weight: np.ndarray, current: np.ndarray, p: Parameters
) -> np.ndarray:
    """Skill learned this cycle from more skilled, visible colleagues."""
    n = current.size
    gap = np.maximum(current[ties.dst] - current[ties.src], 0.0)
    return (
        p.peer_learning_rate
        * np.bincount(ties.src, weights=visible_weight * gap, minlength=n)
        / (strength(ties.src, visible_weight, n) + p.exposure_half)
    )
