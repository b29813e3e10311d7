"""``staffroom validate``: run the parts, show the pattern table, write the report."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from analysis.cli.consoles import stdout_console
from analysis.cli.progress import LogProgress, progress_display
from analysis.experiments.engines import CpuClock, LocalPool
from analysis.experiments.files import version, write_bytes, write_text, write_with
from analysis.experiments.validation import FULL, QUICK, Settings
from analysis.experiments.workers import usable_cores, worker_text
from analysis.reports import validation_plots as plots
from analysis.reports.validation import Provenance, relative, render
from analysis.statistics.intervals.validation import nels as nels_module
from analysis.statistics.intervals.validation import robustness as robustness_module
from analysis.statistics.validation.patterns import PatternResult
from analysis.statistics.validation.suite import pattern_jobs, run_patterns
from simulation import InputError

PARTS = ("patterns", "nels", "robustness")
VERDICT_STYLE = {"holds": "green", "fails": "red", "inconclusive": "yellow"}


def parse_parts(only: str) -> tuple[str, ...]:
    """The parts named by ``--only`` (``all`` or a comma list of :data:`PARTS`)."""
    if only.strip() == "all":
        return PARTS
    names = tuple(dict.fromkeys(n.strip() for n in only.split(",") if n.strip()))
    unknown = [n for n in names if n not in PARTS]
    if unknown or not names:
        raise InputError(f"--only: unknown part {', '.join(unknown) or repr(only)}; "
                         f"choose 'all' or a comma list of {', '.join(PARTS)}", key="only")
    return names


def command_line(quick: bool, only: str, out: Path, docs: Path | None) -> str:
    """The command as a user would type it (worker count left out: it changes nothing)."""
    words = ["staffroom validate"]
    if quick:
        words.append("--quick")
    if only.strip() != "all":
        words.append(f"--only {only}")
    if out != Path("validation"):
        words.append(f"--out {out}")
    if docs is not None:
        words.append(f"--docs {docs}")
    return " ".join(words)


def _progress(console: Console, quiet: bool = False) -> Progress | LogProgress:
    return progress_display(console, TextColumn("{task.description}"), BarColumn(),
                            MofNCompleteColumn(), TimeElapsedColumn(), transient=True,
                            disable=quiet)


def _tracker(progress: Progress | LogProgress, description: str, total: int | None
             ) -> tuple[Callable[[int], None], Callable[[int], None]]:
    task = progress.add_task(description, total=total)
    return (lambda done: progress.update(task, completed=done),
            lambda planned: progress.update(task, total=planned))


def print_table(console: Console, results: list[PatternResult]) -> None:
    """The pattern table on the terminal."""
    table = Table(title="Patterns of MODEL.md §8 under the default calibration")
    for name, justify in (("pattern", "left"), ("claim", "left"), ("effect", "right"),
                          ("95% interval", "right"), ("verdict", "left")):
        table.add_column(name, justify=justify)
    for r in results:
        style = VERDICT_STYLE[r.verdict]
        first = True
        for c in r.claims:
            if c.diagnostic:
                continue
            e = c.estimate
            table.add_row(f"{r.number} [{style}]{r.verdict}[/]" if first else "",
                          f"{c.label} {c.statement}", f"{e.estimate:.3g} {c.unit}",
                          f"[{e.low:.3g}, {e.high:.3g}]",
                          f"[{VERDICT_STYLE[c.verdict]}]{c.verdict}[/]")
            first = False
    console.print(table)


def _write_data(folder: Path, tables: dict, nels, robustness) -> None:
    named = {f"{name}.csv": table for name, table in tables.items()}
    if nels is not None:
        named |= {"nels_schools.csv": nels.schools, "nels_students.csv": nels.students,
                  "nels_coefficients.csv": nels.main.coefficients,
                  "nels_size_curve.csv": nels.size_curve}
    if robustness is not None:
        named |= {"robustness_verdicts.csv": robustness.verdicts,
                  "robustness_claims.csv": robustness.claims}
    for name, table in named.items():
        write_with(folder / name, lambda path, table=table: table.to_csv(path, index=False))


def _figures(folder: Path, results: list[PatternResult], nels, robustness) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    by_number = {r.number: r for r in results}
    made: dict[str, Path] = {}
    if 1 in by_number:
        made["pattern_1"] = plots.population(by_number[1].details["schools"],
                                             folder / "population.png")
        made["pattern_5"] = made["pattern_1"]
    if 2 in by_number:
        made["pattern_2"] = plots.yearly_arms(
            by_number[2], ["collective_efficacy", "annual_gain", "ses_gain_slope"],
            {"small": "600 students", "large": "2,400 students"}, folder / "size.png",
            "Pattern 2: small vs large school (departments)")
        if "curve" in by_number[2].details:
            made["size_curve"] = plots.size_curve(by_number[2].details["curve"],
                                                  folder / "size_curve.png")
    if 3 in by_number:
        made["pattern_3"] = plots.structure_growth(by_number[3], folder / "structure.png")
    if 4 in by_number:
        made["pattern_4"] = plots.ablation(by_number[4], folder / "ablation.png")
    if 6 in by_number:
        made["pattern_6"] = plots.yearly_arms(
            by_number[6], ["practice_share", "annual_gain"],
            {"coaching": "coaching", "train_the_trainer": "train-the-trainer"},
            folder / "support.png", "Pattern 6: support for the practice from year 2")
    if 7 in by_number:
        made["pattern_7"] = plots.stickiness(by_number[7], folder / "stickiness.png")
    if nels is not None:
        made["nels_size"] = plots.nels_size_curve(nels, folder / "nels_size.png")
        made["nels_cr"] = plots.nels_responsibility(nels, folder / "nels_responsibility.png")
    if robustness is not None:
        made["robustness"] = plots.robustness(robustness, folder / "robustness.png")
    return made


@contextmanager
def _timing(timings: dict[str, dict[str, float]], part: str) -> Iterator[CpuClock]:
    """Record a part's wall time, its runs' CPU time and this process's CPU time."""
    clock = CpuClock()
    wall, main = time.perf_counter(), time.process_time()
    yield clock
    timings[part] = {"wall": time.perf_counter() - wall, "runs_cpu": clock.seconds,
                     "main_cpu": time.process_time() - main}


