"""`staffroom scenarios` and the built-in library, through the command line."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

import pytest
from cli_support import files_in, staffroom

from scenarios import LIBRARY, builtin_names, load
from scenarios.dump import dumps

REQUIRED = (
    "large_comprehensive",
    "large_houses",
    "small_school",
    "plc",
    "plc_coaching",
    "plc_train_the_trainer",
    "egg_crate",
    "networked_plc",
    "turnaround",
    "departments",
)


def test_the_library_holds_the_scenarios_the_issue_asks_for():
    assert set(REQUIRED) <= set(builtin_names())
    turnaround = load("turnaround")
    levers = {k for i in turnaround.interventions for k in i.changes}
    assert {"support_model", "clear_cycle", "data_review"} <= levers
    assert turnaround.parameters["ses_mean"] < -0.5
    assert (
        load("large_houses").parameters["n_students"]
        == load("large_comprehensive").parameters["n_students"]
    )


def test_listing_shows_every_builtin_with_its_description(capsys, monkeypatch):
    done = staffroom(capsys, monkeypatch, "scenarios")
    assert done.code == 0
    text = " ".join(done.out.split())  # the table may wrap long descriptions
    for name in builtin_names():
        assert name in text
        first_words = " ".join(load(name).description.split()[:3])
        assert first_words in text


def test_show_prints_the_file_as_written_with_its_comments(capsys, monkeypatch):
    done = staffroom(capsys, monkeypatch, "scenarios", "show", "plc_coaching")
    assert done.code == 0
    assert done.out == (LIBRARY / "plc_coaching.toml").read_text(encoding="utf-8")
    assert "# " in done.out


def test_show_merged_is_toml_that_runs_the_same_scenario(capsys, monkeypatch, tmp_path):
    done = staffroom(capsys, monkeypatch, "scenarios", "show", "--merged", "turnaround")
    assert done.code == 0
    assert "extends" not in tomllib.loads(done.out)
    copy = tmp_path / "copy.toml"
    copy.write_text(done.out)
    original, merged = load("turnaround"), load(copy)
    assert merged.parameters == original.parameters
    assert merged.interventions == original.interventions
    assert (merged.years, merged.replicates, merged.seed) == (
        original.years,
        original.replicates,
        original.seed,
    )


def test_the_template_copied_elsewhere_is_a_valid_scenario(capsys, monkeypatch, tmp_path):
    done = staffroom(capsys, monkeypatch, "scenarios", "show", "template")
    mine = tmp_path / "my_school.toml"
    mine.write_text(done.out.replace("students = 900", "students = 1200"))
    checked = staffroom(capsys, monkeypatch, "scenarios", "check", str(mine))
    assert checked.code == 0
    assert "ok:" in checked.out and "77 teachers" in checked.out


def test_check_checks_every_file_and_reports_each_bad_one(capsys, monkeypatch, tmp_path):
    first, second = tmp_path / "first.toml", tmp_path / "second.toml"
    first.write_text("[school]\nstudens = 900\n")
    second.write_text("[culture]\nself_efficacy = 12\n")
    good = tmp_path / "good.toml"
    good.write_text("extends = 'plc'\n")
    done = staffroom(capsys, monkeypatch, "scenarios", "check", first, good, second, "plc")
    assert done.code == 2 and "Traceback" not in done.err
    lines = done.err.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("error: ") for line in lines)
    assert str(first) in lines[0] and "[school] studens" in lines[0]
    assert str(second) in lines[1] and "[culture] self_efficacy" in lines[1]
    assert done.out.count("ok: ") == 2 and f"ok: {good}" in done.out and "ok: plc" in done.out


@pytest.mark.parametrize("name", builtin_names())
def test_every_builtin_scenario_runs_from_the_command_line(name, capsys, monkeypatch, tmp_path):
    out = tmp_path / name
    done = staffroom(
        capsys,
        monkeypatch,
        "run",
        name,
        "--replicates",
        "1",
        "--workers",
        "1",
        "--no-plots",
        "--out",
        str(out),
    )
    assert done.code == 0, done.err
    scenario = load(name)
    written = files_in(out)
    rules = {"decisions.csv"} if scenario.rules else set()  # the leader's decisions
    assert set(written) == {"trajectories.parquet", "summary.csv", "run.json", *rules}
    summary = (out / "summary.csv").read_text().splitlines()
    assert len(summary) == 1 + scenario.years  # header + one row per year


def test_package_data_ships_every_library_file():
    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["scenarios"]
    shipped = [
        p
        for p in LIBRARY.rglob("*")
        if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts
    ]
    assert any(p.suffix == ".csv" for p in shipped)
    for path in shipped:
        relative = str(path.relative_to(LIBRARY))
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), relative


def test_dump_round_trips_awkward_values():
    document = {
        "name": 'quote " and \\ and é',
        "years": 3,
        "x": 0.1,
        "flag": True,
        "[odd key]": [1, 2],
        "school": {"students": 900},
        "intervention": [{"year": 1, "data_review": True}],
    }
    assert tomllib.loads(dumps(document)) == document


@pytest.mark.parametrize(
    "command",
    [["run"], ["compare"], ["demo"], ["scenarios"], ["scenarios", "show"], ["scenarios", "check"]],
)
def test_every_command_explains_itself_with_an_example(command, capsys, monkeypatch):
    done = staffroom(capsys, monkeypatch, *command, "--help")
    assert done.code == 0
    assert f"Example: staffroom {' '.join(command)}" in " ".join(done.out.split())


def test_the_format_reference_lists_every_key():
    from scenarios.schema import SECTIONS

    text = (Path(__file__).parents[1] / "docs" / "scenarios.md").read_text()
    for section in ("school", "culture", "structure", "policies"):
        assert f"**[{section}]**" in text
        for key in SECTIONS[section]:
            assert f"| `{key}` |" in text, (section, key)
