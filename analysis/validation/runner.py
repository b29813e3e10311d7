"""Running the validation's model runs: jobs declared as data, one process pool.

Each experiment declares its runs as :class:`Job` values (what to build,
which seed, how long, what to measure); :func:`run_jobs` executes any list
of them, in this process or over worker processes, and returns the
measurements in job order. A job's result depends only on the job, so the
results are identical for any number of workers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from simulation import WEEKS_PER_YEAR, Intervention, SchoolModel

from ..workers import as_finished, forkserver_context, interrupts_as_flag

YEARLY_COLUMNS = ("collective_efficacy", "responsibility", "self_efficacy",
                  "self_efficacy_tses", "annual_gain", "ses_gap", "ses_gain_slope",
                  "practice_share", "turnover_rate", "achievement", "stress",
                  "self_efficacy_sd", "expectation_bias", "move_rate", "leave_rate",
                  "known_share", "out_of_field_share")


@dataclass(frozen=True)
class Job:
    """One model run of an experiment.

    Parameters
    ----------
    experiment, arm : str
        Which experiment and which arm (condition) the run belongs to.
    replicate : int
        Replicate number within the arm (or school number in a population).
    seed : int
        Model seed. Arms of one experiment share replicate seeds.
    parameters : Mapping
        Keyword arguments of :class:`simulation.SchoolModel`.
    years : int
        School years to run.
    interventions : tuple of Intervention
        Scheduled lever changes.
    disabled : tuple of str
        Processes switched off (ablation).
    measure : callable, optional
        ``measure(model, job) -> object`` that runs the model and returns
        what the experiment needs (a module-level function, so that it can
        be sent to a worker); default :func:`yearly`.
    options : Mapping
        Extra settings for ``measure``.
    """

    experiment: str
    arm: str
    replicate: int
    seed: int
    parameters: Mapping[str, Any]
    years: int
    interventions: tuple[Intervention, ...] = ()
    disabled: tuple[str, ...] = ()
    measure: Callable[[SchoolModel, Job], Any] | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def cost(self) -> float:
        """Rough relative cost (student-years), to start long runs first."""
        return float(self.parameters.get("n_students", 900)) * self.years


def yearly(model: SchoolModel, job: Job) -> pd.DataFrame:
    """Run ``job.years`` years; outcomes at the start (year 0) and each year's end."""
    model.run(job.years)
    frame = model.datacollector.get_model_vars_dataframe()
    ends = frame["week"] == WEEKS_PER_YEAR
    ends.iloc[0] = True
    out = frame.loc[ends, ["year", *YEARLY_COLUMNS]].reset_index(drop=True)
    out["year"] = out["year"].astype(int)
    out.loc[0, "year"] = 0
    return out


def execute(job: Job) -> Any:
    """Build the job's model, run it and measure it."""
    model = SchoolModel(**job.parameters, interventions=job.interventions,
                        disabled=job.disabled, rng=job.seed, record_every=WEEKS_PER_YEAR)
    return (job.measure or yearly)(model, job)


def _timed(job: Job) -> tuple[Any, float]:
    """:func:`execute`, and the CPU seconds it took in the process that ran it."""
    start = time.process_time()
    result = execute(job)
    return result, time.process_time() - start


class CpuClock:
    """Adds up the CPU seconds of the runs it is given (wherever they ran).

    Wall-clock time on a shared machine depends on what else runs; the CPU
    time of the model runs does not, so it is reported beside it.
    """

    def __init__(self) -> None:
        self.seconds = 0.0


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes that start with the model already imported.

    Workers are forked from a forkserver that has imported the simulation
    and this module, so starting one costs little; share one pool across
    calls of :func:`run_jobs` (use it as a context manager).
    """
    context = forkserver_context(["simulation", "analysis.validation.runner"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def run_jobs(jobs: Sequence[Job], workers: int = 1,
             on_done: Callable[[int], None] | None = None,
             pool: Executor | None = None, clock: CpuClock | None = None) -> list[Any]:
    """Execute ``jobs`` and return their measurements in the same order.

    Parameters
    ----------
    workers : int
        Worker processes (1 runs here). Results do not depend on it.
    on_done : callable, optional
        Called with the number of jobs finished so far (progress bars).
    pool : Executor, optional
        An open pool (:func:`worker_pool`) to use instead of starting one.
    clock : CpuClock, optional
        Receives the CPU seconds of the runs.
    """
    results: list[Any] = [None] * len(jobs)
    order = sorted(range(len(jobs)), key=lambda i: -jobs[i].cost)
    cpu = 0.0
    if pool is None and (workers <= 1 or len(jobs) <= 1):
        for count, i in enumerate(order, start=1):
            results[i], seconds = _timed(jobs[i])
            cpu += seconds
            if on_done:
                on_done(count)
    else:
        with ExitStack() as stack:
            if pool is None:
                pool = stack.enter_context(worker_pool(min(workers, len(jobs))))
            with interrupts_as_flag() as interrupted:
                futures = {pool.submit(_timed, jobs[i]): i for i in order}
                for count, future in enumerate(as_finished(futures, interrupted), start=1):
                    results[futures[future]], seconds = future.result()
                    cpu += seconds
                    if on_done:
                        on_done(count)
    if clock is not None:
        clock.seconds += cpu
    return results


def tidy(jobs: Sequence[Job], results: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """One table of yearly results: experiment, arm, replicate, seed, year, outcomes."""
    frames = []
    for job, result in zip(jobs, results, strict=True):
        frame = result.copy()
        frame.insert(0, "seed", job.seed)
        frame.insert(0, "replicate", job.replicate)
        frame.insert(0, "arm", job.arm)
        frame.insert(0, "experiment", job.experiment)
        frames.append(frame)
    if not frames:
        return pd.DataFrame()
    table = pd.concat(frames, ignore_index=True)
    table["seed"] = table["seed"].astype("int64")
    return table
