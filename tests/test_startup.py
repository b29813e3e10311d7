"""Start-up imports only what it needs: ``staffroom --help``, ``import simulation``, a worker.

What is imported, never how long it takes (speed is measured in benchmarks/):
each check runs a fresh interpreter and lists the heavy libraries it loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = (
    "pandas",
    "pyarrow",
    "scipy",
    "matplotlib",
    "mesa",
    "networkx",
    "dask",
    "solara",
    "SALib",
    "statsmodels",
    "rich.progress",
    "pydantic",
)


def loaded_after(code: str) -> list[str]:
    """The heavy modules a fresh interpreter has loaded after running ``code``."""
    probe = (
        f"import json, sys\n{code}\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


HELP = """
from analysis.launch import main
sys.argv = ["staffroom", {args}"--help"]
try:
    main()
except SystemExit as stop:
    assert stop.code in (0, None), stop.code
"""


@pytest.mark.parametrize("args", ["", "'run', ", "'sweep', ", "'validate', "])
def test_help_imports_no_heavy_library(args):
    assert loaded_after(HELP.format(args=args)) == []


def test_importing_simulation_imports_nothing_heavy():
    assert loaded_after("import simulation") == []


SWEEP_POINT = """
from analysis.experiments.sweeps.runner import point_measure
runs = [Run("e", "a", r, seed=r + 1, parameters={"n_students": 120}, years=1,
            measure=point_measure, options={"outcomes": ("annual_gain",)}) for r in range(2)]
"""
SCENARIO = """
from analysis.experiments.scenario_runs import scenario_runs
from scenarios import load
runs = scenario_runs(load("plc").for_run(replicates=2, years=1))
"""


@pytest.mark.parametrize("declared", [SWEEP_POINT, SCENARIO], ids=["sweep", "scenario"])
def test_a_worker_runs_an_ensemble_without_mesa_or_pandas(declared):
    # what the fork server preloads, then a sweep point's or a scenario's runs as one ensemble
    code = (
        """
from analysis.experiments.engines import PRELOAD
for name in PRELOAD:
    __import__(name)
from analysis.experiments.runs import Run, execute_many
"""
        + declared
        + """
results = execute_many(runs)
assert len(results) == 2
"""
    )
    loaded = loaded_after(code)
    heavy = {"mesa", "pandas", "pyarrow", "networkx", "matplotlib", "scipy"}
    assert not heavy & set(loaded), loaded


def test_the_lazy_names_are_the_same_objects():
    import simulation
    from simulation.ensemble import SchoolEnsemble
    from simulation.interventions import Intervention
    from simulation.model import Intervention as ModelIntervention
    from simulation.model import SchoolModel

    assert simulation.SchoolModel is SchoolModel
    assert simulation.SchoolEnsemble is SchoolEnsemble
    assert simulation.Intervention is Intervention is ModelIntervention
    assert set(simulation.__all__) <= set(dir(simulation))
    for name in simulation.__all__:
        assert getattr(simulation, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'Nothing'"):
        _ = simulation.Nothing


def test_the_sweeps_package_names_resolve():
    from analysis.experiments import sweeps
    from analysis.experiments.sweeps.spec import load_sweep

    assert sweeps.load_sweep is load_sweep
    for name in sweeps.__all__:
        assert getattr(sweeps, name) is not None


def tiny_sweep(folder: Path) -> Path:
    """A sweep file of 4 points x 2 replicates, with a string factor."""
    sweep = folder / "tiny.toml"
    sweep.write_text(
        'scenario = "plc"\nyears = 1\nreplicates = 2\noutcomes = ["annual_gain"]\n'
        '[design]\ntype = "factorial"\n[factors]\nmastery_rate = [0.1, 0.3]\n'
        'support_model = ["coaching", "train_the_trainer"]\n[parameters]\nn_students = 120\n'
    )
    return sweep


def test_planning_a_sweep_imports_no_pandas(tmp_path):
    # the sweep file, its design and the tasks for the workers: plain arrays
    sweep = tiny_sweep(tmp_path)
    code = f"""
from analysis.experiments.sweeps.spec import load_sweep
sweep = load_sweep({str(sweep)!r})
design = sweep.design()
assert design.size == 4 and design.values(3)["support_model"] == "train_the_trainer"
"""
    assert loaded_after(code) == []


def test_checking_a_scenario_builds_its_school_without_mesa():
    # `scenarios check` builds the school as a run does, and counts its teachers
    code = """
from analysis.launch import main
sys.argv = ["staffroom", "scenarios", "check", "large_houses"]
try:
    main()
except SystemExit as stop:
    assert stop.code in (0, None), stop.code
"""
    assert "mesa" not in loaded_after(code)


def test_a_sweep_from_the_command_line_loads_no_pandas(tmp_path):
    # its results are written and merged through pyarrow alone (sweeps/tables.py);
    # -w 0 runs the model in this process, so the check covers the runs too
    sweep, out = tiny_sweep(tmp_path), tmp_path / "out"
    code = f"""
from analysis.launch import main
sys.argv = ["staffroom", "sweep", {str(sweep)!r}, "-w", "0", "-q", "--out", {str(out)!r}]
try:
    main()
except SystemExit as stop:
    assert stop.code in (0, None), stop.code
"""
    loaded = loaded_after(code)
    assert "pyarrow" in loaded and "pandas" not in loaded, loaded
    assert "pydantic" not in loaded, "typer converts options without pydantic (below 0.29)"
    assert (out / "design.parquet").is_file()
    assert len(list((out / "runs").glob("*.parquet"))) == 1


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], 0),
        (["scenarios", "list"], 0),
        (["sweep", "s.toml"], 4),
        (["sweep", "s.toml", "-w", "2"], 2),
        (["sweep", "s.toml", "--workers=3"], 3),
        (["sweep", "s.toml", "-w", "0"], 0),
        (["sweep", "s.toml", "--plan"], 0),
        (["sweep", "s.toml", "--scheduler", "tcp://x:8786"], 0),
        (["sweep", "s.toml", "--scheduler=tcp://x:8786"], 0),
        (["demo", "--help"], 0),
        (["compare", "plc", "departments", "-w", "two"], 0),
        (["validate", "--workers", "0"], 4),
        (["calibrate"], 4),
        (["run", "plc", "-w", "1"], 1),
        (["run", "plc", "-w3"], 3),
        (["calibrate", "-w", "0"], 4),
        (["sweep", "s.toml", "-w", "-1"], 0),
    ],
)
def test_the_launcher_tells_which_commands_start_a_pool(args, expected):
    from analysis.launch import pool_workers

    assert pool_workers(args, cores=4) == expected
