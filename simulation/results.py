"""What the schools' state shows now: outcomes, the annual test, class gains.

Read-only: nothing here changes the state. Students are brought up to date
only at assessments (``SchoolArrays.catch_up``), so what is read between them
adds the weeks taught since (:func:`current_achievement`). The measures
themselves are :func:`simulation.metrics.outcomes`'s, one value per school
(:class:`simulation.school_arrays.SchoolArrays`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import metrics
from .parameters import WEEKS_PER_YEAR

if TYPE_CHECKING:
    from .school_arrays import SchoolArrays


def outcomes(school: SchoolArrays, step: int) -> dict[str, np.ndarray]:
    """Every school's outcomes (``simulation.OUTCOMES``) now: one value per school each."""
    count = school.count
    return metrics.outcomes(
        school.teachers,
        school.skill,
        school.students.view(slice(None), current_achievement(school)),
        np.array([school.params_of(r).proficiency_cut for r in range(count)]),
        schools=count,
        step=step,
        density=np.array([s.density for s in school.structures]),
        clustering=np.array([s.clustering for s in school.structures]),
        sources=school.source_changes,
        turnover_rate=school.turnover_rate,
        move_rate=school.move_rate,
        leave_rate=school.leave_rate,
    )


def school_outcomes(school: SchoolArrays, step: int) -> list[dict[str, float]]:
    """:func:`outcomes` as one dict of floats per school."""
    columns = outcomes(school, step)
    return [
        {name: float(values[r]) for name, values in columns.items()} for r in range(school.count)
    ]


def annual_results(school: SchoolArrays, year: int, step: int) -> list[dict[str, float]]:
    """Every school's annual test now (a year's last week): gain and equity measures."""
    keep = (
        "annual_gain",
        "ses_gap",
        "ses_gain_slope",
        "proficient_advantaged",
        "proficient_disadvantaged",
        "achievement",
    )
    columns = outcomes(school, step)
    return [
        {"year": float(year), **{k: float(columns[k][r]) for k in keep}}
        for r in range(school.count)
    ]


def current_achievement(school: SchoolArrays) -> np.ndarray:
    """Students' achievement now, with the weeks not yet caught up (state untouched)."""
    weeks = school.weeks_since_taught
    if weeks == 0:
        return school.students.achievement
    classes = school.situation.classes
    induced = classes.induced(school.table_sum, weeks)
    lost = school.students.fading * school._fading_loss(weeks)
    return (
        school.students.achievement + classes.baseline * (weeks / WEEKS_PER_YEAR) + induced - lost
    )


def class_gains(school: SchoolArrays) -> np.ndarray:
    """Each teacher's mean annualised gain since the last assessment (noise not yet seen)."""
    classes = school.situation.classes
    total, _ = classes.gain_sums(school.table_sum, school.weeks_since_taught)
    weeks = max(school.weeks_since_assessment, 1)
    return (school.cycle_sum + total) * (WEEKS_PER_YEAR / weeks) / classes.safe_size
