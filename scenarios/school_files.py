"""Writing a school's own scenario from its staff survey: both files or neither.

:func:`write_school` reads the survey (and advice pairs) with
:mod:`scenarios.survey`, checks everything, writes the scenario and its
network file in a hidden staging folder, loads them as a scenario (so the
files must make a valid one) and only then moves them into place.
:func:`copy_example` copies the shipped synthetic survey and plans.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from scenarios.schema import LIBRARY, load
from scenarios.survey import School, enrolment, network, read_school, scenario_text
from simulation import InputError

EXAMPLE = LIBRARY / "survey"
EXAMPLE_FILES = (
    "staff_survey.csv",
    "advice_pairs.csv",
    "plan_train_the_trainer.toml",
    "plan_coaching_if_needed.toml",
)


@dataclass(frozen=True)
class Written:
    """What :func:`write_school` wrote: the school read, its files, staff and enrolment."""

    school: School
    files: tuple[Path, ...]
    teachers: int
    students: int


def refuse_existing(paths: list[Path], overwrite: bool, key: str = "--out") -> None:
    """Refuse a folder, or an existing file unless ``overwrite`` (exit status 2).

    ``key`` is what names where the command writes: ``--out`` (from-survey's
    file) or ``FOLDER`` (the argument of ``school example``), so the message
    asks for something the command takes.
    """
    if key == "--out":
        instead, folder = "choose another --out", "allowed: a file name such as our_school.toml"
    else:
        instead = folder = "choose another folder (e.g. staffroom school example trial/)"
    for path in paths:
        if path.is_dir():
            raise InputError(f"{path} is a folder; {folder}", key=key)
        if path.exists() and not overwrite:
            raise InputError(f"{path} exists; {instead}, or add --overwrite to replace it", key=key)


def write_school(
    survey: Path,
    advice: Path | None,
    out: Path,
    *,
    students: int | None,
    collective_efficacy: float | None,
    name: str,
    overwrite: bool = False,
) -> Written:
    """Write ``out`` (and ``NAME_network.graphml`` beside it with ``advice``), all or nothing.

    Raises
    ------
    InputError
        For a bad survey, enrolment or output path; nothing is written.
    """
    out = out.expanduser()
    if out.suffix != ".toml":
        raise InputError(f"--out {str(out)!r} must end in .toml (a scenario file)", key="--out")
    graph_file = out.with_name(f"{out.stem}_network.graphml")
    refuse_existing([out, *([graph_file] if advice is not None else [])], overwrite)
    school = read_school(survey, advice, collective_efficacy)
    count, ratio = enrolment(school, students)
    if not 6 <= ratio <= 40 or not 20 <= count <= 200_000:
        raise InputError(
            f"--students {count} gives {ratio:g} students per teacher for "
            f"{len(school.teachers)} teachers; allowed: 6 to 40 per teacher "
            f"({6 * len(school.teachers)} to {40 * len(school.teachers)} students)",
            key="--students",
        )
    text = scenario_text(
        school, survey, advice, graph_file.name if advice else None, students, name
    )
    if not out.parent.exists():
        raise InputError(f"--out {str(out)!r}: the folder {out.parent} does not exist", key="--out")
    files = [*([graph_file] if advice is not None else []), out]
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".from-survey-") as staging:
        staged = Path(staging) / out.name
        staged.write_text(text, encoding="utf-8")
        if advice is not None:
            nx.write_graphml(network(school), Path(staging) / graph_file.name)
        teachers = load(staged).model(rng=0).n_teachers  # a valid scenario, or nothing kept
        moved: list[Path] = []
        try:
            for path in files:
                os.replace(Path(staging) / path.name, path)
                moved.append(path)
        except BaseException:
            for path in moved:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
            raise
    return Written(school, tuple(reversed(files)), teachers, count)


def copy_example(folder: Path, overwrite: bool = False) -> list[Path]:
    """Copy the synthetic survey, advice pairs and two plans into ``folder``."""
    folder = folder.expanduser()
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder} is a file; allowed: a folder", key="FOLDER")
    targets = [folder / name for name in EXAMPLE_FILES]
    refuse_existing(targets, overwrite, key="FOLDER")
    folder.mkdir(parents=True, exist_ok=True)
    for name, target in zip(EXAMPLE_FILES, targets, strict=True):
        shutil.copyfile(EXAMPLE / name, target)
    return targets
