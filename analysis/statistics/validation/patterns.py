"""The seven patterns of ``MODEL.md`` §8: what each experiment's results say.

Each ``pattern_N(tables, settings)`` returns a :class:`PatternResult`: its
claims, each a measured effect with its 95% interval and a verdict, plus
detail tables for the report. Culture is read at the end of the last year;
learning is averaged over the last two years' annual tests. The patterns
read across the population of schools (1 and 5) are in
:mod:`analysis.statistics.validation.population`; the others compare arms.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

import numpy as np
import pandas as pd

from analysis.experiments.validation import (
    ABLATION,
    SIZE,
    SIZE_CURVE,
    SOURCE_ARMS,
    STICKINESS,
    STRUCTURE,
    SUPPORT,
    Settings,
)
from analysis.statistics.intervals import interval_columns, mean_interval
from analysis.statistics.validation.claims import (
    MARGINS,
    STICKY_SHARE,
    STICKY_YEARS,
    PatternResult,
    band,
    difference_claims,
    slope_over_years,
    trajectory,
    yearly_means,
)
from analysis.statistics.validation.measures import (
    ablation_differences,
    channel_shares,
    half_life,
    impact,
    impact_interval,
    remaining_share,
    size_curve,
)
from analysis.statistics.validation.population import pattern_1, pattern_5
from analysis.statistics.validation.stats import (
    Claim,
    bootstrap_ci,
)
from simulation.outcomes import REGISTRY


def pattern_2(tables: Mapping[str, pd.DataFrame], settings: Settings) -> PatternResult:
    """Small vs large school, same structure and policies."""
    t = tables["size"]
    claims = difference_claims(
        t,
        "small",
        "large",
        [
            (
                "2a",
                "the small school ends with higher collective efficacy",
                "collective_efficacy",
                +1,
            ),
            ("2b", "the small school has higher gains", "annual_gain", +1),
            ("2c", "the small school has a flatter SES–gain slope", "ses_gain_slope", -1),
            (
                "2x",
                "(diagnostic) the small school ends with higher responsibility",
                "responsibility",
                +1,
            ),
        ],
    )
    claims[1] = replace(claims[1], **band("size_gain"))
    details = {
        "yearly": yearly_means(
            t, ["collective_efficacy", "annual_gain", "ses_gain_slope", "responsibility"]
        )
    }
    notes = []
    if "size_curve" in tables:
        details["curve"] = size_curve(tables["size_curve"])
        details["channels"] = channel_shares(tables["size_curve"])
        notes.append(
            f"The size curve ({SIZE_CURVE.description}; {SIZE_CURVE.years} years, "
            f"{SIZE_CURVE.replicates(settings)} replicates per size) is a held-out check: no "
            "parameter was set with it. Size acts only through the channels listed, each a "
            "process that can be switched off; nothing in the model names size."
        )
    return PatternResult(
        2,
        f"{SIZE.description}; {SIZE.years} years; {settings.replicates} replicates per "
        "arm (scenarios small_school, large_comprehensive)",
        claims,
        details=details,
        notes=notes,
    )


def pattern_3(tables: Mapping[str, pd.DataFrame], settings: Settings) -> PatternResult:
    """PLC vs egg-crate: the difference, and whether it grows."""
    t = tables["structure"]
    claims = difference_claims(
        t,
        "plc",
        "isolated",
        [
            ("3a", "PLC teams end with higher collective efficacy", "collective_efficacy", +1),
            ("3b", "PLC teams have higher gains", "annual_gain", +1),
        ],
    )
    for label, column, what in (
        ("3c", "collective_efficacy", "collective efficacy"),
        ("3d", "annual_gain", "gains"),
    ):
        diff = trajectory(t, "plc", column) - trajectory(t, "isolated", column)
        claims.append(
            Claim(
                label,
                f"the difference in {what} grows over the years",
                f"per-replicate OLS slope of the yearly {column} difference (PLC − isolated) "
                f"over years 1-{STRUCTURE.years}",
                mean_interval(slope_over_years(diff)),
                +1,
                margin=MARGINS[column] / 5,
                unit=f"{REGISTRY[column].unit} per year",
            )
        )
    alone = "(diagnostic) structure alone, no intervention plan in either:"
    diagnostics = (
        difference_claims(
            t,
            "plc_no_plan",
            "isolated_no_plan",
            [
                ("3x", f"{alone} collective efficacy", "collective_efficacy", +1),
                ("3y", f"{alone} gains", "annual_gain", +1),
            ],
        )
        if {"plc_no_plan", "isolated_no_plan"} <= set(t["arm"])
        else []
    )
    claims += diagnostics
    yearly = []
    contrasts = [("plc", "isolated")] + (
        [("plc_no_plan", "isolated_no_plan")] if diagnostics else []
    )
    for a, b in contrasts:
        for column in ("collective_efficacy", "annual_gain"):
            diff = trajectory(t, a, column) - trajectory(t, b, column)
            for year in diff.columns:
                yearly.append(
                    {"contrast": f"{a} − {b}", "measure": column, "year": int(year)}
                    | interval_columns(mean_interval(diff[year]), "difference")
                )
    return PatternResult(
        3,
        f"{STRUCTURE.description} (both run the PLC scenario's intervention plan); "
        f"{STRUCTURE.years} years; {settings.replicates} replicates per arm",
        claims,
        details={"yearly_difference": pd.DataFrame(yearly)},
        notes=[
            "Diagnostics 3x-3y remove the intervention plan from both arms to show "
            "what the team structure does on its own; they do not count in the "
            "verdict."
        ],
    )


def pattern_4(tables: Mapping[str, pd.DataFrame], settings: Settings) -> PatternResult:
    """Ablation of the four sources of self-efficacy."""
    t = tables["ablation"]
    means, years = ablation_differences(t, "self_efficacy_tses")
    spreads, _ = ablation_differences(t, "self_efficacy_sd")
    n = means["mastery"].shape[0]
    others = [s for s in SOURCE_ARMS if s != "mastery"]

    def contrast(*measures: dict[str, np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
        def statistic(idx: np.ndarray) -> np.ndarray:
            def one(source: str) -> np.ndarray:
                return impact(idx, *(m[source] for m in measures))

            largest = one(others[0])
            for source in others[1:]:  # as max() does: a later value replaces only if larger
                value = one(source)
                largest = np.where(value > largest, value, largest)
            return one("mastery") - largest

        return statistic

    rows = []
    for k, source in enumerate(SOURCE_ARMS):
        both, level = (
            impact_interval(*parts, draws=settings.bootstrap, seed=settings.seed + k)
            for parts in ((means[source], spreads[source]), (means[source],))
        )
        rows.append(
            {"source removed": source}
            | interval_columns(both, "impact", "impact_")
            | interval_columns(level, "mean_impact", "mean_impact_")
            | interval_columns(mean_interval(means[source][:, -1]), "final_mean", "final_mean_")
            | interval_columns(mean_interval(spreads[source][:, -1]), "final_sd", "final_sd_")
        )
    details = pd.DataFrame(rows)
    strongest = details.loc[details["impact"].idxmax(), "source removed"]
    span = f"years 1-{years[-1]}"
    claims = [
        Claim(
            "4a",
            "removing mastery changes the efficacy trajectories more than "
            "removing any other source",
            f"RMS over {span} of the distance between the distributions of teachers' "
            "TSES (ablated vs full; mean and SD, 2-Wasserstein for normals; noise "
            "removed): mastery's minus the largest of the others' (bootstrap)",
            bootstrap_ci(
                contrast(means, spreads), n, draws=settings.bootstrap, seed=settings.seed + 99
            ),
            +1,
            margin=MARGINS["self_efficacy_tses"],
            unit="TSES",
        ),
        Claim(
            "4x",
            "(diagnostic) the same on the school mean TSES alone",
            f"RMS over {span} of the mean TSES difference (noise removed): mastery's "
            "minus the largest of the others' (bootstrap)",
            bootstrap_ci(contrast(means), n, draws=settings.bootstrap, seed=settings.seed + 98),
            +1,
            margin=MARGINS["self_efficacy_tses"],
            unit="TSES",
        ),
    ]
    path = pd.DataFrame(
        [
            {"source removed": s, "year": y, "measure": measure, "difference": v}
            for measure, table in (("mean TSES", means), ("SD of TSES", spreads))
            for s in SOURCE_ARMS
            for y, v in zip(years, table[s].mean(axis=0), strict=True)
        ]
    )
    return PatternResult(
        4,
        f"{ABLATION.description} (scenario departments, 900 students); "
        f"{ABLATION.years} years; {settings.replicates} replicates per arm",
        claims,
        details={"ablation": details, "trajectory_difference": path},
        notes=[
            f"Largest impact on the efficacy trajectories: removing {strongest}.",
            "Efficacy trajectories are compared as distributions over teachers (their "
            "mean and spread each year), because mastery raises some teachers and "
            "lowers others: on the school mean alone (4x) its successes and failures "
            "largely cancel.",
        ],
    )


def pattern_6(tables: Mapping[str, pd.DataFrame], settings: Settings) -> PatternResult:
    """Coaching vs train-the-trainer: practice still in use at the end."""
    t = tables["support"]
    claims = difference_claims(
        t,
        "coaching",
        "train_the_trainer",
        [
            ("6a", "coaching sustains more evidence-based practice", "practice_share", +1),
            ("6x", "(diagnostic) and higher gains", "annual_gain", +1),
        ],
    )
    return PatternResult(
        6,
        f"{SUPPORT.description} (scenarios plc_coaching, plc_train_the_trainer); "
        f"{SUPPORT.years} years (support in force for 4); {settings.replicates} replicates "
        "per arm",
        claims,
        details={"yearly": yearly_means(t, ["practice_share", "annual_gain"])},
        notes=[
            "This pattern is not independent evidence: the practice use reached with "
            "coaching and after training alone (Joyce & Showers 2002) was used to set "
            "the adoption and fidelity parameters (docs/calibration.md, fitted targets). "
            "It shows the mechanism at work in a PLC school, nothing more."
        ],
    )


def pattern_7(tables: Mapping[str, pd.DataFrame], settings: Settings) -> PatternResult:
    """Stickiness: how much of a low-efficacy start survives strong interventions."""
    t = tables["stickiness"]
    y = STICKY_YEARS
    paths = {
        arm: trajectory(t, arm, "collective_efficacy")
        for arm in ("low", "typical", "low_malleable", "typical_malleable")
    }
    n = len(paths["low"])
    established = remaining_share(paths["low"], paths["typical"], y)
    malleable = remaining_share(paths["low_malleable"], paths["typical_malleable"], y)
    claims = [
        Claim(
            "7a",
            f"slow recovery: more than half of the collective-efficacy deficit "
            f"remains after {y} years of the turnaround plan",
            f"share of the starting deficit (untreated typical school − treated "
            f"low-efficacy school) left at the end of year {y} (bootstrap)",
            bootstrap_ci(established, n, draws=settings.bootstrap, seed=settings.seed + 7),
            +1,
            threshold=STICKY_SHARE,
            unit="share",
        ),
        Claim(
            "7b",
            "slower than where beliefs are still malleable",
            f"share left at year {y}: established staff − staff with "
            f"malleability_scale ×3 (bootstrap)",
            bootstrap_ci(
                lambda idx: established(idx) - malleable(idx),
                n,
                draws=settings.bootstrap,
                seed=settings.seed + 8,
            ),
            +1,
            margin=0.05,
            unit="share",
        ),
    ]
    for label, column in (("7x", "responsibility"), ("7y", "self_efficacy_tses")):
        low, typical = trajectory(t, "low", column), trajectory(t, "typical", column)
        claims.append(
            Claim(
                label,
                f"(diagnostic) more than half of the {column} deficit remains after {y} years",
                f"share of the starting {column} deficit left at year {y}",
                bootstrap_ci(
                    remaining_share(low, typical, y),
                    n,
                    draws=settings.bootstrap,
                    seed=settings.seed + 9,
                ),
                +1,
                threshold=STICKY_SHARE,
                unit="share",
            )
        )
    halves = {
        arm: half_life(paths[arm], paths[ref])
        for arm, ref in (("low", "typical"), ("low_malleable", "typical_malleable"))
    }
    return PatternResult(
        7,
        f"{STICKINESS.description} (scenario turnaround: PLC, CLEAR and data review "
        "from year 1, coaching and an intervention plan from year 2, self-evaluation "
        "from year 3; the comparator is turnaround_baseline with the default culture); "
        f"{STICKINESS.years} years; {settings.replicates} replicates per arm",
        claims,
        details={
            "yearly": yearly_means(
                t, ["collective_efficacy", "responsibility", "self_efficacy_tses", "annual_gain"]
            )
        },
        notes=[
            f"'Slowly' is defined before running: more than {STICKY_SHARE:.0%} of the "
            f"starting deficit left after {y} years (a half-life longer than {y} years, "
            "about a principal's tenure). Years until half the mean deficit is gone: "
            f"established staff {halves['low']:g}, malleable staff "
            f"{halves['low_malleable']:g}."
        ],
    )


PATTERNS: dict[int, Callable[[Mapping[str, pd.DataFrame], Settings], PatternResult]] = {
    1: pattern_1,
    2: pattern_2,
    3: pattern_3,
    4: pattern_4,
    5: pattern_5,
    6: pattern_6,
    7: pattern_7,
}
EXPERIMENTS_OF: dict[int, tuple[str, ...]] = {
    1: ("population",),
    2: ("size", "size_curve"),
    3: ("structure",),
    4: ("ablation",),
    5: ("population",),
    6: ("support",),
    7: ("stickiness",),
}
