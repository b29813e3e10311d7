"""Model-level outcomes (MODEL.md §7), computed from the arrays each week.

Their names, meanings and units are the registry's (:mod:`simulation.outcomes`):
``OUTCOMES`` is its names in column order, ``DESCRIPTIONS`` its descriptions.
"""

from __future__ import annotations

import numpy as np

from . import outcomes as registry
from .parameters import NATIONAL_GROWTH, WEEKS_PER_YEAR, tses, week_of, year_of
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


def school_means(values: np.ndarray, schools: int) -> np.ndarray:
    """Each school's mean: the rows' sums (NumPy's pairwise sum, as for one school) over n."""
    by_school = values.reshape(schools, -1)
    return by_school.sum(axis=1) / by_school.shape[1]


def _shares(mask: np.ndarray, schools: int, among: np.ndarray | None = None) -> np.ndarray:
    """Each school's share of ``mask`` (among ``among``; NaN where a school has none of them)."""
    mask = mask.reshape(schools, -1)
    if among is None:
        return np.count_nonzero(mask, axis=1) / mask.shape[1]
    among = among.reshape(schools, -1)
    count = np.count_nonzero(among, axis=1)
    hits = np.count_nonzero(mask & among, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, hits / count, np.nan)


def _dots(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Each row's ``a @ b`` (the same BLAS product as for one school's arrays)."""
    return np.array([float(x @ y) for x, y in zip(a, b, strict=True)])


def outcomes(
    teachers: TeacherState,
    skill: np.ndarray,
    students: StudentState,
    proficiency_cut: np.ndarray,
    *,
    schools: int,
    step: int,
    density: np.ndarray,
    clustering: np.ndarray,
    sources: dict[str, np.ndarray],
    turnover_rate: np.ndarray,
    move_rate: np.ndarray,
    leave_rate: np.ndarray,
) -> dict[str, np.ndarray]:
    """Every registered outcome (:mod:`simulation.outcomes`) of every school now.

    ``teachers``, ``skill``, ``students`` and ``sources`` hold ``schools``
    schools of equal size, one after another; ``proficiency_cut`` and the
    rates have one value per school. Returns one array per outcome, one
    value per school, each computed with the same arithmetic as for a
    school alone (row sums are NumPy's pairwise sums, products BLAS's).

    Undefined values are NaN, never a made-up number: ``ses_gap`` and the
    proficiency of a group when the school has no student in that group;
    ``ses_gain_slope`` when every student has the same SES.
    """
    week, year = week_of(step), year_of(step)
    n = schools
    s = teachers.self_efficacy
    achievement = students.achievement.reshape(n, -1)
    ses = students.ses.reshape(n, -1)
    size = ses.shape[1]
    annual = (achievement - students.year_start.reshape(n, -1)) * (
        WEEKS_PER_YEAR / week if week else 0.0
    )
    centred = ses - (ses.sum(axis=1) / size)[:, None]
    ses_var = _dots(centred, centred) / size
    adv, dis = students.advantaged.reshape(n, -1), students.disadvantaged.reshape(n, -1)
    n_adv, n_dis = np.count_nonzero(adv, axis=1), np.count_nonzero(dis, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = np.where(ses_var > 1e-12, _dots(centred, annual) / size / ses_var, np.nan)
        gap = np.where(
            (n_adv > 0) & (n_dis > 0),
            _dots(achievement, adv) / n_adv - _dots(achievement, dis) / n_dis,
            np.nan,
        )
    grade = students.grade.reshape(n, -1)
    cut = proficiency_cut[:, None] + NATIONAL_GROWTH * (grade + week / WEEKS_PER_YEAR)
    proficient = achievement >= cut
    users = teachers.uses_practice.reshape(n, -1)
    n_users = np.count_nonzero(users, axis=1)
    s_mean = school_means(s, n)
    s_mean_squared = np.array([m**2 for m in s_mean.tolist()])  # C pow, as for one school
    with np.errstate(invalid="ignore", divide="ignore"):
        fidelity = np.where(
            n_users > 0, _dots(teachers.fidelity.reshape(n, -1), users) / n_users, 0.0
        )
    return {
        "self_efficacy": s_mean,
        "self_efficacy_tses": tses(s_mean),
        "collective_efficacy": school_means(teachers.collective_efficacy, n),
        "responsibility": school_means(teachers.responsibility, n),
        "stress": school_means(teachers.stress, n),
        "skill": school_means(skill, n),
        "practice_share": n_users / users.shape[1],
        "turnover_rate": turnover_rate.astype(float),
        "move_rate": move_rate.astype(float),
        "leave_rate": leave_rate.astype(float),
        "achievement": school_means(achievement, n),
        "annual_gain": school_means(annual, n),
        "ses_gap": gap,
        "ses_gain_slope": slope,
        "proficient_advantaged": _shares(proficient, n, adv),
        "proficient_disadvantaged": _shares(proficient, n, dis),
        "network_density": density.astype(float),
        "network_clustering": clustering.astype(float),
        "source_mastery": school_means(sources["mastery"], n),
        "source_vicarious": school_means(sources["vicarious"], n),
        "source_persuasion": school_means(sources["persuasion"], n),
        "source_affect": school_means(sources["affect"], n),
        "self_efficacy_sd": 8.0 * np.sqrt(np.maximum(school_means(s * s, n) - s_mean_squared, 0.0)),
        "expectation_bias": school_means(teachers.expectation_bias, n),
        "practice_fidelity": fidelity,
        "reflective_practice": school_means(teachers.reflective, n),
        "out_of_field_share": _shares(students.out_of_field, n),
        "known_share": _shares(students.known, n),
        "novice_share": _shares(teachers.experience < 3.0, n),
        "proficient": _shares(proficient, n),
        "year": np.full(n, float(year)),
        "week": np.full(n, float(week)),
    }
