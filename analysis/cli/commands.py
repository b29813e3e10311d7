"""The leadership-team commands: ``scenarios``, ``run``, ``compare`` and ``demo``.

Each command checks everything a user typed (scenario files, options, the
output folder) before running anything, so a mistake ends at once with one
line and exit status 2 (:func:`analysis.cli.app.main`) and nothing written.
Runs go to worker processes (:mod:`analysis.experiments.replicates`), then tables,
plots and reports are written atomically (:mod:`analysis.experiments.files`).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from analysis.cli.consoles import stderr_console, stdout_console
from analysis.cli.progress import progress_display
from analysis.experiments.workers import (
    STOPS,
    exit_status,
    interruption,
    pool_size,
    usable_cores,
    worker_text,
)
from simulation import InputError

console = stdout_console()
status = stderr_console()

scenarios_app = typer.Typer(
    help="List the built-in scenarios, print one, or check a scenario file.\n\n"
    "Example: staffroom scenarios show plc_coaching",
    no_args_is_help=False,
    add_completion=False,
)

Workers = Annotated[
    int | None,
    typer.Option(
        "--workers",
        "-w",
        help="Worker processes (default: the cores available). Results do not depend on it.",
    ),
]
Overwrite = Annotated[
    bool,
    typer.Option(
        "--overwrite",
        help="Replace another command's results (a sweep's, or another "
        "command's run.json) in the output folder instead of refusing.",
    ),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
Ensemble = Annotated[
    bool,
    typer.Option(
        "--ensemble/--no-ensemble",
        help="Run replicates that differ only in their seed together, "
        "as one ensemble of schools (faster); --no-ensemble runs each as its own SchoolModel. "
        "Results are identical.",
    ),
]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the ``staffroom`` app."""
    app.add_typer(scenarios_app, name="scenarios")
    app.command()(run)
    app.command()(compare)
    app.command()(demo)


# helpers


def _workers(workers: int | None) -> int:
    if workers is None:
        return usable_cores()
    if workers < 1:
        raise InputError(
            f"--workers {workers} is not allowed; allowed: 1 or more worker processes",
            key="--workers",
        )
    return workers


@contextmanager
def _progress(total: int, what: str, quiet: bool = False) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr; yields the ``on_done`` callback for the runner.

    Outputs are written only after the runs, so Ctrl-C (or SIGTERM) here
    leaves nothing behind; the user is told so (exit status 130, or 143 for
    SIGTERM, as for any interrupted command).
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("runs"),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
    )
    try:
        with progress_display(status, *columns, unit="runs", disable=quiet) as progress:
            task = progress.add_task(what, total=total)
            yield lambda done: progress.update(task, completed=done)
    except STOPS as stop:
        status.print(f"{interruption(stop)}: nothing was written", highlight=False)
        raise typer.Exit(exit_status(stop)) from None


def _ran(scenarios: list, elapsed: float, requested: int, ensemble: bool) -> str:
    """``"40 runs in 3.1 s on 2 worker processes (2 cores)"``: what really ran where."""
    from analysis.experiments.replicates import scenario_runs
    from analysis.experiments.runs import batches

    runs = [run for s in scenarios for run in scenario_runs(s)]
    tasks = len(batches(runs, ensemble))
    together = (
        f" as {tasks} ensemble{'s' if tasks > 1 else ''}" if ensemble and tasks < len(runs) else ""
    )
    where = worker_text(pool_size(requested, tasks))
    return f"{len(runs)} runs{together} in {elapsed:.1f} s {where}."


def _stem(reference: str) -> str:
    name = Path(reference).name.removesuffix(".toml")
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name) or "scenario"


# staffroom scenarios


@scenarios_app.callback(invoke_without_command=True)
def scenarios(ctx: typer.Context) -> None:
    """List the built-in scenarios with a one-line description each.

    Use a name wherever a scenario is asked for (staffroom run plc), or
    print the file to start your own (staffroom scenarios show template).

    Example: staffroom scenarios
    """
    if ctx.invoked_subcommand is not None:
        return
    from rich.table import Table

    from scenarios import builtin_names, load

    table = Table(
        title="Built-in scenarios (staffroom scenarios show NAME prints one)", title_justify="left"
    )
    table.add_column("name", no_wrap=True)
    table.add_column("years", justify="right")
    table.add_column("description")
    for name in builtin_names():
        scenario = load(name)
        table.add_row(name, str(scenario.years), scenario.description)
    console.print(table)


@scenarios_app.command("show")
def show(
    name: Annotated[str, typer.Argument(help="A built-in name or a scenario file.")],
    merged: Annotated[
        bool,
        typer.Option(
            "--merged",
            help="Print the scenario with everything it extends merged in, instead "
            "of the file as written.",
        ),
    ] = False,
) -> None:
    """Print a scenario file as written (with its comments), or merged.

    The file as written teaches the format and can be copied to start your
    own; --merged shows what the scenario amounts to after `extends`, as
    TOML that runs the same scenario.

    Example: staffroom scenarios show template > my_school.toml
    """
    from scenarios import load, resolve
    from scenarios.dump import dumps
    from scenarios.schema import read

    path = resolve(name)
    if merged:
        load(path)  # refuse a broken scenario with the usual message
        document, _, _ = read(path)
        sys.stdout.write(f"# {path.name}, merged with everything it extends\n" + dumps(document))
    else:
        sys.stdout.write(path.read_text(encoding="utf-8"))


