"""Run the validation's parts and analyse them (no files, no printing).

``patterns`` (the seven patterns of MODEL.md §8), ``nels`` (a synthetic NELS)
and ``robustness`` (±25% moves of calibration parameters) share one engine.
Their runs go one part after another, and each part is analysed on a
background thread while the workers run the next part's runs, so the model
fits and the robustness verdicts cost no wall time of their own; the part
analysed last, the seven patterns, is the cheapest. Results do not depend on
this order: every run and every analysis is a function of its inputs alone.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analysis.experiments.engines import CpuClock, LocalPool, run_all
from analysis.experiments.runs import Run
from analysis.experiments.validation import FULL, QUICK, Settings
from analysis.statistics.validation import nels as nels_module
from analysis.statistics.validation import robustness as robustness_module
from analysis.statistics.validation.claims import PatternResult
from analysis.statistics.validation.suite import analyse, pattern_jobs, tables_from

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


class Analyst:
    """One background thread that does the main process's work in the order given.

    A daemon thread: an interrupted validation exits without waiting for a
    model fit to end.
    """

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        threading.Thread(target=self._work, name="validation-analysis", daemon=True).start()

    def submit(self, work: Callable[..., Any], *args: Any) -> Future:
        """``work(*args)``, once the work submitted before it is done."""
        future: Future = Future()
        self._queue.put((future, work, args))
        return future

    def close(self) -> None:
        """End the thread once the work already submitted is done."""
        self._queue.put(None)

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            future, work, args = item
            if not future.set_running_or_notify_cancel():
                continue
            start = time.thread_time()
            try:
                result = work(*args)
            except BaseException as error:  # handed to whoever waits for it
                future.set_exception(error)
            else:
                future.set_result((result, time.thread_time() - start, time.perf_counter()))


@dataclass
class _Part:
    """One part: a timing label, how to plan its runs and how to analyse them."""

    label: str
    plan: Callable[[], Any]
    jobs: Callable[[Any], list[Run]]
    analyse: Callable[[Any, list[Any]], Any]


def _parts(done: Validation, parts: tuple[str, ...], quick: bool) -> list[_Part]:
    """The parts to run, in the order that leaves the cheapest analysis for last."""
    robust_parameters = (
        robustness_module.QUICK_PARAMETERS if quick else robustness_module.PARAMETERS
    )
    rs = done.robust_settings
    steps = {
        "nels": _Part(
            "synthetic NELS",
            lambda: nels_module.jobs(done.nels_settings),
            lambda jobs: jobs,
            lambda jobs, results: nels_module.analyse(
                done.nels_settings, *nels_module.assemble(jobs, results)
            ),
        ),
        "robustness": _Part(
            "robustness",
            lambda: robustness_module.plan(rs, robust_parameters),
            lambda planned: [job for _, jobs in planned for job in jobs],
            lambda planned, results: robustness_module.analyse(rs, planned, results),
        ),
        "patterns": _Part(
            "seven patterns",
            lambda: pattern_jobs(done.settings),
            lambda jobs: jobs,
            lambda jobs, results: _patterns(done.settings, jobs, results),
        ),
    }
    return [steps[name] for name in ("nels", "robustness", "patterns") if name in parts]


def _patterns(
    settings: Settings, jobs: list[Run], results: list[Any]
) -> tuple[dict[str, pd.DataFrame], list[PatternResult]]:
    tables = tables_from(jobs, results, settings)
    return tables, analyse(tables, settings)


def _store(done: Validation, label: str, result: Any) -> None:
    if label == "seven patterns":
        done.tables, done.results = result
    elif label == "synthetic NELS":
        done.nels = result
    else:
        done.robustness = result


def run_parts(parts: Iterable[str], quick: bool, workers: int, track: Tracker) -> Validation:
    """Run the named parts (:data:`PARTS`) at full or quick size on one engine.

    ``timings`` has per part the wall time from its first run to the end of
    its analysis (the parts overlap), its runs' CPU time and the CPU time of
    this process's threads on it; ``total`` is the whole validation's.
    """
    done = Validation(
        QUICK if quick else FULL,
        nels_module.QUICK_NELS if quick else nels_module.NelsSettings(),
        robustness_module.QUICK_ROBUST if quick else robustness_module.ROBUST,
    )
    started, cpu = time.perf_counter(), time.process_time()
    timings: dict[str, dict[str, float]] = {}
    with ExitStack() as stack:
        engine = stack.enter_context(closing(LocalPool(workers))) if workers > 1 else None
        analyst = Analyst()
        stack.callback(analyst.close)
        steps = _parts(done, tuple(parts), quick)
        plans = [analyst.submit(step.plan) for step in steps]  # planned while runs go
        analyses = []
        for step, planned in zip(steps, plans, strict=True):
            plan, plan_cpu, _ = planned.result()
            jobs = step.jobs(plan)
            on_done, _ = track(step.label, len(jobs))
            clock, start, main = CpuClock(), time.perf_counter(), time.thread_time()
            results = run_all(jobs, workers, engine=engine, on_done=on_done, clock=clock)
            main_cpu = plan_cpu + time.thread_time() - main
            analysis = analyst.submit(step.analyse, plan, results)
            analyses.append((step, analysis, start, clock.seconds, main_cpu))
        for step, analysis, start, runs_cpu, main_cpu in analyses:
            result, analysis_cpu, ended = analysis.result()
            _store(done, step.label, result)
            timings[step.label] = {
                "wall": ended - start,
                "runs_cpu": runs_cpu,
                "main_cpu": main_cpu + analysis_cpu,
            }
    order = ("seven patterns", "synthetic NELS", "robustness")
    done.timings = {label: timings[label] for label in order if label in timings}
    done.timings["total"] = {
        "wall": time.perf_counter() - started,
        "runs_cpu": sum(t["runs_cpu"] for t in timings.values()),
        "main_cpu": time.process_time() - cpu,
    }
    return done
