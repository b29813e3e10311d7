"""The leadership-team commands: ``run``, ``compare`` and ``demo``.

Each command checks everything a user typed (scenario files, options, the
output folder) before running anything, so a mistake ends at once with one
line and exit status 2 (:func:`analysis.cli.app.main`) and nothing written.
Runs go to worker processes (:mod:`analysis.experiments.replicates`), then tables,
plots and reports are written atomically (:mod:`analysis.experiments.files`).
"""

from __future__ import annotations

import contextlib
import importlib
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from analysis.cli.consoles import stderr_console, stdout_console
from analysis.cli.progress import runs_display
from analysis.cli.workers import checked_count
from analysis.experiments.files import OutputFolder, scenario_keys
from analysis.experiments.workers import (
    STOPS,
    exit_status,
    interruption,
    pool_size,
    usable_cores,
    worker_text,
)
from simulation import InputError

if TYPE_CHECKING:
    from analysis.experiments.replicates import Results
    from scenarios import Scenario

console = stdout_console()
status = stderr_console()

#: Fewer runs a scenario than this get a word of caution: a t interval on 2
#: runs is ±12.7 standard errors, on 4 runs ±3.2, on 10 ±2.3.
FEW_RUNS = 5
#: What reads a command's results (pandas, scipy, matplotlib): imported while the runs run.
READERS = ("analysis.statistics.compare", "analysis.reports.outputs", "analysis.reports.terminal")

