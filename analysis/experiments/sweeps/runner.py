"""What a worker does: run the model for some design points and summarise each run.

A :class:`Task` holds one or more design points, each with all of its
replicates still to run; it carries plain data only (parameters, seeds),
so it can go to a local worker process or a Dask worker alike. Each run is
a :class:`~analysis.experiments.runs.Run` performed by the one
:func:`~analysis.experiments.runs.execute`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from analysis.experiments.runs import Run, execute_many, recorded_columns
from simulation import WEEKS_PER_YEAR, Intervention

if TYPE_CHECKING:
    from simulation import SchoolEnsemble, SchoolModel


@dataclass(frozen=True)
class PointJob:
    """The runs still to do for one design point."""

    point: int
    parameters: dict[str, Any]
    interventions: tuple[Intervention, ...]
    years: int
    replicates: tuple[int, ...]
    seeds: tuple[int, ...]


@dataclass(frozen=True)
class Task:
    """A unit of work: some design points' runs, and what to keep of each."""

    jobs: tuple[PointJob, ...]
    outcomes: tuple[str, ...]
    trajectories: bool = False
    ensemble: bool = True

    @property
    def runs(self) -> int:
        """Number of model runs in the task."""
        return sum(len(job.replicates) for job in self.jobs)

    def run(self) -> TaskResult:
        """Run every replicate of every design point (what a worker does)."""
        return run_task(self)


@dataclass
class TaskResult:
    """The task's runs, as arrays (one entry per run).

    ``yearly[i]`` has shape ``(years_i, len(outcomes))``: each outcome at
    the end of each school year. ``trajectory`` (with ``--trajectories``)
    holds one column per variable, one row per run and recorded week.
    ``seconds`` is the time spent in the model, for benchmarks.
    """

    point: np.ndarray
    replicate: np.ndarray
    seed: np.ndarray
    yearly: list[np.ndarray]
    trajectory: dict[str, np.ndarray] | None
    seconds: float


def point_measure(model: SchoolModel, run: Run) -> tuple[np.ndarray, dict[str, list[float]] | None]:
    """Run; the outcomes at each year end, and the weekly trajectory if asked.

    The model records every week for a trajectory and every 36th week
    otherwise (Mesa's data collector records at step 0 and at the end of
    each year, before the cohort rolls over); recording draws no random
    numbers, so the summary is the same either way.
    """
    model.run(run.years)
    return _point_summary(recorded_columns(model), run)


def _point_ensemble(
    ensemble: SchoolEnsemble, runs: Sequence[Run]
) -> list[tuple[np.ndarray, dict[str, list[float]] | None]]:
    """:func:`point_measure` for a design point's replicates run as one ensemble."""
    ensemble.run(runs[0].years)
    return [_point_summary(ensemble.recorded_columns(r), run) for r, run in enumerate(runs)]


point_measure.for_ensemble = _point_ensemble


def _point_summary(
    columns: Mapping[str, list[float]], run: Run
) -> tuple[np.ndarray, dict[str, list[float]] | None]:
    every = run.record_every
    ends = [year * WEEKS_PER_YEAR // every for year in range(1, run.years + 1)]
    yearly = np.array(
        [[columns[name][i] for name in run.options["outcomes"]] for i in ends], dtype=float
    )
    return yearly, (dict(columns) if every == 1 else None)


def point_runs(job: PointJob, outcomes: tuple[str, ...], trajectories: bool) -> list[Run]:
    """One design point's replicates, declared as runs of :func:`point_measure`."""
    return [
        Run(
            "sweep",
            str(job.point),
            replicate,
            seed,
            job.parameters,
            job.years,
            job.interventions,
            measure=point_measure,
            options={"outcomes": outcomes},
            record_every=1 if trajectories else WEEKS_PER_YEAR,
        )
        for replicate, seed in zip(job.replicates, job.seeds, strict=True)
    ]


def _run_all(task: Task) -> list:
    """Every run of ``task``: as ensembles unless the task says not to."""
    runs = [run for job in task.jobs for run in point_runs(job, task.outcomes, task.trajectories)]
    try:
        return execute_many(runs, task.ensemble)
    except Exception as error:
        which = ", ".join(
            f"point {run.arm} replicate {run.replicate} (seed {run.seed})" for run in runs[:4]
        )
        more = f" and {len(runs) - 4} more" if len(runs) > 4 else ""
        error.add_note(f"in one of {which}{more}; parameters of the first: {runs[0].parameters}")
        raise


def run_task(task: Task) -> TaskResult:
    """Run every replicate of every design point in ``task``."""
    start = time.perf_counter()
    points, replicates, seeds, yearly = [], [], [], []
    columns: dict[str, list[Any]] | None = None
    if task.trajectories:
        columns = {
            "point": [],
            "replicate": [],
            "step": [],
            "year": [],
            "week": [],
            **{name: [] for name in task.outcomes},
        }
    results = iter(_run_all(task))
    for job in task.jobs:
        for replicate, seed in zip(job.replicates, job.seeds, strict=True):
            values, recorded = next(results)
            points.append(job.point)
            replicates.append(replicate)
            seeds.append(seed)
            yearly.append(values)
            if columns is not None and recorded is not None:
                n = len(recorded["week"])
                columns["point"] += [job.point] * n
                columns["replicate"] += [replicate] * n
                columns["step"] += list(range(n))
                columns["year"] += recorded["year"]
                columns["week"] += recorded["week"]
                for name in task.outcomes:
                    columns[name] += recorded[name]
    trajectory = None
    if columns is not None:
        trajectory = {
            k: np.asarray(
                v, dtype=np.int64 if k in ("point", "replicate", "step", "year", "week") else float
            )
            for k, v in columns.items()
        }
    return TaskResult(
        np.asarray(points, dtype=np.int64),
        np.asarray(replicates, dtype=np.int64),
        np.asarray(seeds, dtype=np.int64),
        yearly,
        trajectory,
        time.perf_counter() - start,
    )
