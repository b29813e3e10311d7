"""Sweep files: the examples load; bad files are refused in one line naming file and key."""

from __future__ import annotations

import subprocess
import sys

import pytest
from cli_support import staffroom

from analysis.experiments.sweeps import Sweep, builtin_sweeps, load_sweep
from simulation import InputError


def test_builtin_example_sweeps_load_with_the_documented_sizes():
    assert {"size_by_structure", "belief_dynamics_sobol"} <= set(builtin_sweeps())
    grid = load_sweep("size_by_structure")
    assert (grid.design_type, grid.points, grid.runs) == ("factorial", 30, 150)
    sobol = load_sweep("belief_dynamics_sobol")
    assert (sobol.design_type, len(sobol.factors)) == ("sobol", 8)
    assert sobol.runs == 128 * (8 + 2) * 4 == 5120


def test_a_sweep_file_names_its_base_scenario_relative_to_itself(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "mine.toml").write_text('extends = "plc"\nname = "mine"\nyears = 2\n')
    (plans / "sweep.toml").write_text(
        'scenario = "mine.toml"\n[design]\ntype = "factorial"\n'
        "[factors]\ncollaboration_minutes = [30, 90]\n"
    )
    sweep = load_sweep(plans / "sweep.toml")
    assert sweep.scenario.name == "mine"
    parameters, _, years = sweep.setup({"collaboration_minutes": 30.0})
    assert parameters["structure"] == "plc"
    assert parameters["collaboration_minutes"] == 30.0
    assert years == 2  # the scenario's, as the sweep sets none


def test_a_sweep_scenario_is_never_looked_for_in_the_current_folder(tmp_path, capsys, monkeypatch):
    (tmp_path / "our_plan.toml").write_text('extends = "plc"\nname = "ours"\n')
    sub = tmp_path / "swsub"
    sub.mkdir()
    path = sub / "rel.toml"
    path.write_text(
        'scenario = "our_plan.toml"\nyears = 1\nreplicates = 1\n[design]\ntype = "factorial"\n'
        "[factors]\ncollaboration_minutes = [30]\n"
    )
    monkeypatch.chdir(tmp_path)  # ./our_plan.toml exists, but not next to the sweep file
    done = staffroom(capsys, monkeypatch, "sweep", "swsub/rel.toml", "--plan")
    assert done.code == 2 and "Traceback" not in done.err
    lines = done.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    for fragment in (
        str(path),
        "scenario:",
        str(sub / "our_plan.toml"),
        "write '../our_plan.toml'",
        "a path relative to this file's folder, or a built-in name (",
    ):
        assert fragment in lines[0], fragment


def test_fixed_parameters_factors_and_years_combine_into_one_run(tiny_sweep):
    sweep = Sweep.from_dict(
        tiny_sweep(
            parameters={"collaboration_minutes": 90}, factors={"years": [1, 2], "n_students": [60]}
        )
    )
    parameters, _, years = sweep.setup({"years": 2, "n_students": 60})
    assert parameters["collaboration_minutes"] == 90.0
    assert parameters["n_students"] == 60
    assert years == 2 and sweep.max_years == 2


def test_a_scenario_factor_runs_each_plan_with_its_interventions(tiny_sweep):
    document = tiny_sweep(years=2, factors={"scenario": ["departments", "plc_coaching"]})
    del document["scenario"]
    sweep = Sweep.from_dict(document)
    _, plain, _ = sweep.setup({"scenario": "departments"})
    parameters, coached, _ = sweep.setup({"scenario": "plc_coaching"})
    assert plain == () and coached and coached[0].changes["support_model"] == "coaching"
    assert parameters["structure"] == "plc"


def write(tmp_path, text):
    path = tmp_path / "sweep.toml"
    path.write_text(text)
    return path


GOOD = 'scenario = "departments"\n[design]\ntype = "factorial"\n[factors]\nn_students = [300]\n'