def validate(*, quick: bool = False, workers: int = 0, out: Path = Path("validation"),
             docs: Path | None = None, only: str = "all",
             console: Console | None = None, quiet: bool = False) -> dict:
    """Run the validation parts, print the pattern table and write the report.

    Returns a dictionary with the results of each part (for tests and scripts).
    """
    console = console or stdout_console()
    parts = parse_parts(only)
    workers = workers or usable_cores()
    settings: Settings = QUICK if quick else FULL
    nels_settings = nels_module.QUICK_NELS if quick else nels_module.NelsSettings()
    robust_settings = robustness_module.QUICK_ROBUST if quick else robustness_module.ROBUST
    robust_parameters = (robustness_module.QUICK_PARAMETERS if quick
                         else robustness_module.PARAMETERS)
    timings: dict[str, dict[str, float]] = {}
    tables: dict = {}
    results: list[PatternResult] = []
    nels = robustness = None
    started = time.perf_counter()
    with ExitStack() as stack:
        progress = stack.enter_context(_progress(console, quiet))
        engine = stack.enter_context(closing(LocalPool(workers))) if workers > 1 else None
        if "patterns" in parts:
            done, _ = _tracker(progress, "patterns", len(pattern_jobs(settings)))
            with _timing(timings, "seven patterns") as clock:
                tables, results = run_patterns(settings, workers, done, engine=engine,
                                               clock=clock)
        if "nels" in parts:
            done, _ = _tracker(progress, "synthetic NELS", nels_settings.schools)
            with _timing(timings, "synthetic NELS") as clock:
                nels = nels_module.run(nels_settings, workers, done, engine, clock)
        if "robustness" in parts:
            done, planned = _tracker(progress, "robustness", None)
            with _timing(timings, "robustness") as clock:
                robustness = robustness_module.run(robust_settings, robust_parameters,
                                                   workers, done, planned, engine, clock)
    total = time.perf_counter() - started
    timings["total"] = {k: sum(t[k] for t in timings.values())
                        for k in ("wall", "runs_cpu", "main_cpu")} | {"wall": total}
    if results:
        print_table(console, results)
    if nels is not None:
        peak = nels.peak_band
        cr, inter = nels.main.estimate("cr_z"), nels.main.estimate("ses:cr_z")
        console.print(f"Synthetic NELS: responsibility on gains {cr}, on the SES slope "
                      f"{inter}; highest gains at {peak} students.")

    provenance = Provenance(
        command_line(quick, only, out, docs), version(commit=True), workers, settings,
        nels_settings.schools if nels is not None else None,
        robust_settings if robustness is not None else None, timings,
        datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))
    figures = _figures(out / "figures", results, nels, robustness)
    _write_data(out / "data", tables, nels, robustness)
    report = write_text(out / "report.md", render(
        provenance, results, {k: relative(v, out) for k, v in figures.items()}, nels,
        robustness))
    written = [report]
    if docs is not None:
        beside = docs.parent / docs.stem
        copied = {k: write_bytes(beside / v.name, v.read_bytes()) for k, v in figures.items()}
        write_text(docs, render(provenance, results,
                                {k: relative(v, docs.parent) for k, v in copied.items()},
                                nels, robustness))
        written.append(docs)
    console.print(f"Report: {', '.join(str(w) for w in written)}; figures and tidy tables "
                  f"in {out}. Took {total:.0f} s {worker_text(workers if workers > 1 else 0)}.")
    return {"tables": tables, "patterns": results, "nels": nels, "robustness": robustness,
            "timings": timings, "report": report}