Workers = Annotated[
    int | None,
    typer.Option(
        "--workers",
        "-w",
        help="Worker processes, 1 or more (default: the cores available; 0 is refused). "
        "Results do not depend on it.",
    ),
]
Overwrite = Annotated[
    bool,
    typer.Option(
        "--overwrite",
        help="Replace what the output folder holds instead of refusing: another "
        "command's results (a sweep's, another run.json), or this command's of other "
        "scenarios. The same scenarios run again replace their own results anyway.",
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


# helpers


def _workers(workers: int | None, command: str) -> int:
    return usable_cores() if workers is None else checked_count(command, workers)


def _import_all(modules: Sequence[str]) -> None:
    for module in modules:
        with contextlib.suppress(Exception):  # imported again where needed, and reported there
            importlib.import_module(module)


@contextlib.contextmanager
def told_when_stopped(folder: OutputFolder) -> Iterator[None]:
    """Ctrl-C or SIGTERM in the block: say whether ``folder`` got the results, and exit.

    Exit status 130, or 143 for SIGTERM, as for any interrupted command. A
    folder's files are committed all at once (:meth:`OutputFolder.commit`
    holds an interruption back until they are in place), so either every
    result is written or none is; this says which, instead of the command
    line's silent exit.
    """
    try:
        yield
    except STOPS as stop:
        if folder.written:
            status.say(f"{interruption(stop)}; the results were written to {folder.path}/")
        else:
            status.say(f"{interruption(stop)}: nothing was written")
        raise typer.Exit(exit_status(stop)) from None


def _run(
    planned: list,
    count: int,
    quiet: bool,
    ensemble: bool,
    what: str,
    meanwhile: Sequence[str] = (),
) -> tuple[list, str]:
    """Run the scenarios' replicates with a progress bar on stderr.

    Returns the results and ``"40 runs in 3.1 s on 2 worker processes (2
    cores)"``: what really ran where. Ctrl-C (or SIGTERM) stops the workers
    and raises here; :func:`told_when_stopped` says what it left.

    The modules ``meanwhile`` (what reads the results: pandas, matplotlib,
    about two seconds) are imported on a thread while the workers run, when
    this process only waits; the thread has ended when this returns (the
    report's figures are forked only from a process with no other thread).
    """
    from analysis.experiments.replicates import run_many
    from analysis.experiments.runs import batches, ensembles
    from analysis.experiments.scenario_runs import scenario_runs

    started = time.perf_counter()
    loader = threading.Thread(target=_import_all, args=(meanwhile,), daemon=True)
    if meanwhile and count > 1:
        loader.start()
    with (
        runs_display(status, quiet) as progress,
        ensembles(ensemble),
    ):
        task = progress.add_task(what, total=sum(s.replicates for s in planned))
        results = run_many(
            planned, workers=count, on_done=lambda done: progress.update(task, completed=done)
        )
    if loader.is_alive():
        loader.join()
    elapsed = time.perf_counter() - started
    runs = [run for s in planned for run in scenario_runs(s)]
    tasks = len(batches(runs, ensemble))
    together = (
        f" as {tasks} ensemble{'s' if tasks > 1 else ''}" if ensemble and tasks < len(runs) else ""
    )
    where = worker_text(pool_size(count, tasks))
    fewest = min(s.replicates for s in planned)
    few = (
        f" Only {fewest} runs a scenario: the intervals are wide and can reach impossible "
        "values (a share below 0%); 10 or more runs are advised (--replicates)."
        if fewest < FEW_RUNS
        else ""
    )
    return results, f"{len(runs)} runs{together} in {elapsed:.1f} s {where}.{few}"


def listed(names: Sequence[str]) -> str:
    """The files written, in order, a folder's files as the folder (``plots/``) once."""
    shown = dict.fromkeys(name.split("/", 1)[0] + "/" if "/" in name else name for name in names)
    return ", ".join(shown)


def _stem(reference: str) -> str:
    name = Path(reference).name.removesuffix(".toml")
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name) or "scenario"


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
    from scenarios import load

    planned = load(scenario).for_run(years=years, replicates=replicates, seed=seed)
    count = _workers(workers, "run")
    target = out if out is not None else Path("staffroom-out") / _stem(scenario)
    folder = OutputFolder(target, "run", overwrite=overwrite, scenarios=scenario_keys([planned]))
    with folder, told_when_stopped(folder):
        (results,), ran = _run([planned], count, quiet, ensemble, planned.name, READERS)
        from analysis.reports.outputs import about, replicate_seeds, run_files
        from analysis.reports.terminal import run_table

        written = folder.commit(
            run_files(results, plots_wanted),
            about("run", [planned]) | {"replicate_seeds": replicate_seeds(results)},
        )
    console.print(run_table(results))
    status.say(ran)
    console.say(f"Wrote {folder.path}/ ({listed(written)})")


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
    from the baseline with 95% intervals, a sentence per plan, the source of
    efficacy that drove it, when leader rules fired), then each plan in
    sentences and tables, the Blueprint's evidence of practice and the
    method. Writes report.html (self-contained, prints on A4), report.md
    with plots/, differences.csv, sources.csv, summary.csv, decisions.csv
    (if a scenario has leader rules), trajectories.parquet and run.json.

    Example: staffroom compare departments plc plc_coaching --replicates 30
    """
    from analysis.experiments.plans import common_run

    planned = common_run(scenarios, years=years, replicates=replicates, seed=seed)
    count = _workers(workers, "compare")
    out = out or Path("staffroom-out") / ("compare-" + "-".join(map(_stem, scenarios)))[:100]
    plans = planned[1].name if len(planned) == 2 else f"{len(planned) - 1} plans"
    title = f"{plans} compared with {planned[0].name}"
    folder = OutputFolder(out, "compare", overwrite=overwrite, scenarios=scenario_keys(planned))
    with folder, told_when_stopped(folder):
        results, ran = _run(planned, count, quiet, ensemble, f"{len(planned)} scenarios", READERS)
        _report(folder, planned, [("", results)], ran, title)


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
DEMO_TITLE = "staffroom demo: three classic questions"
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
    from scenarios import load

    if replicates < 2:
        raise InputError(
            f"--replicates {replicates} is too few; allowed: 2 or more", key="--replicates"
        )
    names = list(dict.fromkeys(n for _, group in DEMO_QUESTIONS for n in group))
    planned = [load(n).for_run(replicates=replicates) for n in names]
    count = _workers(workers, "demo")
    folder = OutputFolder(out, "demo", overwrite=overwrite, scenarios=scenario_keys(planned))
    with folder, told_when_stopped(folder):
        results, ran = _run(planned, count, quiet, ensemble, f"{len(planned)} scenarios", READERS)
        runs = dict(zip(names, results, strict=True))
        questions = [(question, [runs[n] for n in group]) for question, group in DEMO_QUESTIONS]
        _report(folder, planned, questions, ran, DEMO_TITLE, DEMO_INTRO)


def _report(
    folder: OutputFolder,
    planned: list[Scenario],
    questions: list[tuple[str, list[Results]]],
    ran: str,
    title: str,
    intro: str = "",
) -> None:
    """``compare`` and ``demo``: each question's comparison (its heading, its runs) reported.

    Writes the report and tables, prints the tables and where they are.
    """
    from analysis.reports.outputs import about, report_files
    from analysis.reports.terminal import terminal_table

    files, comparisons = report_files(questions, title, intro)
    report = folder.commit(files, about(folder.command, planned))["report.html"]
    for comparison in comparisons:
        console.print(terminal_table(comparison))
    status.say(ran)
    console.say(f"Report: {report}\n(also report.md, plots/ and tables in {folder.path}/)")
