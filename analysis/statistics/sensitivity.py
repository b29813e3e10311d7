"""Which factors matter: sensitivity indices from a sweep's design and outcomes.

Sobol indices for Saltelli designs, Morris screening for trajectories,
RBD-FAST for Latin hypercubes (all by SALib), and cell means with main
effects for factorial grids; the README's sensitivity section explains each.
The outcome analysed is a design point's mean over its replicates; every
interval adds, in quadrature, the method's own bootstrap and the
replicates' (:func:`replicate_uncertainty`). Functions take plain arrays
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

CONF_LEVEL = 0.95
RESAMPLES = 1000
#: Resamples of the replicates (each recomputes the indices once).
REPLICATE_RESAMPLES = 200
#: Harmonics RBD-FAST sums (SALib's default M); its estimate needs well over 2M points,
#: and its bootstrap (half the sample) needs more than 4M + 2 for any interval at all.
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
    if design.size <= 4 * RBD_HARMONICS + 2:  # its bootstrap cannot vary: ±0 would be a lie
        conf = np.full(conf.shape, np.nan)
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
    design: Design, values: np.ndarray, *, seed: int = 1, resamples: int = REPLICATE_RESAMPLES
) -> pd.DataFrame:
    """Half-widths (95%) of the indices that come from simulation noise alone.

    Each resample draws every design point's replicates with replacement,
    averages them and recomputes the indices (point estimates only); the
    spread of the recomputed indices over the resamples is the uncertainty
    the replicates add.

    Parameters
    ----------
    design : Design
        A ``sobol``, ``morris`` or ``lhs`` design.
    values : array of shape (design.size, replicates)
        The outcome of every run, a row per design point.

    Returns
    -------
    DataFrame
        One row per factor, a ``<index>_conf_replicates`` column per index;
        NaN with one replicate (the noise cannot be measured).
    """
    from scipy import stats

    columns = INDEX_COLUMNS[design.kind]
    points, replicates = values.shape
    out = pd.DataFrame({"factor": design.names})
    if replicates < 2:
        for column in columns:
            out[f"{column}_conf_replicates"] = np.nan
        return out
    rng = np.random.default_rng(seed)
    rows = np.arange(points)[:, None]
    estimates = {column: [] for column in columns}
    for _ in range(resamples):
        drawn = values[rows, rng.integers(0, replicates, size=(points, replicates))]
        result = _analyze(design, drawn.mean(axis=1), seed, resamples=2)  # indices alone
        for column in columns:
            estimates[column].append(np.asarray(result[column], dtype=float))
    z = stats.norm.ppf(0.5 + CONF_LEVEL / 2)
    for column in columns:
        out[f"{column}_conf_replicates"] = z * np.std(estimates[column], axis=0, ddof=1)
    return out


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

    return rbd_fast.analyze(design.problem(), design.unit(), y, M=RBD_HARMONICS, **options)


def _check_kind(design: Design, kind: str) -> None:
    if design.kind != kind:
        raise ValueError(f"this analysis needs a {kind} design, not {design.kind}")
