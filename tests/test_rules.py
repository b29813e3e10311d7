"""The rule grammar: conditions parse into trees, evaluate as written, and never run Python."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulation import InputError
from simulation.rules import (
    MAX_DEPTH,
    OBSERVABLES,
    Comparison,
    Junction,
    RuleError,
    parse_condition,
    rule,
    rules,
)

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAMES = sorted(OBSERVABLES)


def test_a_comparison_and_percentages():
    condition = parse_condition("observed_practice_share < 30%")
    assert condition == Comparison("observed_practice_share", "<", 0.3)
    assert parse_condition("turnover_rate>=0.2") == Comparison("turnover_rate", ">=", 0.2)
    assert parse_condition("year = 2") == Comparison("year", "==", 2.0)
    assert parse_condition("ses_gain_slope > -0.05") == Comparison("ses_gain_slope", ">", -0.05)
    assert parse_condition("0.5 > surveyed_responsibility") == Comparison(
        0.5, ">", "surveyed_responsibility"
    )


def test_and_binds_tighter_than_or_and_brackets_override():
    loose = parse_condition("year >= 2 or turnover_rate > 0.2 and annual_gain < 0.2")
    assert isinstance(loose, Junction) and loose.kind == "or"
    assert isinstance(loose.parts[1], Junction) and loose.parts[1].kind == "and"
    tight = parse_condition("(year >= 2 or turnover_rate > 0.2) and annual_gain < 0.2")
    assert tight.kind == "and" and tight.parts[0].kind == "or"
    seen = {"year": 3.0, "turnover_rate": 0.0, "annual_gain": 0.5}
    assert loose.holds(seen) and not tight.holds(seen)
    assert tight.names == {"year", "turnover_rate", "annual_gain"}


def test_an_unobserved_value_makes_its_comparisons_false():
    condition = parse_condition("observed_practice_share < 0.3")
    assert not condition.holds({"observed_practice_share": None})
    assert not parse_condition("observed_practice_share != 0.3").holds({})
    either = parse_condition("observed_practice_share < 0.3 or year >= 2")
    assert either.holds({"observed_practice_share": None, "year": 2.0})
    assert not either.holds({"observed_practice_share": None, "year": 1.0})


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "observed_practise_share < 0.3",
            [
                "unknown observable 'observed_practise_share'",
                "did you mean 'observed_practice_share'",
                "observables: year",
            ],
        ),
        ("turnover_rate", ["expected a comparison", "the end"]),
        ("0.3 < 0.5", ["compares two numbers", "name an observable"]),
        ("year > 1 && year < 3", ["write 'and'"]),
        ("(year > 1", ["expected ')'"]),
        ("year > 1 year < 3", ["unexpected 'year' at character 10"]),
        ("", ["is empty"]),
        ("__import__('os').system('true')", ["cannot read", "character 12"]),
        ("__class__ < 1", ["unknown observable '__class__'"]),
        ("year > 1e999", ["too large"]),
    ],
)
def test_mistakes_get_one_line_naming_the_problem(text, words):
    with pytest.raises(RuleError) as raised:
        parse_condition(text)
    message = str(raised.value)
    assert "\n" not in message and raised.value.key == "if"
    for word in words:
        assert word in message


def test_deep_nesting_and_long_conditions_are_refused_not_a_recursion_error():
    with pytest.raises(RuleError, match="deep"):
        parse_condition("(" * (MAX_DEPTH + 1) + "year > 1" + ")" * (MAX_DEPTH + 1))
    with pytest.raises(RuleError, match="characters long"):
        parse_condition(" or ".join(["year > 1"] * 100))
    with pytest.raises(RuleError, match="more than"):
        parse_condition(" or ".join(["year>1"] * 25))


def test_rule_tables_are_checked_key_by_key():
    made = rule({"if": "year == 1", "then": {"coaches": 3}})
    assert made.when == "year_end" and made.once and made.changes == {"coaches": 3}
    assert made.describe() == "at each year end, if year == 1, then coaches = 3 (once)"
    for item, key, words in [
        ({"if": "year == 1", "then": {"coaches": 3}, "wen": "x"}, "wen", "did you mean 'when'"),
        (
            {"if": "year == 1", "then": {"coaches": 3}, "when": "yearend"},
            "when",
            "did you mean 'year_end'",
        ),
        ({"then": {"coaches": 3}}, "if", "missing"),
        ({"if": "year == 1"}, "then", "table of levers"),
        ({"if": "year == 1", "then": {"coaches": 3}, "once": "yes"}, "once", "true or false"),
    ]:
        with pytest.raises(RuleError) as raised:
            rule(item)
        assert raised.value.key == key and words in str(raised.value)
    with pytest.raises(RuleError):
        rules({"if": "year == 1"})


# ---------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------

numbers = st.floats(-5, 5, allow_nan=False).map(lambda x: round(x, 3))
comparisons = st.builds(
    lambda name, op, number: f"{name} {op} {number!r}",
    st.sampled_from(NAMES),
    st.sampled_from(["<", "<=", ">", ">=", "==", "!="]),
    numbers,
)
expressions = st.recursive(
    comparisons,
    lambda inner: st.one_of(
        st.builds(lambda a, b: f"{a} and {b}", inner, inner),
        st.builds(lambda a, b: f"{a} or {b}", inner, inner),
        inner.map(lambda a: f"({a})"),
    ),
    max_leaves=8,
)
observations = st.fixed_dictionaries({name: numbers for name in NAMES})


@FUZZ
@given(expressions, observations)
def test_conditions_mean_what_python_would_make_of_the_same_text(text, seen):
    # the test (not the code under test) uses Python as the oracle for precedence
    expected = eval(text, {"__builtins__": {}}, dict(seen))
    assert parse_condition(text).holds(seen) == expected


@FUZZ
@given(expressions)
def test_a_condition_prints_as_text_that_parses_back_to_it(text):
    condition = parse_condition(text)
    assert parse_condition(str(condition)) == condition


@FUZZ
@given(
    st.one_of(
        st.text(max_size=80),
        st.lists(
            st.sampled_from(
                [
                    *NAMES[:3],
                    "and",
                    "or",
                    "(",
                    ")",
                    "<",
                    "=",
                    "!=",
                    "0.3",
                    "-",
                    "%",
                    "1e9",
                    "not",
                    "__class__",
                    "'x'",
                ]
            ),
            max_size=12,
        ).map(" ".join),
    )
)
def test_any_text_is_a_condition_or_one_line_refusal(text):
    try:
        condition = parse_condition(text)
    except InputError as error:
        assert isinstance(error, RuleError) and str(error) and "\n" not in str(error)
    else:
        assert condition.names <= set(OBSERVABLES)
        assert isinstance(condition.holds({}), bool)
