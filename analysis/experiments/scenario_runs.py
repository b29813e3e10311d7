"""What a worker does for one scenario's replicates, and what it sends back.

Replicate ``r`` of a scenario with seed ``S`` always runs with the same
model seed (:func:`analysis.experiments.seeds.replicate_seeds`), whichever
process runs it. A run's result is plain columns and rows
(:class:`RunResult`), not tables: a worker needs neither pandas nor Mesa
(unless the scenario has leader rules), and the tables are built once, in
the main process (:mod:`analysis.experiments.replicates`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from analysis.experiments.runs import Run, check_record_every, recorded_columns
from analysis.experiments.seeds import replicate_seeds
from simulation import SOURCES, WEEKS_PER_YEAR

#: Summary columns added to the outcomes: each source's contribution to the
#: change in self-efficacy summed over the school year's 36 weeks (mean over
#: teachers, 0-1 scale; times 8 for TSES points).
YEAR_SOURCES = tuple(f"source_{name}_year" for name in SOURCES)

if TYPE_CHECKING:  # a worker imports Mesa only for a model with leader rules
    from scenarios import Scenario
    from simulation import SchoolEnsemble, SchoolModel


@dataclass
class RunResult:
    """One run: its recorded trajectory (columns) and one row per school year.

    ``trajectory`` holds the step and every recorded outcome, one value per
    recorded week (the annual test is its year-end rows); ``years`` holds, per
    school year, each source's contribution to self-efficacy summed over the
    year (``source_<name>_year``); ``decisions`` the leader's rules that fired.
    """

    replicate: int
    seed: int
    trajectory: dict[str, list]
    years: list[dict]
    decisions: list[dict] = field(default_factory=list)


def scenario_measure(model: SchoolModel, run: Run) -> RunResult:
    """Run week by week: the trajectory, each year's row and the leader's decisions.

    The yearly source sums use every week whatever ``run.record_every`` is.
    """
    sources = _SourceSums(1)
    for _ in range(run.years * WEEKS_PER_YEAR):
        model.step()
        sources.add(
            [
                {
                    name: float(values.sum()) / values.size
                    for name, values in model.source_changes.items()
                }
            ]
        )
    decisions = [
        {
            "rule": d.rule,
            "rule_name": model.rules[d.rule - 1].label,
            "year": d.year,
            "week": d.week,
            "step": d.step,
            "changes": _words(d.changes),
            "seen": _words(d.seen),
        }
        for d in model.leader.decisions
    ]
    return _result(run, dict(recorded_columns(model)), sources.years[0], decisions)


def _scenario_ensemble(ensemble: SchoolEnsemble, runs: Sequence[Run]) -> list[RunResult]:
    """:func:`scenario_measure` for replicates run as one ensemble (no leader rules)."""
    sources = _SourceSums(len(runs))
    for _ in range(runs[0].years * WEEKS_PER_YEAR):
        ensemble.step()
        sources.add(ensemble.source_means())
    return [
        _result(run, ensemble.recorded_columns(r), sources.years[r], [])
        for r, run in enumerate(runs)
    ]


scenario_measure.for_ensemble = _scenario_ensemble


class _SourceSums:
    """Each source's weekly mean change in self-efficacy, summed over each school year."""

    def __init__(self, schools: int) -> None:
        self.weeks = 0
        self.sums = [dict.fromkeys(SOURCES, 0.0) for _ in range(schools)]
        self.years: list[list[dict]] = [[] for _ in range(schools)]

    def add(self, means: Sequence[dict[str, float]]) -> None:
        self.weeks += 1
        for sums, school in zip(self.sums, means, strict=True):
            for name in SOURCES:
                sums[name] += school[name]
        if self.weeks % WEEKS_PER_YEAR == 0:
            for school, sums in enumerate(self.sums):
                self.years[school].append(
                    {
                        "year": self.weeks // WEEKS_PER_YEAR,
                        **dict(zip(YEAR_SOURCES, [sums[n] for n in SOURCES], strict=True)),
                    }
                )
            self.sums = [dict.fromkeys(SOURCES, 0.0) for _ in self.sums]


def _result(
    run: Run, recorded: Mapping[str, list], yearly_sources: list[dict], decisions: list[dict]
) -> RunResult:
    trajectory = {
        "step": [
            (int(year) - 1) * WEEKS_PER_YEAR + int(week)
            for year, week in zip(recorded["year"], recorded["week"], strict=True)
        ],
        **recorded,
    }
    return RunResult(run.replicate, run.seed, trajectory, yearly_sources, decisions)


def scenario_runs(scenario: Scenario, record_every: int = 1) -> list[Run]:
    """The runs of a scenario's replicates, declared as data (seeds from its ``seed``)."""
    check_record_every(record_every)
    return [
        Run(
            scenario.name,
            "",
            r,
            seed,
            scenario.parameters,
            scenario.years,
            scenario.interventions,
            rules=scenario.rules,
            network=scenario.network,
            measure=scenario_measure,
            record_every=record_every,
        )
        for r, seed in enumerate(replicate_seeds(scenario.seed, scenario.replicates))
    ]


def _words(values: dict) -> str:
    """``a = 1, b = "x"``: a decision's changes or observations, as one cell."""

    def shown(value) -> str:
        if value is None:
            return "not seen"
        if isinstance(value, bool):
            return str(value).lower()
        if isinstance(value, float):
            return f"{value:.4g}"
        return f'"{value}"' if isinstance(value, str) else str(value)

    return ", ".join(f"{k} = {shown(v)}" for k, v in values.items())
