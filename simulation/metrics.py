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


def _counts(mask: np.ndarray) -> np.ndarray:
    """Each row's number of True values: ``np.count_nonzero(mask, axis=1)`` at half the cost.

    Booleans are bytes of 0 or 1, added as 32-bit integers (a row of a
    school is far shorter than 2**32).
    """
    if mask.dtype != bool:
        raise TypeError(f"a mask of booleans is needed, not {mask.dtype}")
    return mask.view(np.uint8).sum(axis=1, dtype=np.uint32)


def _shares(mask: np.ndarray, schools: int, among: np.ndarray | None = None) -> np.ndarray:
    """Each school's share of ``mask`` (among ``among``; NaN where a school has none of them)."""
    mask = mask.reshape(schools, -1)
    if among is None:
        return _counts(mask) / mask.shape[1]
    among = among.reshape(schools, -1)
    count = _counts(among)
    hits = _counts(mask & among)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, hits / count, np.nan)


def _dots(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Each row's ``a @ b``: one stacked product, the same BLAS dot per row as a school alone.

    NumPy's ``matmul`` of (1, k) by (k, 1) rows calls the vector dot that
    ``x @ y`` of two 1-d arrays calls, so each school's number does not
    depend on how many schools are stacked (tested). A boolean ``b`` is
    counted as 0 and 1.
    """
    return np.matmul(a[:, None, :], b.astype(float, copy=False)[:, :, None]).ravel()


def _means_of(arrays: dict[str, np.ndarray], schools: int) -> dict[str, np.ndarray]:
    """:func:`school_means` of several arrays of one length, in one reduction.

    Each row is summed by the same pairwise sum whether alone or stacked.
    """
    stacked = np.stack(list(arrays.values())).reshape(len(arrays), schools, -1)
    means = stacked.sum(axis=2) / stacked.shape[2]
    return dict(zip(arrays, means, strict=True))


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
    n_adv, n_dis = _counts(adv), _counts(dis)
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
    n_users = _counts(users)
    teacher_means = _means_of(
        {
            "self_efficacy": s,
            "collective_efficacy": teachers.collective_efficacy,
            "responsibility": teachers.responsibility,
            "stress": teachers.stress,
            "skill": skill,
            **{f"source_{name}": values for name, values in sources.items()},
            "expectation_bias": teachers.expectation_bias,
            "reflective_practice": teachers.reflective,
            "squares": s * s,
        },
        n,
    )
    s_mean = teacher_means["self_efficacy"]
    s_mean_squared = np.array([m**2 for m in s_mean.tolist()])  # C pow, as for one school
    student_means = _means_of({"achievement": achievement, "annual_gain": annual}, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        fidelity = np.where(
            n_users > 0, _dots(teachers.fidelity.reshape(n, -1), users) / n_users, 0.0
        )
    means = teacher_means | student_means
    return {
        "self_efficacy": s_mean,
        "self_efficacy_tses": tses(s_mean),
        "collective_efficacy": means["collective_efficacy"],
        "responsibility": means["responsibility"],
        "stress": means["stress"],
        "skill": means["skill"],
        "practice_share": n_users / users.shape[1],
        "turnover_rate": turnover_rate.astype(float),
        "move_rate": move_rate.astype(float),
        "leave_rate": leave_rate.astype(float),
        "achievement": means["achievement"],
        "annual_gain": means["annual_gain"],
        "ses_gap": gap,
        "ses_gain_slope": slope,
        "proficient_advantaged": _shares(proficient, n, adv),
        "proficient_disadvantaged": _shares(proficient, n, dis),
        "network_density": density.astype(float),
        "network_clustering": clustering.astype(float),
        "source_mastery": means["source_mastery"],
        "source_vicarious": means["source_vicarious"],
        "source_persuasion": means["source_persuasion"],
        "source_affect": means["source_affect"],
        "self_efficacy_sd": 8.0 * np.sqrt(np.maximum(means["squares"] - s_mean_squared, 0.0)),
        "expectation_bias": means["expectation_bias"],
        "practice_fidelity": fidelity,
        "reflective_practice": means["reflective_practice"],
        "out_of_field_share": _shares(students.out_of_field, n),
        "known_share": _shares(students.known, n),
        "novice_share": _shares(teachers.experience < 3.0, n),
        "proficient": _shares(proficient, n),
        "year": np.full(n, float(year)),
        "week": np.full(n, float(week)),
    }
