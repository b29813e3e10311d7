"""``staffroom school``: a scenario of your own school from its staff survey.

``from-survey`` reads a survey (and advice pairs), checks everything, then
writes the scenario and its network file together: both or neither
(:mod:`scenarios.school_files`). ``example`` copies the shipped
synthetic survey, advice pairs and two plans, to try it on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from analysis.cli.consoles import stdout_console

console = stdout_console()

school_app = typer.Typer(
    help="Build a scenario of your own school from its staff survey.\n\n"
    "Example: staffroom school from-survey staff_survey.csv --network advice_pairs.csv "
    "--out our_school.toml",
    no_args_is_help=True,
    add_completion=False,
)


Survey = Annotated[
    Path,
    typer.Argument(
        help="The staff survey (CSV): one row per teacher, anonymous ids. "
        "docs/survey.md lists the columns."
    ),
]
Network = Annotated[
    Path | None,
    typer.Option(
        "--network",
        "-n",
        help="Advice pairs (CSV: teacher,advisor): who goes to whom for advice about "
        "teaching. Then every teacher starts from their own answers.",
    ),
]
Overwrite = Annotated[bool, typer.Option("--overwrite", help="Replace existing files.")]


@school_app.command("from-survey")
def from_survey(
    survey: Survey,
    network: Network = None,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="The scenario file to write; the network goes beside it as NAME_network.graphml.",
        ),
    ] = Path("our_school.toml"),
    students: Annotated[
        int | None, typer.Option(help="Enrolment (default: 15.5 students per teacher).")
    ] = None,
    collective_efficacy: Annotated[
        float | None,
        typer.Option(
            help="The school mean of Goddard's collective efficacy scale (1-6), if the "
            "survey has no cte items."
        ),
    ] = None,
    name: Annotated[str, typer.Option(help="The school's name in reports.")] = "Our school",
    overwrite: Overwrite = False,
) -> None:
    """Write a scenario of your school from its staff survey (and advice network).

    The survey gives the staff's self-efficacy (TSES), and if it has them
    collective efficacy (Goddard), collective responsibility and stress,
    with experience and departments; the scenario starts teachers from that
    distribution, or teacher by teacher with --network. Problems are listed
    one line per kind (exit status 2) and nothing is written. Columns of
    names or e-mail addresses are refused, to protect staff.

    Example: staffroom school from-survey staff_survey.csv --network advice_pairs.csv
    """
    from scenarios.school_files import write_school

    written = write_school(
        survey,
        network,
        out,
        students=students,
        collective_efficacy=collective_efficacy,
        name=name,
        overwrite=overwrite,
    )
    school = written.school
    console.say(
        f"Read {survey}: {len(school.teachers)} teachers in "
        f"{len(school.departments)} departments ({', '.join(school.departments)})."
    )
    for note in school.notes:
        console.say(f"  {note}")
    console.say(_wrote(written, enrolment_given=students is not None))


def _wrote(written, enrolment_given: bool) -> str:
    """What from-survey wrote, and what a survey cannot tell (enrolment, students' SES)."""
    scenario = written.files[0]
    assumed = "" if enrolment_given else " (assumed: a survey has no enrolment)"
    return (
        f"Wrote {' and '.join(str(f) for f in written.files)}: {written.teachers} "
        f"teachers, {written.students} students{assumed}. Set `students` (and your "
        f"students' mean SES, `ses_mean`) in {scenario.name}; check it with `staffroom "
        f'scenarios show {scenario}`; plans `extends = "{scenario.name}"`.'
    )


@school_app.command("example")
def example(
    folder: Annotated[Path, typer.Argument(help="Where to put the files.")] = Path("."),
    overwrite: Overwrite = False,
) -> None:
    """Copy a synthetic staff survey, advice pairs and two plans, to try from-survey on.

    The survey is made up (48 teachers, 6 departments): no real school or
    person. The plans extend our_school.toml, the file from-survey writes.

    Example: staffroom school example our_school/
    """
    from scenarios.school_files import EXAMPLE_FILES, copy_example

    copy_example(folder, overwrite)
    where = "this folder" if folder == Path(".") else f"{folder}/"
    console.say(
        f"Wrote {', '.join(EXAMPLE_FILES)} in {where}. Next:\n"
        "  staffroom school from-survey staff_survey.csv --network advice_pairs.csv "
        "--out our_school.toml"
    )
