"""``staffroom sensitivity``: one outcome of a finished sweep, analysed, tabled and drawn.

:func:`analyse` reads a results folder, computes the indices the sweep's
design calls for (:mod:`analysis.statistics.sensitivity`), and writes a CSV
table and PNG charts; :func:`terminal_tables` shows the result on a terminal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from rich.table import Table

from analysis.experiments.files import write_with
from analysis.experiments.sweeps.design import Design
from analysis.experiments.sweeps.results import load_design, read_manifest, read_runs, run_columns
from analysis.reports.glyphs import make_drawable
from analysis.statistics.intervals import mean_interval
from analysis.statistics.sensitivity import (
    design_warnings,
    grid,
    grid_intervals,
    main_effects,
    missing_runs_note,
    morris_indices,
    noise_floor,
    rbd_fast_indices,
    replicate_uncertainty,
    sobol_indices,
    usable_runs,
    with_replicate_uncertainty,
)
from simulation import InputError


def _save(figure, path: Path) -> Path:
    """Write a figure as PNG, atomically, with every text drawable (any scenario name)."""
    make_drawable(figure)
    return write_with(path, lambda temporary: figure.savefig(temporary, dpi=120, format="png"))


# plots


def bar_chart(table: pd.DataFrame, kind: str, title: str, path: Path) -> Path:
    """Horizontal bars of the indices with their confidence intervals (PNG)."""
    from matplotlib.figure import Figure

    if kind == "morris":
        bars = [("mu_star", "mu_star_conf", "mu* (mean |effect|)"), ("sigma", None, "sigma")]
        order = table.sort_values("mu_star")
        label = "elementary effect per unit of the factor's range"
    elif kind == "sobol":
        bars = [("S1", "S1_conf", "first order S1"), ("ST", "ST_conf", "total ST")]
        order = table.sort_values("ST")
        label = "share of variance"
    else:
        bars = [("S1", "S1_conf", "first order S1 (RBD-FAST)")]
        order = table.sort_values("S1")
        label = "share of variance"
    figure = Figure(figsize=(7.5, 0.45 * len(order) + 1.6), layout="constrained")
    axes = figure.add_subplot()
    positions = np.arange(len(order))
    height = 0.8 / len(bars)
    for k, (column, conf, name) in enumerate(bars):
        axes.barh(
            positions + (k - (len(bars) - 1) / 2) * height,
            order[column],
            height,
            xerr=order[conf] if conf else None,
            label=name,
            capsize=3,
        )
    axes.set_yticks(positions, order["factor"])
    axes.axvline(0, color="black", linewidth=0.6)
    axes.set_xlabel(label)
    axes.set_title(title, fontsize=10)
    axes.legend(loc="lower right", fontsize=8)
    return _save(figure, path)


def heat_map(
    cells: pd.DataFrame, title: str, label: str, path: Path, half_widths: pd.DataFrame | None = None
) -> Path:
    """A heat map of an outcome over two factors, each cell annotated (PNG).

    With ``half_widths`` (same shape) each cell shows ``mean ± half-width``
    of its 95% interval over the replicates.
    """
    from matplotlib.figure import Figure

    tall = half_widths is not None
    figure = Figure(
        figsize=(1.3 * cells.shape[1] + 3, (0.8 if tall else 0.55) * cells.shape[0] + 2),
        layout="constrained",
    )
    axes = figure.add_subplot()
    image = axes.imshow(cells.to_numpy(dtype=float), aspect="auto", cmap="viridis", origin="lower")
    axes.set_xticks(range(cells.shape[1]), [str(c) for c in cells.columns], rotation=30)
    axes.set_yticks(range(cells.shape[0]), [str(i) for i in cells.index])
    axes.set_xlabel(str(cells.columns.name))
    axes.set_ylabel(str(cells.index.name))
    values = cells.to_numpy(dtype=float)
    finite = values[np.isfinite(values)]
    middle = (finite.min() + finite.max()) / 2 if finite.size else 0.0
    for i in range(cells.shape[0]):
        for j in range(cells.shape[1]):
            value = values[i, j]
            if np.isfinite(value):
                text = f"{value:.3g}"
                if tall:
                    half = float(half_widths.iloc[i, j])
                    text += f"\n±{half:.2g}" if np.isfinite(half) else "\n(1 run)"
                axes.text(
                    j,
                    i,
                    text,
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="black" if value > middle else "white",
                )
    figure.colorbar(image, ax=axes, label=label)
    axes.set_title(
        title + ("\n(mean ± half-width of the 95% interval over replicates)" if tall else ""),
        fontsize=10,
    )
    return _save(figure, path)


# a results folder


@dataclass
class Analysis:
    """The sensitivity analysis of one outcome of a sweep."""

    method: str
    outcome: str
    column: str
    table: pd.DataFrame
    extra: dict[str, pd.DataFrame] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    points: int = 0
    replicates: int = 0
    notes: list[str] = field(default_factory=list)
    noise_floor: float = float("nan")


def outcome_column(manifest: dict, outcome: str | None) -> tuple[str, str]:
    """The outcome's name and runs-table column (``name`` or a ``name_yK`` column)."""
    mapping: dict[str, str] = manifest["columns"]["outcomes"]
    if outcome is None:
        name = next(iter(mapping))
        return name, mapping[name]
    if outcome in mapping:
        return outcome, mapping[outcome]
    columns = run_columns(manifest)
    if outcome in columns:
        return outcome, outcome
    raise InputError(
        f"--outcome {outcome!r} is not in these results; kept outcomes: "
        f"{', '.join(mapping)} (add _y1, _y2, ... for a year's end)",
        key="outcome",
    )


