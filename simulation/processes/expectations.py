"""Expectations for disadvantaged students follow the faculty's efficacy (MODEL.md §4.6).

Collective efficacy reaches students through what teachers do, and one of
those things is what they expect of students whom background is said to
hold back. A faculty that believes it can teach every student expects more
of disadvantaged ones, and one that doubts itself explains shortfalls by
background (Evans 2009; Goddard, Hoy & Woolfolk Hoy 2004: collective
efficacy shapes the norms teachers hold). Each week

    Δb_i = -η_E (c_i - c*),

applied with the soft bound (and malleability) like every belief: above the
typical collective efficacy ``c*`` expectation bias falls, below it rises.
Together with attributions (a failure blamed on background raises ``b``,
``mastery.py``) this gives collective efficacy a route to equity.
"""

from __future__ import annotations

import numpy as np

from ..parameters import REFERENCE_COLLECTIVE_EFFICACY, Parameters


def collective_pull(collective_efficacy: np.ndarray, p: Parameters) -> np.ndarray:
    """Weekly push on expectation bias from each teacher's collective efficacy."""
    return -p.expectation_collective * (collective_efficacy - REFERENCE_COLLECTIVE_EFFICACY)
