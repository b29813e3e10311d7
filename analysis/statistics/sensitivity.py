"""Which factors matter: sensitivity indices from a sweep's design and outcomes.

Sobol indices for Saltelli designs, Morris screening for trajectories,
RBD-FAST for Latin hypercubes (all by SALib), and cell means with main
effects for factorial grids; the README's sensitivity section explains each.
The outcome analysed is a design point's mean over its replicates; every
interval adds, in quadrature, the method's own bootstrap and the
replicates' (:func:`replicate_uncertainty`), and :func:`noise_floor` says
how much of a total index noise alone would give. Functions take plain arrays
and a :class:`~analysis.experiments.sweeps.Design`, so the tests check them
on the Ishigami function.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.experiments.sweeps.design import Design
from analysis.statistics.intervals import interval_columns, mean_interval
from simulation import InputError

CONF_LEVEL = 0.95
RESAMPLES = 1000
#: Resamples of the replicates (each recomputes the indices once).
REPLICATE_RESAMPLES = 200
#: Harmonics RBD-FAST sums (SALib's M): its estimate needs over 2M points, its bootstrap 4M + 2.
RBD_HARMONICS = 10
#: Smallest designs whose intervals mean much: below these the analysis warns.
ADVISED = {"lhs": ("samples", 100), "sobol": ("n", 64), "morris": ("trajectories", 10)}


# indices from (design, y)


def sobol_indices(
    design: Design, y: np.ndarray, *, seed: int = 1
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Sobol first-order and total indices with confidence intervals.

    Parameters
    ----------
    design : Design
        A ``sobol`` design (points in SALib's order).
    y : array of shape (design.size,)
        The outcome at each design point.

    Returns
    -------
    indices : DataFrame
        One row per factor: ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (the
        half-width of the 95% bootstrap interval).
    second_order : DataFrame or None
        One row per pair of factors (``S2``, ``S2_conf``), if sampled.
    """
    _check_kind(design, "sobol")
    result = _analyze(design, y, seed, RESAMPLES)
    table = pd.DataFrame(
        {
            "factor": design.names,
            "S1": result["S1"],
            "S1_conf": result["S1_conf"],
            "ST": result["ST"],
            "ST_conf": result["ST_conf"],
        }
    )
    if not design.options.get("second_order", True):
        return table, None
    pairs = [
        (design.names[i], design.names[j], result["S2"][i, j], result["S2_conf"][i, j])
        for i, j in itertools.combinations(range(len(design.names)), 2)
    ]
    return table, pd.DataFrame(pairs, columns=["factor_1", "factor_2", "S2", "S2_conf"])


def morris_indices(design: Design, y: np.ndarray, *, seed: int = 1) -> pd.DataFrame:
    """Morris elementary-effects screening: ``mu``, ``mu_star`` (with interval), ``sigma``."""
    _check_kind(design, "morris")
    result = _analyze(design, y, seed, RESAMPLES)
    return pd.DataFrame(
        {
            "factor": design.names,
            "mu": np.asarray(result["mu"]),
            "mu_star": np.asarray(result["mu_star"]),
            "mu_star_conf": np.asarray(result["mu_star_conf"]),
            "sigma": np.asarray(result["sigma"]),
        }
    )


def rbd_fast_indices(design: Design, y: np.ndarray, *, seed: int = 1) -> pd.DataFrame:
    """First-order indices from any sample (here a Latin hypercube) by RBD-FAST."""
    _check_kind(design, "lhs")
    result = _analyze(design, y, seed, RESAMPLES)
    conf = np.asarray(result["S1_conf"], dtype=float)
    return pd.DataFrame({"factor": design.names, "S1": np.asarray(result["S1"]), "S1_conf": conf})


