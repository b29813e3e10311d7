"""What ``run``, ``compare`` and ``demo`` write: every file of their output folder, as bytes.

The command hands the result to :meth:`analysis.experiments.files.OutputFolder.commit`,
which writes it all or nothing, ``run.json`` last.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import pandas as pd

from analysis.experiments.metadata import parquet_bytes
from analysis.experiments.provenance import environment
from analysis.experiments.replicates import Results
from analysis.experiments.workers import usable_cores
from analysis.reports import plots
from analysis.reports.comparison import (
    difference_figures,
    figures,
    report_blocks,
    to_html,
    to_markdown,
    trajectory_figures,
)
from analysis.reports.drawing import Drawing, draw
from analysis.statistics.compare import Comparison, compare
from scenarios import Scenario
from simulation.outcomes import reported


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")


def about(command: str, scenarios: Sequence[Scenario]) -> dict:
    """The ``run.json`` entries saying what was run, with which version and model code."""
    described = [
        {
            "name": s.name,
            "file": str(s.path) if s.path else None,
            "years": s.years,
            "replicates": s.replicates,
            "seed": s.seed,
        }
        for s in scenarios
    ]
    made = {"command": command, "environment": environment()}
    if command == "run":
        return made | {"scenario": described[0]}
    return made | {"scenarios": described}


def run_files(results: Results, plots_wanted: bool) -> dict[str, bytes]:
    """``staffroom run``: trajectories, summary, decisions (with rules) and plots."""
    files = {
        "trajectories.parquet": parquet_bytes(results.trajectories),
        "summary.csv": _csv(results.summary),
    }
    if results.scenario.rules:
        files["decisions.csv"] = _csv(results.decisions)
    if plots_wanted:
        makers = {
            "plots/overview.png": partial(plots.overview_figure, [results]),
            "plots/sources.png": partial(plots.sources_by_year_figure, results),
        }
        for outcome in reported():
            makers[f"plots/{outcome}.png"] = partial(plots.outcome_figure, [results], outcome)
        files.update(draw(makers))
    return files


def replicate_seeds(results: Results) -> list[int]:
    """The model seed of each replicate, for ``run.json``."""
    return [int(s) for s in results.summary.drop_duplicates("replicate")["seed"]]


def _runs(comparisons: Sequence[Comparison]) -> dict[str, Results]:
    return {r.scenario.name: r for c in comparisons for r in [c.baseline, *c.plans]}


def _report_tables(comparisons: Sequence[Comparison]) -> dict[str, pd.DataFrame]:
    """The tidy tables of a comparison report, by file name."""
    tables = {
        "differences.csv": pd.concat(
            [c.differences.assign(baseline=c.baseline.scenario.name) for c in comparisons],
            ignore_index=True,
        ),
        "sources.csv": pd.concat(
            [c.sources.assign(baseline=c.baseline.scenario.name) for c in comparisons],
            ignore_index=True,
        ),
        "summary.csv": pd.concat(
            [r.summary for r in _runs(comparisons).values()], ignore_index=True
        ),
    }
    decisions = [
        r.decisions for c in comparisons for r in [c.baseline, *c.plans] if r.scenario.rules
    ]
    if decisions:  # the leader's rules: which fired, in which run, when, on what it saw
        tables["decisions.csv"] = pd.concat(decisions, ignore_index=True).drop_duplicates(
            ["scenario", "replicate", "rule", "step"]
        )
    return tables


def report_files(
    questions: Sequence[tuple[str, Sequence[Results]]], title: str, intro: str = ""
) -> tuple[dict[str, bytes], list[Comparison]]:
    """``compare`` and ``demo``: the comparisons, and report.md, report.html, plots/ and tables.

    Each question is its heading (may be empty) and its scenarios' runs, the
    baseline first. The figures are drawn in other processes: the
    trajectories, which need only the runs, while this one works out the
    comparisons; the differences and sources while it writes the tables.
    """
    runs = [list(results) for _, results in questions]
    children = min(usable_cores(), 3 * len(questions))  # three figures a question
    with Drawing(trajectory_figures(runs), children) as drawing:
        comparisons = [
            compare(results, question)
            for (question, _), results in zip(questions, runs, strict=True)
        ]
        drawing.add(difference_figures(comparisons))
        tables = {name: _csv(frame) for name, frame in _report_tables(comparisons).items()}
        trajectories = parquet_bytes(
            pd.concat([r.trajectories for r in _runs(comparisons).values()], ignore_index=True)
        )
        blocks = report_blocks(comparisons, title, intro, drawing.result())
    files = {f"plots/{name}": data for name, data in figures(blocks).items()}
    files.update(tables)
    files["trajectories.parquet"] = trajectories
    files["report.md"] = to_markdown(blocks).encode("utf-8")
    files["report.html"] = to_html(blocks, title).encode("utf-8")
    return files, comparisons
