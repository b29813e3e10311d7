"""Calibration measures of teachers' careers: novices' first year, stability, sources, leaving.

Each is pooled over the teachers of every replicate, as a
:class:`~analysis.statistics.calibration_bootstrap.Measure` of per-replicate
totals, so that resampling replicate seeds resamples whole schools.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from analysis.statistics.calibration_bootstrap import Measure, total
from analysis.statistics.calibration_measures import (
    pooled_mean,
    replicate_sums,
    teacher_table,
    year_ends,
)
from simulation import WEEKS_PER_YEAR
from simulation.processes.turnover import LEAVE, MOVE


def career_measures(by_arm: Mapping[str, list[Any]]) -> dict[str, Measure]:
    """Novices' first year, stability, sources, late career and who leaves."""
    out: dict[str, Measure] = {}
    for structure in ("isolated", "plc"):
        results = by_arm[f"career_{structure}"]
        teachers = teacher_table(results)
        hired = year_ends(teachers, 1)
        hired = hired[hired["departure"] != 0]  # rows refilled by hires this summer
        year2 = year_ends(teachers, 2).set_index(["replicate", "row"])
        keys = list(zip(hired["replicate"], hired["row"], strict=True))
        novice = year2.loc[keys]
        novice = novice[novice["experience"] < 1.05].reset_index()
        # a hire's starting TSES is the model's novice hire level
        start = 1 + 8 * _hire_start()
        out[f"dip_{structure}"] = pooled_mean(novice, "self_efficacy_tses", len(results)) - start
    typical = by_arm["typical6"]
    settled = teacher_table(typical)
    y4 = year_ends(settled, 4).set_index(["replicate", "AgentID"])
    y5 = year_ends(settled, 5).set_index(["replicate", "AgentID"])
    veterans = y4[y4["experience"] > 5].index.intersection(y5.index)
    pairs = pd.DataFrame(
        {"x": y4.loc[veterans, "self_efficacy"], "y": y5.loc[veterans, "self_efficacy"]}
    ).reset_index()
    out["stability"] = pooled_correlation(pairs, len(typical))
    out.update(_source_ratios(by_arm["default"]))
    ends = settled[settled["Step"] % WEEKS_PER_YEAR == 0]
    n = len(typical)
    mid = ends[(ends["experience"] >= 10) & (ends["experience"] < 25)]
    late = ends[ends["experience"] >= 25]
    out["late_fall"] = pooled_mean(mid, "self_efficacy_tses", n) - pooled_mean(
        late, "self_efficacy_tses", n
    )
    novices = ends["experience"] < 3
    moved = ends["departure"] == MOVE
    out["novice_moves"] = pooled_mean(ends[novices], moved[novices], n) / pooled_mean(
        ends[~novices], moved[~novices], n
    )
    veterans_20 = ends[ends["experience"] >= 20]
    out["veteran_leaves"] = pooled_mean(veterans_20, veterans_20["departure"] == LEAVE, n)
    went = ends["departure"] != 0
    out["leaver_gap"] = pooled_mean(ends[~went], "self_efficacy_tses", n) - pooled_mean(
        ends[went], "self_efficacy_tses", n
    )
    return out


def pooled_correlation(pairs: pd.DataFrame, replicates: int) -> Measure:
    """Pearson correlation of columns ``x`` and ``y`` over the rows of every replicate pooled.

    The correlation of the drawn replicates' rows, from their totals of
    ``x``, ``y``, their squares and product (centred on the overall means
    first, which leaves the correlation as it is and keeps the sums exact).
    """
    x = pairs["x"] - pairs["x"].mean()
    y = pairs["y"] - pairs["y"].mean()
    parts = [pd.Series(1.0, index=pairs.index), x, y, x * x, y * y, x * y]
    sums = np.column_stack([replicate_sums(pairs, p, replicates) for p in parts])

    def correlation(t: np.ndarray) -> np.ndarray:
        n, sx, sy, sxx, syy, sxy = np.moveaxis(t, -1, 0)
        return (sxy - sx * sy / n) / np.sqrt((sxx - sx * sx / n) * (syy - sy * sy / n))

    return total(sums).apply(correlation)


def _source_ratios(results: list[Any]) -> dict[str, Measure]:
    """Social (vicarious and persuasion) over mastery sources in year 2, by experience."""
    base = teacher_table(results)
    weekly = base[(base["Step"] > WEEKS_PER_YEAR) & (base["Step"] <= 2 * WEEKS_PER_YEAR)]
    ratios = {}
    for label, mask in (
        ("novice", weekly["experience"] < 3),
        ("veteran", weekly["experience"] > 10),
    ):
        g = weekly[mask]
        social = g["source_vicarious"].abs() + g["source_persuasion"].abs()
        mastery = total(replicate_sums(g, g["source_mastery"].abs(), len(results)))
        ratios[label] = total(replicate_sums(g, social, len(results))) / mastery.apply(
            lambda m: np.maximum(m, 1e-12)
        )
    return {
        "source_ratio": ratios["novice"] / ratios["veteran"],
        "veteran_ratio": ratios["veteran"],
    }


def _hire_start() -> float:
    from simulation import Parameters
    from simulation.parameters import from_tses

    return float(from_tses(Parameters().hire_self_efficacy))
