"""Affective states: stress and its effect on self-efficacy (MODEL.md §4.5).

Stress ``a_i`` moves weekly toward a target

    a*_i = σ(α0 + α_w extra_preps_i + α_s (struggling_i - 1/2)
             + α_f failure_i - α_n exposure_i - α_L reach - α_u success_i
             + α_x max(0, x_i - x_late) / 10),

set by workload (course preparations beyond one), the share of one's
students below proficiency, the last mastery failure or success, support
from colleagues (exposure, the saturating strength of one's ties) and the
leader's attention (``reach``, in-depth contacts a week per teacher) and,
late in a career (experience ``x_i`` beyond ``x_late``), fatigue, which is
what bends self-efficacy down after mid-career (Klassen & Chiu 2010;
Huberman 1989):
``a ← a + ρ (a* - a)``. High stress lowers self-efficacy and low stress
raises it: ``Δs_i = -η_A (a_i - a_ref)`` (Bandura 1997; Skaalvik & Skaalvik
2016, 2017).
"""

from __future__ import annotations

import numpy as np

from ..parameters import Parameters
from .common import logistic


def stress_target(
    extra_preps: np.ndarray,
    struggling_share: np.ndarray,
    last_mastery: np.ndarray,
    exposure: np.ndarray,
    reach: float,
    experience: np.ndarray,
    p: Parameters,
) -> np.ndarray:
    """The stress level each teacher's situation pushes toward (0-1)."""
    return logistic(
        p.stress_base
        + p.stress_workload * extra_preps
        + p.stress_struggling * (struggling_share - 0.5)
        + p.stress_failure * np.maximum(-last_mastery, 0.0)
        - p.stress_success * np.maximum(last_mastery, 0.0)
        - p.stress_support * exposure
        - p.stress_leader * reach
        + p.stress_late_career * np.maximum(experience - p.late_career_onset, 0.0) / 10.0
    )


def next_stress(stress: np.ndarray, target: np.ndarray, p: Parameters) -> np.ndarray:
    """One week's move of stress toward its target (stays in (0, 1))."""
    return stress + p.stress_rate * (target - stress)


def affect_on_self_efficacy(stress: np.ndarray, p: Parameters) -> np.ndarray:
    """Weekly push on self-efficacy from stress (before malleability)."""
    return -p.affect_rate * (stress - p.stress_reference)
