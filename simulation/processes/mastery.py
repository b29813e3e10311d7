"""Mastery experience and attribution at each common assessment (MODEL.md §4.2).

At the end of a cycle each teacher sees the class's gain ``G_i`` (annualised)
against a goal. The goal starts from an *aspiration* ``A_i`` that adapts to
results, the teacher's own and their team's,

    A_i    <- A_i + α [(1 - ω) G_i + ω G_team(i) - A_i],

(aspiration adaptation: Cyert & March 1963; Lant 1992; Greve 2003; social
comparison with the team: Festinger 1954), raised by self-efficacy and
lowered for a class of disadvantaged students by expectation bias:

    goal_i = max(0, A_i + κ_s (s_i - s*) - δ A_i b_i D_i),
    m_i    = tanh((G_i - goal_i) / σ_G),

where efficacious teachers aim higher (Bandura 1997; Locke & Latham 2002)
and ``D_i`` is the class's share of disadvantaged students (Evans 2009).
Because aspirations follow results, a school whose students simply grow
faster or slower than another's does not feel more or less successful once
its teachers have adjusted: what counts is doing better than one has been
doing. A team judges its classes together against the bar of its members'
aspirations, ``mean(A) - δ mean(A) b̄ D̄`` (improvement on its own track
record, DuFour & Mattos 2013); the stretch that collective efficacy adds to
the shared goal acts through effort (``teaching.teacher_effects``). A success
raises self-efficacy by ``η_M ω_i m_i`` with ``ω_i = ω (s_i/s*)^k`` the
share credited to one's own teaching: low efficacy discounts success (all of
it counts under self-evaluation). A failure is attributed, with softmax
probabilities, to

* own ability (score ``w_A (1 - s_i)``): self-efficacy falls by ``η_M |m_i|``;
* students' background (score ``w_B (b_i + 1 - c_i) / 2``): expectation
  bias rises and responsibility falls by ``η_B |m_i|``;
* strategy (score ``w_S (ρ_i + r_i) / 2 + w_E E_i``, ρ reflective practice,
  ``E_i`` exposure to colleagues, who help locate a setback's cause in
  practice): beliefs are kept and trying an evidence-based practice becomes
  more likely.

With attribution switched off every failure counts against ability.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..parameters import (
    REFERENCE_COLLECTIVE_EFFICACY,
    REFERENCE_SELF_EFFICACY,
    WEEKS_PER_YEAR,
    Parameters,
)

NONE, ABILITY, BACKGROUND, STRATEGY = 0, 1, 2, 3
ATTRIBUTION_NAMES = ("none", "ability", "background", "strategy")
#: A row of weights per chosen cause (ability, background, strategy), read-only.
_ONE_HOT = np.eye(3)
_ONE_HOT.flags.writeable = False


@dataclass
class ClassResults:
    """What a common assessment shows each teacher about their classes."""

    gain: np.ndarray  # annualised mean gain, SD/year
    size: np.ndarray  # (student, course) pairs taught
    disadvantaged_share: np.ndarray
    disadvantaged_gain: np.ndarray  # annualised, NaN where none taught
    struggling_share: np.ndarray


def class_results(
    gain_sum: np.ndarray,
    disadvantaged_gain_sum: np.ndarray,
    size: np.ndarray,
    n_disadvantaged: np.ndarray,
    struggling_share: np.ndarray,
    weeks: int,
) -> ClassResults:
    """What an assessment shows each teacher, from sums over their (student, course) pairs.

    ``gain_sum`` (and its disadvantaged part) is the gain made since the last
    assessment, ``weeks`` weeks ago; it is annualised.
    """
    scale = WEEKS_PER_YEAR / max(weeks, 1)
    safe = np.maximum(size, 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        dis_gain = disadvantaged_gain_sum * scale / n_disadvantaged
    return ClassResults(
        gain=gain_sum * scale / safe,
        size=size,
        disadvantaged_share=n_disadvantaged / safe,
        disadvantaged_gain=dis_gain,
        struggling_share=struggling_share,
    )


def class_gaps(
    size: np.ndarray,
    n_disadvantaged: np.ndarray,
    achievement_sum: np.ndarray,
    disadvantaged_achievement_sum: np.ndarray,
) -> np.ndarray:
    """Each teacher's gap between their other and their disadvantaged students' achievement.

    From sums over their (student, course) pairs; NaN where a teacher has
    none of one group.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_dis = disadvantaged_achievement_sum / n_disadvantaged
        mean_other = (achievement_sum - disadvantaged_achievement_sum) / (size - n_disadvantaged)
    return mean_other - mean_dis