def main_effects(frame: pd.DataFrame, factors: Sequence[str], column: str) -> pd.DataFrame:
    """Each factor's main effect on ``column`` in a grid (one row per run).

    ``eta_squared`` is the share of the variance over all runs that the
    factor's level means explain; ``lowest_mean`` and ``highest_mean`` are
    the extreme level means, ``lowest_at`` and ``highest_at`` their levels.
    """
    values = frame[column]
    total = float(((values - values.mean()) ** 2).sum())
    rows = []
    for name in factors:
        groups = frame.groupby(name, sort=True, observed=True)[column]
        means, counts = groups.mean(), groups.count()
        between = float((counts * (means - values.mean()) ** 2).sum())
        rows.append(
            {
                "factor": name,
                "eta_squared": between / total if total > 0 else 0.0,
                "lowest_mean": float(means.min()),
                "lowest_at": means.idxmin(),
                "highest_mean": float(means.max()),
                "highest_at": means.idxmax(),
            }
        )
    return pd.DataFrame(rows)


INDEX_COLUMNS = {"sobol": ("S1", "ST"), "morris": ("mu_star",), "lhs": ("S1",)}


def replicate_uncertainty(
    design: Design,
    values: np.ndarray,
    *,
    seed: int = 1,
    resamples: int = REPLICATE_RESAMPLES,
    common: bool = False,
) -> pd.DataFrame:
    """Half-widths (95%) of the indices that come from simulation noise alone.

    Each resample draws replicates with replacement, averages each point's
    draws and recomputes the indices (point estimates only); their spread
    over the resamples is the uncertainty the replicates add. The unit drawn
    is the independent one: with independent seeds, each point's runs; with
    common random numbers the seed, one draw of replicate columns for every
    point (drawing points apart would count the seed effect they share as
    noise between points, and widen the intervals several times over).

    Parameters
    ----------
    design : Design
        A ``sobol``, ``morris`` or ``lhs`` design.
    values : array of shape (design.size, replicates)
        The outcome of every run, a row per design point. Runs that are not
        finite are left out: a point's finite runs are drawn, or under common
        random numbers only the seeds finite at every point
        (:func:`usable_runs`).
    common : bool
        Whether replicate ``r`` ran on the same seed at every point.

    Returns
    -------
    DataFrame
        One row per factor, a ``<index>_conf_replicates`` column per index;
        NaN when the noise cannot be measured (no point with two usable runs).
    """
    from scipy import stats

    columns = INDEX_COLUMNS[design.kind]
    values = usable_runs(values, common)
    finite = np.isfinite(values)
    common = common and bool(finite.all())  # no complete seed: point by point (wider)
    counts = finite.sum(axis=1)
    points, replicates = values.shape
    out = pd.DataFrame({"factor": design.names})
    if replicates < 2 or counts.max() < 2:
        for column in columns:
            out[f"{column}_conf_replicates"] = np.nan
        return out
    if (counts == 0).any():
        raise ValueError("every design point needs at least one finite run")
    # each row's finite runs first: drawing positions below its count draws them alone
    values = np.take_along_axis(values, np.argsort(~finite, axis=1, kind="stable"), axis=1)
    kept = np.arange(replicates) < counts[:, None]
    rng = np.random.default_rng(seed)
    rows = np.arange(points)[:, None]
    estimates = {column: [] for column in columns}
    for _ in range(resamples):
        if common:  # complete seeds only: one vector of columns for all points
            drawn = values[:, rng.integers(0, replicates, replicates)]
        else:
            drawn = values[rows, rng.integers(0, counts[:, None], size=(points, replicates))]
        means = drawn.mean(axis=1) if kept.all() else np.nanmean(np.where(kept, drawn, np.nan), 1)
        result = _analyze(design, means, seed, resamples=2)  # indices alone
        for column in columns:
            estimates[column].append(np.asarray(result[column], dtype=float))
    z = stats.norm.ppf(0.5 + CONF_LEVEL / 2)
    for column in columns:
        out[f"{column}_conf_replicates"] = z * np.std(estimates[column], axis=0, ddof=1)
    return out


