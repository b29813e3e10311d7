"""Running a scenario's replicates: seeds, worker processes, tidy results.

Replicate ``r`` of a scenario with seed ``S`` always runs with the same
model seed (:func:`replicate_seeds`), whichever process runs it and in
whatever order runs finish, so results are identical for any number of
workers. Two scenarios with the same seed share replicate seeds: common
random numbers, so that their difference is measured with less noise.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scenarios import Scenario
from simulation import OUTCOMES, WEEKS_PER_YEAR

ID_COLUMNS = ("scenario", "replicate", "seed")


def replicate_seeds(seed: int, replicates: int) -> list[int]:
    """Independent, reproducible model seeds for replicates ``0..replicates-1``.

    Derived with numpy's ``SeedSequence`` (so streams do not overlap) and
    returned as non-negative 63-bit integers, as Mesa's ``rng`` takes them.
    """
    children = np.random.SeedSequence(seed).spawn(replicates)
    return [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children]


@dataclass
class RunResult:
    """One run: its weekly (or yearly) trajectory and its annual tests."""

    replicate: int
    seed: int
    trajectory: pd.DataFrame
    annual: pd.DataFrame


def run_one(scenario: Scenario, replicate: int, seed: int, years: int | None = None,
            record_every: int = 1) -> RunResult:
    """Run one replicate of ``scenario`` with model seed ``seed``."""
    model = scenario.model(rng=seed, record_every=record_every)
    model.run(years or scenario.years)
    trajectory = model.datacollector.get_model_vars_dataframe()
    trajectory.insert(0, "step", trajectory.index.astype(int))
    trajectory = trajectory.reset_index(drop=True)
    annual = pd.DataFrame(model.annual_results)
    return RunResult(replicate, seed, trajectory, annual)


def _run(args) -> RunResult:
    return run_one(*args)


@dataclass
class Results:
    """Replicates of one scenario as tidy tables.

    ``trajectories``: one row per replicate and recorded step.
    ``summary``: one row per replicate and school year, the outcomes at the
    end of that year (week 36).
    """

    scenario: Scenario
    trajectories: pd.DataFrame
    summary: pd.DataFrame


def run_replicates(scenario: Scenario, replicates: int | None = None, seed: int | None = None,
                   years: int | None = None, workers: int = 1, record_every: int = 1,
                   on_done: Callable[[int], None] | None = None) -> Results:
    """Run a scenario's replicates, in parallel over ``workers`` processes.

    Parameters
    ----------
    scenario : Scenario
        What to run; ``replicates``, ``seed`` and ``years`` override its own.
    workers : int
        Worker processes (1 runs in this process). Results do not depend on it.
    record_every : int
        Weeks between recorded rows (36 keeps one row a year).
    on_done : callable, optional
        Called with the number of runs finished so far, for progress bars.
    """
    replicates = replicates or scenario.replicates
    seeds = replicate_seeds(scenario.seed if seed is None else seed, replicates)
    jobs = [(scenario, r, s, years, record_every) for r, s in enumerate(seeds)]
    done: list[RunResult] = []
    if workers <= 1 or replicates == 1:
        for job in jobs:
            done.append(_run(job))
            if on_done:
                on_done(len(done))
    else:
        with ProcessPoolExecutor(max_workers=min(workers, replicates),
                                 mp_context=multiprocessing.get_context("forkserver")) as pool:
            futures = [pool.submit(_run, job) for job in jobs]
            for future in as_completed(futures):
                done.append(future.result())
                if on_done:
                    on_done(len(done))
    done.sort(key=lambda r: r.replicate)
    return Results(scenario, *_tables(scenario.name, done))


def _tables(name: str, runs: Sequence[RunResult]) -> tuple[pd.DataFrame, pd.DataFrame]:
    frames = []
    for run in runs:
        frame = run.trajectory.copy()
        frame.insert(0, "seed", run.seed)
        frame.insert(0, "replicate", run.replicate)
        frame.insert(0, "scenario", name)
        frames.append(frame)
    trajectories = pd.concat(frames, ignore_index=True)
    trajectories["seed"] = trajectories["seed"].astype("uint64")
    ends = trajectories[(trajectories["week"] == WEEKS_PER_YEAR)]
    summary = ends[[*ID_COLUMNS, "year", *[o for o in OUTCOMES if o not in ("year", "week")]]]
    summary = summary.assign(year=summary["year"].astype(int)).reset_index(drop=True)
    return trajectories, summary
