"""Calibration check: the default model against published magnitudes, fitted apart from held out.

A **fitted** target set the parameters it names (``pins``): meeting it shows
the fit worked. A **held-out** target set no parameter: it checks the
model. The runs are declared in :mod:`analysis.experiments.calibration`,
the report is :mod:`analysis.reports.calibration`, and
``docs/calibration.md`` records what ``staffroom calibrate`` reported.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from analysis.experiments.calibration import arms, runs
from analysis.experiments.engines import run_all
from analysis.statistics.calibration_measures import (
    Target,
    career_measures,
    final_mean,
    novice_growth_ratio,
    paired_by_year,
    persistence_after,
    yearly_table,
)

# Internal consistency of the TSES (Tschannen-Moran & Woolfolk Hoy 2001): a
# survey's year-to-year correlation is the true-score correlation times the
# reliability (Spearman's attenuation), so that is what published
# correlations are compared with.
TSES_RELIABILITY = 0.9


def measure(
    reps: int = 8, workers: int = 1, seed: int = 1, on_done: Callable[[int], None] | None = None
) -> list[Target]:
    """Run the calibration experiments and measure every target.

    Parameters
    ----------
    reps : int
        Base number of replicates per experiment (some use a multiple).
    workers : int
        Worker processes; results do not depend on it.
    seed : int
        Base seed of the replicate seeds (every arm uses the same ones).
    on_done : callable, optional
        Progress callback, called with the number of runs finished.
    """
    jobs = runs(arms(reps), seed)
    results = run_all(jobs, workers=workers, on_done=on_done)
    by_arm: dict[str, list[Any]] = {}
    for job, result in zip(jobs, results, strict=True):
        by_arm.setdefault(job.arm, []).append(result)
    return fitted_targets(by_arm) + held_out_targets(by_arm)


def fitted_targets(by_arm: Mapping[str, list[Any]]) -> list[Target]:
    """Targets used to set parameters (and the inputs they only restate)."""
    base = yearly_table(by_arm["default"])
    ends = base[base["year"] >= 1]
    start = base[base["year"] == 0]
    # beliefs after a three-year burn-in: the starting draw's arbitrary spread
    # has decayed and what is left is the model's own
    typical = yearly_table(by_arm["typical6"])
    settled = typical[typical["year"] >= 4]
    effects = pd.DataFrame(by_arm["effects"])
    coached = pd.DataFrame(by_arm["coaching_full"])
    trainers = pd.DataFrame(by_arm["trainers"])
    poor = yearly_table(by_arm["poverty"])
    typical_rate = typical.loc[typical["year"] >= 1, "turnover_rate"].mean()
    networks = {s: pd.DataFrame(by_arm[f"network_{s}"]).mean() for s in ("departments", "plc")}
    return [
        Target(
            "annual gain",
            "0.19-0.25 (grades 9-11)",
            "Bloom, Hill, Black & Lipsey 2008",
            (0.19, 0.25),
            float(ends["annual_gain"].mean()),
            "SD/year",
            pins=("baseline_growth",),
        ),
        Target(
            "SES gap at entry (top vs bottom quartile)",
            "0.9-1.25",
            "Reardon 2011",
            (0.9, 1.25),
            float(start["ses_gap"].mean()),
            "SD",
            pins=("ses_achievement_slope", "ses_sd"),
            restates="ses_achievement_slope",
        ),
        Target(
            "mean TSES (years 4-6)",
            "about 7.1",
            "Tschannen-Moran & Woolfolk Hoy 2001",
            (6.8, 7.4),
            float(settled["self_efficacy_tses"].mean()),
            "TSES",
            pins=("initial_self_efficacy", "success_credit", "goal_efficacy"),
        ),
        Target(
            "SD of TSES as a survey sees it (reliability 0.9; years 4-6)",
            "0.94 (long form), 0.98 (short)",
            "Tschannen-Moran & Woolfolk Hoy 2001",
            (0.8, 1.1),
            float(settled["self_efficacy_sd"].mean()) / np.sqrt(TSES_RELIABILITY),
            "TSES",
            pins=("initial_self_efficacy_sd", "mastery_rate", "goal_efficacy", "persuasion_rate"),
        ),
        Target(
            "SD of teachers' effect on a typical student",
            "0.11-0.15",
            "Hanushek & Rivkin 2010",
            (0.11, 0.15),
            float(effects["effect_sd"].mean()),
            "SD/year",
            pins=("skill_sd",),
            restates="skill_sd",
        ),
        Target(
            "annual turnover (moved or left)",
            "about 0.16 (0.15-0.17 since 2000)",
            "NCES Teacher Follow-up Survey 2012-13",
            (0.13, 0.19),
            float(typical_rate),
            pins=("move_base", "leave_base"),
        ),
        Target(
            "share who moved to another school",
            "0.08",
            "NCES TFS 2012-13",
            (0.06, 0.10),
            float(typical.loc[typical["year"] >= 1, "move_rate"].mean()),
            pins=("move_base",),
        ),
        Target(
            "share who left teaching",
            "0.08",
            "NCES TFS 2012-13",
            (0.06, 0.10),
            float(typical.loc[typical["year"] >= 1, "leave_rate"].mean()),
            pins=("leave_base",),
        ),
        Target(
            "turnover at 60% disadvantaged vs typical",
            "about 1.5x",
            "Carver-Thomas & Darling-Hammond 2017; NCES TFS 2012-13",
            (1.3, 1.7),
            float(poor.loc[poor["year"] >= 1, "turnover_rate"].mean() / typical_rate),
            pins=("turnover_poverty",),
        ),
        Target(
            "moving rate of teachers in years 1-3 over others",
            "about 1.6 (12.5% vs 7.6%)",
            "NCES TFS 2012-13",
            (1.3, 2.0),
            career_measures(by_arm)["novice_moves"],
            pins=("turnover_novice",),
        ),
        Target(
            "novices' skill growth over 4 years, PLC vs egg-crate school",
            "1.2-1.6 (38% more in the 75th than the 25th percentile environment)",
            "Kraft & Papay 2014",
            (1.2, 1.6),
            novice_growth_ratio(by_arm),
            pins=("support_growth",),
        ),
        Target(
            "gain of coached teachers' students (practice at their fidelity)",
            "about 0.18",
            "Kraft, Blazar & Hogan 2018",
            (0.14, 0.22),
            float(coached["practice_gain"].mean()),
            "SD/year",
            pins=("practice_effect",),
            restates="practice_effect x fidelity_expert",
        ),
        Target(
            "practice use with coaching for all (year 3)",
            "0.75-0.95",
            "Joyce & Showers 2002",
            (0.75, 0.95),
            float(coached["practice_share"].mean()),
            pins=("adoption_coaching", "fidelity_rate", "fidelity_expert"),
            restates="adoption and fidelity parameters",
        ),
        Target(
            "practice use after training alone (trainees, year 3)",
            "about 0.05",
            "Joyce & Showers 2002",
            (0.0, 0.15),
            float(trainers["practice_share_trainees"].mean()),
            pins=("adoption_base", "adoption_training", "fidelity_decay"),
            restates="adoption and fidelity parameters",
        ),
        Target(
            "teacher-induced gain left after one year",
            "0.2-0.5",
            "Jacob, Lefgren & Sims 2010; Kinsler 2012; Chetty, Friedman & Rockoff 2014",
            (0.2, 0.5),
            persistence_after(1),
            "share",
            pins=("persistence_one_year",),
            restates="persistence_one_year",
        ),
        Target(
            "teacher-induced gain left after five years",
            "about 0.2-0.25",
            "Chetty, Friedman & Rockoff 2014; Jacob, Lefgren & Sims 2010",
            (0.15, 0.3),
            persistence_after(5),
            "share",
            pins=("persistence_long_run",),
            restates="persistence_long_run",
        ),
        Target(
            "network density, 900 students",
            "0.05-0.30",
            "Moolenaar et al. 2012",
            (0.05, 0.30),
            float(networks["departments"]["density"]),
            pins=("department_ties", "informal_ties"),
            restates="tie counts",
        ),
        Target(
            "ties per teacher (departments)",
            "3-6",
            "Moolenaar et al. 2012",
            (3, 6),
            float(networks["departments"]["ties"]),
            pins=("department_ties", "informal_ties"),
            restates="department_ties + informal_ties",
        ),
        Target(
            "ties per teacher (PLC)",
            "3-6",
            "Moolenaar et al. 2012",
            (3, 6),
            float(networks["plc"]["ties"]),
            pins=("team_size", "department_ties"),
            restates="team_size + ties",
        ),
    ]


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
    by_year = long_run[long_run["year"] >= 1].groupby("year").mean(numeric_only=True)
    drift = float(np.polyfit(by_year.index.to_numpy(float), by_year["annual_gain"], 1)[0])
    usual = final_mean(by_arm["usual"], "self_efficacy_tses")
    goal_shift = max(
        abs(final_mean(by_arm[arm], "self_efficacy_tses") - usual) for arm in ("fast", "slow")
    )
    scenarios = [yearly_table(r) for name, r in by_arm.items() if name.startswith("scenario:")]
    top_tses = max(float(t.groupby("year")["self_efficacy_tses"].mean().max()) for t in scenarios)
    top_gain = max(
        float(t[t["year"] >= 1].groupby("year")["annual_gain"].mean().max()) for t in scenarios
    )
    careers = career_measures(by_arm)
    return [
        Target(
            "coaching (2 coaches, departments, 900 students): largest one-year effect on "
            "annual gain",
            "0.05-0.20; 0.18 for coached teachers, less at scale",
            "Kraft, Blazar & Hogan 2018",
            (0.05, 0.20),
            float(coaching_gain.max()),
            "SD/year",
        ),
        Target(
            "coaching (same): effect on achievement after 5 years",
            "below 0.35",
            "Kraft, Blazar & Hogan 2018 with fade-out (Jacob, Lefgren & Sims 2010)",
            (-np.inf, 0.35),
            float(coaching_level.iloc[-1]),
            "SD",
        ),
        Target(
            "turnaround against its baseline: largest yearly effect on annual gain",
            "below 0.30 in every year",
            "Kraft et al. 2018; Bloom et al. 2008 (a year's growth is 0.2-0.25)",
            (-np.inf, 0.30),
            float(turnaround.max()),
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
            float(by_year["self_efficacy_tses"].iloc[-1]),
            "TSES",
        ),
        Target(
            "baseline growth 0.12 or 0.32 instead of 0.22: change in mean TSES after 5 years",
            "below 0.3 (aspirations adapt)",
            "Cyert & March 1963; Greve 2003",
            (0.0, 0.3),
            float(goal_shift),
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
