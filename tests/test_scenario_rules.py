"""``[[rule]]`` in scenario files: the Maine Township scenario, merging, one-line errors."""

from __future__ import annotations

import tomllib

import pytest
from cli_support import staffroom
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scenarios import Scenario, from_document, load
from scenarios.dump import dumps
from simulation import InputError
from simulation.rules import OBSERVABLES

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
PLAN = """extends = "plc"
[policies]
support_model = "train_the_trainer"
fidelity_monitoring = true
"""
RULE = """
[[rule]]
when = "year_end"
if = "observed_practice_share < 0.3"
then = { support_model = "coaching", coaches = 3 }
"""


def write(folder, name: str, text: str):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_maine_township_switches_to_coaching_by_a_rule_not_a_date():
    scenario = load("maine_township")
    assert not scenario.interventions
    (rule,) = scenario.rules
    assert rule.when == "year_end" and rule.once
    assert rule.condition.names == {"observed_practice_share"}
    assert rule.changes["support_model"] == "coaching"
    assert scenario.parameters["support_model"] == "train_the_trainer"
    assert scenario.parameters["fidelity_monitoring"] is True
    model = scenario.model(rng=0, n_students=200)
    assert model.rules == scenario.rules


def test_rules_add_to_the_parents_and_errors_name_the_file_they_are_in(tmp_path):
    parent = write(tmp_path, "parent.toml", PLAN + RULE)
    child = write(tmp_path, "child.toml", 'extends = "parent.toml"\n' + RULE.replace("0.3", "0.1"))
    scenario = load(child)
    assert [r.condition.right for r in scenario.rules] == [0.3, 0.1]
    write(
        tmp_path,
        "child.toml",
        'extends = "parent.toml"\n'
        + RULE.replace("observed_practice_share", "observed_practise_share"),
    )
    with pytest.raises(InputError) as raised:
        load(child)
    message = str(raised.value)
    assert message.startswith(f"{child}: [[rule]] 1 if: unknown observable")
    assert "did you mean 'observed_practice_share'" in message
    write(tmp_path, "parent.toml", PLAN + RULE.replace("once", "onse") + "onse = true\n")
    with pytest.raises(InputError) as raised:
        load(child)
    assert str(raised.value).startswith(f"{parent}: [[rule]] 1 onse: unknown key")


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        (("coaches = 3", "coachs = 3"), "[[rule]] 1 then coachs", "did you mean 'coaches'"),
        (("coaches = 3", "coaches = 300"), "[[rule]] 1 then coaches", "0 to 200"),
        (('"year_end"', '"yearly"'), "[[rule]] 1 when", "allowed: 'year_end', 'cycle_end'"),
        (("< 0.3", "< 0.3 and"), "[[rule]] 1 if", "the end"),
        (
            ('then = { support_model = "coaching", coaches = 3 }', "then = 3"),
            "[[rule]] 1 then",
            "must be a table",
        ),
        (
            ('support_model = "coaching"', "n_students = 300"),
            "[[rule]] 1 then n_students",
            "unknown lever",
        ),
    ],
)
def test_bad_rules_are_refused_in_one_line_with_status_2(
    tmp_path, capsys, monkeypatch, change, key, words
):
    path = write(tmp_path, "plan.toml", PLAN + RULE.replace(*change))
    done = staffroom(capsys, monkeypatch, "scenarios", "check", str(path))
    assert done.code == 2 and "Traceback" not in done.err
    line = done.err.strip()
    assert "\n" not in line
    assert line.startswith((f"error: {path}: {key}:", f"error: {path}: {key} ")) and words in line


def test_walkthroughs_need_fidelity_monitoring_somewhere(tmp_path):
    path = write(tmp_path, "plan.toml", PLAN.replace("fidelity_monitoring = true", "") + RULE)
    with pytest.raises(InputError, match="need fidelity_monitoring = true"):
        load(path)
    later = (
        PLAN.replace("fidelity_monitoring = true", "")
        + RULE
        + ("\n[[intervention]]\nyear = 2\nfidelity_monitoring = true\n")
    )
    assert load(write(tmp_path, "later.toml", later)).rules


def test_merged_output_keeps_the_rules(capsys, monkeypatch, tmp_path):
    done = staffroom(capsys, monkeypatch, "scenarios", "show", "--merged", "maine_township")
    assert done.code == 0
    assert tomllib.loads(done.out)["rule"][0]["if"] == "observed_practice_share < 0.3"
    copy = write(tmp_path, "copy.toml", done.out)
    assert load(copy).rules == load("maine_township").rules


def test_sweeps_refuse_a_scenario_with_rules_in_one_line(tmp_path, capsys, monkeypatch):
    path = write(
        tmp_path,
        "sweep.toml",
        'scenario = "maine_township"\nreplicates = 1\n'
        '[design]\ntype = "factorial"\n[factors]\ncoaches = [1, 2]\n',
    )
    done = staffroom(capsys, monkeypatch, "sweep", str(path), "--plan")
    assert done.code == 2 and "has leader rules" in done.err


keys = st.sampled_from(["when", "if", "then", "once", "name", "wen", "year"])
values = st.one_of(
    st.sampled_from(
        [
            "year_end",
            "cycle_end",
            "observed_practice_share < 0.3",
            "year >= 2 or",
            "turnover_rate > 20%",
            "((year",
            "__import__('os')",
        ]
    ),
    st.text(max_size=30),
    st.booleans(),
    st.integers(-5, 500),
    st.floats(allow_nan=True),
    st.dictionaries(
        st.sampled_from(["support_model", "coaches", "type", "x", "data_review"]),
        st.one_of(
            st.sampled_from(["coaching", "plc", "none"]),
            st.integers(-1, 300),
            st.booleans(),
            st.text(max_size=5),
        ),
        max_size=3,
    ),
)
tables = st.lists(st.dictionaries(keys, values, max_size=5), max_size=3)
conditions = st.lists(
    st.sampled_from(
        [*OBSERVABLES, "and", "or", "(", ")", "<", "<=", "==", "0.3", "-1", "40%", "x"]
    ),
    max_size=9,
).map(" ".join)


@FUZZ
@given(tables, conditions)
def test_random_rule_tables_give_a_scenario_or_one_line_error(tmp_path, items, condition):
    if items:
        items[0]["if"] = condition
    document = {"extends": "plc", "policies": {"fidelity_monitoring": True}, "rule": items}
    path = tmp_path / "fuzz.toml"
    try:
        path.write_text(dumps(document), encoding="utf-8")
    except TypeError:
        return
    for call in (
        lambda: load(path),
        lambda: from_document({k: v for k, v in document.items() if k != "extends"}),
    ):
        try:
            result = call()
        except InputError as error:
            assert str(error) and "\n" not in str(error)
        else:
            assert isinstance(result, Scenario)


def test_the_format_reference_lists_every_observable():
    from pathlib import Path

    text = (Path(__file__).parents[1] / "docs" / "scenarios.md").read_text()
    for name in OBSERVABLES:
        assert f"| `{name}` |" in text, name


def test_check_says_how_many_rules_a_plan_has(capsys, monkeypatch):
    done = staffroom(capsys, monkeypatch, "scenarios", "check", "maine_township")
    assert done.code == 0 and "1 leader rule(s)" in " ".join(done.out.split())
