"""The tables ``run``, ``compare`` and ``demo`` print on the terminal (rich).

The comparison table says each clear difference in a word (better, worse;
higher or lower where neither is better) as well as in colour, so the
verdicts survive where colour does not: output piped to a file or a log,
a printout, a reader who does not tell red from green.
"""

from __future__ import annotations

from rich.table import Table

from analysis.experiments.replicates import Results
from analysis.reports.comparison import end_mean
from analysis.reports.wording import judgement, label, level, signed
from analysis.statistics.compare import Comparison
from analysis.statistics.intervals import mean_interval
from simulation.outcomes import reported

#: Colour of each verdict on a terminal.
STYLES = {"better": "green", "worse": "red", "no clear difference": "dim"}
#: Verdicts written in the cell after the difference (the clear ones).
MARKED = frozenset({"better", "worse", "higher", "lower"})


def terminal_table(comparison: Comparison) -> Table:
    """A compact table: each plan's difference from the baseline in the last year.

    Each difference is followed by its verdict in a word where it is clear
    (the column has no heading), so the table reads the same without colour.
    """
    year = comparison.years
    base = comparison.baseline.scenario.name
    title = comparison.question or f"Difference from {base}"
    table = Table(
        title=f"{title}\nEnd of year {year}, {comparison.replicates} runs each; "
        "difference ± 95% CI, marked better or worse (green, red) where the difference "
        "is clear; unmarked: no clear difference",
        title_justify="left",
    )
    _outcome_column(table)
    table.add_column(base, justify="right", style="dim", overflow="fold")
    for plan in comparison.plans:  # the difference, then its verdict in a column of its own
        table.add_column(f"{plan.scenario.name} − baseline", justify="right", overflow="fold")
        table.add_column("", justify="left")
    for outcome in reported():
        cells = [label(outcome), level(end_mean(comparison.baseline, outcome, year), outcome)]
        for plan in comparison.plans:
            interval = comparison.interval(plan.scenario.name, outcome, year)
            verdict = judgement(interval, outcome)
            style = STYLES.get(verdict, "")
            mark = verdict if verdict in MARKED else ""
            for text in (signed(interval, outcome, compact=True), mark):
                cells.append(f"[{style}]{text}[/]" if style and text else text)
        table.add_row(*cells)
    return table


def run_table(results: Results) -> Table:
    """End-of-year means of the key outcomes with their 95% intervals."""
    s = results.scenario
    table = Table(
        title=f"{s.name}: mean of {s.replicates} runs at the end of each year ± 95% CI",
        title_justify="left",
    )
    _outcome_column(table)
    for year in range(1, s.years + 1):
        table.add_column(f"year {year}", justify="right")
    for outcome in reported():
        cells = [label(outcome)]
        for year in range(1, s.years + 1):
            interval = mean_interval(results.summary.loc[results.summary["year"] == year, outcome])
            cells.append(signed(interval, outcome, compact=True).removeprefix("+"))
        table.add_row(*cells)
    return table


def _outcome_column(table: Table) -> None:
    """The outcomes' column: on a narrow terminal a label too long for it is folded onto the
    next line, never cut off (``responsibil…``)."""
    table.add_column("outcome", overflow="fold")
