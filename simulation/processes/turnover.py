"""Turnover at the end of the year (MODEL.md §3, §4.9).

    P(leave_i) = σ(θ0 - θ_s (s_i - s*) - θ_c (c_i - c*) + θ_a (a_i - a_ref)
                   + θ_p (poverty - 1/4) + θ_n ν_i),

``poverty`` the school's share of disadvantaged students and ``ν_i`` the
novice weight (1 in the first year, fading). θ0 is set so that about 16%
move or leave in a typical school (Ingersoll 2001; Goldring et al. 2014);
low efficacy and high stress raise the chance of leaving (Skaalvik &
Skaalvik 2016, 2017). Leavers are replaced by hires who take their role
(subject, course, team, ties).
"""

from __future__ import annotations

import numpy as np

from ..parameters import REFERENCE_COLLECTIVE_EFFICACY, REFERENCE_SELF_EFFICACY, Parameters
from .common import logistic, noviceness


def leave_probability(self_efficacy, collective, stress, experience, poverty: float,
                      p: Parameters) -> np.ndarray:
    """Each teacher's chance of leaving the school this summer."""
    return logistic(p.turnover_base
                    - p.turnover_efficacy * (self_efficacy - REFERENCE_SELF_EFFICACY)
                    - p.turnover_collective * (collective - REFERENCE_COLLECTIVE_EFFICACY)
                    + p.turnover_stress * (stress - p.stress_reference)
                    + p.turnover_poverty * (poverty - 0.25)
                    + p.turnover_novice * noviceness(experience, p.novice_scale))


def leavers(probability: np.ndarray, p: Parameters, rng: np.random.Generator) -> np.ndarray:
    """Who leaves (a draw; without noise, those more likely to go than stay)."""
    if p.noise:
        return rng.random(probability.size) < probability
    return probability > 0.5
