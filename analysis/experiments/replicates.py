"""Running a scenario's replicates: seeds, worker processes, tidy results.

Replicate ``r`` of a scenario with seed ``S`` always runs with the same
model seed (:func:`replicate_seeds`), whichever process runs it and in
whatever order runs finish, so results are identical for any number of
workers. Two scenarios with the same seed share replicate seeds: common
random numbers, so that their difference is measured with less noise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from analysis.experiments.engines import run_all
from analysis.experiments.runs import Run, check_record_every, recorded
from analysis.experiments.seeds import replicate_seeds
from scenarios import Scenario
from simulation import SOURCES, WEEKS_PER_YEAR
from simulation.outcomes import measured

if TYPE_CHECKING:  # the main process of a command need not import Mesa
    from simulation import SchoolEnsemble, SchoolModel

ID_COLUMNS = ("scenario", "replicate", "seed")
#: Columns of the table of the leader's decisions (rules that fired).
DECISION_COLUMNS = (*ID_COLUMNS, "rule", "rule_name", "year", "week", "step", "changes", "seen")
#: Summary columns added to the outcomes: each source's contribution to the
#: change in self-efficacy summed over the school year's 36 weeks (mean over
#: teachers, 0-1 scale; times 8 for TSES points).
YEAR_SOURCES = tuple(f"source_{name}_year" for name in SOURCES)


@dataclass
class RunResult:
    """One run: its recorded trajectory and one row per school year.

    ``annual`` holds the annual test (``model.annual_results``) and each
    source's contribution to self-efficacy summed over the year
    (:data:`YEAR_SOURCES`); ``decisions`` the leader's rules that fired.
    """

    replicate: int
    seed: int
    trajectory: pd.DataFrame
    annual: pd.DataFrame
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
    return _result(run, recorded(model), model.annual_results, sources.years[0], decisions)


def _scenario_ensemble(ensemble: SchoolEnsemble, runs: Sequence[Run]) -> list[RunResult]:
    """:func:`scenario_measure` for replicates run as one ensemble (no leader rules)."""
    sources = _SourceSums(len(runs))
    for _ in range(runs[0].years * WEEKS_PER_YEAR):
        ensemble.step()
        sources.add(ensemble.source_means())
    return [
        _result(run, ensemble.recorded(r), ensemble.annual_results[r], sources.years[r], [])
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
                        **{f"source_{n}_year": sums[n] for n in SOURCES},
                    }
                )
            self.sums = [dict.fromkeys(SOURCES, 0.0) for _ in self.sums]


def _result(
    run: Run,
    recorded_rows: pd.DataFrame,
    annual_results: list[dict],
    yearly_sources: list[dict],
    decisions: list[dict],
) -> RunResult:
    trajectory = recorded_rows.reset_index(drop=True)
    step = (trajectory["year"].astype(int) - 1) * WEEKS_PER_YEAR + trajectory["week"].astype(int)
    trajectory.insert(0, "step", step)
    sources = {int(row["year"]): row for row in yearly_sources}
    annual = pd.DataFrame(
        [
            {**row, **sources.get(int(row["year"]), {}), "year": int(row["year"])}
            for row in annual_results
        ]
    )
    return RunResult(run.replicate, run.seed, trajectory, annual, decisions)


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


@dataclass
class Results:
    """Replicates of one scenario as tidy tables.

    ``trajectories``: one row per replicate and recorded step.
    ``summary``: one row per replicate and school year, the outcomes at the
    end of that year (week 36), plus :data:`YEAR_SOURCES`.
    ``decisions``: one row per rule that fired in a run
    (:data:`DECISION_COLUMNS`; empty without rules).
    """

    scenario: Scenario
    trajectories: pd.DataFrame
    summary: pd.DataFrame
    decisions: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(DECISION_COLUMNS))
    )


def run_many(
    scenarios: Sequence[Scenario],
    workers: int = 1,
    record_every: int = 1,
    on_done: Callable[[int], None] | None = None,
) -> list[Results]:
    """Run several scenarios' replicates on one pool of worker processes.

    Each scenario runs its own ``replicates`` and ``years`` with the seeds of
    its own ``seed`` (:meth:`Scenario.for_run` sets them), so scenarios with
    the same seed share replicate seeds (common random numbers).

    Parameters
    ----------
    scenarios : sequence of Scenario
        What to run.
    workers : int
        Worker processes (1 runs in this process). Results do not depend on it.
    record_every : int
        Weeks between recorded rows; must divide 36.
    on_done : callable, optional
        Called with the number of runs finished so far (over all scenarios).

    Returns
    -------
    list of Results
        In the order of ``scenarios``.
    """
    planned = [scenario_runs(s, record_every) for s in scenarios]
    done = run_all([run for runs in planned for run in runs], workers, on_done=on_done)
    results, first = [], 0
    for s, runs in zip(scenarios, planned, strict=True):
        results.append(Results(s, *_tables(s.name, done[first : first + len(runs)])))
        first += len(runs)
    return results


def _tables(
    name: str, runs: Sequence[RunResult]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    frames, years = [], []
    decisions = [
        {"scenario": name, "replicate": run.replicate, "seed": run.seed, **d}
        for run in runs
        for d in run.decisions
    ]
    for run in runs:
        frame = run.trajectory.copy()
        frame.insert(0, "seed", run.seed)
        frame.insert(0, "replicate", run.replicate)
        frame.insert(0, "scenario", name)
        frames.append(frame)
        annual = run.annual[["year", *YEAR_SOURCES]].copy()
        annual.insert(0, "replicate", run.replicate)
        years.append(annual)
    trajectories = pd.concat(frames, ignore_index=True)
    trajectories["seed"] = trajectories["seed"].astype("int64")
    ends = trajectories[trajectories["week"] == WEEKS_PER_YEAR]
    summary = ends[[*ID_COLUMNS, "year", *measured()]]
    summary = summary.assign(year=summary["year"].astype(int)).reset_index(drop=True)
    summary = summary.merge(
        pd.concat(years, ignore_index=True),
        on=["replicate", "year"],
        how="left",
        validate="one_to_one",
    )
    decided = pd.DataFrame(decisions, columns=list(DECISION_COLUMNS))
    decided["seed"] = decided["seed"].astype("uint64")
    return trajectories, summary, decided
