"""Bad input: one line naming the file, the key and what is allowed; exit 2; nothing written."""

from __future__ import annotations

import pytest
from cli_support import staffroom, staffroom_process

SCENARIO_ERRORS = [
    # (file text, key named, words of the message)
    ("[school]\nstudens = 900\n", "[school] studens", "did you mean 'students'"),
    ("[school]\nstudents = 'many'\n", "[school] students", "must be a number"),
    ("[school]\nstudents = 5\n", "[school] students", "allowed: 20 to 200000"),
    ("[culture]\nself_efficacy = 12\n", "[culture] self_efficacy", "allowed: 1 to 9"),
    ("[policies]\nself_efficacy = 7\n", "[policies] self_efficacy", "belongs in [culture]"),
    ("years = 2.5\n", "years", "whole number"),
    (
        "years = 2\n[[intervention]]\nyear = 3\ndata_review = true\n",
        "[[intervention]] 1 year",
        "outside the run",
    ),
    (
        "[[intervention]]\nyear = 1\nweek = 40\ndata_review = true\n",
        "[[intervention]] 1 week",
        "allowed: whole numbers 1 to 36",
    ),
    ("[[intervention]]\nyear = 1\nstudents = 300\n", "[[intervention]] 1 students", "not a lever"),
    ("[intervention]\nyear = 1\ndata_review = true\n", "intervention", "[[intervention]]"),
    (
        "[structure]\ntype = 'custom'\nnetwork_file = 'missing.csv'\n",
        "[structure] network_file",
        "network file not found",
    ),
    (
        "[structure]\ntype = 'custom'\nnetwork_file = 'bad.csv'\n",
        "[structure] network_file",
        "'source' and 'target'",
    ),
    ("[structure]\ntype = 'custom'\n", "[structure] network_file", "needed when type = 'custom'"),
    ("[structure]\ntype = 'plcs'\n", "[structure] type", "did you mean 'plc'"),
    ("[school\nstudents = 3\n", None, "not valid TOML"),
    ("extends = 'departmens'\n", "extends", "did you mean 'departments'"),
    (
        "[school]\nstudents = 900\n[calibration]\nn_students = 600\n",
        "[calibration] n_students",
        "set it once",
    ),
]


def check_one_line_error(done, *fragments: str) -> None:
    assert done.code == 2
    assert "Traceback" not in done.err
    lines = done.err.strip().splitlines()
    assert len(lines) == 1, done.err
    assert lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


@pytest.mark.parametrize("text, key, fragment", SCENARIO_ERRORS)
def test_a_bad_scenario_file_gets_one_line_and_status_2_and_nothing_is_written(
    text, key, fragment, tmp_path, capsys, monkeypatch
):
    (tmp_path / "bad.csv").write_text("a,b\nt1,t2\n")
    path = tmp_path / "school.toml"
    path.write_text(text)
    out = tmp_path / "out"
    done = staffroom(capsys, monkeypatch, "run", str(path), "--out", str(out), "-r", "1")
    check_one_line_error(done, str(path), fragment, *([key] if key else []))
    assert not out.exists()


def test_an_error_in_a_file_that_is_extended_names_that_file(tmp_path, capsys, monkeypatch):
    (tmp_path / "base.toml").write_text("[culture]\nstress = 3\n")
    (tmp_path / "plan.toml").write_text("extends = 'base.toml'\n[structure]\ntype = 'plc'\n")
    done = staffroom(capsys, monkeypatch, "scenarios", "check", str(tmp_path / "plan.toml"))
    check_one_line_error(done, str(tmp_path / "base.toml"), "[culture] stress", "0 to 1")


def test_extends_is_relative_to_the_file_never_to_the_current_folder(tmp_path, capsys, monkeypatch):
    # the auditor's layout: plans/plan.toml extends "our_school.toml", which is one level up
    (tmp_path / "our_school.toml").write_text("[school]\nstudents = 300\n")
    plans = tmp_path / "plans"
    plans.mkdir()
    plan = plans / "plan.toml"
    plan.write_text("extends = 'our_school.toml'\n[structure]\ntype = 'plc'\n")
    monkeypatch.chdir(tmp_path)  # the current folder has an our_school.toml: not used
    out = tmp_path / "out"
    done = staffroom(capsys, monkeypatch, "run", "plans/plan.toml", "--out", str(out), "-r", "1")
    check_one_line_error(
        done,
        str(plan),
        "extends",
        str(plans / "our_school.toml"),
        "write '../our_school.toml'",
        "a path relative to this file's folder, or a built-in name (",
    )
    assert not out.exists()
    # written as the message says, it works from any folder; built-in names still do
    plan.write_text("extends = '../our_school.toml'\n[structure]\ntype = 'plc'\n")
    (plans / "builtin.toml").write_text("extends = 'plc'\n")
    monkeypatch.chdir(plans)
    done = staffroom(capsys, monkeypatch, "scenarios", "check", "plan.toml", "builtin.toml")
    assert done.code == 0 and "ok: plan.toml" in done.out and "ok: builtin.toml" in done.out


