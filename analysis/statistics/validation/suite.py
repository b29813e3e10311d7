"""Run the seven patterns' experiments and analyse them (no files, no printing)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd

from analysis.experiments.engines import CpuClock, Engine, run_all
from analysis.experiments.runs import Run, tidy
from analysis.experiments.validation import EXPERIMENTS, POPULATION, Settings
from analysis.statistics.validation.claims import PatternResult
from analysis.statistics.validation.patterns import EXPERIMENTS_OF, PATTERNS


def pattern_jobs(
    settings: Settings,
    overrides: Mapping[str, Any] | None = None,
    experiments: Iterable[str] = tuple(EXPERIMENTS),
    diagnostics: bool = True,
) -> list[Run]:
    """Every run the experiments need, with calibration ``overrides`` applied."""
    return [
        job
        for name in experiments
        for job in EXPERIMENTS[name].jobs(settings, overrides, diagnostics)
    ]


def tables_from(
    jobs: list[Run], results: list[pd.DataFrame], settings: Settings
) -> dict[str, pd.DataFrame]:
    """Tidy tables by experiment, plus the population's design table."""
    table = tidy(jobs, results)
    tables = {
        name: group.reset_index(drop=True)
        for name, group in table.groupby("experiment", sort=False)
    }
    if "population" in tables:
        tables["population_design"] = POPULATION.design(settings)
    return tables


def analyse(
    tables: Mapping[str, pd.DataFrame],
    settings: Settings,
    patterns: Iterable[int] = tuple(PATTERNS),
) -> list[PatternResult]:
    """The verdicts of ``patterns`` from the experiments' tables."""
    return [PATTERNS[number](tables, settings) for number in patterns]


def run_patterns(
    settings: Settings,
    workers: int = 1,
    on_done: Callable[[int], None] | None = None,
    patterns: Iterable[int] = tuple(PATTERNS),
    engine: Engine | None = None,
    clock: CpuClock | None = None,
) -> tuple[dict[str, pd.DataFrame], list[PatternResult]]:
    """Run the experiments the ``patterns`` need, then analyse them."""
    patterns = tuple(patterns)
    needed = tuple(dict.fromkeys(e for p in patterns for e in EXPERIMENTS_OF[p]))
    jobs = pattern_jobs(settings, experiments=needed)
    results = run_all(jobs, workers, engine=engine, on_done=on_done, clock=clock)
    tables = tables_from(jobs, results, settings)
    return tables, analyse(tables, settings, patterns)
