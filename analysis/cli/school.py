"""``staffroom school``: a scenario of your own school from its staff survey.

``from-survey`` reads a survey (and advice pairs), checks everything, then
writes the scenario and its network file together: both or neither
(:mod:`scenarios.survey` does the reading). ``example`` copies the shipped
synthetic survey, advice pairs and two plans, to try it on.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

import networkx as nx
import typer
from rich.console import Console

from scenarios import LIBRARY
from simulation import InputError

console = Console()
EXAMPLE = LIBRARY / "survey"
EXAMPLE_FILES = ("staff_survey.csv", "advice_pairs.csv", "plan_train_the_trainer.toml",
                 "plan_coaching_if_needed.toml")

school_app = typer.Typer(
    help="Build a scenario of your own school from its staff survey.\n\n"
         "Example: staffroom school from-survey staff_survey.csv --network advice_pairs.csv "
         "--out our_school.toml",
    no_args_is_help=True,
    add_completion=False,
)


def register(app: typer.Typer) -> None:
    """Add ``staffroom school`` to the app."""
    app.add_typer(school_app, name="school")


def _refuse_existing(paths: list[Path], overwrite: bool) -> None:
    for path in paths:
        if path.is_dir():
            raise InputError(f"{path} is a folder; allowed: a file name such as "
                             "our_school.toml", key="--out")
        if path.exists() and not overwrite:
            raise InputError(f"{path} exists; choose another --out, or add --overwrite to "
                             "replace it", key="--out")


@school_app.command("from-survey")
def from_survey(
    survey: Annotated[Path, typer.Argument(help="The staff survey (CSV): one row per teacher, "
                                                "anonymous ids. docs/survey.md lists the "
                                                "columns.")],
    network: Annotated[Path | None, typer.Option(
        "--network", "-n", help="Advice pairs (CSV: teacher,advisor): who goes to whom for "
                                "advice about teaching. Then every teacher starts from their "
                                "own answers.")] = None,
    out: Annotated[Path, typer.Option(
        "--out", "-o", help="The scenario file to write; the network goes beside it as "
                            "NAME_network.graphml.")] = Path("our_school.toml"),
    students: Annotated[int | None, typer.Option(
        help="Enrolment (default: 15.5 students per teacher).")] = None,
    collective_efficacy: Annotated[float | None, typer.Option(
        "--collective-efficacy", help="The school mean of Goddard's collective efficacy "
                                      "scale (1-6), if the survey has no cte items.")] = None,
    name: Annotated[str, typer.Option(help="The school's name in reports.")] = "Our school",
    overwrite: Annotated[bool, typer.Option(
        "--overwrite", help="Replace existing files.")] = False,
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
    from scenarios import load
    from scenarios.survey import enrolment, read_school, scenario_text
    from scenarios.survey import network as graph_of

    out = out.expanduser()
    if out.suffix != ".toml":
        raise InputError(f"--out {str(out)!r} must end in .toml (a scenario file)", key="--out")
    graph_file = out.with_name(f"{out.stem}_network.graphml")
    _refuse_existing([out, *([graph_file] if network is not None else [])], overwrite)
    school = read_school(survey, network, collective_efficacy)
    count, ratio = enrolment(school, students)
    if not 6 <= ratio <= 40 or not 20 <= count <= 200_000:
        raise InputError(f"--students {count} gives {ratio:g} students per teacher for "
                         f"{len(school.teachers)} teachers; allowed: 6 to 40 per teacher "
                         f"({6 * len(school.teachers)} to {40 * len(school.teachers)} students)",
                         key="--students")
    text = scenario_text(school, survey, network, graph_file.name if network else None,
                         students, name)
    if not out.parent.exists():
        raise InputError(f"--out {str(out)!r}: the folder {out.parent} does not exist",
                         key="--out")
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".from-survey-") as staging:
        staged = Path(staging) / out.name
        staged.write_text(text, encoding="utf-8")
        if network is not None:
            nx.write_graphml(graph_of(school), Path(staging) / graph_file.name)
        scenario = load(staged)  # the files must make a valid scenario, or nothing is kept
        model = scenario.model(rng=0)
        moved = []
        try:
            if network is not None:
                os.replace(Path(staging) / graph_file.name, graph_file)
                moved.append(graph_file)
            os.replace(staged, out)
        except BaseException:
            for path in moved:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
            raise
    console.print(f"Read {survey}: {len(school.teachers)} teachers in "
                  f"{len(school.departments)} departments ({', '.join(school.departments)}).",
                  highlight=False, soft_wrap=True)
    for note in school.notes:
        console.print(f"  {note}", highlight=False, soft_wrap=True)
    wrote = f"{out}" + (f" and {graph_file}" if network is not None else "")
    console.print(f"Wrote {wrote}: {model.n_teachers} teachers, {count} students. Check it "
                  f"with `staffroom scenarios show {out}`; plans `extends = \"{out.name}\"`.",
                  highlight=False, soft_wrap=True)


@school_app.command("example")
def example(
    folder: Annotated[Path, typer.Argument(help="Where to put the files.")] = Path("."),
    overwrite: Annotated[bool, typer.Option(
        "--overwrite", help="Replace existing files.")] = False,
) -> None:
    """Copy a synthetic staff survey, advice pairs and two plans, to try from-survey on.

    The survey is made up (48 teachers, 6 departments): no real school or
    person. The plans extend our_school.toml, the file from-survey writes.

    Example: staffroom school example our_school/
    """
    folder = folder.expanduser()
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder} is a file; allowed: a folder", key="FOLDER")
    targets = [folder / name for name in EXAMPLE_FILES]
    _refuse_existing(targets, overwrite)
    folder.mkdir(parents=True, exist_ok=True)
    for name, target in zip(EXAMPLE_FILES, targets, strict=True):
        shutil.copyfile(EXAMPLE / name, target)
    where = "this folder" if folder == Path(".") else f"{folder}/"
    console.print(f"Wrote {', '.join(EXAMPLE_FILES)} in {where}. Next:\n"
                  "  staffroom school from-survey staff_survey.csv --network advice_pairs.csv "
                  "--out our_school.toml", highlight=False, soft_wrap=True)
