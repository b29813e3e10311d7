"""Run the validation's parts and analyse them (no files, no printing).

``patterns`` (the seven patterns of MODEL.md §8), ``nels`` (a synthetic NELS)
and ``robustness`` (±25% moves of calibration parameters) share one engine.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analysis.experiments.engines import CpuClock, LocalPool
from analysis.experiments.validation import FULL, QUICK, Settings
from analysis.statistics.validation import nels as nels_module
from analysis.statistics.validation import robustness as robustness_module
from analysis.statistics.validation.claims import PatternResult
from analysis.statistics.validation.suite import pattern_jobs, run_patterns

PARTS = ("patterns", "nels", "robustness")
#: ``track(description, total)`` -> (on_done, on_planned): progress callbacks of one part.
Tracker = Callable[[str, int | None], tuple[Callable[[int], None], Callable[[int], None]]]


@dataclass
class Validation:
    """The results of the parts that ran (None or empty for the others), and timings."""

    settings: Settings
    nels_settings: Any
    robust_settings: Settings
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    results: list[PatternResult] = field(default_factory=list)
    nels: Any = None
    robustness: Any = None
    timings: dict[str, dict[str, float]] = field(default_factory=dict)


@contextmanager
def _timing(timings: dict[str, dict[str, float]], part: str) -> Iterator[CpuClock]:
    """Record a part's wall time, its runs' CPU time and this process's CPU time."""
    clock = CpuClock()
    wall, main = time.perf_counter(), time.process_time()
    yield clock
    timings[part] = {
        "wall": time.perf_counter() - wall,
        "runs_cpu": clock.seconds,
        "main_cpu": time.process_time() - main,
    }


def run_parts(parts: Iterable[str], quick: bool, workers: int, track: Tracker) -> Validation:
    """Run the named parts (:data:`PARTS`) at full or quick size on one engine."""
    parts = tuple(parts)
    done = Validation(
        QUICK if quick else FULL,
        nels_module.QUICK_NELS if quick else nels_module.NelsSettings(),
        robustness_module.QUICK_ROBUST if quick else robustness_module.ROBUST,
    )
    robust_parameters = (
        robustness_module.QUICK_PARAMETERS if quick else robustness_module.PARAMETERS
    )
    started = time.perf_counter()
    with ExitStack() as stack:
        engine = stack.enter_context(closing(LocalPool(workers))) if workers > 1 else None
        if "patterns" in parts:
            on_done, _ = track("patterns", len(pattern_jobs(done.settings)))
            with _timing(done.timings, "seven patterns") as clock:
                done.tables, done.results = run_patterns(
                    done.settings, workers, on_done, engine=engine, clock=clock
                )
        if "nels" in parts:
            on_done, _ = track("synthetic NELS", done.nels_settings.schools)
            with _timing(done.timings, "synthetic NELS") as clock:
                done.nels = nels_module.run(done.nels_settings, workers, on_done, engine, clock)
        if "robustness" in parts:
            on_done, planned = track("robustness", None)
            with _timing(done.timings, "robustness") as clock:
                done.robustness = robustness_module.run(
                    done.robust_settings,
                    robust_parameters,
                    workers,
                    on_done,
                    planned,
                    engine,
                    clock,
                )
    timings = done.timings
    timings["total"] = {
        k: sum(t[k] for t in timings.values()) for k in ("wall", "runs_cpu", "main_cpu")
    }
    timings["total"]["wall"] = time.perf_counter() - started
    return done
