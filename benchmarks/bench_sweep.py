"""How fast sweeps run: throughput, parallel efficiency, engine overhead, memory.

Prints, for a 900-student school over 3 years (the issue's reference run):

* runs per second through ``staffroom sweep``'s engine with 1 and 2 local
  worker processes, and the parallel efficiency ``rate(2) / (2 rate(1))``;
* the engine's overhead per run: the engine in this process (design,
  tasks, Parquet writes, compaction) and with one worker process, against
  a bare loop of the same model runs, and the wall time of the same sweep
  outside the model runs (less sensitive to other load on the machine);
* the same design run by ``mesa.batch_run`` with 1 and 2 processes, and
  the ratio of the engine's throughput to it;
* the time of a Sobol analysis with 8 factors (the built-in
  ``belief_dynamics_sobol``): at N = 256 (4,608 runs) with ``--sobol-n 256``,
  otherwise a scaled-down N run and extrapolated linearly in runs;
* the main process's peak memory as a sweep grows (each size in a fresh
  process), to show that results stream to disk.

The engine runs with ensembles off (``--no-ensemble``: each run its own
``SchoolModel``), so that its overhead is measured against the same work;
``bench_throughput.py`` measures what ensembles gain.

Targets (issue 6, 2-core machine): parallel efficiency >= 0.8 on 2
workers; engine overhead < 5% of run time; the 4,608-run Sobol analysis
under 10 minutes; memory flat as a sweep grows.

Usage: ``python benchmarks/bench_sweep.py [--quick] [--sobol-n 256]``.
Timings are the best of ``--repeats`` tries; nothing here asserts a time.
On a machine shared with other work the figures are noisy.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.experiments.engines import LocalPool
from analysis.experiments.runs import execute as execute_run
from analysis.experiments.sweeps import Sweep, execute, load_sweep
from analysis.experiments.sweeps.runner import PointJob, Task, point_runs
from simulation import SchoolModel

OUTCOMES = [
    "self_efficacy_tses",
    "collective_efficacy",
    "responsibility",
    "annual_gain",
    "ses_gap",
    "achievement",
]


def reference_sweep(replicates: int) -> Sweep:
    """900 students, 3 years, departments vs PLC, ``replicates`` each."""
    return Sweep.from_dict(
        {
            "name": "bench",
            "scenario": "departments",
            "years": 3,
            "replicates": replicates,
            "seed": 1,
            "outcomes": OUTCOMES,
            "design": {"type": "factorial"},
            "factors": {"structure": ["departments", "plc"]},
            "parameters": {"n_students": 900},
        }
    )


def warm_pool(workers: int) -> LocalPool:
    """A local pool whose workers have started and imported the model."""
    pool = LocalPool(workers)
    job = PointJob(0, {"n_students": 60}, (), 1, (0,), (1,))
    futures = [pool.submit(Task((job,), ("stress",))) for _ in range(workers * 2)]
    for future in futures:
        future.result()
    return pool


def timed_sweep(
    sweep: Sweep, workers: int, *, warm: bool, runs_per_task: int | None = None
) -> tuple[float, float]:
    """Wall time of one sweep into a fresh folder, and the time spent in the model."""
    with tempfile.TemporaryDirectory() as folder:
        engine = warm_pool(workers) if warm and workers > 0 else None
        start = time.perf_counter()
        outcome = execute(
            sweep,
            Path(folder) / "out",
            workers=workers,
            engine=engine,
            runs_per_task=runs_per_task,
            ensemble=False,
        )
        return time.perf_counter() - start, outcome.model_seconds


def best(repeats: int, run):
    """The fastest of ``repeats`` results of ``run()`` (tuples compare by their first item)."""
    return min(run() for _ in range(repeats))


def bare_loop(sweep: Sweep) -> float:
    """The same runs as a plain loop: build each model, run it, read the year ends."""
    design = sweep.design()
    start = time.perf_counter()
    for point in range(design.size):
        parameters, interventions, years = sweep.setup(design.values(point))
        replicates = tuple(range(sweep.replicates))
        job = PointJob(
            point,
            parameters,
            interventions,
            years,
            replicates,
            tuple(sweep.seed_of(point, r) for r in replicates),
        )
        for run in point_runs(job, sweep.outcomes, False):
            execute_run(run)
    return time.perf_counter() - start


def batch_run(replicates: int, processes: int, record_every: int) -> float:
    """``mesa.batch_run`` over the same design (2 structures x replicates)."""
    import mesa

    start = time.perf_counter()
    mesa.batch_run(
        SchoolModel,
        parameters={
            "n_students": 900,
            "structure": ["departments", "plc"],
            "record_every": record_every,
        },
        rng=list(range(replicates)),
        max_steps=108,
        number_processes=processes,
        data_collection_period=-1,
        display_progress=False,
    )
    return time.perf_counter() - start


def throughput(args) -> None:
    sweep = reference_sweep(args.replicates)
    runs = sweep.runs
    methods = {
        "bare loop (no engine)": lambda: (bare_loop(sweep), None),
        "engine, this process (--workers 0)": lambda: timed_sweep(sweep, 0, warm=False),
        "engine, 1 worker process": lambda: timed_sweep(sweep, 1, warm=True),
        "engine, 2 worker processes": lambda: timed_sweep(sweep, 2, warm=True),
        "engine, 2 workers incl. pool start-up": lambda: timed_sweep(sweep, 2, warm=False),
    }
    if not args.skip_batch_run:
        for processes in (1, 2):
            for every, note in ((36, "record_every=36 as the engine"), (1, "weekly default")):
                plural = "es" if processes > 1 else ""
                label = f"mesa.batch_run, {processes} process{plural}, {note}"
                methods[label] = lambda p=processes, e=every: (
                    batch_run(args.replicates, p, e),
                    None,
                )
    # interleaved repeats, so that a change in the machine's load hits every method alike
    times: dict[str, tuple[float, float | None]] = {}
    for _ in range(args.repeats):
        for label, method in methods.items():
            result = method()
            if label not in times or result[0] < times[label][0]:
                times[label] = result
    print(
        f"\n## Throughput: 900 students x 3 years, {runs} runs "
        f"(2 structures x {args.replicates} replicates), best of {args.repeats} "
        "interleaved repeats\n"
    )
    print("| how | seconds | runs/s | per run (ms) |")
    print("|---|---|---|---|")
    for label, (seconds, _) in times.items():
        print(f"| {label} | {seconds:.2f} | {runs / seconds:.1f} | {1e3 * seconds / runs:.1f} |")
    bare = times["bare loop (no engine)"][0]
    inproc, inproc_model = times["engine, this process (--workers 0)"]
    one, one_model = times["engine, 1 worker process"]
    two = times["engine, 2 worker processes"][0]
    print(f"\nparallel efficiency, 2 workers vs 1: {one / (2 * two):.2f}  (target >= 0.8)")
    print(f"parallel efficiency, 2 workers vs bare loop: {bare / (2 * two):.2f}")
    print(
        f"engine overhead vs the bare loop: this process {100 * (inproc / bare - 1):+.1f}%, "
        f"1 worker process {100 * (one / bare - 1):+.1f}% of run time (target < 5%)"
    )
    print(
        "engine time outside the model runs, same sweep (robust to a busy machine): "
        f"this process {100 * (inproc / inproc_model - 1):.1f}%, 1 worker process "
        f"{100 * (one / one_model - 1):.1f}% of model time"
    )
    if not args.skip_batch_run:
        for processes, ours in ((1, one), (2, two)):
            label = (
                f"mesa.batch_run, {processes} process{'es' if processes > 1 else ''}, "
                "record_every=36 as the engine"
            )
            print(f"engine vs {label}: {times[label][0] / ours:.2f}x the throughput")


def sobol(args) -> None:
    base = load_sweep("belief_dynamics_sobol")
    n = args.sobol_n
    document = {
        "name": "bench sobol",
        "scenario": "plc",
        "years": 3,
        "replicates": 1,
        "seed": base.seed,
        "outcomes": list(base.outcomes),
        "design": {"type": "sobol", "n": n, "second_order": True},
        "factors": {
            f.name: {"range": [f.low, f.high], "distribution": f.distribution} for f in base.factors
        },
    }
    sweep = Sweep.from_dict(document)
    print(
        f"\n## Sobol, 8 factors, N = {n}: {sweep.runs} runs of 900 students x 3 years, "
        f"{args.workers} workers\n"
    )
    with tempfile.TemporaryDirectory() as folder:
        from analysis.reports.sensitivity import analyse

        start = time.perf_counter()
        outcome = execute(sweep, Path(folder) / "out", workers=args.workers)
        ran = time.perf_counter() - start
        start = time.perf_counter()
        analyse(Path(folder) / "out", "collective_efficacy")
        analysed = time.perf_counter() - start
    full = 256 * 18
    print(f"sweep: {ran:.1f} s ({outcome.done / ran:.1f} runs/s); analysis: {analysed:.1f} s")
    if sweep.runs != full:
        scale = full / sweep.runs
        print(
            f"extrapolated to N = 256 ({full} runs): {ran * scale / 60:.1f} min "
            f"(sweep x {scale:g}) + analysis (target < 10 min)"
        )
    else:
        print(f"total: {(ran + analysed) / 60:.1f} min (target < 10 min)")


def memory(args) -> None:
    sizes = (250, 1000, 4000) if not args.quick else (100, 400, 1600)
    print(
        f"\n## Memory as a sweep grows (tiny 40-student schools, 1 year, {args.workers} "
        "workers; peak resident memory of the main process)\n"
    )
    print("| runs | seconds | main process peak MB |")
    print("|---|---|---|")
    for size in sizes:
        result = subprocess.run(
            [sys.executable, __file__, "--memory-child", str(size), "--workers", str(args.workers)],
            capture_output=True,
            text=True,
            check=True,
        )
        seconds, peak = result.stdout.split()
        print(f"| {size} | {float(seconds):.1f} | {float(peak):.0f} |")


def memory_child(runs: int, workers: int) -> None:
    sweep = Sweep.from_dict(
        {
            "scenario": "departments",
            "years": 1,
            "replicates": 1,
            "seed": 1,
            "outcomes": OUTCOMES,
            "design": {"type": "lhs", "samples": runs},
            "factors": {
                "mastery_rate": {"range": [0.05, 0.5]},
                "persuasion_rate": {"range": [0.0, 0.04]},
            },
            "parameters": {"n_students": 40},
        }
    )
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        execute(sweep, Path(folder) / "out", workers=workers)
        seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(seconds, peak_kb / 1024)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs everywhere")
    parser.add_argument(
        "--replicates",
        type=int,
        default=None,
        help="replicates per structure in the throughput runs",
    )
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--sobol-n",
        type=int,
        default=None,
        help="N of the Sobol benchmark (256 = the full 4,608 runs)",
    )
    parser.add_argument("--skip-batch-run", action="store_true")
    parser.add_argument("--only", choices=("throughput", "sobol", "memory"), default=None)
    parser.add_argument("--memory-child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child is not None:
        memory_child(args.memory_child, args.workers)
        return
    args.replicates = args.replicates or (10 if args.quick else 30)
    args.repeats = args.repeats or (1 if args.quick else 3)
    args.sobol_n = args.sobol_n or (8 if args.quick else 32)
    print(
        f"# Sweep benchmarks ({os.cpu_count()} cores; load average "
        f"{os.getloadavg()[0]:.1f} at start)"
    )
    if args.only in (None, "throughput"):
        throughput(args)
    if args.only in (None, "sobol"):
        sobol(args)
    if args.only in (None, "memory"):
        memory(args)


if __name__ == "__main__":
    main()