def usable_runs(values: np.ndarray, common: bool = False) -> np.ndarray:
    """The runs the indices use: the finite ones, and under CRN whole seeds only.

    With independent seeds a point's mean is over its finite runs. With
    common random numbers a point missing seed ``r`` would be compared with
    points that have it, so its mean would carry a seed effect the others
    do not; the seeds finite at every point are kept instead (all finite
    runs, point by point, if no seed is complete). ``values`` is (points,
    replicates), a row per design point; ``common`` says whether replicate
    ``r`` ran on the same seed at every point. Returns the runs kept
    (points, kept replicates), non-finite ones as NaN.
    """
    values = np.asarray(values, dtype=float)
    finite = np.isfinite(values)
    complete = finite.all(axis=0)
    if common and complete.any():
        return values[:, complete]
    return np.where(finite, values, np.nan)


def missing_runs_note(values: np.ndarray, common: bool = False) -> str | None:
    """How many runs are not finite and how the analysis handles them (None if none)."""
    values = np.asarray(values, dtype=float)
    bad = ~np.isfinite(values)
    if not bad.any():
        return None
    points, replicates = values.shape
    said = (
        f"{int(bad.sum())} of {values.size} runs ({int(bad.any(axis=1).sum())} of "
        f"{points} design points) have no finite value: "
    )
    complete = int((~bad.any(axis=0)).sum())
    if common and complete:
        return said + (
            "with common random numbers a seed is used only if it is finite at every "
            f"point, so the means and the replicate part of the intervals use {complete} "
            f"of the {replicates} seeds"
            + (" (one seed: the replicate part cannot be measured)" if complete < 2 else "")
        )
    return said + (
        ("no seed is finite at every point, so " if common else "")
        + "each point's mean is over its finite runs, and the replicate part of the "
        "intervals resamples those runs within each point"
        + (" (wider than a draw of whole seeds)" if common else "")
    )


def noise_floor(values: np.ndarray, common: bool = False) -> float:
    """Share of the point means' variance that simulation noise alone gives.

    Noise in a point's mean adds its variance (sigma^2 / replicates) to the
    numerator of every Sobol total index, so a factor with no effect has ST
    near this share and no bootstrap shows it: a total index at or below the
    floor cannot be told apart from noise. The noise variance is the pooled
    within-point variance of the runs; with common random numbers, the
    residual of points by seeds (the seed effect all points share shifts
    every mean alike, which changes no index).

    Parameters
    ----------
    values : array of shape (points, replicates)
        The outcome of every run, a row per design point.
    common : bool
        Whether replicate ``r`` ran on the same seed at every point.

    Returns
    -------
    float
        The noise variance of a point mean over the variance of the point
        means; NaN with fewer than two usable runs per point.
    """
    values = usable_runs(values, common)
    counts = np.isfinite(values).sum(axis=1)
    means = np.nanmean(values, axis=1)
    spread = float(np.var(means))
    if counts.max() < 2 or spread == 0:
        return np.nan
    points, replicates = values.shape
    if common and counts.min() == replicates:
        residual = values - means[:, None] - values.mean(axis=0) + values.mean()
        variance = float((residual**2).sum()) / ((points - 1) * (replicates - 1))
    else:
        variance = float(np.nanmean(np.nanvar(values[counts >= 2], axis=1, ddof=1)))
    return variance * float(np.mean(1 / counts)) / spread


def with_replicate_uncertainty(table: pd.DataFrame, extra: pd.DataFrame) -> pd.DataFrame:
    """Add the replicates' half-widths to the design's, in quadrature (independent parts)."""
    table = table.merge(extra, on="factor", how="left")
    for column in extra.columns.drop("factor"):
        index = column.removesuffix("_conf_replicates")
        replicate = table[column].fillna(0.0)
        table[f"{index}_conf"] = np.sqrt(table[f"{index}_conf"] ** 2 + replicate**2)
    return table