def per_point(runs: pd.DataFrame, column: str, points: int) -> np.ndarray:
    """Mean of ``column`` over each design point's finite replicates, in point order."""
    finite = runs[column].where(np.isfinite(runs[column]))
    means = finite.groupby(runs["point"]).mean().reindex(range(points))
    undefined = means[means.isna()]
    if len(undefined):
        raise InputError(
            f"{column} is undefined (not finite) at {len(undefined)} of {points} design "
            f"points (e.g. point {undefined.index[0]}); choose another --outcome",
            key="outcome",
        )
    return means.to_numpy()


def analyse(
    results: str | Path,
    outcome: str | None = None,
    *,
    x: str | None = None,
    y: str | None = None,
    output: str | Path | None = None,
) -> Analysis:
    """Analyse one outcome of a finished sweep; write a CSV table and PNG charts.

    Parameters
    ----------
    results : path
        A results folder written by ``staffroom sweep``.
    outcome : str, optional
        An outcome kept by the sweep (its value at the end of the last year),
        or a column such as ``annual_gain_y2``; default the first kept.
    x, y : str, optional
        For factorial designs: the two factors of the heat map (default the
        first two).
    output : path, optional
        Folder for ``sensitivity-<outcome>.csv`` and the PNGs (default the
        results folder).
    """
    results = Path(results)
    manifest = read_manifest(results)
    design, design_note = load_design(results, manifest)
    name, column = outcome_column(manifest, outcome)
    runs = read_runs(results)
    expected = manifest["runs"]
    if len(runs) < expected:
        raise InputError(
            f"{results} holds {len(runs)} of the sweep's {expected} runs; finish "
            "the sweep first (run the same `staffroom sweep` command again)",
            key="results",
        )
    runs = runs[runs["replicate"] < manifest["replicates"]]
    folder = Path(output) if output is not None else results
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"sensitivity-{column}"

    def table_file(suffix: str, frame: pd.DataFrame, index: bool = False) -> Path:
        path = folder / f"{stem}{suffix}.csv"
        return write_with(path, lambda temporary: frame.to_csv(temporary, index=index))

    title = f"{manifest.get('name', '')}: {column}"
    analysis = Analysis(
        design.kind,
        name,
        column,
        pd.DataFrame(),
        points=design.size,
        replicates=manifest["replicates"],
    )
    if design_note:
        analysis.notes.append(design_note + " (run the sweep command again to rewrite it)")
    analysis.notes += design_warnings(design, manifest["replicates"])
    seed = int(design.options.get("seed", 1))
    if design.kind == "factorial":
        analysis.method = "factorial"
        analysis.table = main_effects(runs, design.names, column)
        if len(design.names) >= 2:
            x = _factor(design, x, 0, "x")
            y = _factor(design, y, 1 if design.names[0] == x else 0, "y")
            if x == y:
                raise InputError("--x and --y must be different factors", key="y")
            levels = {f.name: f.grid() for f in design.factors}
            cells = grid(runs, x, y, column, x_levels=levels[x], y_levels=levels[y])
            tidy = grid_intervals(runs, x, y, column)
            half = (
                tidy.assign(half=(tidy["high"] - tidy["low"]) / 2)
                .pivot_table(index=y, columns=x, values="half", aggfunc="first", dropna=False)
                .reindex(index=list(levels[y]), columns=list(levels[x]))
            )
            analysis.extra["grid"] = cells
            analysis.extra["grid_half_width"] = half
            analysis.files.append(table_file("-grid", tidy))
            analysis.files.append(
                heat_map(
                    cells, f"{title} (mean of runs)", column, folder / f"{stem}-heatmap.png", half
                )
            )
        else:
            only = design.names[0]
            means = runs.groupby(only)[column].agg(["mean", "std", "count"])
            means["half_width"] = [
                (i.high - i.low) / 2
                for i in (mean_interval(v) for _, v in runs.groupby(only)[column])
            ]
            analysis.extra["grid"] = means
            analysis.files.append(table_file("-grid", means, index=True))
            analysis.files.append(
                _level_chart(means, only, column, title, folder / f"{stem}-levels.png")
            )
    else:
        values = per_point(runs, column, design.size)
        by_replicate = (
            runs.pivot(index="point", columns="replicate", values=column)
            .reindex(range(design.size))
            .to_numpy(dtype=float)
        )
        common = bool(manifest["identity"].get("common_random_numbers", False))
        if note := missing_runs_note(by_replicate, common):
            analysis.notes.append(note)
            values = np.nanmean(usable_runs(by_replicate, common), axis=1)
        if np.ptp(values) == 0:
            raise InputError(
                f"{column} is the same at every design point; nothing to attribute", key="outcome"
            )
        if design.kind == "sobol":
            analysis.table, pairs = sobol_indices(design, values, seed=seed)
            if pairs is not None:
                analysis.extra["second_order"] = pairs
                analysis.files.append(table_file("-second-order", pairs))
        elif design.kind == "morris":
            analysis.table = morris_indices(design, values, seed=seed)
        else:
            analysis.method = "rbd_fast"
            analysis.table = rbd_fast_indices(design, values, seed=seed)
        extra = replicate_uncertainty(design, by_replicate, seed=seed, common=common)
        analysis.table = with_replicate_uncertainty(analysis.table, extra)
        if design.kind == "sobol" and np.isfinite(floor := noise_floor(by_replicate, common)):
            analysis.noise_floor = floor
            remedy = "more replicates" + ("" if common else " or common random numbers")
            analysis.notes.append(
                f"noise floor of the total indices: {floor:.2g} (noise is {floor:.1%} of the "
                "point means' variance and adds about as much to every ST): an ST at or below "
                f"it cannot be told apart from simulation noise; {remedy} would lower it"
            )
        analysis.files.append(bar_chart(analysis.table, design.kind, title, folder / f"{stem}.png"))
    analysis.files.insert(0, table_file("", analysis.table))
    return analysis


