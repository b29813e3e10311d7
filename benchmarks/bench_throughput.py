"""Sweep throughput against the peers and the arithmetic floor, start-up and ensemble memory.

Measures, in one run, with ratios against references measured in the same
run, the targets of issue 13 ("Ensembles at the floor"):

1. **Sweep throughput**, for two designs on the ``plc`` scenario, both
   900 students x 3 years, year-end recording, 2 worker processes, with
   common random numbers (replicate r has the same seed at every point):

   * *lever grid*: ``mastery_rate`` x ``persuasion_rate``, 16 x 10 points
     x 2 replicates = 320 runs. Both rates may differ within an ensemble
     (``simulation.ensemble.VARYING``), so a task holds 16 consecutive
     points' replicates: ensembles of 32 schools;
   * *replicate-heavy*: 5 x 2 points x 32 replicates = 320 runs (one
     ensemble of 32 schools a point).

   Each design runs through ``staffroom sweep FILE -w 2 -q --out DIR`` (a
   subprocess timed from start to exit, so the command line's start-up
   counts), the same with ``--no-ensemble`` (each run its own
   ``SchoolModel``: the unbatched engine), and through the peers on exactly
   the same (parameters, seed) pairs: ``mesa.batch_run`` (2 processes),
   EMA Workbench ``MultiprocessingEvaluator`` (2 processes, a function
   model wrapping ``SchoolModel``) and SALib
   ``ProblemSpec.evaluate_parallel`` (``nprocs=2``, given the same rows as
   samples). The mean final collective efficacy beside each row shows that
   all ran the same runs. Peers are timed in this process, pool start
   included, library import excluded.
2. **An 80-run sweep** (the lever grid at 8 x 5 points) through the
   command line, start to finish.
3. **Cost per school-week against a numpy floor**: one sparse mat-vec over
   the block-diagonal tie matrix of R real ``plc`` schools, 20 element-wise
   operations on the teacher arrays and 5 on the student arrays (900 a
   school), in place, for R = 1, 32 and 50; and a second floor that adds,
   spread over the weeks, the work a model cannot skip that is not weekly
   (each assessment's per-pair noise drawn from each school's own generator
   and four sums over pairs; each summer's dealing of students to courses);
   against ``SchoolEnsemble`` of
   32 and 50 schools and ``SchoolModel`` alone in this process
   (construction included), and each sweep's cost per core (2 workers x
   wall time / runs / 108 weeks).
4. **Start-up**: wall time (median of 5) of ``staffroom --help``, of a
   fresh interpreter importing ``simulation`` (a worker that builds
   nothing), a sweep worker's preload and ``analysis``, against a bare
   interpreter; and the heaviest imports under ``import simulation``.
5. **Memory**: peak resident memory (``ru_maxrss``) of a subprocess that
   builds ``SchoolEnsemble`` of 1,000 ``plc`` schools of 900 students and
   runs one week, then on to week 37 (a year end and the summer rollover,
   which the first weeks do not reach).

It ends with one table: each figure, its target and whether it meets it.
Targets (issue 13, 2 cores): ``staffroom sweep`` at least 300 runs/s, at
least 8x the unbatched engine and 5x the fastest peer, within 3x of the
numpy floor per school-week; an 80-run sweep under 2 s; ``staffroom
--help`` under 0.5 s and worker start-up under 0.3 s; an ensemble of 1,000
schools under 2 GB.

``staffroom`` is run as ``python -c "from analysis.launch import main"``
(what the installed script does) with this checkout first on
``PYTHONPATH``, so the figures are this checkout's whatever is installed.

Usage: ``python benchmarks/bench_throughput.py [--quick] [--skip-peers]``
with the benchmark dependencies installed (``benchmarks/requirements.txt``;
a peer that is not installed is reported so and skipped). ``--quick``
shrinks everything to a smoke run whose figures mean little. Sweep times
are the best of ``--repeats`` interleaved tries, with the machine's
1-minute load average at that try; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulation import WEEKS_PER_YEAR, SchoolEnsemble, SchoolModel

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = "plc"
N_STUDENTS = 900
YEARS = 3
WEEKS = 36 * YEARS
WORKERS = 2
OUTCOMES = (
    "self_efficacy_tses",
    "collective_efficacy",
    "responsibility",
    "annual_gain",
    "ses_gap",
    "achievement",
)
CHECK = "collective_efficacy"
#: Issue 13's throughput target for ``staffroom sweep`` on WORKERS cores (runs/s).
TARGET_RATE = 300
STARTUP_REPEATS = 5
#: Children see this checkout first, whatever staffroom is installed, and read its
#: compiled bytecode as an installed package's (see :func:`compile_checkout`).
ENV = {
    **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
}


def compile_checkout() -> None:
    """Compile the checkout's modules to bytecode first, as ``pip install`` does.

    Without it, a machine with ``PYTHONDONTWRITEBYTECODE`` set would compile
    every module in every command and worker timed here, which no installed
    copy does.
    """
    import compileall

    for package in ("analysis", "simulation", "scenarios"):
        compileall.compile_dir(ROOT / package, quiet=1)


STAFFROOM = [
    sys.executable,
    "-c",
    "import sys; sys.argv[0] = 'staffroom'; from analysis.launch import main; main()",
]


# ------------------------------------------------------------------ the summary


@dataclass(frozen=True)
class Figure:
    """One line of the closing table: a figure, its target and whether it meets it."""

    what: str
    value: str
    target: str
    met: bool | None  # None: no target, or not measured

    @property
    def verdict(self) -> str:
        return {True: "meets target", False: "misses target", None: ""}[self.met]


SUMMARY: list[Figure] = []


def judge(
    what: str,
    value: float,
    unit: str,
    *,
    at_least: float | None = None,
    below: float | None = None,
    digits: int = 2,
) -> None:
    """Add a figure to the closing table against a lower or an upper bound."""
    if at_least is not None:
        target, met = f">= {at_least:g}{unit}", value >= at_least
    elif below is not None:
        target, met = f"< {below:g}{unit}", value < below
    else:
        target, met = "", None
    SUMMARY.append(Figure(what, f"{value:.{digits}f}{unit}", target, met))


# ------------------------------------------------------------------- the designs


@dataclass(frozen=True)
class Design:
    """A factorial grid of two belief-dynamics rates, replicated with common seeds."""

    name: str
    mastery_rate: tuple[float, ...]
    persuasion_rate: tuple[float, ...]
    replicates: int
    seed: int = 1

    @classmethod
    def grid(cls, name: str, n_mastery: int, n_persuasion: int, replicates: int) -> Design:
        """``n_mastery x n_persuasion`` evenly spaced points over plausible ranges."""
        return cls(
            name,
            tuple(np.linspace(0.05, 0.5, n_mastery).round(6).tolist()),
            tuple(np.linspace(0.0, 0.04, n_persuasion).round(6).tolist()),
            replicates,
        )

    @property
    def points(self) -> int:
        return len(self.mastery_rate) * len(self.persuasion_rate)

    @property
    def runs(self) -> int:
        return self.points * self.replicates

    @property
    def shape(self) -> str:
        return (
            f"{len(self.mastery_rate)} x {len(self.persuasion_rate)} points x "
            f"{self.replicates} replicates = {self.runs} runs"
        )

    def toml(self) -> str:
        """The design as a ``staffroom sweep`` file."""
        return "\n".join(
            [
                f'scenario = "{SCENARIO}"',
                f"years = {YEARS}",
                f"replicates = {self.replicates}",
                f"seed = {self.seed}",
                "common_random_numbers = true",
                f"outcomes = {list(OUTCOMES)!r}".replace("'", '"'),
                "[design]",
                'type = "factorial"',
                "[factors]",
                f"mastery_rate = {list(self.mastery_rate)!r}",
                f"persuasion_rate = {list(self.persuasion_rate)!r}",
                "[parameters]",
                f"n_students = {N_STUDENTS}",
                "",
            ]
        )

    def seeds(self) -> list[int]:
        """The model seed of each replicate, as ``staffroom sweep`` derives it."""
        from analysis.experiments.sweeps.spec import run_seed

        return [run_seed(self.seed, 0, r, common=True) for r in range(self.replicates)]

    def rows(self) -> list[tuple[float, float, int]]:
        """Every run as (mastery_rate, persuasion_rate, seed)."""
        return [
            (m, p, s) for s in self.seeds() for m in self.mastery_rate for p in self.persuasion_rate
        ]


def designs(quick: bool) -> list[Design]:
    """The lever grid and the replicate-heavy design (smaller with ``--quick``)."""
    if quick:
        return [Design.grid("lever grid", 4, 5, 2), Design.grid("replicate-heavy", 2, 1, 16)]
    return [Design.grid("lever grid", 16, 10, 2), Design.grid("replicate-heavy", 5, 2, 32)]


@cache
def base_parameters() -> dict:
    """The ``plc`` scenario's model parameters for a 900-student school."""
    import scenarios

    return {**scenarios.load(SCENARIO).parameters, "n_students": N_STUDENTS}