def goals(
    aspiration: np.ndarray,
    self_efficacy: np.ndarray,
    expectation_bias: np.ndarray,
    disadvantaged_share: np.ndarray,
    p: Parameters,
) -> np.ndarray:
    """The annual gain each teacher aims for with their classes (SD/year)."""
    return np.maximum(
        0.0,
        aspiration
        + p.goal_efficacy * (self_efficacy - REFERENCE_SELF_EFFICACY)
        - p.goal_discount * aspiration * expectation_bias * disadvantaged_share,
    )


def team_goals(
    aspiration: np.ndarray,
    expectation_bias: np.ndarray,
    disadvantaged_share: np.ndarray,
    p: Parameters,
) -> np.ndarray:
    """Each member's share of the bar the team judges its results by (SD/year).

    Averaged over a team (weighted by classes taught) it is the team's bar:
    its members' aspirations, their own track record, lowered by
    expectation bias for disadvantaged classes. Teams judge themselves by
    improvement on what they have been achieving (DuFour & Mattos 2013:
    attainable, results-oriented goals); how far collective efficacy
    stretches the goal above that bar drives effort instead
    (``teaching.teacher_effects``).
    """
    return np.maximum(
        0.0, aspiration - p.goal_discount * aspiration * expectation_bias * disadvantaged_share
    )


def adapted_aspiration(
    aspiration: np.ndarray,
    own_gain: np.ndarray,
    team_gain: np.ndarray,
    taught: np.ndarray,
    p: Parameters,
) -> np.ndarray:
    """Aspirations after a cycle's results: a step toward own and team results.

    Teachers with no classes this cycle keep their aspiration.
    """
    reference = (1.0 - p.aspiration_social) * own_gain + p.aspiration_social * team_gain
    moved = aspiration + p.aspiration_rate * (reference - aspiration)
    return np.where(taught, moved, aspiration)


def signal(gain: np.ndarray, goal: np.ndarray, sensitivity: float | np.ndarray) -> np.ndarray:
    """Mastery signal in (-1, 1): success above goal, failure below.

    ``sensitivity`` is ``mastery_sensitivity`` (per element where schools differ).
    """
    return np.tanh((gain - goal) / sensitivity)


def attribution_probabilities(
    self_efficacy,
    collective_efficacy,
    responsibility,
    expectation_bias,
    reflective,
    exposure,
    p: Parameters,
) -> np.ndarray:
    """Softmax probabilities of blaming (ability, background, strategy), (n, 3).

    Worked out a row per cause (whole rows of teachers are fast) and
    returned as its transpose; the three are added left to right, as a
    row's sum is.
    """
    scores = np.array(
        [
            p.attribution_ability * (1.0 - self_efficacy),
            p.attribution_background * (expectation_bias + 1.0 - collective_efficacy) / 2.0,
            p.attribution_strategy * (reflective + responsibility) / 2.0
            + p.attribution_support * exposure,
        ]
    )
    scores -= np.maximum(np.maximum(scores[0], scores[1]), scores[2])
    weights = np.exp(scores)
    return (weights / (weights[0] + weights[1] + weights[2])).T


@dataclass
class MasteryEffects:
    """Changes a cycle's mastery signals cause (before malleability)."""

    self_efficacy: np.ndarray
    expectation_bias: np.ndarray
    responsibility: np.ndarray
    strategy_prompt: np.ndarray
    attribution: np.ndarray  # ATTRIBUTION code per teacher (most likely when noise is off)


