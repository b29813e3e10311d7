"""Held-out calibration checks: published magnitudes no parameter was set with.

Meeting one is evidence about the model, unlike a fitted target
(:mod:`analysis.statistics.calibration`). Each value is a
:class:`~analysis.statistics.calibration_bootstrap.Measure` of the runs, so
it has a 95% interval over the replicate seeds and a verdict.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from analysis.statistics.calibration_bootstrap import maximum, mean_of
from analysis.statistics.calibration_careers import career_measures
from analysis.statistics.calibration_measures import (
    TSES_RELIABILITY,
    Target,
    by_year,
    final_mean,
    last,
    paired_by_year,
    slope,
    yearly_table,
)


def held_out_targets(by_arm: Mapping[str, list[Any]]) -> list[Target]:
    """Targets no parameter was set with: checks of the model."""
    none, coaching = yearly_table(by_arm["none"]), yearly_table(by_arm["coaching2"])
    coaching_gain = paired_by_year(coaching, none, "annual_gain")
    coaching_level = paired_by_year(coaching, none, "achievement")
    turnaround = paired_by_year(
        yearly_table(by_arm["scenario:turnaround"]),
        yearly_table(by_arm["scenario:turnaround_baseline"]),
        "annual_gain",
    )
    long_run = yearly_table(by_arm["default_long"])
    drift = mean_of(by_year(long_run, "annual_gain")).apply(slope)
    usual = final_mean(by_arm["usual"], "self_efficacy_tses")
    goal_shift = maximum(
        [abs(final_mean(by_arm[arm], "self_efficacy_tses") - usual) for arm in ("fast", "slow")]
    )
    scenarios = [yearly_table(r) for name, r in by_arm.items() if name.startswith("scenario:")]
    top_tses = maximum([mean_of(by_year(t, "self_efficacy_tses", 0)).max() for t in scenarios])
    top_gain = maximum([mean_of(by_year(t, "annual_gain")).max() for t in scenarios])
    careers = career_measures(by_arm)
    return [
        Target(
            "coaching (2 coaches, departments, 900 students): largest one-year effect on "
            "annual gain",
            "0.05-0.20; 0.18 for coached teachers, less at scale",
            "Kraft, Blazar & Hogan 2018",
            (0.05, 0.20),
            coaching_gain.max(),
            "SD/year",
        ),
        Target(
            "coaching (same): effect on achievement after 5 years",
            "below 0.35",
            "Kraft, Blazar & Hogan 2018 with fade-out (Jacob, Lefgren & Sims 2010)",
            (-np.inf, 0.35),
            coaching_level.apply(last),
            "SD",
        ),
        Target(
            "turnaround against its baseline: largest yearly effect on annual gain",
            "below 0.30 in every year",
            "Kraft et al. 2018; Bloom et al. 2008 (a year's growth is 0.2-0.25)",
            (-np.inf, 0.30),
            turnaround.max(),
            "SD/year",
        ),
        Target(
            "default school over 20 years: drift of annual gain",
            "below 0.002 a year",
            "stability (issue 11)",
            (-0.002, 0.002),
            drift,
            "SD/year per year",
        ),
        Target(
            "default school after 20 years: mean TSES",
            "6.6-7.6",
            "Tschannen-Moran & Woolfolk Hoy 2001 (norm 7.1)",
            (6.6, 7.6),
            final_mean(by_arm["default_long"], "self_efficacy_tses"),
            "TSES",
        ),
        Target(
            "baseline growth 0.12 or 0.32 instead of 0.22: change in mean TSES after 5 years",
            "below 0.3 (aspirations adapt)",
            "Cyert & March 1963; Greve 2003",
            (0.0, 0.3),
            goal_shift,
            "TSES",
        ),
        Target(
            "highest mean TSES in any built-in scenario and year",
            "at most 8.2",
            "Tschannen-Moran & Woolfolk Hoy 2001 (norm 7.1, SD 0.94)",
            (1.0, 8.2),
            top_tses,
            "TSES",
        ),
        Target(
            "highest annual gain in any built-in scenario and year",
            "at most 0.40",
            "Bloom et al. 2008 (0.19-0.25 in grades 9-11)",
            (0.0, 0.40),
            top_gain,
            "SD/year",
        ),
        Target(
            "first-year change of novices, egg-crate school",
            "a dip of about 0.3-0.6",
            "Woolfolk Hoy & Spero 2005",
            (-1.0, -0.1),
            careers["dip_isolated"],
            "TSES",
        ),
        Target(
            "first-year change of novices, PLC school",
            "a smaller dip with support",
            "Woolfolk Hoy & Spero 2005",
            (careers["dip_isolated"], 0.5),
            careers["dip_plc"],
            "TSES",
        ),
        Target(
            "veterans' correlation of TSES from year 4 to 5, as a survey sees it",
            "0.6-0.8",
            "Künsting et al. 2016; Holzberger et al. 2013 (relatively stable)",
            (0.6, 0.8),
            careers["stability"] * TSES_RELIABILITY,
        ),
        Target(
            "social/mastery source ratio, novices over veterans",
            "above 1",
            "Tschannen-Moran & Woolfolk Hoy 2007",
            (1.0, np.inf),
            careers["source_ratio"],
        ),
        Target(
            "mastery leads for veterans: social/mastery ratio",
            "below 1",
            "Tschannen-Moran & Woolfolk Hoy 2007",
            (0.0, 1.0),
            careers["veteran_ratio"],
        ),
        Target(
            "TSES late in a career (25+ years) below its mid-career peak (10-25 years)",
            "a fall after mid-career",
            "Klassen & Chiu 2010",
            (0.0, np.inf),
            careers["late_fall"],
            "TSES",
        ),
        Target(
            "leaving rate of teachers with 20+ years",
            "about 0.11",
            "NCES TFS 2012-13",
            (0.07, 0.16),
            careers["veteran_leaves"],
        ),
        Target(
            "TSES of teachers who went, below those who stayed, by",
            "positive",
            "Skaalvik & Skaalvik 2016, 2017",
            (0.0, np.inf),
            careers["leaver_gap"],
            "TSES",
        ),
    ]
