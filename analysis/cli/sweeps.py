"""The ``staffroom sweep`` and ``staffroom sensitivity`` commands (registered in analysis.cli.app).

Heavy imports (pyarrow, SALib, dask, matplotlib) happen inside the
commands, so ``staffroom --help`` stays quick.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from analysis.cli.commands import Ensemble
from analysis.cli.consoles import stderr_console, stdout_console
from analysis.cli.progress import runs_display
from analysis.experiments.workers import STOPS, exit_status, interruption
from simulation import InputError

console = stdout_console()
errors = stderr_console()


SweepFile = Annotated[
    str, typer.Argument(metavar="SWEEP", help="Sweep file (TOML), or a built-in sweep's name.")
]
SweepOut = Annotated[
    Path | None,
    typer.Option(
        "--out",
        "--output",
        "-o",
        help="Results folder (default: staffroom-out/sweeps/<sweep file name>).",
    ),
]
SweepWorkers = Annotated[
    int | None,
    typer.Option(
        "--workers",
        "-w",
        min=0,
        help="Local worker processes (default: every core; 0 runs in this process).",
    ),
]
Scheduler = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Run on an existing Dask cluster, e.g. tcp://10.0.0.5:8786 "
        "(needs the optional dask extra).",
    ),
]
Trajectories = Annotated[
    bool, typer.Option("--trajectories", help="Also keep every run's weekly outcomes.")
]
SweepOverwrite = Annotated[
    bool,
    typer.Option(
        "--overwrite", help="Replace the results of a different sweep in the output folder."
    ),
]
Plan = Annotated[
    bool, typer.Option("--plan", help="Show what would run and a rough time; run nothing.")
]
RunsPerTask = Annotated[
    int | None,
    typer.Option(
        "--runs-per-task",
        min=1,
        help="Group design points into tasks of at least this "
        "many runs (default: 1-8, by sweep size).",
    ),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
Format = Annotated[
    str,
    typer.Option(
        "--format",
        help="parquet, or csv: also write runs.csv (and trajectories.csv) when "
        "the sweep is complete, as BehaviorSpace does (the Parquet dataset stays: resuming "
        "reads it).",
    ),
]


def sweep(
    sweep_file: SweepFile,
    output: SweepOut = None,
    workers: SweepWorkers = None,
    scheduler: Scheduler = None,
    trajectories: Trajectories = False,
    overwrite: SweepOverwrite = False,
    plan: Plan = False,
    runs_per_task: RunsPerTask = None,
    quiet: Quiet = False,
    output_format: Format = "parquet",
    ensemble: Ensemble = True,
) -> None:
    """Run a parameter sweep (resumable) into a Parquet dataset (and CSV with --format csv).

    Re-running the same command resumes: finished runs are kept, the rest
    run. Results are identical whatever the number of workers.

    Examples: staffroom sweep size_by_structure --plan;
    staffroom sweep my_sweep.toml --workers 2;
    staffroom sweep my_sweep.toml --scheduler tcp://10.0.0.5:8786
    """
    from analysis.experiments.sweeps.api import default_output
    from analysis.experiments.sweeps.spec import load_sweep

    if output_format not in ("parquet", "csv"):
        raise InputError(
            f"--format {output_format!r} is not a format; allowed: parquet, csv", key="--format"
        )
    spec = load_sweep(sweep_file)
    folder = output or default_output(spec)
    if scheduler:
        # a lost scheduler or worker is reported in one line below, not in Dask's log
        logging.getLogger("distributed").setLevel(logging.CRITICAL)
    if plan:
        _print_plan(spec, folder, workers)
        return
    _execute(
        spec,
        folder,
        quiet,
        workers=workers,
        scheduler=scheduler,
        trajectories=trajectories,
        overwrite=overwrite,
        runs_per_task=runs_per_task,
        csv=output_format == "csv",
        ensemble=ensemble,
    )


def _what_is_saved(stopped: str, saved: dict, folder: Path) -> str:
    """What an interrupted sweep leaves: its saved runs, or (stopped before it began,
    e.g. while reaching a Dask cluster) the folder as it was, or nothing."""
    if "begun" in saved:
        return (
            f"{stopped}: {saved['done']} of {saved['total']} runs are saved in {folder}; "
            "run the same command to resume"
        )
    if folder.exists():
        return f"{stopped} before the sweep began: {folder} is as it was; run the same command"
    return f"{stopped} before the sweep began: nothing was written"


def _execute(spec, folder: Path, quiet: bool, **options) -> None:
    """Run the sweep with a progress bar and say what it did and where the results are.

    An interruption says what is saved (exit status 130, or 143 for SIGTERM).
    """
    from analysis.experiments.engines import SweepError
    from analysis.experiments.sweeps.api import execute

    progress = runs_display(errors, quiet, rate=True)
    bar = progress.add_task(spec.name, total=spec.runs)
    saved = {"done": 0, "total": spec.runs}

    def start(done: int, total: int) -> None:
        saved.update(done=done, total=total, begun=True)
        progress.reset(bar, total=total, completed=done)  # the rate counts new runs only
        if done:
            errors.say(f"resuming: {done} of {total} runs already in {folder}")

    def advance(done: int, total: int) -> None:
        saved.update(done=done, total=total)
        progress.update(bar, completed=done)

    try:
        with progress:
            outcome = execute(spec, folder, on_start=start, on_progress=advance, **options)
    except STOPS as stop:
        errors.say(_what_is_saved(interruption(stop), saved, folder))
        raise typer.Exit(exit_status(stop)) from None
    except SweepError as error:
        errors.say(f"error: {error}")
        raise typer.Exit(1) from None
    if outcome.note:
        errors.say(outcome.note)
    rate = f", {outcome.new / outcome.seconds:.1f} runs/s" if outcome.new else ""
    console.say(
        f"{outcome.done} runs ({outcome.new} new) in {outcome.seconds:.1f} s with "
        f"{outcome.engine}{rate}"
    )
    kept = [f"results: {outcome.path}/runs (Parquet, one row per run)"]
    if options["trajectories"]:
        kept.append(f"trajectories: {outcome.path}/trajectories")
    if options["csv"] and outcome.complete:
        also = " and trajectories.csv" if options["trajectories"] else ""
        kept.append(f"CSV: {outcome.path}/runs.csv{also}")
    console.say("; ".join(kept))
    console.say(f"next: staffroom sensitivity {outcome.path}")


def _print_plan(spec, folder: Path, workers: int | None) -> None:
    from rich.table import Table

    table = Table(title=f"{spec.name}: {spec.design_type} design", title_justify="left")
    table.add_column("factor")
    table.add_column("values")
    for factor in spec.factors:
        if factor.discrete:
            shown = ", ".join(str(v) for v in factor.levels)
        else:
            shown = f"{factor.distribution} on [{factor.low:g}, {factor.high:g}]"
            if factor.distribution == "normal":
                shown += f", mean {factor.mean:g}, sd {factor.sd:g}"
            if factor.distribution == "triangular":
                shown += f", mode {factor.mode:g}"
            if factor.steps:
                shown += f", {factor.steps} levels"
        table.add_row(factor.name, shown)
    console.print(table)
    options = ", ".join(f"{k} = {v}" for k, v in spec.design_options.items())
    base = "per scenario" if any(f.name == "scenario" for f in spec.factors) else spec.scenario.name
    lines = [
        f"description: {spec.description}" if spec.description else None,
        f"design: {spec.design_type}" + (f" ({options})" if options else ""),
        f"base scenario: {base}",
        f"{spec.points} design points x {spec.replicates} replicate"
        f"{'s' if spec.replicates != 1 else ''} = {spec.runs} runs of "
        f"{spec.max_years if spec.years is None else spec.years} years",
        f"outcomes: {', '.join(spec.outcomes)}"
        + (" (end of each year)" if spec.yearly else " (end of the last year)"),
        f"seeds: from seed {spec.seed}"
        + (", common random numbers across points" if spec.common_random_numbers else ""),
        f"results: {folder}"
        + (" (exists: the sweep will resume)" if (folder / "manifest.json").exists() else ""),
    ]
    for line in lines:
        if line:
            console.say(line)
    console.say(_estimate(spec, workers))


def _estimate(spec, workers: int | None) -> str:
    """A rough time for the runs on this machine (from a one-year probe of the model)."""
    from analysis.experiments.sweeps.estimate import duration_text, estimated_seconds, probe
    from analysis.experiments.workers import usable_cores

    count = usable_cores() if workers is None else max(workers, 1)  # 0: runs in this process
    seconds = estimated_seconds(spec, count, probe())
    plural = "es" if count != 1 else ""
    return (
        f"estimated time of the runs here: {duration_text(seconds)} on {count} worker "
        f"process{plural} (rough, and without start-up and writing: from a one-year "
        "probe of the model on this machine; leader rules and --no-ensemble take "
        "several times longer)"
    )


def sensitivity(
    results: Annotated[Path, typer.Argument(help="A results folder written by `staffroom sweep`.")],
    outcome: Annotated[
        str | None,
        typer.Option(
            "--outcome",
            help="Outcome to analyse (end of the last year; add _y1, _y2, ... for a "
            "year; default: the first kept).",
        ),
    ] = None,
    x: Annotated[
        str | None, typer.Option("--x", help="Factorial designs: heat-map column factor.")
    ] = None,
    y: Annotated[
        str | None, typer.Option("--y", help="Factorial designs: heat-map row factor.")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "--output",
            "-o",
            help="Folder for the table (CSV) and charts (PNG) (default: the results folder).",
        ),
    ] = None,
    csv: Annotated[
        bool, typer.Option("--csv", help="Print the table as CSV (machine-readable).")
    ] = False,
) -> None:
    """Which factors matter: Sobol, Morris or RBD-FAST indices, or a grid's heat map.

    Sobol designs give first-order and total indices with 95% intervals;
    Morris designs mu* and sigma; Latin hypercubes RBD-FAST first-order
    indices; factorial designs main effects and a heat map over two factors.

    Example: staffroom sensitivity staffroom-out/sweeps/belief_dynamics_sobol
    --outcome collective_efficacy
    """
    from analysis.reports.sensitivity import analyse, csv_text, terminal_tables

    analysis = analyse(results, outcome, x=x, y=y, output=output)
    for note in analysis.notes:
        errors.say(note)
    if csv:
        sys.stdout.write(csv_text(analysis))
        return
    for shown in terminal_tables(analysis):
        console.print(shown, markup=False, highlight=False)
    for file in analysis.files:
        console.say(f"wrote {file}")