@pytest.mark.parametrize(
    "text, key, fragment",
    [
        ("colour = 1\n" + GOOD, "colour", "unknown key"),
        (
            'scenario = "departmnts"\n[design]\ntype = "factorial"\n'
            "[factors]\nn_students = [300]\n",
            "scenario",
            "did you mean 'departments'",
        ),
        ('[design]\ntype = "factorial"\n[factors]\nn_students = [300]\n', "scenario", "missing"),
        ('scenario = "departments"\n[factors]\nn_students = [300]\n', "[design] type", "designs:"),
        (
            'scenario = "departments"\n[design]\ntype = "grid"\n[factors]\nn_students = [300]\n',
            "[design] type",
            "factorial, lhs, sobol, morris",
        ),
        (
            'scenario = "departments"\n[design]\ntype = "sobol"\nn = 100\n[factors]\n'
            "mastery_rate = { range = [0.1, 0.2] }\n",
            "[design] n",
            "not a power of 2",
        ),
        (
            'scenario = "departments"\n[design]\ntype = "sobol"\n[factors]\n'
            "mastery_rate = { range = [0.1, 0.2] }\n",
            "[design] n",
            "needs n",
        ),
        (
            'scenario = "departments"\n[design]\ntype = "morris"\ntrajectories = 10\nlevels = 5\n'
            "[factors]\nmastery_rate = { range = [0.1, 0.2] }\n",
            "[design] levels",
            "must be even",
        ),
        (
            'scenario = "departments"\n[design]\ntype = "lhs"\nsamples = 10\nn = 3\n[factors]\n'
            "mastery_rate = { range = [0.1, 0.2] }\n",
            "[design] n",
            "options of lhs: samples",
        ),
        (
            'scenario = "departments"\n[design]\ntype = "factorial"\n'
            "[factors]\nn_studens = [300]\n",
            "[factors] n_studens",
            "did you mean 'n_students'",
        ),
        (
            'scenario = "departments"\n[design]\ntype = "factorial"\n[factors]\nn_students = [5]\n',
            "[factors] n_students",
            "allowed: 20 to 200000",
        ),
        (
            'scenario = "departments"\n[design]\ntype = "factorial"\n[factors]\n'
            'structure = ["plc", "pcl"]\n',
            "[factors] structure",
            "did you mean 'plc'",
        ),
        (
            'scenario = "departments"\n[design]\ntype = "lhs"\nsamples = 10\n[factors]\n'
            "mastery_rate = { range = [0.1, 2.0] }\n",
            "[factors] mastery_rate range",
            "allowed: 0 to 1",
        ),
        (
            'scenario = "departments"\n[design]\ntype = "lhs"\nsamples = 10\n[factors]\n'
            "structure = { range = [0, 1] }\n",
            "[factors] structure",
            "takes levels",
        ),
        (
            'scenario = "departments"\n[design]\ntype = "factorial"\n[factors]\n'
            "mastery_rate = { range = [0.1, 0.2] }\n",
            "[factors] mastery_rate",
            "needs steps",
        ),
        (
            'scenario = "departments"\n[design]\ntype = "lhs"\nsamples = 10\n[factors]\n'
            "mastery_rate = { range = [0.1, 0.2], steps = 3 }\n",
            "[factors] mastery_rate steps",
            "applies to factorial",
        ),
        (
            'scenario = "departments"\n[design]\ntype = "lhs"\nsamples = 10\n[factors]\n'
            'mastery_rate = { range = [0.0, 0.2], distribution = "loguniform" }\n',
            "[factors] mastery_rate range",
            "above 0",
        ),
        (
            'scenario = "departments"\n[design]\ntype = "lhs"\nsamples = 10\n[factors]\n'
            'mastery_rate = { range = [0.1, 0.2], distribution = "normal", mean = 0.15 }\n',
            "[factors] mastery_rate sd",
            "needs mean and sd",
        ),
        (
            'scenario = "departments"\n[design]\ntype = "lhs"\nsamples = 10\n[factors]\n'
            'mastery_rate = { range = [0.1, 0.2], distribution = "gaussian" }\n',
            "[factors] mastery_rate distribution",
            "uniform, loguniform, normal, triangular",
        ),
        (
            'scenario = "departments"\noutcomes = ["efficacy"]\n[design]\ntype = "factorial"\n'
            "[factors]\nn_students = [300]\n",
            "outcomes",
            "unknown outcome 'efficacy'",
        ),
        (
            'scenario = "departments"\n[parameters]\nn_students = 300\n'
            '[design]\ntype = "factorial"\n'
            "[factors]\nn_students = [300]\n",
            "[factors] n_students",
            "also set in [parameters]",
        ),
        (
            'scenario = "departments"\n[parameters]\ncoaches = -1\n' + GOOD.split("\n", 1)[1],
            "[parameters] coaches",
            "allowed: 0 to 200",
        ),
        (
            'scenario = "departments"\nyears = 0\n' + GOOD.split("\n", 1)[1],
            "years",
            "allowed: 1 to 50",
        ),
        (
            'scenario = "departments"\n[design]\ntype = "factorial"\n',
            "factors",
            "at least one factor",
        ),
        ('scenario = "departments"\n[design\n', None, "not valid TOML"),
    ],
)
def test_bad_sweep_files_get_one_line_naming_file_key_and_what_is_allowed(
    tmp_path, text, key, fragment
):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as error:
        load_sweep(path)
    message = str(error.value)
    assert str(path) in message
    if key:
        assert key in message
    assert fragment in message
    assert "\n" not in message


