"""``[[rule]]`` tables of scenario files: the leader's rules, checked key by key.

A rule is written with the scenario file's own lever names (``type`` for
the structure, as in ``[[intervention]]``)::

    [[rule]]
    name = "Switch to coaching"          # optional, for reports
    when = "year_end"                    # or "cycle_end" (default "year_end")
    if = "observed_practice_share < 0.3"
    then = { support_model = "coaching", coaches = 3 }
    once = true                          # default true

The condition grammar and the observables are those of
:mod:`simulation.rules`; this module turns each table into a
:class:`simulation.Rule` and words every mistake as ``[[rule]] N key: ...``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from simulation import InputError, NetworkFileError, ParameterError, Parameters, Rule
from simulation.networks import read_network_file
from simulation.parameters import suggest
from simulation.rules import RULE_KEYS, RuleError, rule

#: Observables the leader sees only while a lever is on, and that lever.
NEEDS = {"observed_practice_share": "fidelity_monitoring"}


def read(
    items: Any,
    lever_keys: Mapping[str, str],
    numbers: Sequence[int],
    fail: Callable[[int, str, str], InputError],
) -> tuple[Rule, ...]:
    """Check ``[[rule]]`` tables and build the rules.

    Parameters
    ----------
    items : list
        The tables as parsed (after ``extends`` is merged).
    lever_keys : Mapping
        Lever names as a scenario writes them -> model parameter names.
    numbers : sequence of int
        Each table's number in the file it is written in (for messages).
    fail : callable
        ``fail(index, key, message)`` -> the error to raise for table ``index``.
    """
    if not isinstance(items, list):
        raise fail(-1, "rule", "write each rule as a [[rule]] table (double brackets)")
    made = []
    for index, item in enumerate(items):
        label = f"[[rule]] {numbers[index]}"
        if not isinstance(item, Mapping):
            raise fail(index, label, f"must be a table with {', '.join(RULE_KEYS)}")
        for key in item:
            if key not in RULE_KEYS:
                raise fail(
                    index,
                    f"{label} {_shown(key)}",
                    f"unknown key{suggest(str(key), RULE_KEYS)}; allowed in [[rule]]: "
                    f"{', '.join(RULE_KEYS)}",
                )
        changes = _changes(
            item.get("then"),
            lever_keys,
            lambda key, message, i=index, lab=label: fail(i, f"{lab} {key}", message),
        )
        try:
            made.append(rule({**item, "then": changes}))
        except RuleError as error:
            raise fail(index, f"{label} {error.key}", error.message) from None
    return tuple(made)


def _shown(key: Any) -> str:
    text = str(key)
    return text if text.isprintable() and " " not in text and len(text) <= 60 else repr(text[:60])


def _changes(
    then: Any, lever_keys: Mapping[str, str], fail: Callable[[str, str], InputError]
) -> dict[str, Any]:
    example = 'then = { support_model = "coaching", coaches = 3 }'
    if not isinstance(then, Mapping):
        what = "missing" if then is None else f"must be a table, not {type(then).__name__}"
        raise fail("then", f"{what}; write the levers to change, e.g. {example}")
    if not then:
        raise fail("then", f"changes nothing; e.g. {example}")
    changes: dict[str, Any] = {}
    for key, value in then.items():
        if key not in lever_keys:
            levers = sorted(lever_keys)
            raise fail(
                f"then {_shown(key)}",
                f"unknown lever{suggest(str(key), levers)}; levers: {', '.join(levers)}",
            )
        changes[lever_keys[key]] = value
    try:
        Parameters.build(changes)
    except ParameterError as error:
        name = error.key or ""
        shown = next((k for k, v in lever_keys.items() if v == name), name)
        message = error.message
        for prefix in (f"parameter {name!r} ", f"{name!r} "):
            message = message.removeprefix(prefix)
        raise fail(f"then {shown}", message) from None
    return changes


def check(
    rules: Sequence[Rule],
    base: Parameters,
    scheduled: Sequence[Mapping[str, Any]],
    staff: int,
    fail: Callable[[int, str, str], InputError],
    numbers: Sequence[int],
) -> None:
    """Refuse rules that could never fire or could not be applied.

    A rule reading ``observed_practice_share`` needs fidelity monitoring on
    at some point (in ``[policies]``, an ``[[intervention]]`` or another
    rule); a rule that restructures to a custom network needs a file with
    the school's ``staff`` teachers.
    """
    turned_on = {lever for lever in NEEDS.values() if getattr(base, lever)}
    for changes in [*scheduled, *(r.changes for r in rules)]:
        turned_on |= {lever for lever in NEEDS.values() if changes.get(lever) is True}
    for index, item in enumerate(rules):
        label = f"[[rule]] {numbers[index]}"
        for name in sorted(item.condition.names):
            lever = NEEDS.get(name)
            if lever and lever not in turned_on:
                raise fail(
                    index,
                    f"{label} if",
                    f"{name} is seen only through classroom "
                    f"walkthroughs, which need {lever} = true ([policies], an "
                    "[[intervention]] or a rule's then); without it the rule never "
                    "fires",
                )
        file = item.changes.get("network_file")
        if item.changes.get("structure") == "custom" and file is None:
            file = base.network_file
            if file is None:
                raise fail(
                    index,
                    f"{label} then type",
                    "'custom' needs network_file, the "
                    "path of a GraphML, CSV or edge-list file of teacher pairs",
                )
        if file is None:
            continue
        try:
            size = read_network_file(file).n
        except NetworkFileError as error:
            raise fail(index, f"{label} then network_file", f"{error.message} ({file})") from None
        if size != staff:
            raise fail(
                index,
                f"{label} then network_file",
                f"the file has {size} teachers but the school has {staff}; staff size "
                f"cannot change during a run, so the file must list {staff} teachers",
            )
