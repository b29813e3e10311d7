"""Hypothesis fuzzes the scenario loader: it returns a scenario or raises InputError, never more."""

from __future__ import annotations

import datetime as dt

from cli_support import staffroom
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scenarios import Scenario, from_document, load
from scenarios.dump import dumps
from scenarios.schema import INTERVENTION_KEYS, SECTIONS, TOP_LEVEL
from simulation import InputError

KEYS = sorted(
    TOP_LEVEL
    | set(SECTIONS)
    | {"intervention", "year", "week"}
    | {k for keys in SECTIONS.values() for k in keys}
    | set(INTERVENTION_KEYS)
)
names = st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=12))
scalars = st.one_of(
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.integers(-3, 60),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-3, 3),
    st.text(max_size=20),
    st.sampled_from(["plc", "custom", "coaching", "choice", "none", "."]),
    st.dates(),
    st.datetimes(timezones=st.just(dt.UTC)),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(names, inner, max_size=4)),
    max_leaves=8,
)
sections = st.dictionaries(
    st.sampled_from([*sorted(SECTIONS), "intervention", "extra"]),
    st.dictionaries(names, values, max_size=5),
    max_size=4,
)
interventions = st.lists(st.dictionaries(names, values, max_size=5), max_size=3)
documents = st.builds(
    lambda top, tables, items: {**top, **tables, **({"intervention": items} if items else {})},
    st.dictionaries(names, values, max_size=5),
    sections,
    interventions,
)
FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def loads_or_refuses(call) -> None:
    try:
        result = call()
    except InputError as error:
        message = str(error)
        assert message and "\n" not in message
    else:
        assert isinstance(result, Scenario)


@FUZZ
@given(documents)
def test_random_documents_give_a_scenario_or_an_input_error(document):
    loads_or_refuses(lambda: from_document(document))


@FUZZ
@given(documents)
def test_random_documents_written_as_toml_files_load_or_are_refused(tmp_path_factory, document):
    path = tmp_path_factory.mktemp("fuzz") / "scenario.toml"
    path.write_text(dumps(document), encoding="utf-8")
    loads_or_refuses(lambda: load(path))


@FUZZ
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode)))
def test_random_bytes_as_a_scenario_file_are_refused_in_one_line(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "scenario.toml"
    path.write_bytes(data)
    loads_or_refuses(lambda: load(path))


def test_a_fuzzed_mistake_reaches_the_user_as_status_2(tmp_path, capsys, monkeypatch):
    path = tmp_path / "scenario.toml"
    path.write_text(dumps({"school": {"students": [1, {"a": dt.date(2020, 1, 1)}]}}))
    done = staffroom(capsys, monkeypatch, "scenarios", "check", str(path))
    assert done.code == 2 and "Traceback" not in done.err
    assert "[school] students" in done.err