def test_a_restructure_to_a_network_of_another_staff_size_is_refused(tmp_path, capsys, monkeypatch):
    (tmp_path / "ties.csv").write_text(
        "source,target\n" + "".join(f"t{i},t{i + 1}\n" for i in range(9))
    )
    (tmp_path / "plan.toml").write_text(
        "[school]\nstudents = 900\n[[intervention]]\nyear = 2\ntype = 'custom'\n"
        "network_file = 'ties.csv'\n"
    )
    done = staffroom(capsys, monkeypatch, "scenarios", "check", str(tmp_path / "plan.toml"))
    check_one_line_error(done, "[[intervention]] 1 network_file", "10 teachers", "58")


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["run", "plcc"], ["did you mean 'plc'", "built-in:"]),
        (["run", "turnaround", "--years", "2"], ["turnaround.toml", "--years", "outside"]),
        (["run", "plc", "--replicates", "0"], ["--replicates", "1 to 10000"]),
        (["run", "plc", "--seed", "-1"], ["--seed"]),
        (["run", "plc", "--workers", "0"], ["--workers", "1 or more"]),
        (["compare", "plc"], ["at least two scenarios"]),
        (["compare", "plc", "departments", "--replicates", "1"], ["--replicates", "2 or more"]),
        (["demo", "--replicates", "1"], ["--replicates", "2 or more"]),
    ],
)
def test_bad_options_get_one_line_and_status_2(args, fragments, tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    done = staffroom(capsys, monkeypatch, *args, "--out", str(out))
    check_one_line_error(done, *fragments)
    assert not out.exists()


WORKER_COMMANDS = {
    # command and its arguments before --workers, what it allows
    ("run", "plc"): "1 or more",
    ("compare", "departments", "plc"): "1 or more",
    ("demo",): "1 or more",
    ("sweep", "size_by_structure"): "0 (the runs run in this process) or more",
    ("validate", "--quick"): "0 (one per CPU, the default) or more",
    ("calibrate",): "0 (one per CPU, the default) or more",
}


@pytest.mark.parametrize("command", list(WORKER_COMMANDS))
@pytest.mark.parametrize("option", ["-w", "--workers"])
@pytest.mark.parametrize("value", ["-1", "two"])
def test_a_bad_worker_count_gets_the_same_one_line_from_every_command(
    command, option, value, tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    done = staffroom(capsys, monkeypatch, *command, option, value)
    check_one_line_error(done, "--workers", command[0], WORKER_COMMANDS[command])
    assert not list(tmp_path.iterdir()), "nothing written"


@pytest.mark.parametrize("command", [c[0] for c in WORKER_COMMANDS])
def test_every_command_with_workers_takes_w_and_says_what_0_means(command, capsys, monkeypatch):
    done = staffroom(capsys, monkeypatch, command, "--help")
    assert done.code == 0
    text = " ".join(done.out.replace("│", " ").split())
    assert "--workers" in text and "-w" in text
    zero = {"sweep": "0 runs in this process", "validate": "0: one per CPU"}
    zero |= {"calibrate": zero["validate"], "run": "0 is refused"}
    zero |= {"compare": zero["run"], "demo": zero["run"]}
    assert zero[command] in text


def test_an_output_path_that_is_a_file_is_refused_before_running(tmp_path, capsys, monkeypatch):
    target = tmp_path / "taken"
    target.write_text("keep me")
    done = staffroom(capsys, monkeypatch, "run", "small_school", "--out", str(target))
    check_one_line_error(done, "--out", "is a file")
    assert target.read_text() == "keep me"


def test_the_installed_entry_point_exits_2_without_a_traceback(tmp_path):
    (tmp_path / "bad.toml").write_text("[school]\nstudens = 900\n")
    done = staffroom_process("run", str(tmp_path / "bad.toml"), "--out", str(tmp_path / "o"))
    check_one_line_error(done, "did you mean 'students'")
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("command", ["run", "compare", "demo", "sweep", "validate"])
def test_every_long_command_takes_out_and_quiet(command, capsys, monkeypatch):
    done = staffroom(capsys, monkeypatch, command, "--help")
    assert done.code == 0
    text = " ".join(done.out.split())
    assert "--out" in text and "-o" in text, "one name for the output folder everywhere"
    assert "--quiet" in text and "-q" in text


def test_output_is_kept_as_an_alias_of_out(tmp_path, capsys, monkeypatch, tiny_sweep):
    from scenarios.dump import dumps

    sweep_file = tmp_path / "tiny.toml"
    sweep_file.write_text(dumps(tiny_sweep()))
    done = staffroom(
        capsys,
        monkeypatch,
        "sweep",
        str(sweep_file),
        "--plan",
        "--output",
        str(tmp_path / "elsewhere"),
    )
    assert done.code == 0 and str(tmp_path / "elsewhere") in done.out


def test_the_worker_count_says_how_many_processes_and_cores_really_ran(
    tmp_path, capsys, monkeypatch
):
    from analysis.experiments.workers import usable_cores

    run = ("run", "small_school", "-r", "3", "--years", "1", "--workers", "500", "-q", "--no-plots")
    out = str(tmp_path / "out")
    done = staffroom(capsys, monkeypatch, *run, "--no-ensemble", "-o", out)
    assert done.code == 0, done.err
    cores = min(3, usable_cores())
    assert f"on 3 worker processes using {cores} core{'s' if cores > 1 else ''}" in done.err
    assert "500" not in done.err
    # as one ensemble, the three replicates are one task: no pool is started
    together = staffroom(capsys, monkeypatch, *run, "--overwrite", "-o", out)
    assert together.code == 0, together.err
    assert "3 runs as 1 ensemble in" in together.err and "in this process" in together.err
