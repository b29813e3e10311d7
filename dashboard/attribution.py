"""What teachers make of their results: attribution and the stickiness of a culture (SVG).

:func:`attribution_chart` draws, per assessment, the share of teachers'
results that met their goal and, of those that did not, what the failure
was put down to: the teaching strategy (beliefs kept, a new practice more
likely), the students' background (expectations fall) or their own ability
(self-efficacy falls) (Weiner 1985; Bandura 1997; docs/ODD.md §7.2). Below,
how much a success and a failure of the faculty counted: a faculty that
believes in itself credits its successes and explains away its failures,
one that does not does the reverse, which is what keeps a culture where it
is (Goddard, Hoy & Woolfolk Hoy 2004; ODD §7.6).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from simulation import WEEKS_PER_YEAR
from simulation.processes.mastery import ATTRIBUTION_NAMES

from .charts import HEIGHT, LOWER_PANEL, UPPER_PANEL, WIDTH, year_axis
from .svgplot import Chart

#: The results' categories, bottom to top, with their colours and labels.
RESULTS = (
    ("success", "#59a14f", "success"),
    ("strategy", "#1b6ca8", "strategy"),
    ("background", "#f28e2b", "students' background"),
    ("ability", "#c0392b", "own ability"),
)
SUCCESS_COLOUR, FAILURE_COLOUR = "#59a14f", "#c0392b"


def result_shares(teachers: pd.DataFrame, cycle_weeks: int) -> pd.DataFrame:
    """Per assessment (indexed by its time in school years): shares of the results.

    From the per-teacher weekly snapshots (``model.teacher_dataframe()``):
    teachers without a class that cycle (mastery signal exactly 0) are left
    out. Columns :data:`RESULTS`' names, summing to 1.
    """
    names = [name for name, _, _ in RESULTS]
    if teachers.empty or "last_mastery" not in teachers:
        return pd.DataFrame(columns=names, dtype=float)
    step = teachers["Step"].to_numpy()
    week = (step - 1) % WEEKS_PER_YEAR + 1
    assessed = (step > 0) & ((week % cycle_weeks == 0) | (week == WEEKS_PER_YEAR))
    rows = teachers[assessed & (teachers["last_mastery"].to_numpy(dtype=float) != 0)]
    cause = np.asarray(ATTRIBUTION_NAMES)[rows["last_attribution"].to_numpy(dtype=int)]
    kind = np.where(rows["last_mastery"].to_numpy(dtype=float) > 0, "success", cause)
    counts = pd.crosstab(rows["Step"].to_numpy(), kind).reindex(columns=names, fill_value=0)
    shares = counts.div(counts.sum(axis=1), axis=0)
    shares.index = shares.index.to_numpy(dtype=float) / WEEKS_PER_YEAR
    return shares


def attribution_chart(
    teachers: pd.DataFrame,
    weighing: Sequence[tuple[float, float, float]],
    cycle_weeks: int,
    end: float = 0.0,
) -> str:
    """Results and their attributions per assessment; the weight of a success and a failure.

    Parameters
    ----------
    teachers : DataFrame
        Per-teacher weekly snapshots (``model.teacher_dataframe()``).
    weighing : sequence of (float, float, float)
        At each assessment, its time (school years) and the mean weight of a
        success and of a failure of the faculty (``DashboardSchool.weighing``).
    cycle_weeks : int
        Weeks per assessment cycle.
    end : float
        Current time in school years (sets the time axis).
    """
    shares = result_shares(teachers, cycle_weeks)
    width = cycle_weeks / WEEKS_PER_YEAR
    xlim, xticks = year_axis(max(end, float(shares.index.max()) if len(shares) else 0.0))
    chart = Chart(WIDTH, HEIGHT, "attribution")
    top = chart.axes(
        *UPPER_PANEL,
        xlim=xlim,
        ylim=(0.0, 1.0),
        title="Teachers' results, and what a failure was put down to",
        ylabel="share",
        xticks=xticks,
        yticks_count=3,
    )
    left = shares.index.to_numpy(dtype=float) - 0.95 * width
    bottom = np.zeros(len(shares))
    for name, colour, _ in RESULTS:
        height = shares[name].to_numpy(dtype=float) if len(shares) else np.zeros(0)
        chart.bars(top, left, 0.9 * width, bottom, height, colour)
        bottom = bottom + height
    times = np.array([w[0] for w in weighing], dtype=float)
    success = np.array([w[1] for w in weighing], dtype=float)
    failure = np.array([w[2] for w in weighing], dtype=float)
    high = max(1.6, float(np.nanmax(np.r_[success, failure])) * 1.1) if times.size else 1.6
    low = min(0.4, float(np.nanmin(np.r_[success, failure])) * 0.9) if times.size else 0.4
    bottom_frame = chart.axes(
        *LOWER_PANEL,
        xlim=xlim,
        ylim=(low, high),
        title="How much the faculty's successes and failures count (1: even-handed)",
        ylabel="weight",
        xlabel=f"school year (one assessment every {cycle_weeks} weeks)",
        xticks=xticks,
        yticks_count=4,
    )
    chart.hline(bottom_frame, 1.0, "#777")
    chart.line(bottom_frame, times, success, SUCCESS_COLOUR, role="success-weight")
    chart.line(bottom_frame, times, failure, FAILURE_COLOUR, role="failure-weight")
    chart.legend(8, HEIGHT - 30, [("box", colour, label) for _, colour, label in RESULTS])
    weights = [("line", SUCCESS_COLOUR, "a success counts"), ("line", FAILURE_COLOUR, "a failure")]
    chart.legend(8, HEIGHT - 8, weights)
    return chart.svg("results, attribution and the weighing of evidence")
