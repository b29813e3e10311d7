"""A synthetic NELS: Lee & Smith's analyses repeated on simulated high schools.

Schools that differ as the NELS:88 schools did are drawn, run (one year of
burn-in, then the two years of the study), observed as the study did (a
sampled cohort, a noisy teacher survey) and fitted with the same kind of
two-level model: ``gain ~ ses * cr + size + mean_ses`` (Lee & Smith 1996)
and the size bands of Lee & Smith (1997). docs/validation.md gives the
design and its reasons.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.experiments.runs import Run
from analysis.experiments.seeds import replicate_seeds
from analysis.statistics.intervals import interval_columns
from analysis.statistics.validation.stats import Claim, Interval
from simulation import WEEKS_PER_YEAR, SchoolModel

BURN_IN_YEARS = 1
STUDY_YEARS = 2
# Lee & Smith (1997), Table 1: enrolment bands.
SIZE_BANDS = (
    (0, 300, "≤300"),
    (301, 600, "301-600"),
    (601, 900, "601-900"),
    (901, 1200, "901-1200"),
    (1201, 1500, "1201-1500"),
    (1501, 2100, "1501-2100"),
    (2101, 10**9, ">2100"),
)
REFERENCE_BAND = "601-900"
STRUCTURE_MIX = (
    ("departments", 0.5),
    ("isolated", 0.2),
    ("plc", 0.15),
    ("houses", 0.1),
    ("networked_plc", 0.05),
)
# Smallest effects of interest for two-year gains (twice the annual 0.01 SD
# and 0.002 SD/SD of analysis.statistics.validation.patterns).
GAIN_MARGIN = 0.02
SLOPE_MARGIN = 0.004


@dataclass(frozen=True)
class NelsSettings:
    """Size of the synthetic study and how it observes schools."""

    schools: int = 820
    students_per_school: int = 50
    teachers_surveyed: int = 12
    survey_noise: float = 0.1
    seed: int = 1


QUICK_NELS = NelsSettings(schools=80)


def draw_school(rng: np.random.Generator) -> dict[str, Any]:
    """One synthetic NELS high school (module docstring, *Schools*)."""
    structures, weights = zip(*STRUCTURE_MIX, strict=True)
    return {
        "n_students": int(np.rint(np.exp(rng.uniform(np.log(200), np.log(3000))))),
        "ses_mean": float(np.clip(rng.normal(0.0, 0.5), -1.5, 1.5)),
        "ses_sd": float(rng.uniform(0.7, 1.0)),
        "structure": str(rng.choice(structures, p=weights)),
        "collaboration_minutes": float(rng.uniform(20, 120)),
        "leader_attention": float(rng.uniform(3, 20)),
        "leader_confidence": float(rng.uniform(-0.2, 0.5)),
        "data_review": bool(rng.random() < 0.2),
        "intervention_plan": bool(rng.random() < 0.3),
        "initial_self_efficacy": float(rng.uniform(6.5, 7.7)),
        "initial_collective_efficacy": float(rng.uniform(0.45, 0.75)),
        "initial_responsibility": float(rng.uniform(0.35, 0.65)),
        "initial_expectation_bias": float(rng.uniform(0.15, 0.45)),
    }


def observe(model: SchoolModel, job: Run) -> tuple[dict[str, float], pd.DataFrame]:
    """Run burn-in and study years; survey teachers; sample the tracked cohort.

    Returns the school's row (survey result, true means, size, SES) and its
    sampled students (SES, entry achievement, two-year gain).
    """
    o = job.options
    survey_rng = np.random.default_rng([job.seed, 1])
    last = (BURN_IN_YEARS + STUDY_YEARS) * WEEKS_PER_YEAR
    for _ in range(last - 1):
        model.step()
    r = model.teachers.responsibility
    asked = survey_rng.choice(r.size, size=min(o["teachers_surveyed"], r.size), replace=False)
    reports = np.clip(r[asked] + survey_rng.normal(0.0, o["survey_noise"], asked.size), 0, 1)
    school = {
        "cr": float(reports.mean()),
        "cr_true": float(r.mean()),
        "ce": float(model.teachers.collective_efficacy.mean()),
    }
    model.step()
    s = model.students
    cohort = np.flatnonzero(s.grade == STUDY_YEARS)
    chosen = survey_rng.choice(
        cohort, size=min(o["students_per_school"], cohort.size), replace=False
    )
    school.update(
        n_students=float(job.parameters["n_students"]),
        mean_ses=float(s.ses.mean()),
        n_teachers=float(model.n_teachers),
    )
    students = pd.DataFrame(
        {
            "ses": s.ses[chosen],
            "entry": s.prior[chosen],
            "gain": s.achievement[chosen] - s.prior[chosen],
        }
    )
    return school, students


def jobs(settings: NelsSettings) -> list[Run]:
    """One job per school."""
    rng = np.random.default_rng(np.random.SeedSequence([settings.seed, 1996]))
    seeds = replicate_seeds(settings.seed + 20_000, settings.schools)
    observed = ("students_per_school", "teachers_surveyed", "survey_noise")
    options = {name: getattr(settings, name) for name in observed}
    return [
        Run(
            "nels",
            "school",
            k,
            seed,
            draw_school(rng),
            BURN_IN_YEARS + STUDY_YEARS,
            measure=observe,
            options=options,
        )
        for k, seed in enumerate(seeds)
    ]


def size_band(n_students: np.ndarray) -> np.ndarray:
    """Lee & Smith's (1997) enrolment band of each school."""
    labels = np.empty(len(n_students), dtype=object)
    for low, high, label in SIZE_BANDS:
        labels[(n_students >= low) & (n_students <= high)] = label
    return labels


