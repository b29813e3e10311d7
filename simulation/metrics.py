"""Model-level outcomes (MODEL.md §7), computed from the arrays each week.

The names in :data:`OUTCOMES` are the project's vocabulary: model reporters,
tables and reports all use them.
"""

from __future__ import annotations

import numpy as np

from .parameters import NATIONAL_GROWTH, WEEKS_PER_YEAR, Parameters, tses
from .state import StudentState, TeacherState

OUTCOMES = (
    "self_efficacy",
    "self_efficacy_tses",
    "collective_efficacy",
    "responsibility",
    "stress",
    "skill",
    "practice_share",
    "turnover_rate",
    "move_rate",
    "leave_rate",
    "achievement",
    "annual_gain",
    "ses_gap",
    "ses_gain_slope",
    "proficient_advantaged",
    "proficient_disadvantaged",
    "network_density",
    "network_clustering",
    "source_mastery",
    "source_vicarious",
    "source_persuasion",
    "source_affect",
    # beyond MODEL.md §7
    "self_efficacy_sd",
    "expectation_bias",
    "practice_fidelity",
    "reflective_practice",
    "out_of_field_share",
    "known_share",
    "novice_share",
    "proficient",
    "year",
    "week",
)

DESCRIPTIONS = {
    "self_efficacy": "mean teacher self-efficacy (0-1)",
    "self_efficacy_tses": "mean teacher self-efficacy on the TSES 1-9 scale",
    "collective_efficacy": "school collective efficacy: mean perceived collective efficacy (0-1)",
    "responsibility": "mean collective responsibility (0-1)",
    "stress": "mean teacher stress (0-1)",
    "skill": "mean teacher skill (SD of student gain per year)",
    "practice_share": "share of teachers using the evidence-based practice",
    "turnover_rate": "share of teachers who left at the most recent year end",
    "move_rate": "share of teachers who moved to another school at the most recent year end",
    "leave_rate": "share of teachers who left teaching (retirement included) at the most "
                  "recent year end",
    "achievement": "mean student achievement (SD, vertical scale)",
    "annual_gain": "mean student gain this school year, annualised (SD/year)",
    "ses_gap": "achievement gap, advantaged minus disadvantaged students (SD)",
    "ses_gain_slope": "OLS slope of annualised gain on SES (SD/year per SD of SES)",
    "proficient_advantaged": "share of advantaged students at or above proficiency",
    "proficient_disadvantaged": "share of disadvantaged students at or above proficiency",
    "network_density": "density of the collaboration network",
    "network_clustering": "average clustering of the collaboration network",
    "source_mastery": "this week's mean change in self-efficacy from mastery",
    "source_vicarious": "this week's mean change in self-efficacy from vicarious experience",
    "source_persuasion": "this week's mean change in self-efficacy from persuasion",
    "source_affect": "this week's mean change in self-efficacy from affective states",
    "self_efficacy_sd": "SD of teacher self-efficacy on the TSES 1-9 scale",
    "expectation_bias": "mean expectation bias against disadvantaged students (0-1)",
    "practice_fidelity": "mean fidelity among teachers using the practice (0 if none)",
    "reflective_practice": "mean engagement in reflective practice (0-1)",
    "out_of_field_share": "share of courses taught out of field",
    "known_share": "share of courses whose teacher knows the student (taught them before, "
                   "or works with another of their teachers)",
    "novice_share": "share of teachers in their first three years",
    "proficient": "share of all students at or above proficiency",
    "year": "school year (1-based; the step-0 row is year 1, week 0)",
    "week": "week of the school year (1-36)",
}


def _mean(values: np.ndarray) -> float:
    return float(values.sum()) / values.size


def _share(mask: np.ndarray, among: np.ndarray | None = None) -> float:
    if among is None:
        return float(np.count_nonzero(mask)) / mask.size
    count = int(np.count_nonzero(among))
    return float(np.count_nonzero(mask & among)) / count if count else float("nan")


def outcomes(teachers: TeacherState, skill: np.ndarray, students: StudentState,
             p: Parameters, *, step: int, density: float, clustering: float,
             sources: dict[str, np.ndarray], turnover_rate: float, move_rate: float = 0.0,
             leave_rate: float = 0.0) -> dict[str, float]:
    """All outcomes of :data:`OUTCOMES` for the current state, as Python floats.

    Undefined values are NaN, never a made-up number: ``ses_gap`` and the
    proficiency of a group when the school has no student in that group;
    ``ses_gain_slope`` when every student has the same SES.
    """
    week = (step - 1) % WEEKS_PER_YEAR + 1 if step else 0
    year = (step - 1) // WEEKS_PER_YEAR + 1 if step else 1
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
    gap = (float(achievement @ adv) / n_adv - float(achievement @ dis) / n_dis
           if n_adv and n_dis else float("nan"))
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
