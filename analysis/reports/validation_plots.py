"""Figures of the validation report (PNG, matplotlib's Agg backend).

Each function draws one figure from tidy tables and saves it to a path; none
computes a statistic the report does not also print.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.experiments.files import write_with
from analysis.statistics.validation.claims import PatternResult
from analysis.statistics.validation.nels import NelsResult
from analysis.statistics.validation.robustness import RobustnessResult

DPI = 110
VERDICT_COLOURS = {"holds": "#1a9850", "inconclusive": "#fee08b", "fails": "#d73027"}


def _save(fig, path: Path) -> Path:
    fig.tight_layout()
    write_with(path, lambda temporary: fig.savefig(temporary, dpi=DPI, format="png"))
    plt.close(fig)
    return path


def _bands(ax, yearly: pd.DataFrame, measure: str, arms: Mapping[str, str]) -> None:
    for arm, label in arms.items():
        rows = yearly[(yearly["measure"] == measure) & (yearly["arm"] == arm)]
        rows = rows[rows["year"] >= (1 if measure in ("annual_gain", "ses_gain_slope") else 0)]
        ax.plot(rows["year"], rows["mean"], marker="o", label=label)
        ax.fill_between(rows["year"], rows["low"], rows["high"], alpha=0.2)
    ax.set_xlabel("year")
    ax.set_title(measure.replace("_", " "))


def yearly_arms(
    result: PatternResult, measures: list[str], arms: Mapping[str, str], path: Path, title: str
) -> Path:
    """Mean and 95% interval by year of several measures, one panel each."""
    yearly = result.details["yearly"]
    fig, axes = plt.subplots(1, len(measures), figsize=(4.2 * len(measures), 3.4))
    for ax, measure in zip(np.atleast_1d(axes), measures, strict=True):
        _bands(ax, yearly, measure, arms)
    np.atleast_1d(axes)[0].legend(fontsize=8)
    fig.suptitle(title, fontsize=10)
    return _save(fig, path)


def structure_growth(result: PatternResult, path: Path) -> Path:
    """Pattern 3: the yearly PLC − isolated difference, with intervals."""
    yearly = result.details["yearly_difference"]
    yearly = yearly[yearly["year"] >= 1]
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
    for ax, measure in zip(axes, ("collective_efficacy", "annual_gain"), strict=True):
        for contrast, rows in yearly[yearly["measure"] == measure].groupby("contrast"):
            ax.plot(rows["year"], rows["difference"], marker="o", label=contrast)
            ax.fill_between(rows["year"], rows["low"], rows["high"], alpha=0.2)
        ax.axhline(0, color="grey", lw=0.8)
        ax.set_xlabel("year")
        ax.set_title(f"difference in {measure.replace('_', ' ')}")
    axes[0].legend(fontsize=8)
    fig.suptitle("Pattern 3: PLC teams vs isolated teachers", fontsize=10)
    return _save(fig, path)


def ablation(result: PatternResult, path: Path) -> Path:
    """Pattern 4: each source removed, mean and SD of TSES minus the full model's."""
    path_table = result.details["trajectory_difference"]
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
    for ax, measure in zip(axes, ("mean TSES", "SD of TSES"), strict=True):
        for source, rows in path_table[path_table["measure"] == measure].groupby("source removed"):
            ax.plot(rows["year"], rows["difference"], marker="o", label=f"no {source}")
        ax.axhline(0, color="grey", lw=0.8)
        ax.set_xlabel("year")
        ax.set_title(f"{measure}: ablated − full")
    axes[0].legend(fontsize=8)
    fig.suptitle("Pattern 4: removing one source of self-efficacy at a time", fontsize=10)
    return _save(fig, path)


def population(schools: pd.DataFrame, path: Path) -> Path:
    """Patterns 1 and 5: school-level scatter plots across the population."""
    pairs = (
        ("responsibility", "annual_gain"),
        ("responsibility", "ses_gain_slope"),
        ("collective_efficacy", "annual_gain"),
        ("collective_efficacy", "ses_gap"),
    )
    fig, axes = plt.subplots(1, 4, figsize=(16, 3.6))
    for ax, (x, y) in zip(axes, pairs, strict=True):
        for structure, rows in schools.groupby("structure"):
            ax.scatter(rows[x], rows[y], s=10, alpha=0.7, label=structure)
        ax.set_xlabel(x.replace("_", " "))
        ax.set_ylabel(y.replace("_", " "))
    axes[0].legend(fontsize=7)
    fig.suptitle("Patterns 1 and 5: schools of the population (years 3-4)", fontsize=10)
    return _save(fig, path)


