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
from ..parameters import Parameters, voiced_beliefs
from .common import per_teacher, strength


def credibility(experience: np.ndarray, p: Parameters) -> np.ndarray:
    """How persuasive each teacher is, from experience (0-1)."""
    return p.credibility_floor + (1.0 - p.credibility_floor) * (
        experience / (experience + p.credibility_experience)
    )


def peer_pull(
    ties: Ties, weight: np.ndarray, credible: np.ndarray, belief: np.ndarray, p: Parameters
) -> np.ndarray:
    """Credibility-weighted pull of colleagues' beliefs (before rates).

    One belief at a time; the engine pulls both beliefs at once with
    :func:`peer_pulls`, which gives the same numbers.
    """
    n = belief.size
    (pull,) = peer_pulls(
        ties,
        credible_weight(ties, weight, credible),
        (belief,),
        pull_denominator(ties, weight, n, p),
    )
    return pull


def credible_weight(ties: Ties, weight: np.ndarray, credible: np.ndarray) -> np.ndarray:
    """``w_ij κ_j`` per directed tie: how strongly each colleague's belief pulls."""
    return weight * credible.take(ties.dst)


def pull_denominator(ties: Ties, weight: np.ndarray, n: int, p: Parameters) -> np.ndarray:
    """``Σ_j w_ij + w½`` per teacher; fixed while the ties and parameters are."""
    return strength(ties.src, weight, n) + p.exposure_half


def peer_pulls(
    ties: Ties,
    weighted: np.ndarray,
    beliefs: tuple[np.ndarray, ...],
    denominator: np.ndarray,
) -> list[np.ndarray]:
    """:func:`peer_pull` of several beliefs, sharing the weights and denominator.

    ``weighted`` is :func:`credible_weight` and ``denominator``
    :func:`pull_denominator`: worked out once for all beliefs of a week
    (and the denominator once for as long as the ties hold), the same
    numbers :func:`peer_pull` would work out for each.
    """
    n = denominator.size
    pulls = []
    for belief in beliefs:
        difference = belief.take(ties.dst)
        np.subtract(difference, belief.take(ties.src), out=difference)
        difference *= weighted
        pulls.append(np.bincount(ties.src, weights=difference, minlength=n) / denominator)
    return pulls


def leader_pull(
    reached: np.ndarray,
    social: np.ndarray,
    self_efficacy: np.ndarray,
    collective_efficacy: np.ndarray,
    p: Parameters,
) -> tuple[np.ndarray, np.ndarray]:
    """The pull of the week's talks with the leader on the two beliefs (before rates).

    ``η_L (z_L - z)`` toward the beliefs the leader voices
    (``parameters.voiced_beliefs``) for the teachers ``reached``; for
    self-efficacy weighted by ``social`` (novices listen more).
    """
    voiced_self, voiced_collective = _voiced(p.leader_confidence)
    on_self = reached * p.leader_persuasion * social * (voiced_self - self_efficacy)
    on_collective = reached * p.leader_persuasion * (voiced_collective - collective_efficacy)
    return on_self, on_collective


def _voiced(confidence: float | np.ndarray) -> tuple[float | np.ndarray, float | np.ndarray]:
    """``voiced_beliefs``, per teacher where the schools' leaders differ (an ensemble).

    Each school's value goes through the same scalar arithmetic as for a
    school alone, so each school's numbers are its own model's to the bit.
    """
    if not isinstance(confidence, np.ndarray):
        return voiced_beliefs(confidence)

    def columns() -> tuple[np.ndarray, np.ndarray]:
        levels, which = np.unique(confidence, return_inverse=True)
        voiced = np.array([voiced_beliefs(float(level)) for level in levels])
        return voiced[which, 0], voiced[which, 1]

    return per_teacher("voiced beliefs", (confidence,), columns)


def reach_probability(n_teachers: int, p: Parameters) -> float | np.ndarray:
    """Chance that the leader talks in depth with a given teacher this week.

    Per teacher where the schools' leaders differ (an ensemble);
    ``n_teachers`` is the staff of one school.
    """
    if isinstance(p.leader_attention, np.ndarray):
        return np.minimum(1.0, p.leader_attention / max(n_teachers, 1))
    return min(1.0, p.leader_attention / max(n_teachers, 1))


def leader_contacts(n_teachers: int, p: Parameters, draw: np.ndarray | None) -> np.ndarray:
    """Which teachers the leader reaches this week (expected share if no noise).

    ``draw`` holds one uniform number per teacher (None without noise).
    """
    probability = reach_probability(n_teachers, p)
    if not p.noise:
        if isinstance(probability, np.ndarray):  # already one per teacher
            return probability
        return np.full(draw.size if draw is not None else n_teachers, probability)
    return (draw < probability).astype(float)
