"""Patterns 1 and 5 of ``MODEL.md`` §8: what the population of schools says.

One run per school of a population drawn to differ
(:data:`analysis.experiments.validation.POPULATION`); each school's
culture and learning are averaged over its last two years and related
across schools by regressions adjusted for mean SES and by correlations.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysis.experiments.validation import POPULATION, Settings
from analysis.statistics.intervals import mean_interval
from analysis.statistics.validation.claims import MARGINS, PatternResult, band
from analysis.statistics.validation.measures import adjusted_slope, school_measures
from analysis.statistics.validation.stats import Claim, correlation_ci, partial_correlation_ci


def pattern_1(tables: Mapping[str, pd.DataFrame], settings: Settings) -> PatternResult:
    """Responsibility with gains and equity, across the school population."""
    schools = school_measures(tables["population"], tables["population_design"])
    claims = [
        Claim(
            "1a",
            "schools with higher responsibility have higher mean gains",
            "annual_gain on z(responsibility), adjusted for mean SES (OLS, HC3)",
            adjusted_slope(schools, "annual_gain", "responsibility"),
            +1,
            margin=MARGINS["annual_gain"],
            unit="SD/year per SD",
            **band("responsibility_gain"),
        ),
        Claim(
            "1b",
            "schools with higher responsibility have flatter SES–gain slopes",
            "ses_gain_slope on z(responsibility), adjusted for mean SES (OLS, HC3)",
            adjusted_slope(schools, "ses_gain_slope", "responsibility"),
            -1,
            margin=MARGINS["ses_gain_slope"],
            unit="SD/year per SD SES per SD",
        ),
        Claim(
            "1x",
            "(diagnostic) responsibility correlates with gains, unadjusted",
            "Pearson r(responsibility, annual_gain) across schools",
            correlation_ci(schools["responsibility"], schools["annual_gain"]),
            +1,
            unit="r",
        ),
    ]
    spread = schools["responsibility"].describe()[["mean", "std", "min", "max"]]
    return PatternResult(
        1,
        f"{settings.schools} schools, {POPULATION.description}; 4 years; measures "
        "averaged over years 3-4 (every student taught only under the school's culture "
        "by then)",
        claims,
        details={"schools": schools},
        notes=[
            f"Emergent responsibility across schools: mean {spread['mean']:.3f}, SD "
            f"{spread['std']:.3f}, range {spread['min']:.3f}-{spread['max']:.3f}."
        ],
    )


def pattern_5(tables: Mapping[str, pd.DataFrame], settings: Settings) -> PatternResult:
    """Collective efficacy, gains and gaps across the school population."""
    schools = school_measures(tables["population"], tables["population_design"])
    high = schools["collective_efficacy"] >= schools["collective_efficacy"].quantile(0.75)
    low = schools["collective_efficacy"] <= schools["collective_efficacy"].quantile(0.25)
    gap_high, gap_low = (
        mean_interval(schools.loc[high, "ses_gap"]),
        mean_interval(schools.loc[low, "ses_gap"]),
    )
    claims = [
        Claim(  # raw r, as the meta-analyses behind the band report it
            "5a",
            "collective efficacy correlates strongly and positively with mean gain",
            "Pearson r(collective_efficacy, annual_gain) across schools (Fisher z)",
            correlation_ci(schools["collective_efficacy"], schools["annual_gain"]),
            +1,
            unit="r",
            **band("ce_gain_r"),
        ),
        Claim(
            "5b",
            "schools with higher collective efficacy have smaller SES gaps",
            "ses_gap on z(collective_efficacy), adjusted for mean SES (OLS, HC3)",
            adjusted_slope(schools, "ses_gap", "collective_efficacy"),
            -1,
            margin=MARGINS["ses_gap"],
            unit="SD per SD",
        ),
        Claim(
            "5c",
            "+1 SD of collective efficacy goes with higher gains, by the published amount",
            "annual_gain on z(collective_efficacy) + mean SES (OLS, HC3)",
            adjusted_slope(schools, "annual_gain", "collective_efficacy"),
            +1,
            margin=MARGINS["annual_gain"],
            unit="SD/year per SD",
            **band("ce_gain_slope"),
        ),
        Claim(
            "5x",
            "(diagnostic) the SES–gain slope on collective efficacy",
            "ses_gain_slope on z(collective_efficacy) + mean SES (OLS, HC3)",
            adjusted_slope(schools, "ses_gain_slope", "collective_efficacy"),
            -1,
            margin=MARGINS["ses_gain_slope"],
            unit="SD/year per SD SES per SD",
        ),
        Claim(
            "5y",
            "(diagnostic) collective efficacy and gain, mean SES held constant",
            "partial r(collective_efficacy, annual_gain | mean SES) across schools (Fisher z)",
            partial_correlation_ci(
                schools["collective_efficacy"], schools["annual_gain"], [schools["ses_mean"]]
            ),
            +1,
            unit="r",
        ),
    ]
    spread = schools["annual_gain"].std(ddof=1)
    narrower = 1.0 - gap_high.estimate / gap_low.estimate if gap_low.estimate else float("nan")
    return PatternResult(
        5,
        f"{settings.schools} schools, {POPULATION.description}; 4 years; measures "
        "averaged over years 3-4",
        claims,
        details={"schools": schools},
        notes=[
            f"SES gap in the top quarter of schools by collective efficacy: "
            f"{gap_high.estimate:.3f} SD [{gap_high.low:.3f}, {gap_high.high:.3f}]; in the "
            f"bottom quarter: {gap_low.estimate:.3f} [{gap_low.low:.3f}, {gap_low.high:.3f}] "
            f"({narrower:.1%} narrower). Goddard, Skrla & Salloum (2017) found a "
            "conditional (growth) Black–White gap about half as large per SD of "
            "collective efficacy; the status gap here is set mostly at entry.",
            f"Schools differ in annual gain by SD {spread:.3f} SD/year across this "
            "population (published school effects on high-school growth: about "
            "0.03-0.08, an estimate), which bounds how much any school measure can be "
            "worth per SD.",
            "5a compares the raw correlation because the published ones are raw "
            "(zero-order, SES not held constant); 5y gives it with mean SES held "
            "constant, for comparison.",
        ],
    )
