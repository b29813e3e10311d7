"""Running a scenario's replicates: seeds, worker processes, tidy results.

Replicate ``r`` of a scenario with seed ``S`` always runs with the same
model seed (:func:`replicate_seeds`), whichever process runs it and in
whatever order runs finish, so results are identical for any number of
workers. Two scenarios with the same seed share replicate seeds: common
random numbers, so that their difference is measured with less noise.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import pandas as pd

from scenarios import Scenario
from simulation import SOURCES, WEEKS_PER_YEAR
from simulation.outcomes import measured

from .seeds import run_seed
from .workers import as_finished, forkserver_context, interrupts_as_flag, pool_size

ID_COLUMNS = ("scenario", "replicate", "seed")
#: Columns of the table of the leader's decisions (rules that fired).
DECISION_COLUMNS = (*ID_COLUMNS, "rule", "rule_name", "year", "week", "step", "changes", "seen")
#: Summary columns added to the outcomes: each source's contribution to the
#: change in self-efficacy summed over the school year's 36 weeks (mean over
#: teachers, 0-1 scale; times 8 for TSES points).
YEAR_SOURCES = tuple(f"source_{name}_year" for name in SOURCES)


def replicate_seeds(seed: int, replicates: int) -> list[int]:
    """Independent, reproducible model seeds for replicates ``0..replicates-1``.

    Replicate ``r`` gets :func:`analysis.seeds.run_seed` ``(seed, r)``: the
    seed a sweep with common random numbers gives its replicate ``r``, below
    2**53 so that it survives a trip through R, Excel or JavaScript.
    """
    return [run_seed(seed, replicate) for replicate in range(replicates)]


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


def _check_record_every(record_every: int) -> None:
    if (isinstance(record_every, bool) or not isinstance(record_every, int)
            or record_every < 1 or WEEKS_PER_YEAR % record_every):
        divisors = [d for d in range(1, WEEKS_PER_YEAR + 1) if WEEKS_PER_YEAR % d == 0]
        raise ValueError(f"record_every must divide the {WEEKS_PER_YEAR}-week year (one of "
                         f"{divisors}), so that every year end is recorded; got "
                         f"{record_every!r}")


def run_one(scenario: Scenario, replicate: int, seed: int, years: int | None = None,
            record_every: int = 1) -> RunResult:
    """Run one replicate of ``scenario`` with model seed ``seed``.

    Parameters
    ----------
    scenario : Scenario
        What to run.
    replicate : int
        The replicate's number (carried into the result).
    seed : int
        The model seed (Mesa's ``rng``).
    years : int, optional
        School years to run (default: the scenario's).
    record_every : int
        Weeks between recorded rows; must divide 36 so that year ends are
        recorded. The yearly source sums use every week whatever it is.
    """
    _check_record_every(record_every)
    model = scenario.model(rng=seed, record_every=record_every)
    weeks = (years or scenario.years) * WEEKS_PER_YEAR
    sums = dict.fromkeys(SOURCES, 0.0)
    yearly = []
    for week in range(1, weeks + 1):
        model.step()
        for name in SOURCES:
            values = model.source_changes[name]
            sums[name] += float(values.sum()) / values.size
        if week % WEEKS_PER_YEAR == 0:
            yearly.append({"year": week // WEEKS_PER_YEAR,
                           **{f"source_{n}_year": sums[n] for n in SOURCES}})
            sums = dict.fromkeys(SOURCES, 0.0)
    trajectory = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    step = (trajectory["year"].astype(int) - 1) * WEEKS_PER_YEAR + trajectory["week"].astype(int)
    trajectory.insert(0, "step", step)
    annual = pd.DataFrame(model.annual_results)
    annual["year"] = annual["year"].astype(int)
    annual = annual.merge(pd.DataFrame(yearly), on="year", how="left")
    decisions = [{"rule": d.rule, "rule_name": model.rules[d.rule - 1].label, "year": d.year,
                  "week": d.week, "step": d.step, "changes": _words(d.changes),
                  "seen": _words(d.seen)} for d in model.leader.decisions]
    return RunResult(replicate, seed, trajectory, annual, decisions)


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


def _run(args) -> RunResult:
    return run_one(*args)


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the parent, which cancels what is left."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


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
        default_factory=lambda: pd.DataFrame(columns=list(DECISION_COLUMNS)))


def run_replicates(scenario: Scenario, replicates: int | None = None, seed: int | None = None,
                   years: int | None = None, workers: int = 1, record_every: int = 1,
                   on_done: Callable[[int], None] | None = None) -> Results:
    """Run a scenario's replicates, in parallel over ``workers`` processes.

    Parameters
    ----------
    scenario : Scenario
        What to run; ``replicates``, ``seed`` and ``years`` override its own
        (checked: an intervention after the last year is an error).
    workers : int
        Worker processes (1 runs in this process). Results do not depend on it.
    record_every : int
        Weeks between recorded rows (36 keeps one row a year); must divide 36.
    on_done : callable, optional
        Called with the number of runs finished so far, for progress bars.

    Raises
    ------
    simulation.InputError
        If ``years`` leaves an intervention outside the run, or a value is
        out of range.
    """
    planned = scenario.for_run(years=years, replicates=replicates, seed=seed)
    return run_many([planned], workers=workers, record_every=record_every,
                    on_done=on_done)[0]


def run_many(scenarios: Sequence[Scenario], workers: int = 1, record_every: int = 1,
             on_done: Callable[[int], None] | None = None) -> list[Results]:
    """Run several scenarios' replicates on one pool of worker processes.

    Each scenario runs its own ``replicates`` for its own ``years`` with the
    seeds of its own ``seed`` (use :meth:`Scenario.for_run` to set them);
    scenarios with the same seed share replicate seeds (common random
    numbers).

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
    _check_record_every(record_every)
    jobs = [(k, (s, r, seed, s.years, record_every))
            for k, s in enumerate(scenarios)
            for r, seed in enumerate(replicate_seeds(s.seed, s.replicates))]
    done: dict[tuple[int, int], RunResult] = {}

    def finished(key: int, result: RunResult) -> None:
        done[(key, result.replicate)] = result
        if on_done:
            on_done(len(done))

    processes = pool_size(workers, len(jobs))
    if not processes:
        for key, job in jobs:
            finished(key, _run(job))
    else:
        # workers fork from a server that has imported the model once already
        context = forkserver_context(["analysis.replicates"])
        pool = ProcessPoolExecutor(max_workers=processes, mp_context=context,
                                   initializer=_ignore_interrupts)
        with interrupts_as_flag() as interrupted, pool:
            futures = {pool.submit(_run, job): key for key, job in jobs}
            for future in as_finished(futures, interrupted):
                finished(futures[future], future.result())
    return [Results(s, *_tables(s.name, [done[(k, r)] for r in range(s.replicates)]))
            for k, s in enumerate(scenarios)]


def _tables(name: str, runs: Sequence[RunResult]
            ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    frames, years = [], []
    decisions = [{"scenario": name, "replicate": run.replicate, "seed": run.seed, **d}
                 for run in runs for d in run.decisions]
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
    summary = summary.merge(pd.concat(years, ignore_index=True), on=["replicate", "year"],
                            how="left", validate="one_to_one")
    decided = pd.DataFrame(decisions, columns=list(DECISION_COLUMNS))
    decided["seed"] = decided["seed"].astype("uint64")
    return trajectories, summary, decided
