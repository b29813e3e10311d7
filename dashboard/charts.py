"""The dashboard's charts, sized and lettered for a projector (SVG strings).

Three charts, each a pure function of the model's tables (the fourth,
attribution and the weighing of evidence, is :mod:`dashboard.attribution`):

* :func:`outcomes_chart`: school collective efficacy, collective
  responsibility, mean self-efficacy (TSES 1-9, with the spread across
  teachers), stress, this year's achievement gain and the SES gap, weekly;
* :func:`sources_chart`: the four sources' contributions to self-efficacy
  per assessment cycle, stacked: how far teachers' beliefs moved, and the
  net change of the school mean;
* :func:`teacher_chart`: one teacher's self-efficacy and the four sources'
  contributions to it.

Self-efficacy is always shown on the TSES 1-9 scale: the model's changes on
its 0-1 scale are multiplied by 8 (``tses = 1 + 8 s``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from simulation import SOURCES, WEEKS_PER_YEAR

from .svgplot import Chart, Frame

SOURCE_LABELS = {
    "mastery": "mastery",
    "vicarious": "vicarious experience",
    "persuasion": "social persuasion",
    "affect": "affective states",
}
SOURCE_COLOURS = {
    "mastery": "#1b6ca8",
    "vicarious": "#f28e2b",
    "persuasion": "#59a14f",
    "affect": "#b07aa1",
}
LINE = "#1b6ca8"
MARK = "#c0392b"
PANELS = (
    ("collective_efficacy", "Collective efficacy", "school, 0-1", (0.0, 1.0)),
    ("responsibility", "Responsibility", "collective, 0-1", (0.0, 1.0)),
    ("self_efficacy_tses", "Self-efficacy", "mean ± SD, TSES 1-9", None),
    ("stress", "Stress", "mean, 0-1", (0.0, 1.0)),
    ("annual_gain", "Gain this year", "SD/year", None),
    ("ses_gap", "SES gap", "SD of achievement", None),
)
"""(outcome, title, unit, fixed y-limits) of each panel of :func:`outcomes_chart`."""
TSES_POINTS = 8.0
"""TSES points per unit of self-efficacy on the model's 0-1 scale."""
WIDTH, HEIGHT = 600.0, 420.0
#: (left, top, width, height) of the upper and lower panel of a two-panel chart.
UPPER_PANEL = (62, 26, 526, 118)
LOWER_PANEL = (62, 194, 526, 118)


def school_years(table: pd.DataFrame) -> np.ndarray:
    """Time in school years (week 36 of year 1 is 1.0) from ``year`` and ``week`` columns."""
    return (table["year"].to_numpy(dtype=float) - 1.0) + table["week"].to_numpy(
        dtype=float
    ) / WEEKS_PER_YEAR


def year_axis(end: float) -> tuple[tuple[float, float], list[float]]:
    """Time-axis limits (whole years, at least one) and year ticks."""
    last = max(1, math.ceil(end - 1e-9))
    step = 1 if last <= 8 else 2
    return (0.0, float(last)), [float(y) for y in range(0, last + 1, step)]


def _range(values: np.ndarray, floor: float, span: float) -> tuple[float, float]:
    """Y-limits from 0 (or below) to at least ``span``, with headroom."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return floor, span
    return min(floor, float(finite.min()) * 1.15), max(span, float(finite.max()) * 1.15)


DIGITS = {"self_efficacy_tses": 1, "annual_gain": 3}
"""Decimals shown for an outcome's latest value (2 unless listed)."""


def latest(name: str, values: np.ndarray) -> str:
    """The last value of a series as the chart's title shows it (empty before any)."""
    finite = values[np.isfinite(values)] if values.size else values
    if not finite.size:
        return ""
    return f"{finite[-1]:.{DIGITS.get(name, 2)}f}"


