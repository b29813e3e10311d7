"""``staffroom validate``'s output: figures, tidy tables and the report, as files.

:func:`report_files` makes every file as bytes, for the command to commit
to its output folder at once (:meth:`analysis.experiments.files.OutputFolder.commit`:
all or nothing); :func:`write_docs_copy` writes the copy that ``--docs``
asks for, its figures beside it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from analysis.experiments.files import write_bytes, write_text
from analysis.reports import validation_plots as plots
from analysis.reports.validation import Provenance, render
from analysis.statistics.validation.claims import PatternResult
from analysis.statistics.validation.parts import Validation


def data_files(tables: dict, nels, robustness) -> dict[str, bytes]:
    """The tidy tables of every part as CSV, by file name."""
    named = {f"{name}.csv": table for name, table in tables.items()}
    if nels is not None:
        named |= {
            "nels_schools.csv": nels.schools,
            "nels_students.csv": nels.students,
            "nels_coefficients.csv": nels.main.coefficients,
            "nels_size_curve.csv": nels.size_curve,
        }
    if robustness is not None:
        named |= {
            "robustness_verdicts.csv": robustness.verdicts,
            "robustness_claims.csv": robustness.claims,
        }
    return {name: table.to_csv(index=False).encode("utf-8") for name, table in named.items()}


def figures(folder: Path, results: list[PatternResult], nels, robustness) -> dict[str, Path]:
    """Each pattern's figure, and the NELS and robustness figures, by report key."""
    folder.mkdir(parents=True, exist_ok=True)
    by_number = {r.number: r for r in results}
    made: dict[str, Path] = {}
    if 1 in by_number:
        made["pattern_1"] = plots.population(
            by_number[1].details["schools"], folder / "population.png"
        )
        made["pattern_5"] = made["pattern_1"]
    if 2 in by_number:
        made["pattern_2"] = plots.yearly_arms(
            by_number[2],
            ["collective_efficacy", "annual_gain", "ses_gain_slope"],
            {"small": "600 students", "large": "2,400 students"},
            folder / "size.png",
            "Pattern 2: small vs large school (departments)",
        )
        if "curve" in by_number[2].details:
            made["size_curve"] = plots.size_curve(
                by_number[2].details["curve"], folder / "size_curve.png"
            )
    if 3 in by_number:
        made["pattern_3"] = plots.structure_growth(by_number[3], folder / "structure.png")
    if 4 in by_number:
        made["pattern_4"] = plots.ablation(by_number[4], folder / "ablation.png")
    if 6 in by_number:
        made["pattern_6"] = plots.yearly_arms(
            by_number[6],
            ["practice_share", "annual_gain"],
            {"coaching": "coaching", "train_the_trainer": "train-the-trainer"},
            folder / "support.png",
            "Pattern 6: support for the practice from year 2",
        )
    if 7 in by_number:
        made["pattern_7"] = plots.yearly_arms(
            by_number[7],
            ["collective_efficacy", "responsibility", "self_efficacy_tses"],
            {
                "low": "low start, turnaround plan",
                "typical": "typical start, no plan",
                "low_malleable": "low start, plan, malleable",
                "typical_malleable": "typical start, no plan, malleable",
            },
            folder / "stickiness.png",
            "Pattern 7: a low-efficacy school under the turnaround plan",
        )
    if nels is not None:
        made["nels_size"] = plots.nels_size_curve(nels, folder / "nels_size.png")
        made["nels_cr"] = plots.nels_responsibility(nels, folder / "nels_responsibility.png")
    if robustness is not None:
        made["robustness"] = plots.robustness(robustness, folder / "robustness.png")
    return made


def relative(path: Path, start: Path) -> str:
    """``path`` relative to the folder ``start``, with forward slashes."""
    return Path(os.path.relpath(path, start)).as_posix()


def report_files(provenance: Provenance, done: Validation) -> tuple[dict[str, bytes], dict]:
    """Every file of the report by its path in the output folder, and the figures' paths.

    The figures are drawn into a scratch folder and read back, so nothing
    reaches the output folder before the command commits the whole set.
    Returns the files (``figures/*.png``, ``data/*.csv``, ``report.md``)
    and each figure's path by its key in the report.
    """
    with tempfile.TemporaryDirectory() as scratch:
        made = figures(Path(scratch), done.results, done.nels, done.robustness)
        drawn = {f"figures/{path.name}": path.read_bytes() for path in made.values()}
    links = {key: f"figures/{path.name}" for key, path in made.items()}
    tables = data_files(done.tables, done.nels, done.robustness)
    files = drawn | {f"data/{name}": data for name, data in tables.items()}
    files["report.md"] = render(provenance, done, links).encode("utf-8")
    return files, links


def write_docs_copy(
    docs: Path, provenance: Provenance, done: Validation, files: dict[str, bytes], links: dict
) -> Path:
    """A copy of the report at ``docs`` (``--docs``), its figures in a folder beside it.

    ``files`` and ``links`` are :func:`report_files`'s. Each file is written
    atomically, the report last.
    """
    beside = docs.parent / docs.stem
    copied = {key: write_bytes(beside / Path(to).name, files[to]) for key, to in links.items()}
    moved = {key: relative(path, docs.parent) for key, path in copied.items()}
    return write_text(docs, render(provenance, done, moved))
