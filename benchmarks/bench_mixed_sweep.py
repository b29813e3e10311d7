"""A sampled lever sweep: points of each kind run together wherever they fall.

The README's example sweep (``plc``, 900 students x 3 years, an LHS of 200
points x 5 replicates over ``collaboration_minutes``, ``leader_persuasion``
and ``support_model``, which takes three levels drawn at random) run three
ways through ``analysis.experiments.sweeps.execute`` on 2 worker processes,
best of ``--repeats`` interleaved tries, ratios within this run:

* as the sweep runs it: each kind of point (here each support model) fills
  its own ensembles of up to 32 runs wherever its points fall in the design;
* with the rule before 2026-12-02, reproduced here: an ensemble holds
  *consecutive* points of one kind only, so a kind drawn at random cuts the
  design into short ensembles (and ``collaboration_minutes``, then not
  allowed to differ within an ensemble, cut it into one ensemble a point);
  only the grouping differs, not the runs;
* without ensembles (``--no-ensemble``: one ``SchoolModel`` per run).

All three give the same runs (checked here, bit for bit).

    python benchmarks/bench_mixed_sweep.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from analysis.experiments.runs import ENSEMBLE_SIZE, ensemble_key, even_parts  # noqa: E402
from analysis.experiments.sweeps import api  # noqa: E402
from analysis.experiments.sweeps.runner import PointJob, Task, point_runs  # noqa: E402
from analysis.experiments.sweeps.spec import load_sweep  # noqa: E402

SWEEP = """
name = "Collaboration time x leader"
scenario = "plc"
years = 3
replicates = 5
seed = 1
outcomes = ["collective_efficacy", "responsibility", "annual_gain", "ses_gap"]
[design]
type = "lhs"
samples = 200
[parameters]
data_review = true
[factors]
collaboration_minutes = { range = [0, 180] }
leader_persuasion = { range = [0.01, 0.5], distribution = "loguniform" }
support_model = ["none", "train_the_trainer", "coaching"]
"""
#: Parameters that could not differ within an ensemble before 2026-12-02.
FORMERLY_SHARED = (
    "collaboration_minutes",
    "leader_attention",
    "leader_confidence",
    "unknown_support",
    "individuation",
    "similarity_scale",
    "cross_subject_similarity",
    "self_evaluation_visibility",
    "shared_students_full",
    "persistence_long_run",
    "baseline_growth",
    "ses_growth",
    "proficiency_cut",
    "structure",
)


def consecutive_tasks(sweep, design, done, runs_per_task, trajectories, ensemble=True):
    """The grouping before 2026-12-02: consecutive points of one kind, at most 32 runs."""
    jobs, runs, key = [], 0, None
    for point in range(design.size):
        parameters, interventions, years = sweep.setup(design.values(point))
        for block in even_parts(list(range(sweep.replicates)), ENSEMBLE_SIZE):
            seeds = tuple(sweep.seed_of(point, r) for r in block)
            job = PointJob(point, parameters, interventions, years, tuple(block), seeds)
            run = point_runs(job, sweep.outcomes, trajectories)[0]
            job_key = (ensemble_key(run), *(parameters.get(n) for n in FORMERLY_SHARED))
            if jobs and (job_key != key or runs + len(block) > ENSEMBLE_SIZE):
                yield Task(tuple(jobs), sweep.outcomes, trajectories, ensemble)
                jobs, runs = [], 0
            key = job_key
            jobs.append(job)
            runs += len(block)
    if jobs:
        yield Task(tuple(jobs), sweep.outcomes, trajectories, ensemble)


def timed(spec, folder: Path, grouping, ensemble: bool) -> tuple[float, pd.DataFrame]:
    """Seconds for the sweep into a fresh folder with ``grouping`` as the task rule; its runs."""
    real = api.tasks_for
    api.tasks_for = grouping
    try:
        start = time.perf_counter()
        api.execute(spec, folder, workers=2, ensemble=ensemble)
        seconds = time.perf_counter() - start
    finally:
        api.tasks_for = real
    runs = pd.read_parquet(folder / "runs").sort_values(["point", "replicate"])
    return seconds, runs.reset_index(drop=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sweep.toml"
        path.write_text(SWEEP)
        spec = load_sweep(path)
        design = spec.design()
        ways = {
            "each kind together (now)": (api.tasks_for, True),
            "consecutive points only (before)": (consecutive_tasks, True),
            "--no-ensemble": (api.tasks_for, False),
        }
        sizes = {
            label: [t.runs for t in rule(spec, design, set(), 8, False)]
            for label, (rule, on) in ways.items()
            if on
        }
        best = {label: float("inf") for label in ways}
        first = None
        for k in range(args.repeats):
            for label, (rule, on) in ways.items():
                seconds, runs = timed(spec, Path(tmp) / f"out{k}{len(best)}{label[:4]}", rule, on)
                best[label] = min(best[label], seconds)
                if first is None:
                    first = runs
                pd.testing.assert_frame_equal(first, runs, check_exact=True)
    print(f"# {spec.runs} runs (200 LHS points x 5 replicates), 900 students x 3 years, 2 workers")
    for label, tasks in sizes.items():
        print(f"{label}: {len(tasks)} ensembles, mean {sum(tasks) / len(tasks):.1f} runs")
    print("\n| grouping | best s | runs/s | x --no-ensemble |")
    print("|---|---|---|---|")
    for label, seconds in best.items():
        ratio = best["--no-ensemble"] / seconds
        print(f"| {label} | {seconds:.2f} | {spec.runs / seconds:.1f} | {ratio:.2f} |")
    now, before = best["each kind together (now)"], best["consecutive points only (before)"]
    print(f"\neach kind together: {before / now:.2f}x the consecutive rule; all runs identical")


if __name__ == "__main__":
    main()
