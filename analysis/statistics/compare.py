"""Comparing scenarios: differences from the first.

The first scenario is the baseline. Every scenario runs the same number of
years and replicates with the same seed (:mod:`analysis.experiments.plans`),
so replicate ``r`` of each uses
the same model seed (common random numbers, :mod:`analysis.experiments.replicates`);
:mod:`analysis.statistics.intervals` then pairs them by replicate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from analysis.experiments.replicates import Results
from analysis.experiments.scenario_runs import YEAR_SOURCES
from analysis.statistics.intervals import Interval, cumulative, differences, holm
from simulation.outcomes import reported


@dataclass
class Comparison:
    """Plans compared with a baseline.

    Attributes
    ----------
    question : str
        What the comparison answers (a heading), may be empty.
    baseline : Results
        The first scenario's runs.
    plans : list of Results
        The others' runs.
    differences : DataFrame
        Tidy: one row per plan, outcome (:func:`simulation.outcomes.reported`)
        and year: ``scenario``, ``outcome``, ``year``, ``baseline_mean``,
        ``plan_mean``, ``difference``, ``low``, ``high``, ``n``, ``method``,
        ``p``, ``clear`` (plan minus baseline at the end of that year).
    sources : DataFrame
        Tidy: one row per plan, source, year and ``span``: the difference in
        that source's contribution to teachers' self-efficacy (0-1 scale;
        times 8 for TSES points) summed over the weeks of that year
        (``span == "year"``) or from year 1 to that year (``"to date"``),
        with its interval.
    """

    question: str
    baseline: Results
    plans: list[Results]
    differences: pd.DataFrame
    sources: pd.DataFrame

    @property
    def years(self) -> int:
        """School years run."""
        return self.baseline.scenario.years

    @property
    def replicates(self) -> int:
        """Replicates per scenario."""
        return self.baseline.scenario.replicates

    def interval(self, plan: str, outcome: str, year: int) -> Interval:
        """One difference as an :class:`Interval`."""
        return self._intervals[plan, outcome, year]

    @cached_property
    def _intervals(self) -> dict[tuple[str, str, int], Interval]:
        """Every row of ``differences`` as an interval, by (plan, outcome, year)."""
        table = self.differences
        return {
            (plan, outcome, int(year)): Interval(difference, low, high, int(n), method, p)
            for plan, outcome, year, difference, low, high, n, method, p in zip(
                table["scenario"],
                table["outcome"],
                table["year"],
                table["difference"],
                table["low"],
                table["high"],
                table["n"],
                table["method"],
                table["p"],
                strict=True,
            )
        }

    def clear_together(self, plan: str, year: int) -> dict[str, bool]:
        """Per reported outcome: whether ``plan``'s difference is clear, outcomes judged at once.

        Holm's adjustment over the outcomes of :func:`simulation.outcomes.reported`
        at the end of ``year``: the chance that the plan is called different on
        any outcome where it truly is not stays at most 5%, where one 95%
        interval per outcome would call some difference on 11 outcomes in up to
        about 40% of comparisons of two identical plans.
        """
        return holm({o: self.interval(plan, o, year).p for o in reported()})

    def result(self, plan: str) -> Results:
        """The runs of the scenario named ``plan`` (a plan or the baseline)."""
        return next(r for r in [self.baseline, *self.plans] if r.scenario.name == plan)

    def start_difference(self, plan: str, outcome: str) -> float:
        """Plan minus baseline mean of ``outcome`` before the first week (step 0)."""

        def start(result: Results) -> float:
            frame = result.trajectories
            return float(frame.loc[frame["step"] == 0, outcome].mean())

        return start(self.result(plan)) - start(self.baseline)

    def source_intervals(self, plan: str, year: int, span: str = "to date") -> dict[str, Interval]:
        """Each source's difference in ``year`` (span ``"year"``) or up to it, as intervals."""
        table = self.sources
        rows = table[
            (table["scenario"] == plan) & (table["year"] == year) & (table["span"] == span)
        ]
        return {
            r["source"]: Interval(r["difference"], r["low"], r["high"], int(r["n"]), r["method"])
            for _, r in rows.iterrows()
        }


def compare(results: Sequence[Results], question: str = "") -> Comparison:
    """Differences of each scenario from the first, by outcome and year."""
    baseline, plans = results[0], list(results[1:])
    names = list(YEAR_SOURCES)
    base_sources = cumulative(baseline.summary, names)
    tables, source_tables = [], []
    for plan in plans:
        table = differences(plan.summary, baseline.summary, reported())
        table.insert(0, "scenario", plan.scenario.name)
        tables.append(table)
        for span, sums in (
            ("year", differences(plan.summary, baseline.summary, names)),
            ("to date", differences(cumulative(plan.summary, names), base_sources, names)),
        ):
            sums.insert(0, "scenario", plan.scenario.name)
            sums.insert(1, "span", span)
            sums.insert(
                2,
                "source",
                sums.pop("outcome").str.removeprefix("source_").str.removesuffix("_year"),
            )
            source_tables.append(sums)
    return Comparison(
        question,
        baseline,
        plans,
        pd.concat(tables, ignore_index=True),
        pd.concat(source_tables, ignore_index=True),
    )
