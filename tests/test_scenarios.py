"""Scenario files: the library loads; bad files are refused with clear messages."""

from __future__ import annotations

import pytest

from analysis.experiments.replicates import run_many
from analysis.experiments.seeds import replicate_seeds
from scenarios import builtin_names, load
from simulation import InputError


def test_every_builtin_scenario_loads_and_builds_a_model():
    names = builtin_names()
    assert len(names) >= 10
    for name in names:
        scenario = load(name)
        assert scenario.description
        model = scenario.model(rng=0)
        model.step()


def test_extends_writes_a_plan_as_changes_to_a_baseline():
    base, plan = load("departments"), load("plc_coaching")
    assert plan.parameters["n_students"] == base.parameters["n_students"]
    assert plan.parameters["structure"] == "plc"
    assert plan.interventions[0].year == 2
    assert plan.interventions[0].changes["support_model"] == "coaching"


def write(tmp_path, text, name="school.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    "text, key, fragment",
    [
        ("[school]\nstudens = 900\n", "[school] studens", "did you mean 'students'"),
        ("[school]\nstudents = -5\n", "[school] students", "allowed: 20 to 200000"),
        ("[school]\nstudents = 'many'\n", "[school] students", "must be a number"),
        ("[policies]\ndata_review = 'yes'\n", "[policies] data_review", "true or false"),
        (
            "years = 2\n[[intervention]]\nyear = 3\ndata_review = true\n",
            "[[intervention]] 1 year",
            "outside the run",
        ),
        (
            "[[intervention]]\nyear = 1\ncoching = 2\n",
            "[[intervention]] 1 coching",
            "did you mean 'coaches'",
        ),
        (
            "[structure]\ntype = 'custom'\nnetwork_file = 'missing.csv'\n",
            "network_file",
            "network file not found",
        ),
        ("colour = 'blue'\n", "colour", "unknown key"),
        ("[school\nstudents = 3\n", None, "not valid TOML"),
    ],
)
def test_bad_scenarios_get_one_message_naming_file_key_and_what_is_allowed(
    tmp_path, text, key, fragment
):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as error:
        load(path)
    message = str(error.value)
    assert str(path.parent) in message
    if key:
        assert key in message
    assert fragment in message
    assert "\n" not in message


def test_a_network_file_is_found_relative_to_the_scenario(tmp_path):
    (tmp_path / "nets").mkdir()
    (tmp_path / "nets" / "ties.csv").write_text(
        "source,target\n" + "".join(f"t{i},t{i + 1}\n" for i in range(20))
    )
    path = write(
        tmp_path,
        "[school]\nstudents = 300\n[structure]\ntype = 'custom'\nnetwork_file = 'nets/ties.csv'\n",
    )
    scenario = load(path)
    assert scenario.model(rng=0).n_teachers == 21


def test_extends_cycles_are_refused(tmp_path):
    write(tmp_path, "extends = 'b.toml'\n", "a.toml")
    write(tmp_path, "extends = 'a.toml'\n", "b.toml")
    with pytest.raises(InputError, match="goes round in a circle"):
        load(tmp_path / "a.toml")


def test_replicates_are_identical_whatever_the_number_of_workers():
    scenario = load("small_school")
    planned = [scenario.for_run(replicates=3, years=1)]
    (one,), (two,) = run_many(planned, workers=1), run_many(planned, workers=2)
    assert one.trajectories.equals(two.trajectories)
    assert len(one.summary) == 3
    assert len(set(replicate_seeds(1, 50))) == 50
    assert replicate_seeds(1, 5) == replicate_seeds(1, 8)[:5]
