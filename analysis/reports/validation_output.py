"""Writing ``staffroom validate``'s output: figures, tidy tables and the report.

Everything is written atomically (:func:`analysis.experiments.files.write_with`);
with ``--docs`` a copy of the report goes there too, its figures beside it.
"""

from __future__ import annotations

import os
from pathlib import Path

from analysis.experiments.files import write_bytes, write_text, write_with
from analysis.reports import validation_plots as plots
from analysis.reports.validation import Provenance, render
from analysis.statistics.validation.claims import PatternResult
from analysis.statistics.validation.parts import Validation


def write_data(folder: Path, tables: dict, nels, robustness) -> None:
    """The tidy tables of every part as CSV files in ``folder``."""
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
    for name, table in named.items():
        write_with(folder / name, lambda path, table=table: table.to_csv(path, index=False))


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


def write_report(
    out: Path, docs: Path | None, provenance: Provenance, done: Validation
) -> list[Path]:
    """Figures, tidy tables and ``report.md`` in ``out`` (and a copy at ``docs``)."""
    made = figures(out / "figures", done.results, done.nels, done.robustness)
    write_data(out / "data", done.tables, done.nels, done.robustness)
    links = {k: relative(v, out) for k, v in made.items()}
    written = [write_text(out / "report.md", render(provenance, done, links))]
    if docs is not None:
        beside = docs.parent / docs.stem
        copied = {k: write_bytes(beside / v.name, v.read_bytes()) for k, v in made.items()}
        links = {k: relative(v, docs.parent) for k, v in copied.items()}
        written.append(write_text(docs, render(provenance, done, links)))
    return written
