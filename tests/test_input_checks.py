"""Inputs that used to be accepted, or refused in words that did not help, and now are not.

Each mistake is one line naming the file, the key and what is allowed
(exit status 2), as for every other scenario or sweep mistake.
"""

from __future__ import annotations

import numpy as np
import pytest
from cli_support import staffroom
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.experiments.sweeps import Sweep, load_sweep
from scenarios import load
from simulation import InputError, ParameterError, SchoolModel


def one_error(done) -> str:
    assert done.code == 2, done.err
    lines = [line for line in done.err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in done.err, done.err
    return lines[0]


def chain(folder, teachers: int):
    path = folder / f"chain{teachers}.csv"
    path.write_text("source,target\n" + "".join(f"t{i},t{i + 1}\n" for i in range(teachers - 1)))
    return path


def test_a_custom_network_too_small_for_the_school_is_refused_with_what_fits(
    tmp_path, capsys, monkeypatch
):
    chain(tmp_path, 5)
    school = tmp_path / "school.toml"
    school.write_text(
        "[school]\nstudents = 900\n[structure]\ntype = 'custom'\nnetwork_file = 'chain5.csv'\n"
    )
    line = one_error(staffroom(capsys, monkeypatch, "scenarios", "check", str(school)))
    assert f"{school}: [school] students = 900:" in line
    assert "5 teachers" in line and "180.0 students per teacher" in line
    assert "allowed: 6 to 40 students per teacher" in line
    assert "30 to 200 students for these 5 teachers" in line
    assert "a network of 23 to 150 teachers for 900 students" in line
    with pytest.raises(ParameterError, match=r"180\.0 students per teacher"):
        SchoolModel(n_students=900, structure="custom", network_file=tmp_path / "chain5.csv")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(teachers=st.integers(2, 60), students=st.integers(20, 3000))
def test_custom_networks_are_accepted_exactly_when_the_ratio_is_allowed(
    tmp_path, teachers, students
):
    network = chain(tmp_path, teachers)
    school = tmp_path / "school.toml"
    school.write_text(
        f"[school]\nstudents = {students}\n[structure]\ntype = 'custom'\n"
        f"network_file = '{network.name}'\n"
    )
    if 6 <= students / teachers <= 40:
        assert load(school).parameters["n_students"] == students
    else:
        with pytest.raises(InputError, match="students per teacher"):
            load(school)


PLAN = (
    "extends = 'departments'\nname = 'two-step plan'\nyears = 3\n"
    "[[intervention]]\nyear = 1\ntype = 'plc'\n"
    "[[intervention]]\nyear = 2\nsupport_model = 'coaching'\n"
)


@pytest.mark.parametrize(
    ("years", "key"),
    [
        ("[factors]\nyears = [1, 3]\n", "[factors] years: level 1"),
        ("[factors]\nn_students = [300, 600]\n", "years = 1"),
        (
            "[design]\ntype = 'lhs'\nsamples = 4\n[factors]\nyears = { range = [1, 3] }\n",
            "[factors] years: range starts at 1",
        ),
    ],
)
def test_a_sweep_shorter_than_its_plan_is_refused_as_compare_refuses_it(
    years, key, tmp_path, capsys, monkeypatch
):
    (tmp_path / "plan.toml").write_text(PLAN)
    design = "" if "[design]" in years else "[design]\ntype = 'factorial'\n"
    sweep = tmp_path / "sweep.toml"
    top = "years = 1\n" if "n_students" in years else ""
    sweep.write_text("scenario = 'plan.toml'\n" + top + design + years)
    line = one_error(staffroom(capsys, monkeypatch, "sweep", str(sweep), "--plan"))
    assert f"{sweep}: {key}" in line
    assert "[[intervention]] in year 2" in line and "allowed: 2 years or more" in line
    compare = staffroom(
        capsys, monkeypatch, "compare", "departments", str(tmp_path / "plan.toml"), "--years", "1"
    )
    assert "[[intervention]] in year 2 is outside a 1-year run" in one_error(compare)


def test_a_sweep_as_long_as_its_plan_is_accepted(tmp_path):
    (tmp_path / "plan.toml").write_text(PLAN)
    sweep = tmp_path / "sweep.toml"
    sweep.write_text(
        "scenario = 'plan.toml'\n[design]\ntype = 'factorial'\n[factors]\nyears = [2, 3]\n"
    )
    assert load_sweep(sweep).runs == 2


BOM = b"\xef\xbb\xbf"


def test_files_saved_with_a_byte_order_mark_are_read(tmp_path, capsys, monkeypatch):
    school = tmp_path / "notepad.toml"
    school.write_bytes(BOM + b'name = "Saved in Notepad"\r\n[school]\r\nstudents = 600\r\n')
    assert load(school).name == "Saved in Notepad"
    sweep = tmp_path / "sweep.toml"
    sweep.write_bytes(
        BOM + b'scenario = "notepad.toml"\r\n[design]\r\ntype = "factorial"\r\n'
        b"[factors]\r\nn_students = [300, 600]\r\n"
    )
    assert load_sweep(sweep).scenario.name == "Saved in Notepad"
    done = staffroom(capsys, monkeypatch, "scenarios", "check", str(school))
    assert done.code == 0 and "Saved in Notepad" in done.out


@pytest.mark.parametrize("value", ['"yes"', "1", '"true"', "[true]"])
def test_a_switch_names_its_allowed_values(value, tmp_path, capsys, monkeypatch):
    school = tmp_path / "school.toml"
    school.write_text(f"[policies]\ndata_review = {value}\n")
    line = one_error(staffroom(capsys, monkeypatch, "scenarios", "check", str(school)))
    assert "[policies] data_review: must be true or false" in line
    assert "allowed: true or false" in line and "any value" not in line


def test_numpy_booleans_are_accepted_as_switches():
    model = SchoolModel(n_students=100, data_review=np.True_, clear_cycle=np.bool_(False), rng=1)
    assert model.params.data_review is True and model.params.clear_cycle is False
    with pytest.raises(ParameterError, match="allowed: true or false"):
        SchoolModel(n_students=100, data_review="yes")


@pytest.mark.parametrize("kind", ["scenario", "sweep"])
def test_an_oversized_file_is_refused_before_it_is_read(kind, tmp_path, capsys, monkeypatch):
    big = tmp_path / "huge.toml"
    with big.open("w") as out:
        out.write("values = [" + "0.5, " * 400_000 + "0.5]\n")  # a pasted array, 2 MB
    command = (
        ["scenarios", "check", str(big)] if kind == "scenario" else ["sweep", str(big), "--plan"]
    )
    line = one_error(staffroom(capsys, monkeypatch, *command))
    assert f"{big}: the file is 2.0 MB; allowed: scenario and sweep files of at most 1 MB" in line


@pytest.mark.parametrize("where", ["[structure]\ntype = 'custom'\n", "[structure]\n"])
def test_a_folder_given_as_network_file_is_called_a_folder(where, tmp_path, capsys, monkeypatch):
    school = tmp_path / "school.toml"
    school.write_text(where + "network_file = '.'\n")
    line = one_error(staffroom(capsys, monkeypatch, "scenarios", "check", str(school)))
    assert "[structure] network_file is a folder, not a network file" in line
    assert "not found" not in line
    sweep = Sweep  # the same check guards sweeps' [parameters]
    with pytest.raises(InputError, match="is a folder, not a network file"):
        sweep.from_dict(
            {
                "scenario": "departments",
                "parameters": {"structure": "custom", "network_file": "."},
                "design": {"type": "factorial"},
                "factors": {"n_students": [300, 600]},
            },
            base_dir=tmp_path,
        )


def test_the_dashboard_keeps_its_page_when_a_custom_network_cannot_staff_the_size():
    from dashboard.school import DashboardSchool

    school = DashboardSchool("custom_network", n_students=3000, seed_fallback=1)
    assert school.params.n_students == 620  # the scenario's own size
    assert "students per teacher" in school.notice and "620 students were used" in school.notice


# ---------------------------------------------------------------------------
# [school] disadvantaged_share
# ---------------------------------------------------------------------------


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(share=st.floats(0.05, 0.95), spread=st.floats(0.4, 1.5))
def test_a_disadvantaged_share_gives_a_school_with_that_share(tmp_path, share, spread):
    from simulation import Parameters
    from simulation.state import new_students

    school = tmp_path / "school.toml"
    school.write_text(
        f"[school]\nstudents = 40000\nses_sd = {spread!r}\ndisadvantaged_share = {share!r}\n"
    )
    try:
        scenario = load(school)
    except InputError as error:  # only a mean SES outside -2.5 to 2.5 is refused
        assert "outside -2.5 to 2.5" in str(error)
        return
    parameters = Parameters.build(scenario.parameters)
    students = new_students(parameters, np.random.default_rng(1), 6)
    assert students.disadvantaged.mean() == pytest.approx(share, abs=0.01)


def test_disadvantaged_share_and_ses_mean_are_one_or_the_other(tmp_path, capsys, monkeypatch):
    both = tmp_path / "both.toml"
    both.write_text("[school]\nses_mean = -0.5\ndisadvantaged_share = 0.6\n")
    line = one_error(staffroom(capsys, monkeypatch, "scenarios", "check", str(both)))
    assert "both set the school's SES; set one of them" in line
    for value in ("1.5", "0", '"60%"'):
        bad = tmp_path / "bad.toml"
        bad.write_text(f"[school]\ndisadvantaged_share = {value}\n")
        line = one_error(staffroom(capsys, monkeypatch, "scenarios", "check", str(bad)))
        assert "[school] disadvantaged_share = " in line and "between 0 and 1" in line
    # a plan that extends a school written with ses_mean may say it the other way
    child = tmp_path / "child.toml"
    child.write_text("extends = 'turnaround_baseline'\n[school]\ndisadvantaged_share = 0.6\n")
    assert load(child).parameters["ses_mean"] == pytest.approx(-0.9025, abs=1e-3)


def test_a_mistyped_file_name_suggests_the_file_beside_it(tmp_path, capsys, monkeypatch):
    (tmp_path / "our_school.toml").write_text("name = 'ours'\n")
    (tmp_path / "plan.toml").write_text("extends = 'our_schol.toml'\n")
    monkeypatch.chdir(tmp_path)
    typed = staffroom(capsys, monkeypatch, "scenarios", "check", "our_shool.toml")
    assert typed.code == 2 and "(did you mean 'our_school.toml'?)" in typed.err
    extended = staffroom(capsys, monkeypatch, "scenarios", "check", "plan.toml")
    assert extended.code == 2 and "extends: no file" in extended.err
    assert "(did you mean 'our_school.toml'?)" in extended.err, "as the file should say it"
    absolute = staffroom(capsys, monkeypatch, "scenarios", "check", tmp_path / "our_shool.toml")
    assert f"(did you mean '{(tmp_path / 'our_school.toml').as_posix()}'?)" in absolute.err


def test_a_value_out_of_range_reads_as_the_file_would_say_it(tmp_path, capsys, monkeypatch):
    (tmp_path / "bad.toml").write_text("[culture]\nself_efficacy = 12\n")
    done = staffroom(capsys, monkeypatch, "scenarios", "check", tmp_path / "bad.toml")
    assert done.code == 2
    assert done.err.strip().endswith(
        "[culture] self_efficacy = 12 is out of range; allowed: 1 to 9 (TSES 1-9)"
    )
