"""Parameters: validation at the boundary and the documented table."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from test_properties import parameter_sets

from simulation import ParameterError, Parameters, SchoolModel
from simulation.parameters import markdown_table

ODD = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"


def test_unknown_parameter_names_the_key_and_suggests_a_near_miss():
    with pytest.raises(ParameterError) as error:
        SchoolModel(n_students=300, colaboration_minutes=90)
    assert error.value.key == "colaboration_minutes"
    assert "did you mean 'collaboration_minutes'" in str(error.value)


def test_out_of_range_value_says_what_is_allowed():
    with pytest.raises(ParameterError) as error:
        Parameters(team_size=40)
    message = str(error.value)
    assert "team_size" in message and "2 to 12" in message


def test_wrong_type_is_refused():
    with pytest.raises(ParameterError, match="must be true or false"):
        Parameters(data_review="yes")
    with pytest.raises(ParameterError, match="whole number"):
        Parameters(n_students=900.5)
    with pytest.raises(ParameterError, match="one of"):
        Parameters(support_model="mentoring")


def test_integers_are_accepted_for_real_valued_parameters():
    assert Parameters(leader_attention=7).leader_attention == 7.0


def test_every_parameter_has_unit_range_and_source():
    for name in Parameters.names():
        spec = Parameters.spec(name)
        assert spec.doc and spec.source, name
        default = getattr(Parameters(), name)
        if isinstance(default, float | int) and not isinstance(default, bool):
            assert spec.low is not None and spec.low <= default <= spec.high, name


def test_odd_holds_the_parameter_table_of_the_code():
    assert markdown_table().strip() in ODD.read_text()


def test_model_signature_lists_every_parameter():
    import inspect

    names = set(inspect.signature(SchoolModel).parameters)
    assert set(Parameters.names()) <= names
    assert {"rng", "disabled", "interventions"} <= names


@settings(max_examples=60, deadline=None)
@given(base=parameter_sets(), changes=parameter_sets())
def test_replace_checks_what_it_changes_and_equals_a_whole_build(base, changes):
    # replace() re-checks only the changed values and the rules between
    # parameters: it must give exactly what building the whole set gives
    start = Parameters.build(base)
    merged = {**base, **changes}
    try:
        whole = Parameters.build(merged)
    except ParameterError as error:
        with pytest.raises(ParameterError) as raised:
            start.replace(**changes)
        assert raised.value.key == error.key
    else:
        assert start.replace(**changes) == whole


def test_replace_refuses_a_value_out_of_range_or_a_broken_rule():
    p = Parameters()
    with pytest.raises(ParameterError, match="mastery_rate"):
        p.replace(mastery_rate=-1.0)
    with pytest.raises(ParameterError, match="persistence_long_run"):
        p.replace(persistence_long_run=min(1.0, p.persistence_one_year + 0.1))
