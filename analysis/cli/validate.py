"""``staffroom validate``: run the parts, show the pattern table, write the report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from analysis.cli.commands import told_when_stopped
from analysis.cli.consoles import stdout_console
from analysis.cli.progress import LogProgress, progress_display
from analysis.experiments.files import OutputFolder
from analysis.experiments.provenance import environment, version
from analysis.experiments.workers import usable_cores, worker_text
from analysis.reports.validation import Provenance
from analysis.reports.validation_output import report_files, write_docs_copy
from analysis.statistics.validation.claims import PatternResult
from analysis.statistics.validation.parts import PARTS, Validation, run_parts
from simulation import InputError

VERDICT_STYLE = {"holds": "green", "fails": "red", "inconclusive": "yellow"}


def parse_parts(only: str) -> tuple[str, ...]:
    """The parts named by ``--only`` (``all`` or a comma list of :data:`PARTS`)."""
    if only.strip() == "all":
        return PARTS
    names = tuple(dict.fromkeys(n.strip() for n in only.split(",") if n.strip()))
    unknown = [n for n in names if n not in PARTS]
    if unknown or not names:
        raise InputError(
            f"--only: unknown part {', '.join(unknown) or repr(only)}; "
            f"choose 'all' or a comma list of {', '.join(PARTS)}",
            key="only",
        )
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
    return progress_display(
        console,
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
        disable=quiet,
    )


def _tracker(
    progress: Progress | LogProgress, description: str, total: int | None
) -> tuple[Callable[[int], None], Callable[[int], None]]:
    task = progress.add_task(description, total=total)
    return (
        lambda done: progress.update(task, completed=done),
        lambda planned: progress.update(task, total=planned),
    )


def print_table(console: Console, results: list[PatternResult], quick: bool = False) -> None:
    """The pattern table on the terminal (a quick run's says its verdicts are checks)."""
    title = "Patterns of MODEL.md §8 under the default calibration"
    if quick:
        title += "\n(--quick: verdicts at a small size are checks, not conclusions)"
    table = Table(title=title)
    for name in ("pattern", "claim", "effect", "95% interval", "verdict"):
        table.add_column(name, justify="right" if name in ("effect", "95% interval") else "left")
    for r in results:
        style = VERDICT_STYLE[r.verdict]
        first = True
        for c in r.claims:
            if c.diagnostic:
                continue
            e = c.estimate
            table.add_row(
                f"{r.number} [{style}]{r.verdict}[/]" if first else "",
                f"{c.label} {c.statement}",
                f"{e.estimate:.3g} {c.unit}",
                f"[{e.low:.3g}, {e.high:.3g}]",
                f"[{VERDICT_STYLE[c.verdict]}]{c.verdict}[/]",
            )
            first = False
    console.print(table)


def _print_results(console: Console, done: Validation, quick: bool) -> None:
    """The pattern table and the synthetic NELS's headline, as far as they were run."""
    if done.results:
        print_table(console, done.results, quick)
    if done.nels is not None:
        cr, inter = done.nels.main.estimate("cr_z"), done.nels.main.estimate("ses:cr_z")
        console.print(
            f"Synthetic NELS: responsibility on gains {cr}, on the SES slope "
            f"{inter}; highest gains at {done.nels.peak_band} students."
        )


def validate(
    *,
    quick: bool = False,
    workers: int = 0,
    out: Path = Path("validation"),
    docs: Path | None = None,
    only: str = "all",
    console: Console | None = None,
    quiet: bool = False,
) -> Validation:
    """Run the validation parts, print the pattern table and write the report.

    The output folder is checked and locked before anything runs; the
    report's figures, tables and text are committed to it at once, with
    ``run.json`` last (:class:`~analysis.experiments.files.OutputFolder`),
    and Ctrl-C or SIGTERM says whether they were written. Returns the
    results of each part (for tests and scripts).
    """
    console = console or stdout_console()
    parts = parse_parts(only)
    workers = workers or usable_cores()
    folder = OutputFolder(out, "validate", overwrite=None)
    with folder, told_when_stopped(folder):
        with _progress(console, quiet) as progress:
            done = run_parts(
                parts, quick, workers, lambda what, total: _tracker(progress, what, total)
            )
        _print_results(console, done, quick)
        date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        provenance = Provenance(
            command_line(quick, only, out, docs), version(commit=True), workers, date, quick
        )
        files, links = report_files(provenance, done)
        about = {
            "command": "validate",
            "command_line": provenance.command,
            "environment": environment(),
        }
        written = [folder.commit(files, about)["report.md"]]
        if docs is not None:
            written.append(write_docs_copy(docs, provenance, done, files, links))
    console.print(
        f"Report: {', '.join(str(w) for w in written)}; figures and tidy tables "
        f"in {out}. Took {done.timings['total']['wall']:.0f} s "
        f"{worker_text(workers if workers > 1 else 0)}."
    )
    return done