def test_the_command_line_refuses_a_bad_sweep_with_exit_2_and_no_traceback(tmp_path):
    path = write(
        tmp_path,
        'scenario = "departments"\n[design]\ntype = "factorial"\n[factors]\nn_students = [5]\n',
    )
    done = subprocess.run(
        [sys.executable, "-m", "analysis.cli.app", "sweep", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "[factors] n_students" in lines[0] and "Traceback" not in done.stderr


def test_plan_shows_the_runs_and_runs_nothing(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis.cli.app",
            "sweep",
            "size_by_structure",
            "--plan",
            "--output",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "30 design points x 5 replicates = 150 runs" in done.stdout
    assert "estimated time of the runs here: about " in done.stdout
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("plan", [True, False])
def test_a_design_point_that_breaks_a_rule_between_parameters_is_refused_before_running(
    plan, tmp_path, capsys, monkeypatch
):
    sweep = tmp_path / "joint.toml"
    sweep.write_text(
        'name = "joint"\nscenario = "departments"\nyears = 1\nreplicates = 1\n'
        '[design]\ntype = "factorial"\n[factors]\n'
        "persistence_one_year = [0.3, 0.5]\npersistence_long_run = [0.25, 0.4]\n"
    )
    out = tmp_path / "out"
    done = staffroom(
        capsys, monkeypatch, "sweep", sweep, "--out", out, *(["--plan"] if plan else [])
    )
    assert done.code == 2 and "Traceback" not in done.err
    line = done.err.strip()
    assert "\n" not in line and str(sweep) in line
    assert "design point 1" in line and "persistence_one_year = 0.3" in line
    assert "persistence_long_run = 0.4" in line and "persistence_one_year" in line
    assert not out.exists()


def test_factors_may_mend_a_rule_their_scenario_breaks_without_them(tmp_path):
    # the scenario's persistence_long_run (0.45) is allowed beside its
    # persistence_one_year (0.5); the factor replaces the latter at every point
    school = tmp_path / "lasting.toml"
    school.write_text(
        'extends = "departments"\nname = "lasting"\n'
        "[calibration]\npersistence_one_year = 0.5\npersistence_long_run = 0.45\n"
    )
    sweep = tmp_path / "mended.toml"
    sweep.write_text(
        f'name = "mended"\nscenario = "{school.as_posix()}"\nyears = 1\nreplicates = 1\n'
        '[design]\ntype = "factorial"\n[factors]\npersistence_one_year = [0.5, 0.6]\n'
    )
    assert load_sweep(sweep).design().size == 2
    sweep.write_text(sweep.read_text().replace("[0.5, 0.6]", "[0.5, 0.4]"))
    with pytest.raises(InputError, match=r"design point 1.*persistence_one_year = 0\.4"):
        load_sweep(sweep)