def outcomes_chart(table: pd.DataFrame, marks: Sequence[float] = ()) -> str:
    """Six weekly school outcomes, each with its unit and latest value (in its title).

    Parameters
    ----------
    table : DataFrame
        The model's outcomes, one row per recorded week
        (``model.datacollector.get_model_vars_dataframe()``).
    marks : sequence of float
        Times (school years) of scheduled interventions, drawn as dotted lines.

    Returns
    -------
    str
        An ``<svg>`` element.
    """
    chart = Chart(WIDTH, HEIGHT, "outcomes")
    t = school_years(table)
    xlim, xticks = year_axis(t[-1] if t.size else 0.0)
    for index, (name, title, unit, limits) in enumerate(PANELS):
        row, column = divmod(index, 3)
        left, top = 40 + column * 200, 44 + row * 176
        values = table[name].to_numpy(dtype=float)
        shown = t > 0 if name == "annual_gain" else np.ones(t.size, dtype=bool)
        spread = None
        if name == "self_efficacy_tses":
            spread = table["self_efficacy_sd"].to_numpy(dtype=float)
            low = np.nanmin(values - spread) if t.size else 6.0
            high = np.nanmax(values + spread) if t.size else 8.0
            ylim = (max(1.0, math.floor(min(low, 6.0))), min(9.0, math.ceil(max(high, 8.0))))
        elif limits is not None:
            ylim = limits
        else:
            ylim = _range(values[shown], 0.0, 0.4 if name == "annual_gain" else 1.2)
        yticks = (
            list(range(int(ylim[0]), int(ylim[1]) + 1)) if name == "self_efficacy_tses" else None
        )
        frame = chart.axes(
            left,
            top,
            148,
            112,
            xlim=xlim,
            ylim=ylim,
            title=title,
            subtitle=unit,
            xticks=xticks,
            yticks=yticks,
            yticks_count=3,
            reading=latest(name, values[shown]),
        )
        if spread is not None:
            chart.band(frame, t, values - spread, values + spread, LINE, 0.18)
        if name != "self_efficacy_tses" and limits is None:
            chart.hline(frame, 0.0, "#888")
        for mark in marks:
            chart.vline(frame, mark, MARK)
        chart.line(frame, t[shown], values[shown], LINE, 2.5, role=name)
    chart.text(WIDTH / 2, HEIGHT - 38, "school year", anchor="middle")
    if len(marks):
        chart.legend(10, HEIGHT - 8, [("dash", MARK, "scheduled intervention")])
    return chart.svg("school outcomes over time")


