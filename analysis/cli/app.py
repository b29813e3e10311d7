"""The ``staffroom`` command line.

Every command is a function registered on :data:`app`. A user's mistake
(:class:`simulation.InputError`) ends with one readable line on stderr and
exit status 2, never a traceback; other failures exit 1.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from analysis.cli.commands import Ensemble, compare, demo, run
from analysis.cli.consoles import stderr_console, stdout_console
from analysis.cli.scenarios import scenarios_app
from analysis.cli.school import school_app
from analysis.cli.sweeps import sensitivity, sweep
from analysis.cli.workers import check_workers
from analysis.experiments.files import is_no_space
from analysis.experiments.workers import STOPS, exit_status, interruption, terminate_like_interrupt
from simulation import InputError

app = typer.Typer(
    name="staffroom",
    help="Simulate school culture: teachers' efficacy, collective responsibility and "
    "student learning, for comparing school sizes, team structures and "
    "leadership moves.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = stdout_console()
errors = stderr_console()
VALIDATION_OUT = Path("validation")


@app.command()
def calibrate(
    replicates: int = typer.Option(
        8, min=2, help="Replicates per experiment (some use a multiple)."
    ),
    workers: int = typer.Option(
        0,
        "--workers",
        "-w",
        min=0,
        help="Worker processes (default 0: one per CPU). Results do not depend on it.",
    ),
    ensemble: Ensemble = True,
) -> None:
    """Check the default calibration against published magnitudes (Markdown on stdout).

    Lists the fitted targets (with the parameters each one set) apart from the
    held-out checks (never used to set a parameter). Each value has a 95%
    interval, a percentile bootstrap over the replicate seeds (drawn jointly
    for every experiment it reads), and a verdict from it: within the
    published range, outside it, or inconclusive (straddling an edge).

    Example: staffroom calibrate --replicates 8 > docs/calibration.md
    """
    from analysis.cli.validate import _progress, _tracker
    from analysis.experiments.calibration import jobs_count
    from analysis.experiments.runs import ensembles
    from analysis.experiments.workers import usable_cores
    from analysis.reports.calibration import to_markdown
    from analysis.statistics.calibration import measure

    with _progress(errors) as progress:
        done, _ = _tracker(progress, "calibration", jobs_count(replicates))
        with ensembles(ensemble):
            targets = measure(replicates, workers=workers or usable_cores(), on_done=done)
    sys.stdout.write(to_markdown(targets, replicates))


@app.command()
def teach(
    replicates: int = typer.Option(
        20, "--replicates", "-r", min=2, help="Seeds (1 to N) per measurement."
    ),
) -> None:
    """Measure the four teaching activities of docs/teaching.md (Markdown on stdout).

    Runs the schools the dashboard builds, with the settings the guide gives a
    class, over seeds 1 to N; means with 95% intervals.

    Example: staffroom teach --replicates 20 > docs/teaching_measurements.md
    """
    from dashboard.activities import report

    sys.stdout.write(report(replicates) + "\n")


@app.command()
def parameters() -> None:
    """Print every model parameter with its default, unit, range and source (Markdown).

    Example: staffroom parameters > parameters.md
    """
    from simulation.parameters import markdown_table

    sys.stdout.write(markdown_table())


app.add_typer(scenarios_app, name="scenarios")
app.command()(run)
app.command()(compare)
app.command()(demo)
app.add_typer(school_app, name="school")


@app.command("app")
def dashboard(
    scenario: str = typer.Argument("departments", help="Built-in scenario name or file."),
    host: str = typer.Option(
        "127.0.0.1", help="Address to serve on (127.0.0.1: this computer only)."
    ),
    port: int = typer.Option(8765, min=0, max=65535, help="Port (0: any free port)."),
    open_browser: bool = typer.Option(True, "--open/--no-open", help="Open a browser tab."),
) -> None:
    """Open the interactive dashboard in the browser (works offline; needs the app extra).

    Example: staffroom app plc --port 8765
    """
    from dashboard.serve import serve

    raise typer.Exit(serve(scenario, host=host, port=port, open_browser=open_browser))


app.command()(sweep)
app.command()(sensitivity)


@app.command()
def validate(
    quick: bool = typer.Option(
        False, "--quick", help="A small, fast version (checks, not conclusions)."
    ),
    workers: int = typer.Option(
        0,
        "--workers",
        "-w",
        min=0,
        help="Worker processes (default 0: one per CPU). Results do not depend on it.",
    ),
    out: Annotated[
        Path,
        typer.Option(
            "--out", "--output", "-o", help="Folder for the report, figures and tidy tables."
        ),
    ] = VALIDATION_OUT,
    docs: Annotated[
        Path | None,
        typer.Option(
            help="Also write a copy of the report here "
            "(e.g. docs/validation.md), figures "
            "beside it."
        ),
    ] = None,
    only: str = typer.Option(
        "all", help="Parts to run: all, or a comma list of patterns, nels, robustness."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    ensemble: Ensemble = True,
) -> None:
    """Check the model against the empirical patterns it must reproduce.

    Runs the seven patterns of docs/MODEL.md §8, a synthetic NELS (Lee & Smith
    1996, 1997) and ±25% robustness; prints the pattern table and writes a
    Markdown report with plots.

    Example: staffroom validate --quick --out validation
    """
    from analysis.cli.validate import validate as run_validation
    from analysis.experiments.runs import ensembles

    try:
        with ensembles(ensemble):
            run_validation(
                quick=quick,
                workers=workers,
                out=out,
                docs=docs,
                only=only,
                console=console,
                quiet=quiet,
            )
    except STOPS as stop:  # before the output folder is made (then validate says what it left)
        errors.say(f"{interruption(stop)}: nothing was written")
        raise typer.Exit(exit_status(stop)) from None


def main() -> None:
    """Entry point: run the app; a user's mistake or a full disk exits with status 2, no
    traceback; Ctrl-C exits with 130 and SIGTERM (handled the same way) with 143."""
    try:
        with terminate_like_interrupt():
            check_workers(sys.argv[1:])
            app()
    except InputError as error:
        errors.say(f"error: {error}")
        sys.exit(2)
    except STOPS as stop:
        errors.say(interruption(stop))
        sys.exit(exit_status(stop))
    except OSError as error:
        if not is_no_space(error):
            raise
        where = f" ({error.filename})" if getattr(error, "filename", None) else ""
        errors.say(
            f"error: no space left on the device{where}: free some space and run the "
            "same command again"
        )
        sys.exit(2)


if __name__ == "__main__":
    main()