def success_credit(self_efficacy: np.ndarray, p: Parameters) -> np.ndarray:
    """Share of a success credited to one's own teaching.

    ``ω (s/s*)^k``, at most 1: teachers who doubt themselves put successes
    down to luck or an easy class (Bandura 1997); self-evaluation makes the
    link between teaching and results visible, so every success counts.
    """
    if p.self_evaluation:
        return np.ones_like(self_efficacy)
    return np.minimum(
        1.0, p.success_credit * (self_efficacy / REFERENCE_SELF_EFFICACY) ** p.confirmation
    )


def collective_weights(
    collective_efficacy: np.ndarray, p: Parameters
) -> tuple[np.ndarray, np.ndarray]:
    """How much a success and a failure of the faculty count for each teacher.

    ``(c/c*)^k`` and ``((1-c)/(1-c*))^k``: a faculty that believes in itself
    credits its successes and explains away its failures, one that does not
    does the reverse, which is what makes an efficacy culture sticky
    (Goddard, Hoy & Woolfolk Hoy 2004; Nickerson 1998). Self-evaluation
    credits every success.
    """
    success = (collective_efficacy / REFERENCE_COLLECTIVE_EFFICACY) ** p.confirmation
    failure = (
        (1.0 - collective_efficacy) / (1.0 - REFERENCE_COLLECTIVE_EFFICACY)
    ) ** p.confirmation
    if p.self_evaluation:
        success = np.maximum(success, 1.0)
    return success, failure


def effects(
    m: np.ndarray,
    probabilities: np.ndarray | None,
    p: Parameters,
    draw: np.ndarray | None,
    self_efficacy: np.ndarray,
) -> MasteryEffects:
    """Turn mastery signals into belief changes through attribution.

    ``probabilities`` None means attribution is switched off: failures are
    blamed on ability. ``draw`` holds one uniform number per teacher that
    picks the attribution (used only with noise and attribution on).
    Without noise, each failure's consequences are the probability-weighted
    mix of the three attributions.
    """
    n = m.size
    failure = np.maximum(-m, 0.0)
    success_part = success_credit(self_efficacy, p) * np.maximum(m, 0.0)
    attribution = np.where(m < 0, ABILITY, NONE).astype(np.int8)
    if probabilities is None:
        weights = np.zeros((n, 3))
        weights[:, 0] = 1.0
    elif p.noise:
        # how many of the cumulative probabilities the draw is above (at most the last cause)
        below = probabilities[:, 0]
        choice = (draw > below).astype(np.int64)
        for cause in (1, 2):
            below = below + probabilities[:, cause]
            choice += draw > below
        choice = np.minimum(choice, 2)
        weights = _ONE_HOT.take(choice, axis=0)
        attribution = np.where(m < 0, choice + 1, NONE).astype(np.int8)
    else:
        weights = probabilities
        attribution = np.where(m < 0, probabilities.argmax(axis=1) + 1, NONE).astype(np.int8)
    background = p.background_shift * failure * weights[:, 1]
    return MasteryEffects(
        self_efficacy=p.mastery_rate * (success_part - failure * weights[:, 0]),
        expectation_bias=background,
        responsibility=-background,
        strategy_prompt=np.where(m < 0, weights[:, 2], 0.0),
        attribution=attribution,
    )


def disconfirmation(disadvantaged_gain: np.ndarray, goal: np.ndarray, p: Parameters) -> np.ndarray:
    """Fall in expectation bias when teams re-examine disadvantaged students' progress.

    Only under ``challenge_assumptions``: success of the class's
    disadvantaged students against the teacher's (unbiased) goal disconfirms
    the assumption that background limits them (Donohoo 2021; Evans 2009).
    """
    if not p.challenge_assumptions:
        return np.zeros_like(goal)
    evidence = np.nan_to_num(np.tanh((disadvantaged_gain - goal) / p.mastery_sensitivity))
    return -p.challenge_rate * np.maximum(evidence, 0.0)