def size_curve(curve: pd.DataFrame, path: Path) -> Path:
    """Pattern 2's held-out size curve: mean and 95% interval by enrolment."""
    measures = ("annual_gain", "ses_gain_slope", "collective_efficacy")
    fig, axes = plt.subplots(1, len(measures), figsize=(13, 3.6))
    for ax, measure in zip(axes, measures, strict=True):
        for structure, rows in curve[curve["measure"] == measure].groupby("structure", sort=False):
            ax.plot(rows["students"], rows["mean"], marker="o", label=structure)
            ax.fill_between(rows["students"], rows["low"], rows["high"], alpha=0.2)
        ax.axvspan(600, 900, color="#1a9850", alpha=0.1)
        ax.set_xscale("log")
        ax.set_xlabel("students")
        ax.set_title(measure.replace("_", " "))
    axes[0].legend(fontsize=8)
    fig.suptitle("School size (held out; shaded: Lee & Smith's best 600-900)", fontsize=10)
    return _save(fig, path)


def nels_size_curve(result: NelsResult, path: Path) -> Path:
    """Adjusted two-year gain by enrolment band, relative to 601-900."""
    curve = result.size_curve
    x = np.arange(len(curve))
    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.errorbar(
        x,
        curve["effect"],
        yerr=[curve["effect"] - curve["low"], curve["high"] - curve["effect"]],
        fmt="o",
        capsize=3,
    )
    ax.axhline(0, color="grey", lw=0.8)
    ax.axvspan(1.5, 2.5, color="#1a9850", alpha=0.12, label="Lee & Smith (1997): best")
    ax.set_xticks(x, curve["band"])
    ax.set_xlabel("enrolment")
    ax.set_ylabel("gain vs 601-900 (SD, 2 years)")
    ax.legend(fontsize=8)
    ax.set_title("Synthetic NELS: school size and learning", fontsize=10)
    return _save(fig, path)


def nels_responsibility(result: NelsResult, path: Path) -> Path:
    """Fitted SES–gain lines at low, average and high collective responsibility."""
    fit = result.main.coefficients.set_index("term")["estimate"]
    ses = np.linspace(-2, 2, 50)
    mean_ses = result.students["mean_ses"].mean()
    size = result.students["size"].mean()
    fig, ax = plt.subplots(figsize=(6, 3.6))
    for z, label in ((-1, "responsibility −1 SD"), (0, "average"), (1, "+1 SD")):
        gain = (
            fit["Intercept"]
            + fit["ses"] * ses
            + fit["cr_z"] * z
            + fit["ses:cr_z"] * ses * z
            + fit["size"] * size
            + fit["mean_ses"] * mean_ses
        )
        ax.plot(ses, gain, label=label)
    ax.set_xlabel("student SES (national SD)")
    ax.set_ylabel("two-year gain (SD)")
    ax.legend(fontsize=8)
    ax.set_title("Synthetic NELS: gains by SES and collective responsibility", fontsize=10)
    return _save(fig, path)


def robustness(result: RobustnessResult, path: Path) -> Path:
    """Verdict of every claim under every variant (rows) as coloured cells."""
    claims = result.claims.copy()
    claims["variant"] = np.where(
        claims["direction"] == "default", "default", claims["parameter"] + " " + claims["direction"]
    )
    order = list(dict.fromkeys(claims["variant"]))
    labels = list(dict.fromkeys(claims["claim"]))
    grid = claims.pivot(index="variant", columns="claim", values="verdict").loc[order, labels]
    codes = {"fails": 0, "inconclusive": 1, "holds": 2}
    values = grid.replace(codes).to_numpy(dtype=float)
    from matplotlib.colors import ListedColormap

    cmap = ListedColormap([VERDICT_COLOURS[k] for k in ("fails", "inconclusive", "holds")])
    fig, ax = plt.subplots(figsize=(0.5 * len(labels) + 3, 0.18 * len(order) + 1.2))
    ax.imshow(values, cmap=cmap, vmin=0, vmax=2, aspect="auto")
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks(range(len(order)), order, fontsize=6)
    ax.xaxis.tick_top()
    ax.set_title("Robustness: green holds, yellow inconclusive, red fails", fontsize=9, pad=22)
    return _save(fig, path)
