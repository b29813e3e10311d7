"""Differences between scenarios, with 95% intervals.

Runs of two scenarios with the same replicate seeds (common random numbers)
form independent pairs, so the mean difference gets Student's t interval on
the paired differences; without shared seeds, Welch's t interval. A
difference is *clear* when its interval excludes 0. Intervals are per
outcome and year, not adjusted for multiplicity; :func:`holm` judges
several outcomes together (each interval's t test, Holm's step-down).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

LEVEL = 0.95


def t_quantile(q: float, df):
    """Student's t quantile: ``scipy.stats.t.ppf(q, df)``, the same numbers.

    ``t.ppf`` is ``special.stdtrit`` behind argument checks; calling it
    directly spares a report the second it takes to import scipy.stats.
    """
    return special.stdtrit(df, q)


@dataclass(frozen=True)
class Interval:
    """An estimate with its confidence interval: the one interval type of the project.

    Attributes
    ----------
    estimate : float
        The mean (difference).
    low, high : float
        Interval bounds (NaN when fewer than two values).
    n : int
        Values (pairs) used.
    method : str
        ``"paired t"``, ``"Welch t"`` or ``"t"`` (a single sample's mean), or
        empty (Fisher z, HC3 and bootstrap intervals of the validation).
    p : float
        Two-sided p-value of the t test of 0 that matches a t interval (its
        interval excludes 0 exactly when ``p < 1 - level``); NaN otherwise.
    """

    estimate: float
    low: float
    high: float
    n: int = 0
    method: str = ""
    p: float = math.nan

    def __str__(self) -> str:
        return f"{self.estimate:.4g} [{self.low:.4g}, {self.high:.4g}]"

    @property
    def clear(self) -> bool:
        """Whether the interval excludes zero (a clear difference)."""
        if math.isnan(self.low) or math.isnan(self.high):
            return False
        return self.low > 0 or self.high < 0


def interval_columns(e: Interval, name: str, bounds: str = "") -> dict[str, float]:
    """An interval as table columns: ``name``, ``{bounds}low`` and ``{bounds}high``."""
    return {name: e.estimate, f"{bounds}low": e.low, f"{bounds}high": e.high}


def _floats(values: Iterable[float]) -> np.ndarray:
    return np.asarray(
        values if isinstance(values, np.ndarray | pd.Series) else list(values), dtype=float
    )


def _finite(values: Iterable[float]) -> np.ndarray:
    array = _floats(values)
    return array[np.isfinite(array)]


def mean_interval(values: Iterable[float], level: float = LEVEL) -> Interval:
    """Mean of ``values`` (one per replicate, NaN ignored) with its t interval at ``level``."""
    x = _finite(values)
    return _t_interval(x, level, "t")


def _t_interval(x: np.ndarray, level: float, method: str) -> Interval:
    n = x.size
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0, method)
    mean = float(x.mean())
    if n < 2:
        return Interval(mean, math.nan, math.nan, n, method)
    sd = float(x.std(ddof=1))
    half = float(t_quantile(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)
    return Interval(mean, mean - half, mean + half, n, method, _t_p(mean, sd / math.sqrt(n), n - 1))


def _t_p(estimate: float, se: float, df: float) -> float:
    """Two-sided p-value of ``estimate / se`` under Student's t with ``df`` degrees of freedom."""
    if se == 0:
        return 1.0 if estimate == 0 else 0.0
    return float(2 * special.stdtr(df, -abs(estimate) / se))


def holm(p_values: dict[str, float], level: float = LEVEL) -> dict[str, bool]:
    """Which of several tests reject together: Holm's step-down at family-wise ``1 - level``.

    The smallest p-value is compared with ``(1 - level) / m``, the next with
    ``(1 - level) / (m - 1)`` and so on, stopping at the first that is not
    below; the chance that any true zero is called clear stays at most
    ``1 - level`` whatever the tests' dependence (Holm 1979). A NaN p-value
    (no interval) is never clear and still counts in ``m``.
    """
    alpha = 1 - level
    order = sorted(p_values, key=lambda key: (math.isnan(p_values[key]), p_values[key]))
    clear = dict.fromkeys(p_values, False)
    for rank, key in enumerate(order):
        if not p_values[key] < alpha / (len(order) - rank):
            break
        clear[key] = True
    return clear


def paired_difference(
    plan: Iterable[float], baseline: Iterable[float], level: float = LEVEL
) -> Interval:
    """Mean of ``plan - baseline`` over pairs, with the paired t interval.

    Pairs where either value is NaN are left out.
    """
    a, b = _floats(plan), _floats(baseline)
    if a.shape != b.shape:
        raise ValueError(f"paired values need equal lengths, got {a.size} and {b.size}")
    d = a - b
    return _t_interval(d[np.isfinite(d)], level, "paired t")


def welch_difference(
    plan: Iterable[float], baseline: Iterable[float], level: float = LEVEL
) -> Interval:
    """Difference of means of two independent samples, with Welch's t interval."""
    a, b = _finite(plan), _finite(baseline)
    if a.size == 0 or b.size == 0:
        return Interval(math.nan, math.nan, math.nan, min(a.size, b.size), "Welch t")
    estimate = float(a.mean() - b.mean())
    if a.size < 2 or b.size < 2:
        return Interval(estimate, math.nan, math.nan, min(a.size, b.size), "Welch t")
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    se = math.sqrt(va + vb)
    n = min(a.size, b.size)
    if se == 0:
        return Interval(estimate, estimate, estimate, n, "Welch t", _t_p(estimate, se, 1))
    df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    half = float(t_quantile(0.5 + level / 2, df)) * se
    p = _t_p(estimate, se, df)
    return Interval(estimate, estimate - half, estimate + half, n, "Welch t", p)


def _paired_by_seed(plan: pd.DataFrame, baseline: pd.DataFrame) -> bool:
    """Whether the two summaries ran on the same replicate seeds (CRN)."""
    a = plan.drop_duplicates("replicate").set_index("replicate")["seed"]
    b = baseline.drop_duplicates("replicate").set_index("replicate")["seed"]
    return a.index.equals(b.index) and bool((a == b).all())


def differences(
    plan: pd.DataFrame, baseline: pd.DataFrame, outcomes: Iterable[str], level: float = LEVEL
) -> pd.DataFrame:
    """Plan minus baseline, for each outcome at the end of each year.

    Parameters
    ----------
    plan, baseline : DataFrame
        Per-replicate summaries (:attr:`analysis.experiments.replicates.Results.summary`):
        one row per replicate and year, with ``replicate``, ``seed``,
        ``year`` and the outcome columns.
    outcomes : iterable of str
        Columns to compare.
    level : float
        Confidence level.

    Returns
    -------
    DataFrame
        Tidy: one row per outcome and year, with ``baseline_mean``,
        ``plan_mean``, ``difference``, ``low``, ``high``, ``n``, ``method``,
        ``p`` (the t test's) and ``clear``. Paired (CRN) when both ran on the same seeds,
        otherwise Welch.
    """
    paired = _paired_by_seed(plan, baseline)
    compared = paired_difference if paired else welch_difference
    rows = []
    years = sorted(set(plan["year"]) & set(baseline["year"]))
    outcomes = list(outcomes)
    # each year's rows picked and put in replicate order once, not once per outcome
    by_year = {
        year: (_year_columns(plan, year, outcomes), _year_columns(baseline, year, outcomes))
        for year in years
    }
    for outcome in outcomes:
        for year in years:
            a, b = (columns[outcome] for columns in by_year[year])
            interval = compared(a, b, level)
            rows.append(
                {
                    "outcome": outcome,
                    "year": int(year),
                    "baseline_mean": _mean(b),
                    "plan_mean": _mean(a),
                    **interval_columns(interval, "difference"),
                    "n": interval.n,
                    "method": interval.method,
                    "p": interval.p,
                    "clear": interval.clear,
                }
            )
    return pd.DataFrame(rows)


def _year_columns(summary: pd.DataFrame, year: int, outcomes: list[str]) -> dict[str, np.ndarray]:
    """The ``outcomes`` at the end of ``year``, as float arrays in replicate order."""
    rows = summary[summary["year"] == year].sort_values("replicate")
    return {outcome: rows[outcome].to_numpy(dtype=float, na_value=np.nan) for outcome in outcomes}


def _mean(values: np.ndarray) -> float:
    """Mean ignoring NaN; NaN (without a warning) when every value is NaN."""
    return float(np.nanmean(values)) if not np.isnan(values).all() else math.nan


def cumulative(summary: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Running totals of per-year columns within each replicate (year 1 to y)."""
    columns = list(columns)
    ordered = summary.sort_values(["replicate", "year"]).copy()
    ordered[columns] = ordered.groupby("replicate")[columns].cumsum()
    return ordered