def assemble(study_jobs: list[Run], results: list) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tidy tables: schools (one row each, design and survey) and students."""
    schools, students = [], []
    for job, (school, sample) in zip(study_jobs, results, strict=True):
        schools.append(
            {
                "school": job.replicate,
                "seed": job.seed,
                **{k: v for k, v in job.parameters.items() if k != "n_students"},
                **school,
            }
        )
        students.append(sample.assign(school=job.replicate))
    school_table = pd.DataFrame(schools)
    school_table["size_band"] = size_band(school_table["n_students"].to_numpy())
    cr = school_table["cr"]
    school_table["cr_z"] = (cr - cr.mean()) / cr.std(ddof=1)
    student_table = pd.concat(students, ignore_index=True)
    student_table = student_table.merge(
        school_table[["school", "cr", "cr_z", "n_students", "mean_ses", "size_band"]], on="school"
    )
    student_table["size"] = student_table["n_students"] / 1000.0
    return school_table, student_table


@dataclass
class MixedFit:
    """A fitted two-level model: fixed effects with intervals, and variances."""

    coefficients: pd.DataFrame  # term, estimate, se, low, high
    random_effects: dict[str, float]
    n_students: int
    n_schools: int
    converged: bool
    log_likelihood: float  # REML
    warnings: tuple[str, ...] = ()

    def estimate(self, term: str) -> Interval:
        """One fixed effect as an :class:`Interval`."""
        row = self.coefficients.set_index("term").loc[term]
        return Interval(
            float(row["estimate"]), float(row["low"]), float(row["high"]), self.n_schools
        )


#: Where REML's search starts: the random effects' variances this share of
#: the residual variance, uncorrelated (statsmodels starts them equal to it).
#: On the synthetic NELS the components are a few hundredths of the residual
#: variance; from statsmodels' start BFGS failed and L-BFGS reported
#: convergence well short of the maximum (a REML log-likelihood of 2325 where
#: the maximum is 2488, on the size model), and Powell, last, took 30-40 s a
#: model. From this start BFGS reaches the maximum in about 4 s.
START_SHARE = 0.1


def fit_two_level(
    data: pd.DataFrame, formula: str, group: str = "school", random_slope: str | None = "ses"
) -> MixedFit:
    """Fit a linear mixed model with a random intercept (and slope) by ``group``.

    REML from :data:`START_SHARE`; BFGS, then L-BFGS and Powell if it
    fails to converge.

    Parameters
    ----------
    data : DataFrame
        One row per student.
    formula : str
        Fixed effects (patsy), e.g. ``"gain ~ ses * cr_z + size + mean_ses"``.
    random_slope : str, optional
        A student-level variable whose slope varies by school.
    """
    import statsmodels.formula.api as smf
    from statsmodels.regression.mixed_linear_model import MixedLMParams
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    re_formula = f"~{random_slope}" if random_slope else "1"
    model = smf.mixedlm(formula, data, groups=data[group], re_formula=re_formula)
    start = MixedLMParams.from_components(
        fe_params=np.zeros(model.k_fe), cov_re=START_SHARE * np.eye(model.k_re)
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        fit = model.fit(reml=True, method=["bfgs", "lbfgs", "powell"], start_params=start)
    messages = tuple(
        dict.fromkeys(str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning))
    )
    names = list(model.exog_names)
    ci = fit.conf_int().loc[names]
    table = pd.DataFrame(
        {
            "term": names,
            "estimate": fit.fe_params[names].to_numpy(),
            "se": fit.bse_fe[names].to_numpy(),
            "low": ci[0].to_numpy(),
            "high": ci[1].to_numpy(),
        }
    )
    cov = fit.cov_re
    random = {"intercept variance": float(cov.iloc[0, 0]), "residual variance": float(fit.scale)}
    if random_slope:
        random[f"{random_slope} slope variance"] = float(cov.iloc[1, 1])
    return MixedFit(
        table,
        random,
        len(data),
        int(data[group].nunique()),
        bool(fit.converged),
        float(fit.llf),
        messages,
    )


MAIN_FORMULA = "gain ~ ses * cr_z + size + mean_ses"
SIZE_FORMULA = f"gain ~ ses + mean_ses + C(size_band, Treatment('{REFERENCE_BAND}'))"
# (term, what it is, Lee & Smith's direction, +1/-1, smallest effect of interest)
DIRECTIONS = (
    (
        "cr_z",
        "collective responsibility (per SD) on mean gain",
        "positive: higher gains (Lee & Smith 1996)",
        +1,
        GAIN_MARGIN,
    ),
    (
        "ses:cr_z",
        "collective responsibility × SES (on the SES–gain slope)",
        "negative: a weaker SES–gain relation (Lee & Smith 1996)",
        -1,
        SLOPE_MARGIN,
    ),
    (
        "ses",
        "student SES on gain (at average responsibility)",
        "positive: advantaged students gain more (Lee & Smith 1996)",
        +1,
        SLOPE_MARGIN,
    ),
    ("mean_ses", "school mean SES on gain", "positive (Lee & Smith 1996, 1997)", +1, GAIN_MARGIN),
    (
        "size",
        "school size (per 1,000 students) on gain",
        "negative overall, curved (Lee & Smith 1997: highest at 600-900)",
        -1,
        GAIN_MARGIN,
    ),
)


@dataclass
class NelsResult:
    """The synthetic NELS: tables, fits and the comparison with Lee & Smith."""

    settings: NelsSettings
    schools: pd.DataFrame
    students: pd.DataFrame
    main: MixedFit
    size: MixedFit
    comparisons: list[Claim]
    size_curve: pd.DataFrame
    reliability: float

    @property
    def peak_band(self) -> str:
        """The size band with the highest adjusted gain."""
        return str(self.size_curve.loc[self.size_curve["effect"].idxmax(), "band"])


def size_curve(fit: MixedFit, schools: pd.DataFrame) -> pd.DataFrame:
    """Adjusted gain of each size band relative to 601-900, with intervals."""
    rows = []
    counts = schools["size_band"].value_counts()
    for _, _, label in SIZE_BANDS:
        term = f"C(size_band, Treatment('{REFERENCE_BAND}'))[T.{label}]"
        if label == REFERENCE_BAND:
            e = Interval(0.0, 0.0, 0.0)
        elif term in set(fit.coefficients["term"]):
            e = fit.estimate(term)
        else:
            e = Interval(np.nan, np.nan, np.nan)
        schools_in_band = int(counts.get(label, 0))
        rows.append({"band": label, **interval_columns(e, "effect"), "schools": schools_in_band})
    return pd.DataFrame(rows)


def analyse(settings: NelsSettings, schools: pd.DataFrame, students: pd.DataFrame) -> NelsResult:
    """Fit both models and set their coefficients beside Lee & Smith's directions."""
    main = fit_two_level(students, MAIN_FORMULA)
    size = fit_two_level(students, SIZE_FORMULA)
    comparisons = [
        Claim(
            term,
            what,
            f"{direction}",
            main.estimate(term),
            sign,
            margin=margin,
            unit="SD over two years",
        )
        for term, what, direction, sign, margin in DIRECTIONS
    ]
    curve = size_curve(size, schools)
    for _, row in curve.iterrows():
        if row["band"] == REFERENCE_BAND:
            continue
        comparisons.append(
            Claim(
                f"band {row['band']}",
                f"gain in schools of {row['band']} vs 601-900",
                "lower (Lee & Smith 1997)",
                Interval(row["effect"], row["low"], row["high"]),
                -1,
                margin=GAIN_MARGIN,
                unit="SD over two years",
            )
        )
    true, measured = schools["cr_true"], schools["cr"]
    reliability = float(np.corrcoef(true, measured)[0, 1] ** 2)
    return NelsResult(settings, schools, students, main, size, comparisons, curve, reliability)