def _factor(design: Design, name: str | None, default: int, option: str) -> str:
    if name is None:
        return design.names[default]
    if name not in design.names:
        raise InputError(
            f"--{option} {name!r} is not a factor of this sweep; factors: "
            f"{', '.join(design.names)}",
            key=option,
        )
    return name


def _level_chart(means: pd.DataFrame, factor: str, column: str, title: str, path: Path) -> Path:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.5, 4), layout="constrained")
    axes = figure.add_subplot()
    half = means["half_width"].fillna(0)
    axes.errorbar([str(v) for v in means.index], means["mean"], yerr=half, fmt="o-", capsize=3)
    axes.set_xlabel(factor)
    axes.set_ylabel(f"{column} (mean, 95% interval)")
    axes.set_title(title, fontsize=10)
    return _save(figure, path)


HEADINGS = {
    "sobol": "Sobol indices (95% intervals: design and replicates)",
    "morris": "Morris screening (95% intervals of mu*: design and replicates)",
    "rbd_fast": "RBD-FAST first-order indices (95% intervals: design and replicates)",
    "factorial": "Main effects (share of variance explained by level means)",
}


def _cell(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def terminal_tables(analysis: Analysis) -> list[Table | str]:
    """The indices (and a factorial grid) as terminal tables, with a note on wide intervals."""
    table = Table(
        title=f"{HEADINGS[analysis.method]}: {analysis.column}, mean of "
        f"{analysis.replicates} replicate(s) at {analysis.points} design points",
        title_justify="left",
    )
    shown = analysis.table
    for column in shown.columns:
        table.add_column(column, justify="left" if column == "factor" else "right")
    for row in shown.itertuples(index=False):
        table.add_row(*(_cell(v) for v in row))
    out: list[Table | str] = [table]
    conf = [c for c in ("S1_conf", "ST_conf") if c in shown.columns]
    if conf and float(shown[conf].max().max()) > 0.1:
        out.append(
            "some 95% intervals are wider than 0.1: a larger design (n, samples) "
            "or more replicates would narrow them"
        )
    if "grid_half_width" in analysis.extra:
        cells, half = analysis.extra["grid"], analysis.extra["grid_half_width"]
        grid_table = Table(
            title=f"mean {analysis.column} ± half-width of the 95% interval over replicates",
            title_justify="left",
        )
        grid_table.add_column(f"{cells.index.name}")
        for column in cells.columns:
            grid_table.add_column(str(column), justify="right")
        for (index, row), (_, widths) in zip(cells.iterrows(), half.iterrows(), strict=True):
            grid_table.add_row(
                str(index),
                *(
                    _cell(v) + (f" ± {w:.2g}" if w == w else "")
                    for v, w in zip(row, widths, strict=True)
                ),
            )
        out.append(grid_table)
    return out


def csv_text(analysis: Analysis) -> str:
    """The indices as CSV (``--csv``)."""
    return analysis.table.to_csv(index=False)
