"""Social persuasion by colleagues and by the leader (MODEL.md §4.4).

Colleagues pull a belief ``z`` (self-efficacy or perceived collective
efficacy) toward their own in proportion to their credibility:

    Δz_i = η_P Σ_j w_ij κ_j (z_j - z_i) / (Σ_j w_ij + w½),
    κ_j  = κ0 + (1 - κ0) x_j / (x_j + x_κ),

so cynical colleagues pull down as surely as confident ones pull up. The
leader talks in depth with ``A`` teachers a week; each teacher is reached
with probability ``min(1, A / n_teachers)`` and, when reached, moves by
``η_L (z_L - z_i)``, where ``z_L`` is the belief the leader voices
(``parameters.voiced_beliefs``). Attention is finite: a leader of 150 teachers reaches
each less often than a leader of 30 (Spillane 2006).
"""

from __future__ import annotations

import numpy as np

from ..networks import Ties
from ..parameters import Parameters
from .common import strength


def credibility(experience: np.ndarray, p: Parameters) -> np.ndarray:
    """How persuasive each teacher is, from experience (0-1)."""
    return p.credibility_floor + (1.0 - p.credibility_floor) * (
        experience / (experience + p.credibility_experience))


def peer_pull(ties: Ties, weight: np.ndarray, credible: np.ndarray,
              belief: np.ndarray, p: Parameters) -> np.ndarray:
    """Credibility-weighted pull of colleagues' beliefs (before rates)."""
    n = belief.size
    w = weight * credible[ties.dst]
    difference = belief[ties.dst] - belief[ties.src]
    return np.bincount(ties.src, weights=w * difference, minlength=n) / (
        strength(ties.src, weight, n) + p.exposure_half)


def reach_probability(n_teachers: int, p: Parameters) -> float:
    """Chance that the leader talks in depth with a given teacher this week."""
    return min(1.0, p.leader_attention / max(n_teachers, 1))


def leader_contacts(n_teachers: int, p: Parameters, rng: np.random.Generator) -> np.ndarray:
    """Which teachers the leader reaches this week (expected share if no noise)."""
    probability = reach_probability(n_teachers, p)
    if not p.noise:
        return np.full(n_teachers, probability)
    return (rng.random(n_teachers) < probability).astype(float)