def design_warnings(design: Design, replicates: int) -> list[str]:
    """What makes this design's indices less certain than they look, in sentences."""
    notes = []
    if design.kind in ADVISED:
        option, advised = ADVISED[design.kind]
        size = design.options.get(option, design.size)
        if design.kind == "lhs" and design.size <= 4 * RBD_HARMONICS + 2:
            notes.append(
                f"a Latin hypercube of {design.size} samples is too small for "
                f"RBD-FAST ({RBD_HARMONICS} harmonics): the indices are biased and "
                f"their intervals cannot be estimated (shown as nan); use samples >= "
                f"{advised}"
            )
        elif size < advised:
            notes.append(
                f"{option} = {size} is small for a {design.kind} design: the "
                f"indices are rough and their intervals wide; {option} >= {advised} "
                "is advised"
            )
    if replicates < 2:
        what = "intervals" if design.kind != "factorial" else "cells and main effects"
        notes.append(
            f"one run per design point: the {what} leave out simulation noise, "
            "which can change the ranking of the factors from one seed to another; "
            "use replicates >= 2 (3-5 is typical) so that it can be measured"
        )
    return notes


def grid(
    frame: pd.DataFrame,
    x: str,
    y: str,
    column: str,
    *,
    x_levels: Sequence | None = None,
    y_levels: Sequence | None = None,
) -> pd.DataFrame:
    """Mean of ``column`` in every cell of factors ``x`` (columns) and ``y`` (rows).

    ``x_levels`` and ``y_levels`` fix the order of the columns and rows
    (default: sorted).
    """
    cells = frame.pivot_table(
        index=y, columns=x, values=column, aggfunc="mean", observed=True, sort=True
    )
    if y_levels is not None:
        cells = cells.reindex(index=list(y_levels))
    if x_levels is not None:
        cells = cells.reindex(columns=list(x_levels))
    return cells


def grid_intervals(frame: pd.DataFrame, x: str, y: str, column: str) -> pd.DataFrame:
    """Every cell of ``x`` by ``y``: mean, 95% t interval and runs (tidy, one row per cell)."""
    rows = []
    for (y_value, x_value), values in frame.groupby([y, x], sort=False, observed=True)[column]:
        interval = mean_interval(values)
        rows.append(
            {y: y_value, x: x_value, **interval_columns(interval, "mean"), "runs": interval.n}
        )
    return pd.DataFrame(rows)


def _analyze(design: Design, y: np.ndarray, seed: int, resamples: int) -> dict:
    """SALib's analysis for the design's kind, with ``resamples`` bootstrap draws."""
    y = np.asarray(y, dtype=float)
    if design.kind == "sobol":
        from SALib.analyze import sobol

        return sobol.analyze(
            design.problem(),
            y,
            calc_second_order=bool(design.options.get("second_order", True)),
            num_resamples=resamples,
            conf_level=CONF_LEVEL,
            seed=seed,
        )
    options = {"num_resamples": resamples, "conf_level": CONF_LEVEL, "seed": seed}
    if design.kind == "morris":
        from SALib.analyze import morris

        levels = int(design.options.get("levels", 4))
        return morris.analyze(design.problem(), design.unit(), y, num_levels=levels, **options)
    from SALib.analyze import rbd_fast

    m, x, n = RBD_HARMONICS, design.unit(), design.size
    if n <= 2 * m:  # its bias correction divides by 1 - 2M/N
        too_few = f"[design] samples = {n} is too few for RBD-FAST ({m} harmonics)"
        raise InputError(f"{too_few}; allowed: more than {2 * m} (100+ advised)", key="samples")
    if n > 4 * m + 2:
        return rbd_fast.analyze(design.problem(), x, y, M=m, **options)
    # too few for its bootstrap (half the sample): the index alone, no interval
    s1 = [rbd_fast.compute_first_order(rbd_fast.permute_outputs(c, y), m) for c in x.T]
    return {"S1": [rbd_fast.unskew_S1(v, m, n) for v in s1], "S1_conf": [np.nan] * len(s1)}


def _check_kind(design: Design, kind: str) -> None:
    if design.kind != kind:
        raise ValueError(f"this analysis needs a {kind} design, not {design.kind}")
