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

import numpy as np
import pandas as pd

from analysis.experiments.engines import run_all
from analysis.experiments.scenario_runs import RunResult, scenario_runs
from scenarios import Scenario
from simulation import WEEKS_PER_YEAR
from simulation.outcomes import measured

ID_COLUMNS = ("scenario", "replicate", "seed")
#: Columns of the table of the leader's decisions (rules that fired).
DECISION_COLUMNS = (*ID_COLUMNS, "rule", "rule_name", "year", "week", "step", "changes", "seen")


@dataclass
class Results:
    """Replicates of one scenario as tidy tables.

    ``trajectories``: one row per replicate and recorded step.
    ``summary``: one row per replicate and school year, the outcomes at the
    end of that year (week 36), plus :data:`analysis.experiments.scenario_runs.YEAR_SOURCES`.
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
    decisions = [
        {"scenario": name, "replicate": run.replicate, "seed": run.seed, **d}
        for run in runs
        for d in run.decisions
    ]
    rows = [len(run.trajectory["step"]) for run in runs]
    trajectories = pd.DataFrame(
        {
            "scenario": np.full(sum(rows), name, dtype=object),
            "replicate": np.repeat([run.replicate for run in runs], rows).astype("int64"),
            "seed": np.repeat([run.seed for run in runs], rows).astype("int64"),
            "step": np.concatenate([run.trajectory["step"] for run in runs]).astype("int64"),
            **{
                column: np.concatenate([run.trajectory[column] for run in runs]).astype(float)
                for column in runs[0].trajectory
                if column != "step"
            },
        }
    )
    years = pd.DataFrame([{"replicate": run.replicate, **row} for run in runs for row in run.years])
    ends = trajectories[trajectories["week"] == WEEKS_PER_YEAR]
    summary = ends[[*ID_COLUMNS, "year", *measured()]]
    summary = summary.assign(year=summary["year"].astype(int)).reset_index(drop=True)
    summary = summary.merge(
        years,
        on=["replicate", "year"],
        how="left",
        validate="one_to_one",
    )
    decided = pd.DataFrame(decisions, columns=list(DECISION_COLUMNS))
    decided["seed"] = decided["seed"].astype("uint64")
    return trajectories, summary, decided