def school_outcomes(mastery_rate: float, persuasion_rate: float, seed: int) -> dict[str, float]:
    """One run, recorded at year ends, and its outcomes at the end of the last year."""
    model = SchoolModel(
        **base_parameters(),
        mastery_rate=mastery_rate,
        persuasion_rate=persuasion_rate,
        rng=int(seed),
        record_every=36,
    )
    model.run(YEARS)
    recorded = model.datacollector.model_vars
    return {name: recorded[name][-1] for name in OUTCOMES}


def ema_function(mastery_rate: float, persuasion_rate: float, seed: int) -> dict[str, float]:
    """The function model EMA Workbench runs."""
    return school_outcomes(mastery_rate, persuasion_rate, seed)


def salib_function(samples: np.ndarray) -> np.ndarray:
    """The function SALib runs on a chunk of rows (mastery_rate, persuasion_rate, seed)."""
    return np.array([[school_outcomes(*row)[name] for name in OUTCOMES] for row in samples])


# ------------------------------------------------------------ the command line


def wall_time(command: list[str]) -> float:
    """Seconds from a subprocess's start to its exit (it must succeed)."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=3600, env=ENV)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return seconds


def cli_sweep(design: Design, extra: tuple[str, ...] = ()) -> tuple[float, float]:
    """Wall time of ``staffroom sweep`` into a fresh folder, and the mean final check outcome."""
    import pandas as pd

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.toml"
        path.write_text(design.toml())
        out = Path(folder) / "out"
        seconds = wall_time(
            [*STAFFROOM, "sweep", str(path), "-w", str(WORKERS), "-q", "--out", str(out), *extra]
        )
        check = pd.read_parquet(out / "runs", columns=[CHECK])[CHECK].mean()
    return seconds, float(check)


# ------------------------------------------------------------------- the peers


def mesa_batch_run(design: Design) -> tuple[float, float]:
    """``mesa.batch_run`` over the same grid and seeds."""
    import mesa

    parameters = {
        **base_parameters(),
        "record_every": 36,
        "mastery_rate": list(design.mastery_rate),
        "persuasion_rate": list(design.persuasion_rate),
    }
    method = multiprocessing.get_start_method()
    start = time.perf_counter()
    results = mesa.batch_run(
        SchoolModel,
        parameters=parameters,
        rng=design.seeds(),
        max_steps=WEEKS,
        number_processes=WORKERS,
        data_collection_period=-1,
        display_progress=False,
    )
    seconds = time.perf_counter() - start
    # batch_run forces the spawn start method on the whole program; the other
    # peers run with the platform's default, as their users get it
    multiprocessing.set_start_method(method, force=True)
    return seconds, float(np.mean([row[CHECK] for row in results]))


def ema_workbench(design: Design) -> tuple[float, float]:
    """EMA Workbench's ``MultiprocessingEvaluator`` over the same rows."""
    from ema_workbench import (
        IntegerParameter,
        Model,
        MultiprocessingEvaluator,
        RealParameter,
        Sample,
        ScalarOutcome,
    )

    model = Model("staffroom", function=ema_function)
    model.uncertainties = [
        RealParameter("mastery_rate", 0.0, 1.0),
        RealParameter("persuasion_rate", 0.0, 1.0),
        IntegerParameter("seed", 0, 2**62),
    ]
    model.outcomes = [ScalarOutcome(name) for name in OUTCOMES]
    samples = [Sample(mastery_rate=m, persuasion_rate=p, seed=s) for m, p, s in design.rows()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fork() with EMA's logging thread running
        start = time.perf_counter()
        with (
            MultiprocessingEvaluator(model, n_processes=WORKERS) as evaluator,
            contextlib.redirect_stderr(io.StringIO()),
        ):  # its progress bar
            _, outcomes = evaluator.perform_experiments(scenarios=samples)
        seconds = time.perf_counter() - start
    return seconds, float(np.mean(outcomes[CHECK]))


def salib(design: Design) -> tuple[float, float]:
    """SALib's ``ProblemSpec.evaluate_parallel`` over the same rows."""
    from SALib import ProblemSpec

    problem = ProblemSpec(
        {
            "names": ["mastery_rate", "persuasion_rate", "seed"],
            "bounds": [[0.0, 1.0], [0.0, 1.0], [0, 2**62]],
            "outputs": list(OUTCOMES),
        }
    )
    problem.samples = np.array(design.rows(), dtype=float)  # seeds < 2**53: exact
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Parallel evaluation is an experimental feature"
        start = time.perf_counter()
        problem.evaluate_parallel(salib_function, nprocs=WORKERS)
        seconds = time.perf_counter() - start
    return seconds, float(problem.results[:, OUTCOMES.index(CHECK)].mean())


def installed(module: str) -> bool:
    """Whether ``module`` can be imported here."""
    return importlib.util.find_spec(module) is not None


# ------------------------------------------------------------ 1. throughput


@dataclass
class Timing:
    """The best of several tries: seconds, load average then, and the check outcome."""

    seconds: float = float("inf")
    load: float = float("nan")
    check: float = float("nan")


def best_interleaved(
    methods: dict[str, Callable[[], tuple[float, float]]], repeats: int
) -> dict[str, Timing]:
    """Run every method ``repeats`` times, in turn, so that load changes hit all alike."""
    best = {label: Timing() for label in methods}
    for _ in range(repeats):
        for label, method in methods.items():
            load = os.getloadavg()[0]
            seconds, check = method()
            if seconds < best[label].seconds:
                best[label] = Timing(seconds, load, check)
    return best


OURS = "staffroom sweep -w 2"
UNBATCHED = "staffroom sweep -w 2 --no-ensemble"
PEERS = {
    "mesa.batch_run, 2 processes": ("mesa", mesa_batch_run),
    "EMA Workbench MultiprocessingEvaluator, 2 processes": ("ema_workbench", ema_workbench),
    "SALib ProblemSpec.evaluate_parallel, nprocs=2": ("SALib", salib),
}


def throughput(design: Design, args: argparse.Namespace) -> dict[str, Timing]:
    """Time one design through staffroom and the peers; print its table and ratios."""
    methods: dict[str, Callable[[], tuple[float, float]]] = {
        OURS: lambda: cli_sweep(design),
        UNBATCHED: lambda: cli_sweep(design, ("--no-ensemble",)),
    }
    missing = []
    for label, (module, method) in PEERS.items():
        if args.skip_peers:
            continue
        if not installed(module):
            missing.append(label)
        else:
            methods[label] = lambda m=method: m(design)
    times = best_interleaved(methods, args.repeats)

    # both factors may differ within an ensemble (simulation.ensemble.VARYING), so a
    # task holds the replicates of consecutive points, up to 32 runs
    print(
        f"\n## 1. Sweep throughput, {design.name}: {design.shape} (ensembles of 32); "
        f"{N_STUDENTS} students x {YEARS} years, year-end recording, {WORKERS} processes; "
        f"best of {args.repeats} interleaved tries\n"
    )
    print(f"| how | seconds | runs/s | load then | mean final {CHECK} |")
    print("|---|---|---|---|---|")
    for label, t in times.items():
        print(
            f"| {label} | {t.seconds:.2f} | {design.runs / t.seconds:.1f} | {t.load:.1f} | "
            f"{t.check:.6f} |"
        )
    for label in missing:
        print(f"| {label} | not installed | | | |")
    if args.skip_peers:
        print("| peers | skipped (--skip-peers) | | | |")

    ours = times[OURS].seconds
    rate = design.runs / ours
    speedup = times[UNBATCHED].seconds / ours
    print(f"\nstaffroom sweep: {rate:.1f} runs/s; {speedup:.2f}x the throughput of --no-ensemble")
    judge(f"{design.name}: staffroom sweep runs/s", rate, " runs/s", at_least=TARGET_RATE, digits=1)
    judge(f"{design.name}: staffroom sweep vs --no-ensemble", speedup, "x", at_least=8)
    peers = [label for label in times if label in PEERS]
    if peers:
        fastest = min(peers, key=lambda label: times[label].seconds)
        ratio = times[fastest].seconds / ours
        print(f"staffroom sweep vs the fastest peer ({fastest}): {ratio:.2f}x the throughput")
        judge(
            f"{design.name}: staffroom sweep vs fastest peer ({fastest.split(',')[0]})",
            ratio,
            "x",
            at_least=5,
        )
    else:
        SUMMARY.append(
            Figure(f"{design.name}: staffroom sweep vs fastest peer", "not measured", ">= 5x", None)
        )
    return times


# ------------------------------------------------------------- 2. small sweep


def small_sweep(args: argparse.Namespace) -> None:
    """An 80-run lever grid through the command line, with and without ensembles."""
    design = Design.grid("small lever grid", 8, 5, 2)
    repeats = max(3, args.repeats)
    print(
        f"\n## 2. A {design.runs}-run sweep ({design.shape}) through the command line, "
        f"start to finish ({repeats} tries each)\n"
    )
    print("| how | best s | median s | load at start |")
    print("|---|---|---|---|")
    for label, extra in ((OURS, ()), (UNBATCHED, ("--no-ensemble",))):
        load = os.getloadavg()[0]
        seconds = sorted(cli_sweep(design, extra)[0] for _ in range(repeats))
        print(f"| {label} | {seconds[0]:.2f} | {statistics.median(seconds):.2f} | {load:.1f} |")
        if label == OURS:
            judge(
                f"{design.runs}-run sweep through the CLI (best of {repeats})",
                seconds[0],
                " s",
                below=2,
            )


# -------------------------------------------------------------- 3. the floor


def tie_matrix():
    """The real ``plc`` school's weighted tie matrix (CSR, one row per teacher) and its ties."""
    import networkx as nx

    model = SchoolModel(**base_parameters(), rng=1)
    matrix = nx.to_scipy_sparse_array(model.network, format="csr", dtype=float)
    return matrix, model.network.number_of_edges()


def best_call(step: Callable[[], object]) -> float:
    """Seconds of one call of ``step``: the best of 5 ``timeit`` repeats."""
    timer = timeit.Timer(step)
    number, _ = timer.autorange()
    return min(timer.repeat(5, number)) / number


def floor_week(matrix, schools: int) -> float:
    """Seconds per school-week of the least arithmetic a week needs, ``schools`` batched.

    One sparse mat-vec over the block-diagonal tie matrix of all schools,
    20 element-wise operations on teacher arrays and 5 on student arrays,
    in place (no allocation but the mat-vec's result); the best of 5
    ``timeit`` repeats.
    """
    from scipy import sparse

    ties = sparse.block_diag([matrix] * schools, format="csr")
    rng = np.random.default_rng(0)
    teachers = rng.random((4, schools * matrix.shape[0]))
    students = rng.random((3, schools * N_STUDENTS))
    t_out, s_out = np.empty(teachers.shape[1]), np.empty(students.shape[1])
    ops = (np.multiply, np.add)

    def week() -> None:
        heard = ties @ teachers[0]
        np.multiply(heard, teachers[1], out=t_out)
        for i in range(19):
            ops[i % 2](t_out, teachers[1 + i % 3], out=t_out)
        np.multiply(students[0], students[1], out=s_out)
        for i in range(4):
            ops[(i + 1) % 2](s_out, students[1 + i % 2], out=s_out)

    return best_call(week) / schools


def beyond_week(matrix, schools: int) -> float:
    """Seconds per school-week of the work a model cannot skip that is not weekly.

    Spread over the weeks (added to :func:`floor_week` for a floor of the
    same work as the model's): at each of the six assessments a year, every
    school's (student, course) noise drawn from its own generator and four
    sums over a teacher's pairs (``np.bincount``); each summer, every
    school's students dealt to courses (a permutation and a draw of courses
    per subject from its own generator) and the pairs sorted by teacher.
    """
    courses = 6
    generators = [np.random.default_rng(r) for r in range(schools)]
    n_teachers = matrix.shape[0]
    teacher = np.random.default_rng(0).integers(0, schools * n_teachers, schools * N_STUDENTS * 6)

    def assessment() -> None:
        noise = np.concatenate([g.standard_normal(N_STUDENTS * courses) for g in generators])
        for _ in range(4):
            np.bincount(teacher, weights=noise, minlength=schools * n_teachers)

    def summer() -> None:
        for g in generators:
            for _ in range(courses):
                g.permutation(N_STUDENTS)
                g.integers(0, 4, N_STUDENTS)
        np.argsort(teacher, kind="stable")

    return (best_call(assessment) * 6 / 36 + best_call(summer) / 36) / schools


def draws_week() -> float:
    """Seconds per school-week of the random numbers alone that one school's run draws.

    The same draws as the model, from one school's generator: each
    assessment's standard normal per (student, course) pair, each summer's
    course choices and dealing order per subject, and each year's block of
    uniform numbers per teacher (contacts, attributions, trials,
    departures). Any kernel that keeps every school's stream must draw
    them; this is what they cost here.
    """
    courses, n_teachers = 6, 58
    generator = np.random.default_rng(0)
    noise = np.empty(N_STUDENTS * courses)
    uniforms_rows = WEEKS_PER_YEAR + 6 + 6 + 1

    assessment = best_call(lambda: generator.standard_normal(out=noise))
    dealing = best_call(lambda: generator.permutation(N_STUDENTS)) + best_call(
        lambda: generator.integers(0, 4, N_STUDENTS)
    )
    uniforms = best_call(lambda: generator.random((uniforms_rows, n_teachers)))
    return (6 * assessment + courses * dealing + uniforms) / WEEKS_PER_YEAR


def model_week(repeats: int) -> float:
    """Seconds per school-week of one ``SchoolModel`` run here, construction included."""

    def run() -> float:
        start = time.perf_counter()
        SchoolModel(**base_parameters(), rng=1, record_every=36).run(YEARS)
        return time.perf_counter() - start

    return min(run() for _ in range(repeats)) / WEEKS


def ensemble_week(schools: int, repeats: int) -> float:
    """Seconds per school-week of ``SchoolEnsemble`` of ``schools`` here, construction included."""

    def run() -> float:
        start = time.perf_counter()
        SchoolEnsemble(list(range(schools)), **base_parameters(), record_every=36).run(YEARS)
        return time.perf_counter() - start

    return min(run() for _ in range(repeats)) / schools / WEEKS


def build_week(schools: int, repeats: int) -> float:
    """Seconds per school-week of building a ``SchoolEnsemble`` of ``schools`` (no week run)."""

    def build() -> float:
        start = time.perf_counter()
        SchoolEnsemble(list(range(schools)), **base_parameters(), record_every=36)
        return time.perf_counter() - start

    return min(build() for _ in range(repeats)) / schools / WEEKS


def budget(work_floor: float, building: float, ensemble: float, draws: float) -> None:
    """Print what :data:`TARGET_RATE` leaves per school-week, and what the floor takes of it.

    The target's budget per core is ``WORKERS / TARGET_RATE / WEEKS``
    seconds a school-week, for everything: the model, building the schools,
    the command's start-up, the workers and the writing. What the numpy
    floor (with assessments and summers) and building the schools take of
    it says whether numpy alone can reach the target on this machine; what
    the random numbers alone take (``draws``) is the part of the floor no
    kernel that keeps every school's stream can skip.
    """
    allowed = WORKERS / TARGET_RATE / WEEKS
    rest = ensemble - building - work_floor
    print(
        f"\n{TARGET_RATE} runs/s on {WORKERS} cores allows {1e6 * allowed:.1f} us per "
        f"school-week per core for everything. The numpy floor with assessments and "
        f"summers takes {1e6 * work_floor:.1f} us of it ({work_floor / allowed:.0%}) and "
        f"building the schools {1e6 * building:.1f} us ({building / allowed:.0%}, R = 32), "
        f"leaving {1e6 * (allowed - work_floor - building):.1f} us for the rest of the "
        f"model's week, the command, the workers and the writing; the ensemble of 32 "
        f"spends {1e6 * rest:.1f} us on the rest of its week alone. The random numbers "
        f"alone, which any kernel keeping each school's stream must draw, take "
        f"{1e6 * draws:.1f} us of the floor ({draws / allowed:.0%} of the budget)."
    )
    judge(
        f"numpy floor and building the schools, share of the {TARGET_RATE} runs/s budget",
        100 * (work_floor + building) / allowed,
        "%",
        digits=0,
    )


def floor(args: argparse.Namespace, sweeps: dict[Design, dict[str, Timing]]) -> None:
    """Print each cost per school-week against the numpy floor for R = 1, 32 and 50."""
    matrix, n_ties = tie_matrix()
    floors = {r: floor_week(matrix, r) for r in (1, 32, 50)}
    repeats = 1 if args.quick else 3
    rows: dict[str, float] = {f"numpy floor, R = {r}": seconds for r, seconds in floors.items()}
    work_floor = floors[32] + beyond_week(matrix, 32)
    rows["numpy floor with assessments and summers, R = 32"] = work_floor
    rows |= {
        "SchoolEnsemble of 32, this process": ensemble_week(32, repeats),
        "SchoolEnsemble of 50, this process": ensemble_week(50, repeats),
        "SchoolModel alone, this process": model_week(3 * repeats),
    }
    for design, times in sweeps.items():
        for label in (OURS, UNBATCHED):
            rows[f"{label}, {design.name}, per core"] = (
                WORKERS * times[label].seconds / design.runs / WEEKS
            )
    print(
        f"\n## 3. Cost per school-week against the numpy floor ({N_STUDENTS} students, "
        f"{matrix.shape[0]} teachers, {n_ties} ties; floor = 1 sparse mat-vec + 20 teacher "
        "+ 5 student element-wise operations; per core = 2 x wall / runs / 108)\n"
    )
    print(
        "| what | us per school-week | x floor (R = 32) | x floor with assessments and "
        "summers (R = 32) | x floor (R = 1) |"
    )
    print("|---|---|---|---|---|")
    for label, value in rows.items():
        print(
            f"| {label} | {1e6 * value:.2f} | {value / floors[32]:.1f} | "
            f"{value / work_floor:.1f} | {value / floors[1]:.2f} |"
        )
    for design in sweeps:
        judge(
            f"{design.name}: staffroom sweep per core vs numpy floor (R = 32)",
            rows[f"{OURS}, {design.name}, per core"] / floors[32],
            "x",
            below=3,
            digits=1,
        )
    judge(
        "SchoolEnsemble of 32 vs numpy floor (R = 32)",
        rows["SchoolEnsemble of 32, this process"] / floors[32],
        "x",
        digits=1,
    )
    judge(
        "SchoolEnsemble of 32 vs numpy floor with assessments and summers (R = 32)",
        rows["SchoolEnsemble of 32, this process"] / work_floor,
        "x",
        below=3,
        digits=1,
    )
    ensemble = rows["SchoolEnsemble of 32, this process"]
    budget(work_floor, build_week(32, repeats), ensemble, draws_week())


# ----------------------------------------------------------------- 4. start-up


def median_wall(command: list[str]) -> tuple[float, float]:
    """Median and best wall time of ``command`` over the start-up repeats."""
    times = sorted(wall_time(command) for _ in range(STARTUP_REPEATS))
    return statistics.median(times), times[0]


def heaviest_imports(module: str, count: int = 5) -> list[tuple[str, float]]:
    """The top-level packages that take longest to import under ``import module``."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=True,
        env=ENV,
    )
    packages = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = (part.strip() for part in line.split("|"))
        if not name.startswith(" ") and "." not in name:
            packages[name] = int(cumulative) / 1e6
    return sorted(packages.items(), key=lambda item: -item[1])[:count]


def startup() -> None:
    """Print the start-up times of a bare interpreter, the model, the engine and the CLI."""
    python = sys.executable
    commands = {
        "python -c pass (bare interpreter)": [python, "-c", "pass"],
        "python -c 'import simulation' (lazy: loads nothing of the model)": [
            python,
            "-c",
            "import simulation",
        ],
        "a worker's preload (engines + the ensemble kernel: worker start-up)": [
            python,
            "-c",
            "import analysis.experiments.engines, simulation.ensemble, simulation.schools",
        ],
        "python -c 'import analysis'": [python, "-c", "import analysis"],
        "staffroom --help": [*STAFFROOM, "--help"],
    }
    print(f"\n## 4. Start-up: wall time of a fresh process, median of {STARTUP_REPEATS}\n")
    print("| command | median s | best s |")
    print("|---|---|---|")
    medians = {}
    for label, command in commands.items():
        medians[label], best = median_wall(command)
        print(f"| {label} | {medians[label]:.3f} | {best:.3f} |")
    heavy = ", ".join(f"{name} {1e3 * s:.0f} ms" for name, s in heaviest_imports("simulation"))
    print(f"\nheaviest imports under `import simulation` (-X importtime, cumulative): {heavy}")
    judge("staffroom --help (median)", medians["staffroom --help"], " s", below=0.5, digits=3)
    judge(
        "worker start-up: the preload that runs the model (median)",
        medians["a worker's preload (engines + the ensemble kernel: worker start-up)"],
        " s",
        below=0.3,
        digits=3,
    )


# ------------------------------------------------------------------ 5. memory

MEMORY_CHILD = """
import resource, time
import scenarios
from simulation import SchoolEnsemble
parameters = {{**scenarios.load({scenario!r}).parameters, "n_students": {students}}}
peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
baseline = peak()
start = time.perf_counter()
ensemble = SchoolEnsemble(list(range({schools})), **parameters, record_every=36)
built = time.perf_counter() - start
ensemble.step()
week = peak()
ensemble.run(1)  # on to week 37: a year end and the summer's new cohort
print(baseline, week, peak(), built, time.perf_counter() - start - built)
"""


def memory(args: argparse.Namespace) -> None:
    """Print the peak memory of a fresh process holding a large ensemble."""
    schools = 100 if args.quick else 1000
    print(
        f"\n## 5. Memory of an ensemble of {schools:,} {SCENARIO} schools of {N_STUDENTS} "
        "students (peak resident memory of a fresh process, ru_maxrss)\n"
    )
    code = MEMORY_CHILD.format(scenario=SCENARIO, schools=schools, students=N_STUDENTS)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=3600, env=ENV
    )
    if done.returncode != 0:
        print(f"failed ({done.returncode}): {done.stderr.strip().splitlines()[-1:]}")
        SUMMARY.append(
            Figure(f"memory, ensemble of {schools:,} schools", "failed", "< 2 GB", False)
        )
        return
    values = [float(x) for x in done.stdout.split()]
    baseline, week, year = (kilobytes * 1024 / 1e9 for kilobytes in values[:3])
    built, ran = values[3:]
    print(
        "| after import | built, week 1 run | on to week 37 (summer rollover) | build s | "
        "37 weeks s |"
    )
    print("|---|---|---|---|---|")
    print(f"| {baseline:.3f} GB | {week:.3f} GB | {year:.3f} GB | {built:.1f} | {ran:.1f} |")
    judge(f"memory, ensemble of {schools:,} schools, built + 1 week (peak)", week, " GB", below=2)
    judge("memory, the same on to week 37 (peak)", year, " GB", below=2)


# --------------------------------------------------------------------- main


def summary() -> None:
    """Print the closing table of figures against their targets."""
    print("\n## Summary against issue 13's targets\n")
    print("| figure | measured | target | |")
    print("|---|---|---|---|")
    for figure in SUMMARY:
        print(f"| {figure.what} | {figure.value} | {figure.target} | {figure.verdict} |")


def commit() -> str:
    """This checkout's commit, marked when the working tree has changes."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(ROOT), *args], capture_output=True, text=True
        ).stdout.strip()

    return git("rev-parse", "--short", "HEAD") + (
        " + uncommitted changes" if git("status", "--porcelain") else ""
    )


def load() -> str:
    """The 1-, 5- and 15-minute load averages."""
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> None:
    """Run every measurement and print its tables, then the summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="40- and 32-run designs, 1 try, 100-school ensemble: a smoke test",
    )
    parser.add_argument(
        "--skip-peers",
        action="store_true",
        help="leave out mesa.batch_run, EMA Workbench and SALib",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="interleaved tries of each sweep (default 3; 1 with --quick)",
    )
    args = parser.parse_args(argv)
    args.repeats = args.repeats or (1 if args.quick else 3)
    compile_checkout()
    print(
        f"# Throughput benchmark{' (--quick)' if args.quick else ''}, "
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}, commit {commit()}: {os.cpu_count()} cores; "
        f"load average {load()} at start; Python {sys.version.split()[0]}; "
        f"{multiprocessing.get_start_method()} start method for EMA Workbench and SALib, "
        "spawn for mesa.batch_run"
    )
    sweeps = {design: throughput(design, args) for design in designs(args.quick)}
    small_sweep(args)
    floor(args, sweeps)
    startup()
    memory(args)
    summary()
    print(f"\nload average at the end: {load()}")


if __name__ == "__main__":
    main()
