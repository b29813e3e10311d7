"""Model-level outcomes (MODEL.md §7), computed from the arrays each week.

Their names, meanings and units are the registry's (:mod:`simulation.outcomes`):
``OUTCOMES`` is its names in column order, ``DESCRIPTIONS`` its descriptions.
"""

from __future__ import annotations

import numpy as np

from . import outcomes as registry
from .parameters import NATIONAL_GROWTH, WEEKS_PER_YEAR, Parameters, tses, week_of, year_of
from .state import StudentState, TeacherState


def __getattr__(name: str):
    """``OUTCOMES`` and ``DESCRIPTIONS``, read from the registry when asked for.

    Looked up at each use (the model builds its reporters from
    ``metrics.OUTCOMES``), so an entry added to the registry reaches the
    data collector.
    """
    if name == "OUTCOMES":
        return registry.names()
    if name == "DESCRIPTIONS":
        return registry.descriptions()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _mean(values: np.ndarray) -> float:
    return float(values.sum()) / values.size


def _share(mask: np.ndarray, among: np.ndarray | None = None) -> float:
    if among is None:
        return float(np.count_nonzero(mask)) / mask.size
    count = int(np.count_nonzero(among))
    return float(np.count_nonzero(mask & among)) / count if count else float("nan")


def outcomes(
    teachers: TeacherState,
    skill: np.ndarray,
    students: StudentState,
    p: Parameters,
    *,
    step: int,
    density: float,
    clustering: float,
    sources: dict[str, np.ndarray],
    turnover_rate: float,
    move_rate: float = 0.0,
    leave_rate: float = 0.0,
) -> dict[str, float]:
    """Every registered outcome (:mod:`simulation.outcomes`) for the current state, as floats.

    Undefined values are NaN, never a made-up number: ``ses_gap`` and the
    proficiency of a group when the school has no student in that group;
    ``ses_gain_slope`` when every student has the same SES.
    """
    week, year = week_of(step), year_of(step)
    s = teachers.self_efficacy
    achievement = students.achievement
    ses = students.ses
    n = ses.size
    annual = (achievement - students.year_start) * (WEEKS_PER_YEAR / week if week else 0.0)
    centred = ses - float(ses.sum()) / n
    ses_var = float(centred @ centred) / n
    slope = float(centred @ annual) / n / ses_var if ses_var > 1e-12 else float("nan")
    adv, dis = students.advantaged, students.disadvantaged
    n_adv, n_dis = int(np.count_nonzero(adv)), int(np.count_nonzero(dis))
    gap = (
        float(achievement @ adv) / n_adv - float(achievement @ dis) / n_dis
        if n_adv and n_dis
        else float("nan")
    )
    cut = p.proficiency_cut + NATIONAL_GROWTH * (students.grade + week / WEEKS_PER_YEAR)
    proficient = achievement >= cut
    users = teachers.uses_practice
    n_users = int(np.count_nonzero(users))
    s_mean = _mean(s)
    return {
        "self_efficacy": s_mean,
        "self_efficacy_tses": float(tses(s_mean)),
        "collective_efficacy": _mean(teachers.collective_efficacy),
        "responsibility": _mean(teachers.responsibility),
        "stress": _mean(teachers.stress),
        "skill": _mean(skill),
        "practice_share": float(n_users / users.size),
        "turnover_rate": float(turnover_rate),
        "move_rate": float(move_rate),
        "leave_rate": float(leave_rate),
        "achievement": _mean(achievement),
        "annual_gain": _mean(annual),
        "ses_gap": gap,
        "ses_gain_slope": slope,
        "proficient_advantaged": _share(proficient, adv),
        "proficient_disadvantaged": _share(proficient, dis),
        "network_density": float(density),
        "network_clustering": float(clustering),
        "source_mastery": _mean(sources["mastery"]),
        "source_vicarious": _mean(sources["vicarious"]),
        "source_persuasion": _mean(sources["persuasion"]),
        "source_affect": _mean(sources["affect"]),
        "self_efficacy_sd": 8.0 * float(np.sqrt(max(_mean(s * s) - s_mean**2, 0.0))),
        "expectation_bias": _mean(teachers.expectation_bias),
        "practice_fidelity": float(teachers.fidelity @ users) / n_users if n_users else 0.0,
        "reflective_practice": _mean(teachers.reflective),
        "out_of_field_share": _share(students.out_of_field),
        "known_share": _share(students.known),
        "novice_share": _share(teachers.experience < 3.0),
        "proficient": _share(proficient),
        "year": float(year),
        "week": float(week),
    }
