"""Plots of runs and comparisons, as PNG bytes with no time stamp (same data, same file).

The line is the mean over replicates, the dark band its 95% t interval, the
light band the 10th-90th percentile of the runs. Outcomes of the annual
test are shown at year ends, the others week by week.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.experiments.replicates import Results
from analysis.experiments.scenario_runs import YEAR_SOURCES
from analysis.reports.glyphs import make_drawable
from analysis.reports.wording import SOURCE_NAMES, TSES_POINTS, label
from analysis.statistics.compare import Comparison
from analysis.statistics.intervals import t_quantile
from simulation import SOURCES, WEEKS_PER_YEAR
from simulation.outcomes import REGISTRY, reported

COLOURS = (
    "#4d4d4d",
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
)
DPI = 100
#: zlib level of the PNG files: 1 writes them several times faster than the
#: default 6, and plots of flat colours stay small.
COMPRESSION = 1


def png(figure: plt.Figure) -> bytes:
    """The figure as PNG bytes (no time stamp or software tag), and close it."""
    buffer = io.BytesIO()
    make_drawable(figure)  # any scenario name: fallback fonts, or "?" for what none has
    figure.savefig(
        buffer,
        format="png",
        dpi=DPI,
        metadata={"Software": None},
        pil_kwargs={"compress_level": COMPRESSION},
    )
    plt.close(figure)
    return buffer.getvalue()


def _scale(outcome: str) -> float:
    entry = REGISTRY.get(outcome)
    return entry.scale if entry else 1.0


def _yearly(outcome: str) -> bool:
    """Whether ``outcome`` only means something at the end of a year (annual test, turnover)."""
    entry = REGISTRY.get(outcome)
    return bool(entry and entry.yearly)


def _grid(panels: int, height: float) -> tuple[plt.Figure, np.ndarray]:
    """A figure of small panels, three a row, with room for a title and a legend.

    The spacing is fixed rather than solved by matplotlib's constrained
    layout, which costs about half the drawing time of a grid.
    """
    columns = 3
    rows = -(-panels // columns)
    size = (4.2 * columns, height * rows + 1.3)
    figure, axes = plt.subplots(rows, columns, figsize=size, squeeze=False)
    inch = 1 / size[1]
    figure.subplots_adjust(
        left=0.06, right=0.98, wspace=0.28, hspace=0.55, top=1 - 0.8 * inch, bottom=0.8 * inch
    )
    for axis in axes.flat[panels:]:
        axis.set_visible(False)
    return figure, axes


def _legend(figure: plt.Figure, axis: plt.Axes, count: int) -> None:
    handles, labels = axis.get_legend_handles_labels()
    figure.legend(
        handles, labels, loc="lower center", ncols=min(count, 4), fontsize=9, frameon=False
    )


def _bands(frame: pd.DataFrame, x: str, outcomes: Sequence[str]) -> dict[str, pd.DataFrame]:
    """Per outcome: mean, 95% CI of the mean and 10-90% range over replicates at each x.

    One grouping for all ``outcomes`` (a figure's panels share it).
    """
    values = frame[[x, *outcomes]].copy()
    for outcome in outcomes:
        values[outcome] = values[outcome] * _scale(outcome)
    grouped = values.groupby(x)
    stats_by = {
        "mean": grouped.mean(),
        "sd": grouped.std(ddof=1),
        "n": grouped.count(),
        "p10": grouped.quantile(0.1),
        "p90": grouped.quantile(0.9),
    }
    bands = {}
    for outcome in outcomes:
        out = pd.DataFrame({name: table[outcome] for name, table in stats_by.items()})
        t = t_quantile(0.975, np.maximum(out["n"] - 1, 1))
        half = np.where(out["n"] > 1, t * out["sd"] / np.sqrt(out["n"].clip(lower=1)), 0.0)
        out["low"], out["high"] = out["mean"] - half, out["mean"] + half
        bands[outcome] = out.reset_index()
    return bands


def _result_bands(result: Results, outcomes: Sequence[str]) -> dict[str, pd.DataFrame]:
    """The bands of ``outcomes`` for one scenario: yearly ones by year, the others by week."""
    yearly = [o for o in outcomes if _yearly(o)]
    weekly = [o for o in outcomes if not _yearly(o)]
    bands = _bands(result.summary, "year", yearly) if yearly else {}
    if weekly:
        trajectories = result.trajectories
        bands |= _bands(trajectories[trajectories["step"] > 0], "step", weekly)
    return bands


def _panel(
    axis: plt.Axes,
    results: Sequence[Results],
    bands: Sequence[dict[str, pd.DataFrame]],
    outcome: str,
    spread: bool,
) -> None:
    for k, (result, banded) in enumerate(zip(results, bands, strict=True)):
        colour = COLOURS[k % len(COLOURS)]
        name = result.scenario.name
        b = banded[outcome]
        if _yearly(outcome):
            x = b["year"] + (k - (len(results) - 1) / 2) * 0.06
            if spread:
                axis.vlines(x, b["p10"], b["p90"], color=colour, alpha=0.25, linewidth=6)
            axis.errorbar(
                x,
                b["mean"],
                yerr=[b["mean"] - b["low"], b["high"] - b["mean"]],
                color=colour,
                marker="o",
                capsize=3,
                label=name,
            )
        else:
            x = b["step"] / WEEKS_PER_YEAR
            if spread:
                axis.fill_between(x, b["p10"], b["p90"], color=colour, alpha=0.12, linewidth=0)
            axis.fill_between(x, b["low"], b["high"], color=colour, alpha=0.35, linewidth=0)
            axis.plot(x, b["mean"], color=colour, linewidth=1.5, label=name)
    axis.set_title(label(outcome), fontsize=10)
    axis.set_xlabel("school year")
    years = results[0].scenario.years
    axis.set_xticks(range(1 if _yearly(outcome) else 0, years + 1))
    axis.grid(alpha=0.3)


def outcome_figure(results: Sequence[Results], outcome: str) -> bytes:
    """One outcome over the run for one or more scenarios, with bands."""
    figure, axis = plt.subplots(figsize=(7, 4.2), layout="constrained")
    bands = [_result_bands(result, [outcome]) for result in results]
    _panel(axis, results, bands, outcome, spread=len(results) == 1)
    axis.set_ylabel(label(outcome))
    axis.legend(fontsize=8, loc="best")
    what = REGISTRY[outcome].description if outcome in REGISTRY else outcome
    if len(results) == 1:
        axis.set_title(
            f"{results[0].scenario.name}: {what}\n"
            f"mean of {results[0].scenario.replicates} runs, 95% CI (dark), "
            "10–90% of runs (light)",
            fontsize=10,
        )
    else:
        axis.set_title(what, fontsize=10)
    return png(figure)


def overview_figure(results: Sequence[Results], outcomes: Sequence[str] | None = None) -> bytes:
    """A grid of panels, one per outcome (default: the reported ones), for scenarios."""
    outcomes = reported() if outcomes is None else outcomes
    figure, axes = _grid(len(outcomes), 3.0)
    bands = [_result_bands(result, outcomes) for result in results]
    for axis, outcome in zip(axes.flat, outcomes, strict=False):
        _panel(axis, results, bands, outcome, spread=len(results) == 1)
    _legend(figure, axes.flat[0], len(results))
    spread = ", 10–90% of runs (light)" if len(results) == 1 else ""
    figure.suptitle(
        f"Mean of {results[0].scenario.replicates} runs with 95% CI (dark band){spread}",
        fontsize=11,
        y=1 - 0.2 / figure.get_figheight(),
    )
    return png(figure)


def differences_figure(comparison: Comparison) -> bytes:
    """Each plan minus the baseline, by year, with 95% intervals, one panel per outcome."""
    outcomes = reported()
    figure, axes = _grid(len(outcomes), 2.8)
    rows_of = dict(list(comparison.differences.groupby(["scenario", "outcome"], sort=False)))
    plans = [p.scenario.name for p in comparison.plans]
    for axis, outcome in zip(axes.flat, outcomes, strict=False):
        scale = _scale(outcome)
        for k, plan in enumerate(plans):
            rows_ = rows_of[plan, outcome]
            x = rows_["year"] + (k - (len(plans) - 1) / 2) * 0.08
            d = rows_["difference"] * scale
            low = (rows_["difference"] - rows_["low"]).fillna(0) * scale
            high = (rows_["high"] - rows_["difference"]).fillna(0) * scale
            axis.errorbar(
                x,
                d,
                yerr=[low, high],
                marker="o",
                capsize=3,
                color=COLOURS[(k + 1) % len(COLOURS)],
                label=plan,
            )
        axis.axhline(0, color=COLOURS[0], linewidth=1)
        axis.set_title(label(outcome), fontsize=10)
        axis.set_xticks(range(1, comparison.years + 1))
        axis.set_xlabel("end of school year")
        axis.grid(alpha=0.3)
    _legend(figure, axes.flat[0], len(plans))
    figure.suptitle(
        f"Difference from {comparison.baseline.scenario.name} (line at 0), with 95% intervals",
        fontsize=11,
        y=1 - 0.2 / figure.get_figheight(),
    )
    return png(figure)


def sources_figure(comparison: Comparison) -> bytes:
    """Each source's contribution to self-efficacy over the run: plan minus baseline."""
    figure, axis = plt.subplots(figsize=(7, 3.8), layout="constrained")
    table = comparison.sources[
        (comparison.sources["year"] == comparison.years) & (comparison.sources["span"] == "to date")
    ]
    plans = [p.scenario.name for p in comparison.plans]
    width = 0.8 / max(len(plans), 1)
    for k, plan in enumerate(plans):
        rows = table[table["scenario"] == plan].set_index("source").loc[list(SOURCES)]
        x = np.arange(len(SOURCES)) + (k - (len(plans) - 1) / 2) * width
        d = rows["difference"] * TSES_POINTS
        err = [
            (rows["difference"] - rows["low"]).fillna(0) * TSES_POINTS,
            (rows["high"] - rows["difference"]).fillna(0) * TSES_POINTS,
        ]
        axis.bar(
            x,
            d,
            width * 0.9,
            yerr=err,
            capsize=3,
            label=plan,
            color=COLOURS[(k + 1) % len(COLOURS)],
        )
    axis.axhline(0, color=COLOURS[0], linewidth=1)
    axis.set_xticks(range(len(SOURCES)), [SOURCE_NAMES[s] for s in SOURCES])
    axis.set_ylabel("TSES points")
    axis.set_title(
        f"Sources of self-efficacy summed over {comparison.years} years:\n"
        f"difference from {comparison.baseline.scenario.name} (95% CI)",
        fontsize=10,
    )
    axis.legend(fontsize=8)
    axis.grid(alpha=0.3, axis="y")
    return png(figure)


def sources_by_year_figure(results: Results) -> bytes:
    """Each source's contribution to self-efficacy in each year of one scenario."""
    figure, axis = plt.subplots(figsize=(7, 3.8), layout="constrained")
    years = sorted(results.summary["year"].unique())
    width = 0.8 / len(SOURCES)
    bands = _bands(results.summary, "year", YEAR_SOURCES)
    for k, (name, column) in enumerate(zip(SOURCES, YEAR_SOURCES, strict=True)):
        b = bands[column]
        x = np.arange(len(years)) + (k - (len(SOURCES) - 1) / 2) * width
        err = [(b["mean"] - b["low"]) * TSES_POINTS, (b["high"] - b["mean"]) * TSES_POINTS]
        axis.bar(
            x,
            b["mean"] * TSES_POINTS,
            width * 0.9,
            yerr=err,
            capsize=3,
            label=SOURCE_NAMES[name],
            color=COLOURS[(k + 1) % len(COLOURS)],
        )
    axis.axhline(0, color=COLOURS[0], linewidth=1)
    axis.set_xticks(range(len(years)), [f"year {y}" for y in years])
    axis.set_ylabel("TSES points")
    axis.set_title(
        f"{results.scenario.name}: change in teachers' self-efficacy from each\n"
        "source, summed over each year (mean of the runs, 95% CI)",
        fontsize=10,
    )
    axis.legend(fontsize=8)
    axis.grid(alpha=0.3, axis="y")
    return png(figure)
