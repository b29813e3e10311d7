"""Running a sweep: from a checked :class:`Sweep` to a results folder (and a DataFrame).

:func:`execute` is what ``staffroom sweep`` does: open (or resume) the
results folder, work out which runs are missing, send them to an engine as
tasks and write each batch as it finishes. :func:`run_sweep` does the same
and returns the runs as a pandas DataFrame, for notebooks.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.experiments.clusters import check_scheduler_address, make_engine
from analysis.experiments.engines import Engine
from analysis.experiments.engines import execute as run_tasks
from analysis.experiments.files import no_space, size_text, when_full
from analysis.experiments.runs import ENSEMBLE_SIZE, ensemble_key, ensembles_enabled, even_parts
from analysis.experiments.sweeps.design import Design
from analysis.experiments.sweeps.results import new_manifest, read_runs
from analysis.experiments.sweeps.runner import PointJob, Task, TaskResult, point_runs
from analysis.experiments.sweeps.spec import Sweep, load_sweep
from analysis.experiments.sweeps.store import ResultStore

if TYPE_CHECKING:  # returned to notebooks; a sweep from the command line needs no pandas
    import pandas as pd

Progress = Callable[[int, int], None]


@dataclass
class Outcome:
    """What one call of :func:`execute` did."""

    path: Path
    total: int
    before: int
    done: int
    seconds: float
    model_seconds: float
    engine: str
    note: str | None

    @property
    def new(self) -> int:
        """Runs made in this call."""
        return self.done - self.before

    @property
    def complete(self) -> bool:
        """Whether every run of the sweep is on disk."""
        return self.done >= self.total


def default_output(sweep: Sweep) -> Path:
    """``staffroom-out/sweeps/<sweep file name>`` in the current folder."""
    stem = (
        sweep.path.stem
        if sweep.path
        else "".join(ch if ch.isalnum() else "_" for ch in sweep.name.lower())
    )
    return Path("staffroom-out") / "sweeps" / stem


def manifest_for(sweep: Sweep, design: Design, trajectories: bool) -> dict:
    """The results manifest of ``sweep``."""
    return new_manifest(
        name=sweep.name,
        description=sweep.description,
        identity=sweep.identity(),
        design=design,
        replicates=sweep.replicates,
        outcomes=sweep.outcomes,
        yearly=sweep.yearly,
        max_years=sweep.max_years,
        trajectories=trajectories,
        source=str(sweep.path) if sweep.path else None,
    )


#: Ensembles of different kinds a sweep keeps filling at once (:func:`tasks_for`).
OPEN_KINDS = 8


def tasks_for(
    sweep: Sweep,
    design: Design,
    done: set[tuple[int, int]],
    runs_per_task: int,
    trajectories: bool,
    ensemble: bool = True,
) -> Iterator[Task]:
    """The missing runs as tasks, generated lazily as the design is read in order.

    With ensembles (the default) a task is one ensemble: the missing runs of
    design points that may run together (the same parameters but for those
    that may differ within an ensemble, ``simulation.ensemble.VARYING``), at
    most :data:`ENSEMBLE_SIZE` runs. Points are taken in design order, each
    joining the open ensemble of its kind (a sampled design that mixes, say,
    three support models keeps three open), which is handed out when the next
    point would overfill it, the rest at the end. At most :data:`OPEN_KINDS`
    stay open: one more hands out the one joined least recently, so a design
    of many kinds still starts at once and holds little. A point's missing
    replicates are cut into even parts (40: 20 and 20). The tasks depend on
    the design and the finished runs alone, never on the workers. Without
    ensembles, points are grouped until a task has ``runs_per_task`` runs.
    """
    open_jobs: dict[Any, list[PointJob]] = {}  # by ensemble key, least recently joined first
    jobs: list[PointJob] = []
    for point in range(design.size):
        missing = [r for r in range(sweep.replicates) if (point, r) not in done]
        if not missing:
            continue
        parameters, interventions, years = sweep.setup(design.values(point))
        for block in even_parts(missing, ENSEMBLE_SIZE):
            job = PointJob(
                point,
                parameters,
                interventions,
                years,
                tuple(block),
                tuple(sweep.seed_of(point, r) for r in block),
            )
            if not ensemble:
                jobs.append(job)
                if sum(len(j.replicates) for j in jobs) >= runs_per_task:
                    yield Task(tuple(jobs), sweep.outcomes, trajectories, ensemble)
                    jobs = []
                continue
            key = ensemble_key(point_runs(job, sweep.outcomes, trajectories)[0])
            if key is None:  # runs school by school (leader rules): a task of its own
                yield Task((job,), sweep.outcomes, trajectories, ensemble)
                continue
            kind = open_jobs.pop(key, [])
            if sum(len(j.replicates) for j in kind) + len(block) > ENSEMBLE_SIZE:
                yield Task(tuple(kind), sweep.outcomes, trajectories, ensemble)
                kind = []
            kind.append(job)
            open_jobs[key] = kind  # the most recently joined, last
            if len(open_jobs) > OPEN_KINDS:  # e.g. a count drawn from a range: hand one out
                stale = open_jobs.pop(next(iter(open_jobs)))
                yield Task(tuple(stale), sweep.outcomes, trajectories, ensemble)
    for kind in open_jobs.values():
        yield Task(tuple(kind), sweep.outcomes, trajectories, ensemble)
    if jobs:
        yield Task(tuple(jobs), sweep.outcomes, trajectories, ensemble)


def auto_runs_per_task(missing: int, workers: int) -> int:
    """Runs to group in a task: 1 to 8, leaving at least 16 tasks per worker."""
    return max(1, min(8, missing // (16 * max(workers, 1))))


def execute(
    sweep: Sweep | str | Path,
    output: str | Path | None = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    trajectories: bool = False,
    overwrite: bool = False,
    runs_per_task: int | None = None,
    on_start: Progress | None = None,
    on_progress: Progress | None = None,
    engine: Engine | None = None,
    csv: bool = False,
    ensemble: bool | None = None,
) -> Outcome:
    """Run (or resume) a sweep into a results folder.

    Parameters
    ----------
    sweep : Sweep, or a sweep file / built-in sweep name
    output : path, optional
        Results folder (default :func:`default_output`).
    workers : int, optional
        Local worker processes (default: the cores available; 0: this process).
    scheduler : str, optional
        Address of an existing Dask scheduler, e.g. ``tcp://10.0.0.5:8786``;
        it is reached before the results folder is touched (:class:`InputError`
        if it cannot be).
    trajectories : bool
        Also keep every run's weekly outcomes.
    overwrite : bool
        Discard results of a different sweep in ``output`` instead of refusing.
    runs_per_task : int, optional
        Minimum runs per task (default :func:`auto_runs_per_task`).
    on_start, on_progress : callable, optional
        Called with (runs done, runs in the sweep) before the first and after
        every written batch.
    csv : bool
        Also write ``runs.csv`` (and ``trajectories.csv``) when the sweep is
        complete; the Parquet datasets stay (resuming reads them).
    ensemble : bool, optional
        Run each design point's replicates as ensembles (default, unless
        switched off with :func:`analysis.experiments.runs.ensembles`);
        False runs every run as its own ``SchoolModel``. Results are the
        same either way.

    Returns
    -------
    Outcome
    """
    if not isinstance(sweep, Sweep):
        sweep = load_sweep(sweep)
    output = Path(output) if output is not None else default_output(sweep)
    design = sweep.design()
    start = time.perf_counter()
    manifest = manifest_for(sweep, design, trajectories)
    own = bool(scheduler) and engine is None
    if own:  # before anything is written: a scheduler out of reach leaves no folder
        check_scheduler_address(scheduler)
        engine = make_engine(None, scheduler)
    advice = "free some space or choose another --out"
    try:
        with when_full(lambda: no_space("the sweep's manifest and design", output, None, advice)):
            store, _ = ResultStore.prepare(output, manifest, design, overwrite=overwrite)
    except BaseException:
        if own:
            engine.close(cancel=True)
        raise
    try:
        done = store.done()
        total = store.manifest["runs"]
        before = count = len(done)
        if on_start:
            on_start(count, total)
        model_seconds = 0.0
        label = "nothing to run"
        if count < total:
            engine = engine or make_engine(workers, scheduler)
            label = engine.label
            per_task = runs_per_task or auto_runs_per_task(total - count, engine.workers)
            tasks = tasks_for(
                sweep,
                store.design,
                done,
                per_task,
                trajectories,
                ensembles_enabled() if ensemble is None else ensemble,
            )

            def write(results: list[TaskResult]) -> None:
                nonlocal count, model_seconds
                with when_full(lambda: _full(store.path, count, total)):
                    count += store.write(results)
                model_seconds += sum(r.seconds for r in results)
                if on_progress:
                    on_progress(count, total)

            run_tasks(engine, tasks, write)
        merging = f"merging the {count} finished runs into one file"
        saved = "every run is saved; free some space and run the same command to finish"
        with when_full(lambda: no_space(merging, store.path, _bytes(store.path), saved)):
            store.compact()
        if csv and count >= total:
            store.export_csv()
        seconds = time.perf_counter() - start
        note = "; ".join(store.notes) or None
        return Outcome(output, total, before, count, seconds, model_seconds, label, note)
    finally:
        store.close()
        if own:  # closing a cluster already closed after its runs does nothing
            engine.close(cancel=True)


def _bytes(folder: Path) -> int:
    """Bytes of the result files under ``folder``."""
    return sum(p.stat().st_size for p in folder.rglob("*.parquet") if p.is_file())


def _full(folder: Path, saved: int, total: int):
    """The message for a sweep that filled the disk: what is saved, what is needed to resume."""
    left = total - saved
    per_run = _bytes(folder) / saved if saved else None
    needed = per_run * left if per_run else None
    estimate = f", about {size_text(per_run)} each" if per_run else ""
    return no_space(
        f"writing the sweep's {left} runs left{estimate}",
        folder,
        needed,
        f"{saved} of {total} runs are saved; free some space and run the same command to resume",
    )


def run_sweep(
    sweep: Sweep | str | Path,
    output: str | Path | None = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    trajectories: bool = False,
    overwrite: bool = False,
    on_progress: Progress | None = None,
    ensemble: bool | None = None,
) -> pd.DataFrame:
    """Run a sweep and return its runs as a DataFrame (one row per run).

    Without ``output`` the results go to a temporary folder that is removed
    afterwards; with one, they stay there and a repeated call resumes (see
    :func:`execute` for the arguments).

    Examples
    --------
    >>> from analysis.experiments.sweeps import run_sweep
    >>> runs = run_sweep("size_by_structure", workers=2)      # doctest: +SKIP
    >>> runs.groupby(["n_students", "structure"])["annual_gain"].mean()  # doctest: +SKIP
    """
    with contextlib.ExitStack() as stack:
        if output is None:
            temporary = stack.enter_context(tempfile.TemporaryDirectory(prefix="staffroom-sweep-"))
            output = Path(temporary) / "results"
        outcome = execute(
            sweep,
            output,
            workers=workers,
            scheduler=scheduler,
            trajectories=trajectories,
            overwrite=overwrite,
            on_progress=on_progress,
            ensemble=ensemble,
        )
        return read_runs(outcome.path)
