"""Teacher and student state as columnar numpy arrays, one row per person.

The model owns these arrays; :class:`simulation.agents.Teacher` agents are
views on a row, so every weekly process runs as whole-array operations.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from .parameters import NATIONAL_GROWTH, Parameters, from_tses

# National SES cut-offs (standard normal quartiles): students below the first
# are "disadvantaged", above the third "advantaged" (top and bottom of the
# income distribution, Reardon 2011).
DISADVANTAGED_CUT = -0.6744897501960817
ADVANTAGED_CUT = 0.6744897501960817
# Experience of teachers who are not novices at the start: spread evenly
# from this many years up to ``max_experience``.
VETERAN_START = 3.0
BELIEF_FLOOR = 1e-6


@dataclass
class TeacherState:
    """Arrays of length ``n_teachers`` (beliefs on (0, 1), skill in SD/year)."""

    self_efficacy: np.ndarray
    collective_efficacy: np.ndarray
    responsibility: np.ndarray
    stress: np.ndarray
    expectation_bias: np.ndarray
    talent: np.ndarray
    experience: np.ndarray
    effective_experience: np.ndarray
    tenure: np.ndarray
    peer_learned: np.ndarray
    reflective: np.ndarray
    uses_practice: np.ndarray
    fidelity: np.ndarray
    trainer: np.ndarray
    subject: np.ndarray
    specialism: np.ndarray
    last_mastery: np.ndarray
    last_attribution: np.ndarray
    strategy_prompt: np.ndarray
    aspiration: np.ndarray
    coached: np.ndarray

    @property
    def n(self) -> int:
        """Number of teachers."""
        return self.self_efficacy.size

    def hire(self, rows: np.ndarray, hires: TeacherState) -> None:
        """Put ``hires`` (in order) in ``rows``: everything but the role they take on."""
        for f in fields(self):
            if f.name not in ("subject", "specialism"):
                getattr(self, f.name)[rows] = getattr(hires, f.name)

    def take(self, rows: slice) -> TeacherState:
        """A copy of teachers ``rows``."""
        return TeacherState(**{f.name: getattr(self, f.name)[rows].copy() for f in fields(self)})

    def put(self, rows: slice, local: TeacherState) -> None:
        """Write ``local`` (from :meth:`take`) back into ``rows``."""
        for f in fields(self):
            getattr(self, f.name)[rows] = getattr(local, f.name)

    def view(self, rows: slice) -> TeacherState:
        """Teachers ``rows`` as views."""
        return TeacherState(**{f.name: getattr(self, f.name)[rows] for f in fields(self)})


@dataclass
class StudentState:
    """Students as arrays; ``assign`` maps (student, subject) to a teacher row.

    ``fresh`` is this year's teacher-induced part of achievement and
    ``fading`` what is left of earlier years' that does not last
    (``processes.teaching``); ``previous`` is last year's teacher in each
    subject (-1 for none) and ``known`` whether the current teacher knows the
    student (taught them before or has a tie to another of their teachers).
    """

    ses: np.ndarray
    disadvantaged: np.ndarray
    advantaged: np.ndarray
    grade: np.ndarray
    achievement: np.ndarray
    year_start: np.ndarray
    prior: np.ndarray
    house: np.ndarray
    assign: np.ndarray
    out_of_field: np.ndarray
    fresh: np.ndarray
    fading: np.ndarray
    previous: np.ndarray
    known: np.ndarray

    @property
    def n(self) -> int:
        """Number of students."""
        return self.ses.size

    def take(self, rows: slice, shift: int = 0) -> StudentState:
        """A copy of students ``rows`` with teacher ids made local (``- shift``)."""
        copy = StudentState(**{f.name: getattr(self, f.name)[rows].copy() for f in fields(self)})
        if shift:
            copy.assign -= shift
            copy.previous[:] = np.where(copy.previous >= 0, copy.previous - shift, -1)
        return copy

    def put(self, rows: slice, local: StudentState, shift: int = 0) -> None:
        """Write ``local`` (from :meth:`take`) back into ``rows``, ids global again."""
        for f in fields(self):
            getattr(self, f.name)[rows] = getattr(local, f.name)
        if shift:
            self.assign[rows] += shift
            self.previous[rows] = np.where(
                self.previous[rows] >= 0, self.previous[rows] + shift, -1
            )

    def view(self, rows: slice, achievement: np.ndarray | None = None) -> StudentState:
        """Students ``rows`` as views (``achievement`` replaced if given)."""
        part = StudentState(**{f.name: getattr(self, f.name)[rows] for f in fields(self)})
        if achievement is not None:
            part.achievement = achievement
        return part


def _draw(
    rng: np.random.Generator,
    noise: bool,
    mean: float,
    sd: float,
    n: int,
    low: float = BELIEF_FLOOR,
    high: float = 1 - BELIEF_FLOOR,
) -> np.ndarray:
    """Normal draws clipped into (low, high); the mean itself when noise is off."""
    if not noise or sd == 0:
        return np.full(n, float(np.clip(mean, low, high)))
    return np.clip(rng.normal(mean, sd, n), low, high)


def new_teachers(
    n: int,
    p: Parameters,
    rng: np.random.Generator,
    *,
    novice: np.ndarray | None = None,
    hires: bool = False,
) -> TeacherState:
    """Draw ``n`` teachers: the starting staff, or new hires when ``hires``.

    Starting staff follow the ``initial_*`` parameters and ``novice_share``;
    hires are novices with probability ``hire_novice_share`` (novices start
    with the optimistic ``hire_self_efficacy``, Woolfolk Hoy & Spero 2005) and
    otherwise experienced movers who bring the starting distribution.
    """
    noise = p.noise
    if novice is None:
        share = p.hire_novice_share if hires else p.novice_share
        novice = (rng.random(n) < share) if noise else np.full(n, share >= 0.5)
    if noise:
        novice_years = rng.uniform(0.0, VETERAN_START, n) if not hires else np.zeros(n)
        veteran_top = p.max_experience if not hires else min(p.max_experience, 15.0)
        veteran_years = rng.uniform(VETERAN_START, veteran_top, n)
    else:
        novice_years = np.full(n, 0.0 if hires else VETERAN_START / 2)
        veteran_years = np.full(n, (VETERAN_START + p.max_experience) / 2)
    experience = np.where(novice, novice_years, veteran_years)

    s_mean = from_tses(p.initial_self_efficacy)
    s_sd = p.initial_self_efficacy_sd / 8.0
    s = _draw(rng, noise, s_mean, s_sd, n)
    if hires:
        s_novice = _draw(rng, noise, from_tses(p.hire_self_efficacy), s_sd, n)
        s = np.where(novice, s_novice, s)
    bias_mean = p.hire_expectation_bias if hires else p.initial_expectation_bias
    return TeacherState(
        self_efficacy=s,
        collective_efficacy=_draw(
            rng, noise, p.initial_collective_efficacy, p.initial_collective_efficacy_sd, n
        ),
        responsibility=_draw(rng, noise, p.initial_responsibility, p.initial_responsibility_sd, n),
        stress=np.full(n, min(max(float(p.initial_stress), BELIEF_FLOOR), 1 - BELIEF_FLOOR)),
        expectation_bias=_draw(rng, noise, bias_mean, p.initial_expectation_bias_sd, n),
        talent=rng.normal(0.0, p.skill_sd, n) if noise else np.zeros(n),
        experience=experience,
        effective_experience=experience.copy(),
        tenure=np.zeros(n) if hires else experience * 0.6,
        peer_learned=np.zeros(n),
        reflective=rng.uniform(0.0, 0.3, n) if noise else np.full(n, 0.15),
        uses_practice=np.zeros(n, dtype=bool),
        fidelity=np.zeros(n),
        trainer=np.zeros(n, dtype=bool),
        subject=np.zeros(n, dtype=np.int64),
        specialism=np.zeros(n, dtype=np.int64),
        last_mastery=np.zeros(n),
        last_attribution=np.zeros(n, dtype=np.int8),
        strategy_prompt=np.zeros(n),
        aspiration=np.zeros(n),
        coached=np.zeros(n),
    )


def set_starting(teachers: TeacherState, values: dict[str, np.ndarray]) -> None:
    """Give teachers their own starting values where data give them (finite entries).

    ``values`` holds ``experience`` (years; tenure becomes 60% of it, as for
    drawn teachers), ``self_efficacy`` (TSES 1-9), and ``collective_efficacy``,
    ``responsibility``, ``stress`` (0-1); a NaN keeps the drawn value. The
    draws were already made, so teachers without data start as they would
    have anyway.
    """
    for name, given in values.items():
        known = np.isfinite(given)
        if name == "experience":
            for column in (teachers.experience, teachers.effective_experience):
                column[known] = given[known]
            teachers.tenure[known] = given[known] * 0.6
            continue
        value = from_tses(given[known]) if name == "self_efficacy" else given[known]
        getattr(teachers, name)[known] = np.clip(value, BELIEF_FLOOR, 1 - BELIEF_FLOOR)


def new_cohort(
    n: int, grade: int, p: Parameters, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """SES and achievement of ``n`` students entering at ``grade`` (0 = first year).

    Prior achievement is ``ses_achievement_slope * ses`` plus a residual that
    makes the national SD 1 (Reardon 2011), plus typical growth for the
    grades already completed, so achievement is on a vertical scale.
    """
    if p.noise:
        ses = rng.normal(p.ses_mean, p.ses_sd, n)
        residual_sd = np.sqrt(max(0.0, 1.0 - p.ses_achievement_slope**2))
        residual = rng.normal(0.0, residual_sd, n)
    else:
        ses = np.full(n, p.ses_mean)
        residual = np.zeros(n)
    achievement = (
        p.ses_achievement_slope * ses + residual + grade * (NATIONAL_GROWTH + p.ses_growth * ses)
    )
    return ses, achievement


def new_students(p: Parameters, rng: np.random.Generator, n_subjects: int) -> StudentState:
    """The starting student body: ``grades`` cohorts of equal size."""
    n = p.n_students
    # cohorts in grade order, the first n % grades one student larger
    size = n // p.grades + (np.arange(p.grades) < n % p.grades)
    grade = np.repeat(np.arange(p.grades), size)
    ses = np.empty(n)
    achievement = np.empty(n)
    stop = 0
    for g, count in enumerate(size.tolist()):
        start, stop = stop, stop + count
        ses[start:stop], achievement[start:stop] = new_cohort(count, g, p, rng)
    return StudentState(
        ses=ses,
        disadvantaged=ses < DISADVANTAGED_CUT,
        advantaged=ses > ADVANTAGED_CUT,
        grade=grade,
        achievement=achievement,
        year_start=achievement.copy(),
        prior=achievement.copy(),
        house=np.zeros(n, dtype=np.int64),
        assign=np.zeros((n, n_subjects), dtype=np.int64),
        out_of_field=np.zeros((n, n_subjects), dtype=bool),
        fresh=np.zeros(n),
        fading=np.zeros(n),
        previous=np.full((n, n_subjects), -1, dtype=np.int64),
        known=np.zeros((n, n_subjects), dtype=bool),
    )


def enter_cohort(
    students: StudentState, rows: np.ndarray, p: Parameters, rng: np.random.Generator
) -> None:
    """The first-years who take the graduates' places ``rows``: their SES and achievement."""
    ses, achievement = new_cohort(rows.size, 0, p, rng)
    students.ses[rows] = ses
    students.achievement[rows] = achievement


def roll_over(
    students: StudentState, graduating: np.ndarray, replaced: np.ndarray | None = None
) -> None:
    """End of year, once :func:`enter_cohort` has drawn who takes the ``graduating`` places.

    Everyone else moves up a grade; the year's starting achievement resets.
    ``previous`` keeps each student's teachers of the year, except for
    first-years and where the teacher was ``replaced`` (a mask over teacher
    rows): a hire has not taught the student before. Nothing is drawn, so
    many schools' students roll over in one call.
    """
    if replaced is None:
        students.previous[:] = students.assign
    else:  # each teacher's row, or -1 for one replaced: one lookup per course
        students.previous[:] = np.where(replaced, -1, np.arange(replaced.size))[students.assign]
    students.previous[graduating] = -1
    students.grade[:] = np.where(graduating, 0, students.grade + 1)
    students.prior[graduating] = students.achievement[graduating]
    students.fresh[graduating] = 0.0
    students.fading[graduating] = 0.0
    students.disadvantaged[:] = students.ses < DISADVANTAGED_CUT
    students.advantaged[:] = students.ses > ADVANTAGED_CUT
    students.year_start[:] = students.achievement
