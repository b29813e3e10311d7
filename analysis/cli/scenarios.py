"""``staffroom scenarios``: list the built-in scenarios, print one, or check scenario files."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from analysis.cli.consoles import stderr_console, stdout_console

console = stdout_console()
errors = stderr_console()

scenarios_app = typer.Typer(
    help="List the built-in scenarios, print one, or check a scenario file.\n\n"
    "Example: staffroom scenarios show plc_coaching",
    no_args_is_help=False,
    add_completion=False,
)


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

    Every file is checked: each valid one gets an "ok" line, each problem
    one line naming the file, the key and what is allowed; exit status 2 if
    any file has a problem.

    Example: staffroom scenarios check my_school.toml plans/*.toml
    """
    from scenarios import load
    from simulation import InputError, SchoolEnsemble
    from simulation.interventions import check_changes

    bad = 0
    for reference in files:
        try:
            scenario = load(reference)
            # the school built and the plan checked as a run does, without loading Mesa
            school = SchoolEnsemble(
                [0],
                **scenario.parameters,
                interventions=scenario.interventions,
                network=scenario.network,
                record_every=0,
            )
            for rule in scenario.rules:
                check_changes(school.params, rule.changes)
        except InputError as error:
            errors.say(f"error: {error}")
            bad += 1
            continue
        console.say(
            f"ok: {reference}: {scenario.name!r}, {school.school.n_per_school} teachers, "
            f"{school.params.n_students} students, "
            f"{scenario.years} years, {len(scenario.interventions)} "
            f"intervention(s), "
            + (f"{len(scenario.rules)} leader rule(s), " if scenario.rules else "")
            + f"{scenario.replicates} replicates"
        )
    if bad:
        raise typer.Exit(2)