def cycle_table(teachers: pd.DataFrame, cycle_weeks: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per assessment cycle: mean absolute and net change of self-efficacy by source.

    Parameters
    ----------
    teachers : DataFrame
        Per-teacher weekly snapshots (``model.teacher_dataframe()``).
    cycle_weeks : int
        Weeks per cycle (the model's ``cycle_weeks``).

    Returns
    -------
    moved, net : DataFrame
        Indexed by the cycle's start (school years), one column per source, in
        TSES points: ``moved`` is the mean over teachers of the absolute change
        a source made in the cycle; ``net`` the change it made in the mean.
    """
    weekly = teachers[teachers["Step"] > 0]
    if weekly.empty:
        empty = pd.DataFrame(columns=list(SOURCES), dtype=float)
        return empty, empty
    cycle = (weekly["Step"].to_numpy() - 1) // cycle_weeks
    columns = [f"source_{name}" for name in SOURCES]
    per_teacher = (
        (weekly[columns] * TSES_POINTS).groupby([cycle, weekly["AgentID"].to_numpy()]).sum()
    )
    per_teacher.columns = list(SOURCES)
    levels = per_teacher.index.get_level_values(0)
    moved = per_teacher.abs().groupby(levels).mean()
    net = per_teacher.groupby(levels).mean()
    starts = moved.index.to_numpy() * cycle_weeks / WEEKS_PER_YEAR
    moved.index = net.index = starts
    return moved, net


def _stacked(chart: Chart, frame: Frame, table: pd.DataFrame, width: float) -> None:
    """Diverging stacked bars: positive parts stack up, negative parts down."""
    left = table.index.to_numpy(dtype=float) + 0.05 * width
    up = np.zeros(len(table))
    down = np.zeros(len(table))
    for name in SOURCES:
        values = table[name].to_numpy(dtype=float)
        positive, negative = np.clip(values, 0, None), np.clip(values, None, 0)
        chart.bars(frame, left, 0.9 * width, up, positive, SOURCE_COLOURS[name])
        chart.bars(frame, left, 0.9 * width, down, negative, SOURCE_COLOURS[name])
        up += positive
        down += negative
    chart.hline(frame, 0.0, "#333")


def _stack_limits(table: pd.DataFrame, minimum: float) -> tuple[float, float]:
    if table.empty:
        return -minimum / 2, minimum
    high = float(table.clip(lower=0).sum(axis=1).max())
    low = float(table.clip(upper=0).sum(axis=1).min())
    return min(0.0, low * 1.1), max(minimum, high * 1.1)


def _source_legend(chart: Chart) -> None:
    chart.legend(8, HEIGHT - 8, [("box", SOURCE_COLOURS[n], SOURCE_LABELS[n]) for n in SOURCES])


def sources_chart(teachers: pd.DataFrame, cycle_weeks: int, end: float = 0.0) -> str:
    """The four sources' contributions to self-efficacy per assessment cycle, stacked.

    Top: how far teachers' self-efficacy moved (mean absolute change per
    teacher, TSES points per cycle). Bottom: the change each source made in
    the school mean (TSES points per cycle; gains up, losses down).

    Parameters
    ----------
    teachers : DataFrame
        Per-teacher weekly snapshots (``model.teacher_dataframe()``).
    cycle_weeks : int
        Weeks per assessment cycle.
    end : float
        Current time in school years (sets the time axis).
    """
    moved, net = cycle_table(teachers, cycle_weeks)
    width = cycle_weeks / WEEKS_PER_YEAR
    xlim, xticks = year_axis(max(end, float(moved.index.max()) + width if len(moved) else 0.0))
    chart = Chart(WIDTH, HEIGHT, "sources")
    top = chart.axes(
        *UPPER_PANEL,
        xlim=xlim,
        ylim=_stack_limits(moved, 0.05),
        title="How far teachers' self-efficacy moved (mean |change|)",
        ylabel="TSES points",
        xticks=xticks,
        yticks_count=4,
    )
    _stacked(chart, top, moved, width)
    bottom = chart.axes(
        *LOWER_PANEL,
        xlim=xlim,
        ylim=_stack_limits(net, 0.02),
        title="Change in the school's mean self-efficacy",
        ylabel="TSES points",
        xlabel=f"school year (one bar per {cycle_weeks}-week assessment cycle)",
        xticks=xticks,
        yticks_count=4,
    )
    _stacked(chart, bottom, net, width)
    _source_legend(chart)
    return chart.svg("sources of self-efficacy")


def teacher_chart(
    teachers: pd.DataFrame,
    agent_id: int,
    cycle_weeks: int,
    *,
    school: pd.DataFrame | None = None,
    title: str = "",
) -> str:
    """One teacher's self-efficacy (TSES 1-9) and the four sources' contributions to it.

    Parameters
    ----------
    teachers : DataFrame
        Per-teacher weekly snapshots (``model.teacher_dataframe()``).
    agent_id : int
        The teacher's ``unique_id``.
    cycle_weeks : int
        Weeks per assessment cycle.
    school : DataFrame, optional
        The model's outcomes, to draw the school mean for comparison.
    title : str
        Who the teacher is (default ``Teacher #id``).
    """
    own = teachers[teachers["AgentID"] == agent_id]
    t = own["Step"].to_numpy(dtype=float) / WEEKS_PER_YEAR
    values = own["self_efficacy_tses"].to_numpy(dtype=float)
    school_t = school_years(school) if school is not None and len(school) else np.array([])
    end = max(t.max() if t.size else 0.0, school_t[-1] if school_t.size else 0.0)
    xlim, xticks = year_axis(end)
    low = min(float(values.min()), 6.0) if values.size else 6.0
    high = max(float(values.max()), 8.0) if values.size else 8.0
    chart = Chart(WIDTH, HEIGHT, "teacher")
    top = chart.axes(
        *UPPER_PANEL,
        xlim=xlim,
        ylim=(max(1.0, math.floor(low)), min(9.0, math.ceil(high))),
        title=(title or f"Teacher #{agent_id}") + " (blue); school mean (dashed)",
        ylabel="TSES 1-9",
        xticks=xticks,
        yticks_count=4,
    )
    if school_t.size:
        chart.line(
            top,
            school_t,
            school["self_efficacy_tses"].to_numpy(dtype=float),
            "#888",
            1.5,
            dash="5 4",
            role="school-mean",
        )
    chart.line(top, t, values, LINE, 3.0, role="teacher")
    _, net = cycle_table(own, cycle_weeks)
    width = cycle_weeks / WEEKS_PER_YEAR
    bottom = chart.axes(
        *LOWER_PANEL,
        xlim=xlim,
        ylim=_stack_limits(net, 0.1),
        title="Change from each source (per assessment cycle)",
        ylabel="TSES points",
        xlabel="school year",
        xticks=xticks,
        yticks_count=4,
    )
    _stacked(chart, bottom, net, width)
    _source_legend(chart)
    return chart.svg("one teacher's self-efficacy")
