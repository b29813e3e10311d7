"""Perceived collective efficacy (MODEL.md §4.6).

Each teacher's perception ``c_i`` of the faculty's capability changes with

* team mastery at each assessment, seen through one's team ties:
  ``η_C m_team(i) V_team,i / (V_team,i + w½)``, ``V`` the visible team tie
  strength (a team of one sees no team result);
* other teams' visible success: the saturating visible mean, over ties
  that leave one's team, of colleagues' class gains judged against one's
  own team's goal (``tanh((G_j - goal_team(i)) / σ_G)``);
* colleagues' talk and the leader's persuasion (``persuasion.py``, same
  rates as for self-efficacy);

and the mastery evidence is weighed by the current belief: a faculty that
believes in itself credits successes and explains away failures
(``mastery.collective_weights``), which is what makes the culture sticky;
* group mood: ``-η_mood (ā_team - a_ref)``, the team's mean stress.

School collective efficacy is the mean of ``c`` (Goddard, Hoy & Woolfolk
Hoy 2000, 2004).
"""

from __future__ import annotations

import numpy as np

from ..networks import Ties
from ..parameters import Parameters
from .common import strength


def team_mean(values: np.ndarray, team: np.ndarray, size: np.ndarray | None = None) -> np.ndarray:
    """Mean of ``values`` over each teacher's team, returned per teacher.

    ``size`` is ``max(1, teachers in each team)`` when the caller keeps it.
    """
    if size is None:
        size = np.maximum(np.bincount(team), 1)
    return (np.bincount(team, weights=values) / size)[team]


def mastery_evidence(
    ties: Ties,
    visible_weight: np.ndarray,
    same_team: np.ndarray,
    team_signal: np.ndarray,
    observed: np.ndarray,
    collective_efficacy: np.ndarray,
    p: Parameters,
) -> np.ndarray:
    """Evidence about the faculty from one's team's and other teams' results.

    ``observed`` holds, per directed tie, the colleague's result judged
    against the observer's team goal (``vicarious.observed_mastery``); only
    ties between teams are read (a finite number on a tie within a team
    adds a zero). Each teacher weighs successes and failures by their
    current belief (``mastery.collective_weights``).
    """
    from .mastery import collective_weights

    n = team_signal.size
    inside = visible_weight * same_team
    outside = visible_weight * ~same_team
    seen_team = strength(ties.src, inside, n)
    team_part = team_signal * seen_team / (seen_team + p.exposure_half)
    other_part = np.bincount(ties.src, weights=outside * observed, minlength=n) / (
        strength(ties.src, outside, n) + p.exposure_half
    )
    evidence = team_part + other_part
    success, failure = collective_weights(collective_efficacy, p)
    return np.where(evidence > 0, success, failure) * evidence


def mood(
    stress: np.ndarray, team: np.ndarray, p: Parameters, team_size: np.ndarray | None = None
) -> np.ndarray:
    """Weekly push on collective efficacy from the team's mean stress.

    ``team_size`` as in :func:`team_mean`.
    """
    return -p.mood_rate * (team_mean(stress, team, team_size) - p.stress_reference)