@scenarios_app.command("check")
def check(
    files: Annotated[list[str], typer.Argument(help="Scenario files or built-in names.")],
) -> None:
    """Check scenario files without running them: exit 0 if all are valid.

    A problem is reported in one line naming the file, the key and what is
    allowed (exit status 2).

    Example: staffroom scenarios check my_school.toml
    """
    from scenarios import load

    for reference in files:
        scenario = load(reference)
        model = scenario.model(rng=0)
        console.print(
            f"ok: {reference}: {scenario.name!r}, {model.n_teachers} teachers, "
            f"{model.params.n_students} students, "
            f"{scenario.years} years, {len(scenario.interventions)} "
            f"intervention(s), "
            + (f"{len(scenario.rules)} leader rule(s), " if scenario.rules else "")
            + f"{scenario.replicates} replicates",
            highlight=False,
        )


# staffroom run


def run(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a scenario file.")],
    replicates: Annotated[
        int | None,
        typer.Option("--replicates", "-r", help="Runs (default: the file's `replicates`)."),
    ] = None,
    years: Annotated[
        int | None,
        typer.Option(
            "--years", "-y", help="School years to simulate (default: the file's `years`)."
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed", "-s", help="Seed; the same seed gives the same results (default: the file's)."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Output folder (default: staffroom-out/NAME)."),
    ] = None,
    workers: Workers = None,
    plots_wanted: Annotated[
        bool, typer.Option("--plots/--no-plots", help="Draw the PNG plots (a few seconds).")
    ] = True,
    overwrite: Overwrite = False,
    quiet: Quiet = False,
    ensemble: Ensemble = True,
) -> None:
    """Run a scenario's replicates and write tables and plots.

    Writes to the output folder: trajectories.parquet (every week of every
    run), summary.csv (one row per run and year), decisions.csv (when the
    scenario has leader rules: which fired, when, on what the leader saw),
    plots/*.png (key outcomes with 95% bands) and run.json (what was run,
    written last).

    Example: staffroom run plc --replicates 20 --years 3 --out results/plc
    """
    from analysis.experiments.files import output_folder
    from analysis.experiments.replicates import run_many
    from analysis.experiments.runs import ensembles
    from analysis.reports.comparison import run_table
    from analysis.reports.outputs import about, replicate_seeds, run_files
    from scenarios import load

    planned = load(scenario).for_run(years=years, replicates=replicates, seed=seed)
    count = _workers(workers)
    target = out if out is not None else Path("staffroom-out") / _stem(scenario)
    with output_folder(target, "run", overwrite=overwrite) as folder:
        started = time.perf_counter()
        with _progress(planned.replicates, planned.name, quiet) as on_done, ensembles(ensemble):
            (results,) = run_many([planned], workers=count, on_done=on_done)
        elapsed = time.perf_counter() - started
        folder.commit(
            run_files(results, plots_wanted),
            about("run", [planned]) | {"replicate_seeds": replicate_seeds(results)},
        )
    console.print(run_table(results))
    status.print(_ran([planned], elapsed, count, ensemble), highlight=False)
    written = "trajectories.parquet, summary.csv, " + ("plots/, " if plots_wanted else "")
    console.print(f"Wrote {folder.path}/ ({written}run.json)", highlight=False, soft_wrap=True)


# staffroom compare


def compare(
    scenarios: Annotated[
        list[str],
        typer.Argument(
            help="Two or more scenarios (built-in names or files); the first is the baseline."
        ),
    ],
    replicates: Annotated[
        int | None,
        typer.Option(
            "--replicates",
            "-r",
            help="Runs per scenario (default: the largest of the files' `replicates`).",
        ),
    ] = None,
    years: Annotated[
        int | None,
        typer.Option(
            "--years", "-y", help="School years (default: the longest of the files' `years`)."
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed", "-s", help="Seed shared by all scenarios (default: the baseline's)."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Output folder (default: staffroom-out/compare-NAMES)."),
    ] = None,
    workers: Workers = None,
    overwrite: Overwrite = False,
    quiet: Quiet = False,
    ensemble: Ensemble = True,
) -> None:
    """Compare plans with a baseline and write a report a principal can read.

    Every scenario runs with the same seeds (common random numbers). The
    report opens with a one-page answer (a chart of each plan's difference
    from the baseline with 95% intervals, a sentence per plan, the source
    of efficacy that drove it, when leader rules fired), then each plan in
    sentences and tables, the Blueprint's evidence of practice and the
    method. Writes report.html (self-contained, prints on A4), report.md
    with plots/, differences.csv, sources.csv, summary.csv, decisions.csv
    (if a scenario has leader rules), trajectories.parquet and run.json.

    Example: staffroom compare departments plc plc_coaching --replicates 30
    """
    from analysis.experiments.files import output_folder
    from analysis.experiments.replicates import run_many
    from analysis.experiments.runs import ensembles
    from analysis.reports.comparison import terminal_table
    from analysis.reports.outputs import about, report_files
    from analysis.statistics.compare import common_run
    from analysis.statistics.compare import compare as differences

    planned = common_run(scenarios, years=years, replicates=replicates, seed=seed)
    count = _workers(workers)
    default = Path("staffroom-out") / ("compare-" + "-".join(_stem(s) for s in scenarios))[:100]
    with output_folder(
        out if out is not None else default, "compare", overwrite=overwrite
    ) as folder:
        started = time.perf_counter()
        total = sum(s.replicates for s in planned)
        with _progress(total, f"{len(planned)} scenarios", quiet) as on_done, ensembles(ensemble):
            results = run_many(planned, workers=count, on_done=on_done)
        elapsed = time.perf_counter() - started
        comparison = differences(results)
        names = [s.name for s in planned]
        title = (
            f"{names[1]} compared with {names[0]}"
            if len(names) == 2
            else f"{len(names) - 1} plans compared with {names[0]}"
        )
        report = folder.commit(report_files([comparison], title), about("compare", planned))[
            "report.html"
        ]
    console.print(terminal_table(comparison))
    status.print(_ran(planned, elapsed, count, ensemble), highlight=False)
    console.print(
        f"Report: {report}\n(also report.md, plots/ and tables in {folder.path}/)",
        highlight=False,
        soft_wrap=True,
    )


# staffroom demo

#: The classic questions and the built-in scenarios that answer them
#: (the first of each is the baseline).
DEMO_QUESTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "School size: a 2,400-student school against 900 and 600 students",
        ("large_comprehensive", "departments", "small_school"),
    ),
    (
        "How teachers work together: departments against PLC teams and isolated teachers",
        ("departments", "plc", "egg_crate"),
    ),
    (
        "Support for a new practice: train-the-trainer against job-embedded coaching",
        ("plc_train_the_trainer", "plc_coaching"),
    ),
)
DEMO_INTRO = (
    "Three classic questions about school culture, each answered by comparing "
    "built-in scenarios of the staffroom model over three school years. Write "
    "your own scenarios and compare them with `staffroom compare` (see the "
    "README)."
)
DEMO_REPLICATES = 20
DEMO_OUT = Path("staffroom-demo")


def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = DEMO_OUT,
    replicates: Annotated[
        int, typer.Option("--replicates", "-r", help="Runs per scenario.")
    ] = DEMO_REPLICATES,
    workers: Workers = None,
    overwrite: Overwrite = False,
    quiet: Quiet = False,
    ensemble: Ensemble = True,
) -> None:
    """Answer three classic questions with built-in scenarios, and write a report.

    Small vs large school; PLC teams vs departments vs isolated teachers;
    job-embedded coaching vs train-the-trainer. Each question compares
    built-in scenarios over three years on common random numbers; the
    report (report.html, report.md) goes to ./staffroom-demo/.

    Example: staffroom demo --replicates 30
    """
    from analysis.experiments.files import output_folder
    from analysis.experiments.replicates import run_many
    from analysis.experiments.runs import ensembles
    from analysis.reports.comparison import terminal_table
    from analysis.reports.outputs import about, report_files
    from analysis.statistics.compare import compare as differences
    from scenarios import load

    if replicates < 2:
        raise InputError(
            f"--replicates {replicates} is too few; allowed: 2 or more", key="--replicates"
        )
    names = list(dict.fromkeys(n for _, group in DEMO_QUESTIONS for n in group))
    planned = {n: load(n).for_run(replicates=replicates) for n in names}
    count = _workers(workers)
    with output_folder(out, "demo", overwrite=overwrite) as folder:
        started = time.perf_counter()
        total = sum(s.replicates for s in planned.values())
        with _progress(total, f"{len(planned)} scenarios", quiet) as on_done, ensembles(ensemble):
            runs = dict(
                zip(
                    names,
                    run_many(list(planned.values()), workers=count, on_done=on_done),
                    strict=True,
                )
            )
        elapsed = time.perf_counter() - started
        comparisons = [
            differences([runs[n] for n in group], question) for question, group in DEMO_QUESTIONS
        ]
        files = report_files(comparisons, "staffroom demo: three classic questions", DEMO_INTRO)
        report = folder.commit(files, about("demo", list(planned.values())))["report.html"]
    for comparison in comparisons:
        console.print(terminal_table(comparison))
    status.print(_ran(list(planned.values()), elapsed, count, ensemble), highlight=False)
    console.print(
        f"Report: {report}\n(also report.md, plots/ and tables in {folder.path}/)",
        highlight=False,
        soft_wrap=True,
    )
