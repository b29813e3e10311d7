"""Calibration check: the default model against published magnitudes, fitted apart from held out.

A **fitted** target set the parameters it names (``pins``): meeting it shows
the fit worked; they are listed here. A **held-out** target set no
parameter: it checks the model (:mod:`analysis.statistics.calibration_checks`).
Each value has a 95% interval over the replicate seeds and a verdict
(:mod:`analysis.statistics.calibration_bootstrap`). The runs are declared in
:mod:`analysis.experiments.calibration`, the report is
:mod:`analysis.reports.calibration`, and ``docs/calibration.md`` records
what ``staffroom calibrate`` reported.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from analysis.experiments.calibration import arms, runs
from analysis.experiments.engines import run_all
from analysis.statistics.calibration_bootstrap import constant
from analysis.statistics.calibration_careers import career_measures
from analysis.statistics.calibration_checks import held_out_targets
from analysis.statistics.calibration_measures import (
    TSES_RELIABILITY,
    Target,
    field_mean,
    novice_growth_ratio,
    persistence_after,
    replicate_mean,
    yearly_table,
)


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
    coached, trainers = by_arm["coaching_full"], by_arm["trainers"]
    poor = yearly_table(by_arm["poverty"])
    turnover = typical[typical["year"] >= 1]
    typical_rate = replicate_mean(turnover, "turnover_rate")
    departments, plc = by_arm["network_departments"], by_arm["network_plc"]
    return [
        Target(
            "annual gain",
            "0.19-0.25 (grades 9-11)",
            "Bloom, Hill, Black & Lipsey 2008",
            (0.19, 0.25),
            replicate_mean(ends, "annual_gain"),
            "SD/year",
            pins=("baseline_growth",),
        ),
        Target(
            "SES gap at entry (top vs bottom quartile)",
            "0.9-1.25",
            "Reardon 2011",
            (0.9, 1.25),
            replicate_mean(start, "ses_gap"),
            "SD",
            pins=("ses_achievement_slope", "ses_sd"),
            restates="ses_achievement_slope",
        ),
        Target(
            "mean TSES (years 4-6)",
            "about 7.1",
            "Tschannen-Moran & Woolfolk Hoy 2001",
            (6.8, 7.4),
            replicate_mean(settled, "self_efficacy_tses"),
            "TSES",
            pins=("initial_self_efficacy", "success_credit", "goal_efficacy"),
        ),
        Target(
            "SD of TSES as a survey sees it (reliability 0.9; years 4-6)",
            "0.94 (long form), 0.98 (short)",
            "Tschannen-Moran & Woolfolk Hoy 2001",
            (0.8, 1.1),
            replicate_mean(settled, "self_efficacy_sd") / np.sqrt(TSES_RELIABILITY),
            "TSES",
            pins=("initial_self_efficacy_sd", "mastery_rate", "goal_efficacy", "persuasion_rate"),
        ),
        Target(
            "SD of teachers' effect on a typical student",
            "0.11-0.17 (reading below math)",
            "Hanushek & Rivkin 2010 (averages read as 0.11/0.15 or 0.13/0.17; unverified); "
            "Chetty, Friedman & Rockoff 2014 (0.12-0.16)",
            (0.11, 0.17),
            field_mean(by_arm["effects"], "effect_sd"),
            "SD/year",
            pins=("skill_sd",),
            restates="skill_sd",
        ),
        Target(
            "annual turnover (moved or left)",
            "about 0.16 (0.15-0.17 since 2000)",
            "NCES Teacher Follow-up Survey 2012-13",
            (0.13, 0.19),
            typical_rate,
            pins=("move_base", "leave_base"),
        ),
        Target(
            "share who moved to another school",
            "0.08",
            "NCES TFS 2012-13",
            (0.06, 0.10),
            replicate_mean(turnover, "move_rate"),
            pins=("move_base",),
        ),
        Target(
            "share who left teaching",
            "0.08",
            "NCES TFS 2012-13",
            (0.06, 0.10),
            replicate_mean(turnover, "leave_rate"),
            pins=("leave_base",),
        ),
        Target(
            "turnover at 60% disadvantaged vs typical",
            "about 1.5x",
            "Carver-Thomas & Darling-Hammond 2017; NCES TFS 2012-13",
            (1.3, 1.7),
            replicate_mean(poor[poor["year"] >= 1], "turnover_rate") / typical_rate,
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
            field_mean(coached, "practice_gain"),
            "SD/year",
            pins=("practice_effect",),
            restates="practice_effect x fidelity_expert",
        ),
        Target(
            "practice use with coaching for all (year 3)",
            "0.75-0.95",
            "Joyce & Showers 2002",
            (0.75, 0.95),
            field_mean(coached, "practice_share"),
            pins=("adoption_coaching", "fidelity_rate", "fidelity_expert"),
            restates="adoption and fidelity parameters",
        ),
        Target(
            "practice use after training alone (trainees, year 3)",
            "about 0.05",
            "Joyce & Showers 2002",
            (0.0, 0.15),
            field_mean(trainers, "practice_share_trainees"),
            pins=("adoption_base", "adoption_training", "fidelity_decay"),
            restates="adoption and fidelity parameters",
        ),
        Target(
            "teacher-induced gain left after one year",
            "0.2-0.5",
            "Jacob, Lefgren & Sims 2010; Kinsler 2012; Chetty, Friedman & Rockoff 2014",
            (0.2, 0.5),
            constant(persistence_after(1)),
            "share",
            pins=("persistence_one_year",),
            restates="persistence_one_year",
        ),
        Target(
            "teacher-induced gain left after five years",
            "about 0.2-0.25",
            "Chetty, Friedman & Rockoff 2014; Jacob, Lefgren & Sims 2010",
            (0.15, 0.3),
            constant(persistence_after(5)),
            "share",
            pins=("persistence_long_run",),
            restates="persistence_long_run",
        ),
        Target(
            "network density, 900 students",
            "0.05-0.30",
            "typical advice-network range, no single study (assumption)",
            (0.05, 0.30),
            field_mean(departments, "density"),
            pins=("department_ties", "informal_ties"),
            restates="tie counts",
        ),
        Target(
            "ties per teacher (departments)",
            "3-6",
            "typical advice-network range, no single study (assumption)",
            (3, 6),
            field_mean(departments, "ties"),
            pins=("department_ties", "informal_ties"),
            restates="department_ties + informal_ties",
        ),
        Target(
            "ties per teacher (PLC)",
            "3-6",
            "typical advice-network range, no single study (assumption)",
            (3, 6),
            field_mean(plc, "ties"),
            pins=("team_size", "department_ties"),
            restates="team_size + ties",
        ),
    ]
