"""Evidence-based practice: trying it and keeping it up (MODEL.md §4.8).

At each assessment a teacher not using the practice tries it with

    P(try) = σ(α0 + α_s s + α_c c + α_T train + α_C cover + α_E discuss
               + α_S prompt),

where ``train`` is 1 under train-the-trainer, ``cover`` 1 for a teacher on
a coach's caseload (``coaches × caseload`` teachers, chosen at random when
coaching starts and refilled as coached teachers leave: coaching thins out
at scale, Kraft, Blazar & Hogan 2018; without noise every teacher gets the
expected share ``coaches × caseload / n_teachers``),
``discuss`` the leader's discussions of evidence-based approaches, and
``prompt`` a recent failure attributed to strategy. A teacher's fidelity
``f`` then moves with the support they get,

    Δf = ρ S (c/c*)^k (f_max - f) - δ (1 - S)(1 - μ M) f,

``S`` = 1 for trainers and for coached teachers, the
share of tie strength to trainers for trainees under train-the-trainer
(trainees learn second-hand), and 0 without support; ``M`` is fidelity
monitoring; ``(c/c*)^k`` is the persistence collective efficacy brings to
implementation (Donohoo & Katz 2020). Below ``f_min`` the practice is
abandoned. Without expert
support trained practice fades: at Maine Township it survived mainly in the
trainers' own classrooms (Donohoo 2021; Joyce & Showers 2002).
"""

from __future__ import annotations

import numpy as np

from ..networks import Ties
from ..parameters import REFERENCE_COLLECTIVE_EFFICACY, Parameters
from .common import logistic, strength, tie_sum


def coaching_coverage(n_teachers: int, p: Parameters) -> float:
    """Share of teachers the coaches can support at once (0 unless coaching)."""
    if p.support_model != "coaching":
        return 0.0
    return min(1.0, p.coaches * p.coach_caseload / max(n_teachers, 1))


def choose_trainers(skill: np.ndarray, p: Parameters, rng: np.random.Generator) -> np.ndarray:
    """The most skilled ``trainer_share`` of teachers (ties broken at random)."""
    n = skill.size
    k = max(1, round(p.trainer_share * n))
    tiebreak = rng.random(n) if p.noise else np.zeros(n)
    order = np.lexsort((tiebreak, -skill))
    trainer = np.zeros(n, dtype=bool)
    trainer[order[:k]] = True
    return trainer


def caseload(coached: np.ndarray, p: Parameters, rng: np.random.Generator) -> np.ndarray:
    """The coaches' caseload: teachers kept on it, topped up at random to its size.

    Returns each teacher's coaching (1 on the caseload, 0 off it; without
    noise every teacher gets the expected share). Empty unless coaching.
    """
    n = coached.size
    coverage = coaching_coverage(n, p)
    if not p.noise:
        return np.full(n, coverage)
    size = round(coverage * n)
    kept = np.flatnonzero(coached > 0)
    if kept.size > size:
        kept = rng.choice(kept, size, replace=False)
    chosen = np.zeros(n)
    chosen[kept] = 1.0
    need = size - kept.size
    if need > 0:
        chosen[rng.choice(np.flatnonzero(chosen == 0), need, replace=False)] = 1.0
    return chosen


def try_probability(
    self_efficacy, collective, strategy_prompt, coached: np.ndarray, p: Parameters
) -> np.ndarray:
    """Chance that a teacher not using the practice tries it this cycle."""
    training = 1.0 if p.support_model == "train_the_trainer" else 0.0
    return logistic(
        p.adoption_base
        + p.adoption_self_efficacy * self_efficacy
        + p.adoption_collective * collective
        + p.adoption_training * training
        + p.adoption_coaching * coached
        + p.adoption_evidence * float(p.evidence_discussions)
        + p.strategy_adoption * strategy_prompt
    )


def support(
    ties: Ties, weight: np.ndarray, trainer: np.ndarray, coached: np.ndarray, p: Parameters
) -> np.ndarray:
    """Expert support ``S`` each teacher gets for the practice (0-1)."""
    n = trainer.size
    if p.support_model == "coaching":
        return coached
    if p.support_model == "train_the_trainer":
        second_hand = tie_sum(ties.src, ties.dst, weight, trainer.astype(float), n) / (
            strength(ties.src, weight, n) + p.exposure_half
        )
        return np.where(trainer, 1.0, second_hand)
    return np.zeros(n)


def update(
    uses: np.ndarray,
    fidelity: np.ndarray,
    try_p: np.ndarray,
    expert_support: np.ndarray,
    trainer: np.ndarray,
    collective: np.ndarray,
    p: Parameters,
    draw: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """One cycle of trying, practising and abandoning; returns (uses, fidelity).

    ``draw`` holds one uniform number per teacher (None without noise: a
    teacher then tries when more likely to than not). Fidelity grows with
    expert support times ``(c/c*)^k``: implementing a practice well takes
    sustained effort, which collective efficacy brings (Donohoo & Katz 2020).
    """
    trying = draw < try_p if p.noise else try_p >= 0.5
    if p.support_model == "train_the_trainer":
        trying |= trainer
    start = ~uses & trying
    monitoring = p.monitoring_effect * float(p.fidelity_monitoring)
    persistence = (collective / REFERENCE_COLLECTIVE_EFFICACY) ** p.persistence_collective
    grown = (
        fidelity
        + p.fidelity_rate * expert_support * persistence * (p.fidelity_expert - fidelity)
        - p.fidelity_decay * (1.0 - expert_support) * (1.0 - monitoring) * fidelity
    )
    fidelity = np.where(uses, grown, np.where(start, p.fidelity_start, 0.0))
    uses = (uses | start) & (fidelity >= p.fidelity_floor)
    return uses, np.where(uses, np.clip(fidelity, 0.0, 1.0), 0.0)
