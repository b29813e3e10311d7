"""`staffroom school from-survey`: a staff survey and advice pairs become a scenario and network."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from cli_support import files_in, staffroom
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from scenarios import load
from scenarios.school_files import EXAMPLE, EXAMPLE_FILES
from simulation import NetworkFileError
from simulation.networks import read_network_file

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
REVERSED = (3, 4, 8, 9, 11, 12)


def survey_rows(n: int = 8, **changes) -> list[dict]:
    """A small valid survey: ``n`` teachers in two departments, all items answered."""
    rows = []
    for k in range(n):
        row = {
            "id": f"T{k + 1:02d}",
            "experience": 2 + 3 * k,
            "department": "Maths" if k % 2 else "English",
            **{f"tses{i}": 5 + (k + i) % 4 for i in range(1, 13)},
            **{f"cte{i}": 2 if i in REVERSED else 5 for i in range(1, 13)},
        }
        rows.append({**row, **changes})
    return rows


def write_csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_pairs(path: Path, pairs: list[tuple[str, str]]) -> Path:
    path.write_text("teacher,advisor\n" + "".join(f"{a},{b}\n" for a, b in pairs))
    return path


@pytest.fixture
def example(tmp_path, capsys, monkeypatch):
    done = staffroom(capsys, monkeypatch, "school", "example", str(tmp_path))
    assert done.code == 0, done.err
    return tmp_path


def test_the_example_becomes_a_school_teacher_by_teacher(example, capsys, monkeypatch):
    out = example / "our_school.toml"
    done = staffroom(
        capsys,
        monkeypatch,
        "school",
        "from-survey",
        str(example / "staff_survey.csv"),
        "--network",
        str(example / "advice_pairs.csv"),
        "--out",
        str(out),
    )
    assert done.code == 0, done.err
    assert "48 teachers in 6 departments" in done.out
    said = " ".join(done.out.split())
    assert "students (assumed: a survey has no enrolment)" in said, "what it cannot know"
    assert "Set `students` (and your students' mean SES, `ses_mean`)" in said
    assert "answered under half the items" in done.out and "left blank" in done.out
    assert "experience: missing for 1 teacher" in done.out
    scenario = load(out)
    assert scenario.parameters["structure"] == "custom"
    model = scenario.model(rng=3)
    assert model.n_teachers == 48
    survey = pd.read_csv(example / "staff_survey.csv", dtype={"id": str})
    items = survey[[f"tses{i}" for i in range(1, 13)]]
    answered = items.notna().sum(axis=1)
    own = items.mean(axis=1)
    network = read_network_file(scenario.parameters["network_file"])
    row = {label: k for k, label in enumerate(network.labels)}
    tses = np.array([model.teachers.self_efficacy[row[t]] for t in survey["id"]]) * 8 + 1
    known = (answered >= 6).to_numpy()
    np.testing.assert_allclose(tses[known], own[known], atol=1e-6)
    assert np.isfinite(tses[~known]).all() and (~known).sum() == 1  # drawn, not missing
    experience = np.array([model.teachers.experience[row[t]] for t in survey["id"]])
    given = survey["experience"].notna().to_numpy()
    np.testing.assert_allclose(experience[given], survey["experience"][given])
    subject = np.array([model.teachers.subject[row[t]] for t in survey["id"]])
    for _, group in survey.groupby("department").groups.items():
        assert len(set(subject[list(group)])) == 1  # one model subject per department
    assert len(set(subject)) == 6


def test_without_advice_pairs_the_staff_starts_from_the_surveys_distribution(
    example, capsys, monkeypatch
):
    out = example / "our_school.toml"
    done = staffroom(
        capsys,
        monkeypatch,
        "school",
        "from-survey",
        str(example / "staff_survey.csv"),
        "--out",
        str(out),
        "--students",
        "700",
    )
    assert done.code == 0, done.err
    assert not (example / "our_school_network.graphml").exists()
    scenario = load(out)
    p = scenario.parameters
    survey = pd.read_csv(example / "staff_survey.csv")
    items = survey[[f"tses{i}" for i in range(1, 13)]]
    scores = items.mean(axis=1)[items.notna().sum(axis=1) >= 6]
    assert p["initial_self_efficacy"] == pytest.approx(scores.mean(), abs=1e-3)
    assert p["initial_self_efficacy_sd"] == pytest.approx(scores.std(), abs=1e-3)
    experience = survey["experience"].fillna(survey["experience"].median())
    assert p["novice_share"] == pytest.approx((experience < 3).mean(), abs=1e-3)
    assert p["structure"] == "departments" and p["n_students"] == 700
    assert len(p["specialisms_per_subject"]) == survey["department"].nunique()
    assert scenario.model(rng=0).n_teachers == len(survey)


@pytest.mark.parametrize(
    ("positive", "negative", "expected"), [(6, 1, 1.0), (1, 6, 0.0), (4, 3, 0.6)]
)
def test_negatively_worded_collective_efficacy_items_are_reversed(
    tmp_path, capsys, monkeypatch, positive, negative, expected
):
    rows = survey_rows(**{f"cte{i}": negative if i in REVERSED else positive for i in range(1, 13)})
    survey = write_csv(tmp_path / "s.csv", rows)
    done = staffroom(
        capsys, monkeypatch, "school", "from-survey", str(survey), "--out", str(tmp_path / "o.toml")
    )
    assert done.code == 0, done.err
    assert load(tmp_path / "o.toml").parameters["initial_collective_efficacy"] == pytest.approx(
        expected
    )


def refused(capsys, monkeypatch, folder: Path, *args: str):
    before = files_in(folder)
    done = staffroom(
        capsys, monkeypatch, "school", "from-survey", *args, "--out", str(folder / "out.toml")
    )
    assert done.code == 2, done.out
    assert "Traceback" not in done.err
    assert files_in(folder) == before  # nothing written
    lines = done.err.strip().splitlines()
    assert all(line.startswith("error: ") for line in lines)
    return lines


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            lambda rows: [{k: v for k, v in r.items() if k != "experience"} for r in rows],
            "missing column: experience",
        ),
        (
            lambda rows: [{k: v for k, v in r.items() if k != "tses7"} for r in rows],
            "missing column: tses7 (self-efficacy",
        ),
        (
            lambda rows: [{**r, "tses3": 12} if k == 2 else r for k, r in enumerate(rows)],
            "answer out of range: row 4 tses3 = '12' (allowed: 1 to 9)",
        ),
        (
            lambda rows: [{**r, "tses1": "agree"} if k == 0 else r for k, r in enumerate(rows)],
            "answer is not a number: row 2 tses1 = 'agree' (allowed: a number from 1 to 9, "
            "or blank if not answered)",
        ),
        (
            lambda rows: [{**r, "experience": "ten"} if k == 1 else r for k, r in enumerate(rows)],
            "answer is not a number: row 3 experience = 'ten' (allowed: a number of years",
        ),
        (lambda rows: [{**r, "id": "T01"} for r in rows], "duplicate ids: 'T01' (8 rows)"),
        (lambda rows: rows[:4], "fewer than 5 respondents: 4 teachers answered the TSES"),
        (
            lambda rows: [{**r, "Name": f"Person {k}"} for k, r in enumerate(rows)],
            "names or e-mail addresses are not allowed (remove them to protect staff): "
            "column 'Name'",
        ),
        (
            lambda rows: [{**r, "notes": "ask jo@school.org"} for r in rows],
            "holds an e-mail address",
        ),
        (
            lambda rows: [{**r, "id": "Jane Smith"} if k == 0 else r for k, r in enumerate(rows)],
            "looks like a name",
        ),
        (
            lambda rows: [{**r, "tses_meen": 5} for r in rows],
            "unknown column: 'tses_meen' (did you mean 'tses_mean'?)",
        ),
    ],
)
def test_each_kind_of_problem_is_one_line_and_nothing_is_written(
    tmp_path, capsys, monkeypatch, change, words
):
    survey = write_csv(tmp_path / "survey.csv", change(survey_rows()))
    lines = refused(capsys, monkeypatch, tmp_path, str(survey))
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {survey}: ") and words in lines[0]


def test_a_survey_without_ids_is_one_error_not_one_per_advice_pair(tmp_path, capsys, monkeypatch):
    rows = [{k: v for k, v in r.items() if k != "id"} for r in survey_rows()]
    survey = write_csv(tmp_path / "survey.csv", rows)
    advice = write_pairs(tmp_path / "advice.csv", [("T01", "T03"), ("T02", "T04")])
    lines = refused(capsys, monkeypatch, tmp_path, str(survey), "--network", str(advice))
    assert lines == [f"error: {survey}: missing column: id (an anonymous id per teacher, e.g. T01)"]


def test_several_kinds_of_problems_are_all_listed_once_each(tmp_path, capsys, monkeypatch):
    rows = survey_rows()
    rows[1]["id"] = rows[0]["id"]
    for row in rows[2:6]:
        row["tses2"] = 0
    survey = write_csv(tmp_path / "survey.csv", rows)
    advice = write_pairs(tmp_path / "advice.csv", [("T01", "T03"), ("T01", "X9"), ("T04", "Y")])
    lines = refused(capsys, monkeypatch, tmp_path, str(survey), "--network", str(advice))
    kinds = [line.split(": ", 3)[2] for line in lines]
    assert kinds == [
        "answer out of range",
        "duplicate ids",
        "a pair names a teacher who is not in the survey",
    ]
    assert "; and 1 more" in lines[0]  # four bad answers, three shown
    assert f"error: {advice}: a pair names a teacher" in lines[2] and "'X9'" in lines[2]


def test_existing_files_are_kept_unless_overwrite(example, capsys, monkeypatch):
    out = example / "our_school.toml"
    out.write_text("# mine\n")
    args = ("school", "from-survey", str(example / "staff_survey.csv"), "--out", str(out))
    done = staffroom(capsys, monkeypatch, *args)
    assert done.code == 2 and "exists" in done.err and out.read_text() == "# mine\n"
    assert staffroom(capsys, monkeypatch, *args, "--overwrite").code == 0
    assert load(out).name == "Our school"


def test_example_refuses_existing_files_naming_what_the_command_takes(example, capsys, monkeypatch):
    (example / "staff_survey.csv").write_text("mine\n")
    done = staffroom(capsys, monkeypatch, "school", "example", str(example))
    assert done.code == 2 and "Traceback" not in done.err
    line = done.err.strip()
    assert "\n" not in line and "staff_survey.csv exists" in line
    assert "--out" not in line  # the command takes a folder argument, not --out
    assert "choose another folder" in line and "--overwrite" in line
    assert (example / "staff_survey.csv").read_text() == "mine\n"


def test_the_example_files_ship_with_the_package_and_plans_extend_the_school():
    assert all((EXAMPLE / name).is_file() for name in EXAMPLE_FILES)
    plan = (EXAMPLE / "plan_coaching_if_needed.toml").read_text()
    assert 'extends = "plan_train_the_trainer.toml"' in plan and "[[rule]]" in plan


def test_graphml_starting_values_are_checked(tmp_path):
    graph = nx.Graph()
    graph.add_node("a", self_efficacy=12.0)
    graph.add_node("b", self_efficacy=7.0)
    graph.add_edge("a", "b")
    nx.write_graphml(graph, tmp_path / "g.graphml")
    with pytest.raises(NetworkFileError, match=r"teacher a: self_efficacy 12\.0 is out of range"):
        read_network_file(tmp_path / "g.graphml")


# ---------------------------------------------------------------------------
# fuzzing: any file gives a loadable scenario or one line per problem, nothing half-written
# ---------------------------------------------------------------------------

cells = st.one_of(
    st.integers(-3, 70).map(str),
    st.sampled_from(["", " ", "x", "NaN", "1e9", "5.5", "a@b.co", "T01"]),
    st.text(max_size=6),
)
columns = st.lists(
    st.sampled_from(
        [
            "id",
            "experience",
            "department",
            "team",
            "tses_mean",
            "cte_mean",
            "cr1",
            "cr2",
            "stress",
            "Name",
            "tses1",
            "tses 2",
            "TSES_3",
            "comment",
        ]
    ),
    min_size=1,
    max_size=8,
)
tables = st.builds(
    lambda cols, rows: [cols, *rows], columns, st.lists(st.lists(cells, max_size=9), max_size=9)
)
valid_ish = st.builds(
    lambda n, drop, bad: (n, drop, bad),
    st.integers(3, 9),
    st.sets(st.sampled_from(["experience", "department", "tses5", "cte2"]), max_size=2),
    st.lists(
        st.tuples(st.integers(0, 8), st.sampled_from(["tses1", "cte4", "experience", "id"]), cells),
        max_size=3,
    ),
)


def check_outcome(done, folder: Path, before: dict) -> None:
    assert "Traceback" not in done.err and "Traceback" not in done.out
    assert done.code in (0, 2), done.err
    event(f"exit status {done.code}")
    if done.code == 2:
        assert files_in(folder) == before
        assert done.err.strip() and all(
            line.startswith("error: ") for line in done.err.strip().splitlines()
        )
    else:
        scenario = load(folder / "out.toml")
        assert scenario.model(rng=0).n_teachers >= 5


@FUZZ
@given(tables)
def test_random_tables_as_surveys(tmp_path_factory, capsys, monkeypatch, table):
    folder = tmp_path_factory.mktemp("fuzz")
    survey = folder / "survey.csv"
    with survey.open("w", newline="") as handle:
        csv.writer(handle).writerows(table)
    before = files_in(folder)
    done = staffroom(
        capsys, monkeypatch, "school", "from-survey", str(survey), "--out", str(folder / "out.toml")
    )
    check_outcome(done, folder, before)


@FUZZ
@given(
    valid_ish,
    st.lists(
        st.tuples(
            st.sampled_from(["T01", "T02", "T03", "T03", "T09", ""]),
            st.sampled_from(["T02", "T04", "T05", "T05", "Z"]),
        ),
        min_size=1,
        max_size=5,
    ),
)
def test_nearly_valid_surveys_and_advice_pairs(tmp_path_factory, capsys, monkeypatch, spec, pairs):
    n, drop, bad = spec
    rows = [{k: v for k, v in r.items() if k not in drop} for r in survey_rows(n)]
    for k, column, value in bad:
        if k < len(rows) and column in rows[k]:
            rows[k][column] = value
    folder = tmp_path_factory.mktemp("fuzz")
    survey = write_csv(folder / "survey.csv", rows)
    advice = write_pairs(folder / "advice.csv", pairs)
    before = files_in(folder)
    done = staffroom(
        capsys,
        monkeypatch,
        "school",
        "from-survey",
        str(survey),
        "--network",
        str(advice),
        "--out",
        str(folder / "out.toml"),
    )
    check_outcome(done, folder, before)


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes_are_refused_in_one_line_per_problem(
    tmp_path_factory, capsys, monkeypatch, data
):
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "survey.csv").write_bytes(data)
    shutil.copyfile(EXAMPLE / "advice_pairs.csv", folder / "advice.csv")
    before = files_in(folder)
    done = staffroom(
        capsys,
        monkeypatch,
        "school",
        "from-survey",
        str(folder / "survey.csv"),
        "--out",
        str(folder / "out.toml"),
    )
    check_outcome(done, folder, before)


@pytest.mark.parametrize("command", [["school", "from-survey"], ["school", "example"]])
def test_the_school_commands_explain_themselves_with_an_example(command, capsys, monkeypatch):
    done = staffroom(capsys, monkeypatch, *command, "--help")
    assert done.code == 0
    assert f"Example: staffroom {' '.join(command)}" in " ".join(done.out.split())


def test_the_survey_guide_documents_every_scale_and_reversed_item():
    from scenarios.survey import SCALES

    text = (Path(__file__).parents[1] / "docs" / "survey.md").read_text()
    for scale in SCALES:
        assert f"`{scale.prefix}" in text
    cte = next(s for s in SCALES if s.prefix == "cte")
    rows = [line for line in text.splitlines() if line.endswith("| reversed |")]
    assert [int(line.split("|")[1]) for line in rows] == list(cte.reversed)
