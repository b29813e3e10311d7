"""Leader rules: conditions over what a leader can observe, and the changes they make.

A rule is checked by the :class:`simulation.Leader` at its checkpoints (the
end of an assessment cycle or of a school year)::

    {"when": "year_end", "if": "observed_practice_share < 0.3",
     "then": {"support_model": "coaching", "coaches": 3}, "once": True}

Conditions are written in a small grammar, parsed here into a tree and
evaluated over named observables; nothing is ever evaluated as Python::

    condition  := conjunct ("or" conjunct)*
    conjunct   := term ("and" term)*
    term       := "(" condition ")" | comparison
    comparison := operand op operand        op: < <= > >= == != (= means ==)
    operand    := observable | number       a number may end in % (30% = 0.3)

Every comparison names at least one observable (:data:`OBSERVABLES`). An
observable the leader cannot see at that moment (the walkthrough share
without fidelity monitoring, annual results before the first year end) makes
its comparisons false.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ParameterError
from .parameters import suggest

#: What the leader can observe at a checkpoint: name -> (meaning, unit).
OBSERVABLES: dict[str, tuple[str, str]] = {
    "year": ("the school year of the checkpoint (1 = the first)", "year"),
    "cycle": (
        "the assessment cycle of the year that just ended (1 to 6 with 6-week cycles)",
        "cycle",
    ),
    "observed_practice_share": (
        "share of classroom walkthroughs in the last cycle in which the evidence-based "
        "practice was seen in use; only with fidelity_monitoring on",
        "0-1",
    ),
    "surveyed_self_efficacy": (
        "staff survey: mean teacher self-efficacy, with measurement error",
        "TSES 1-9",
    ),
    "surveyed_collective_efficacy": (
        "staff survey: mean perceived collective efficacy, with measurement error",
        "0-1",
    ),
    "surveyed_responsibility": (
        "staff survey: mean collective responsibility, with measurement error",
        "0-1",
    ),
    "annual_gain": ("the latest annual test: mean student gain", "SD/year"),
    "ses_gap": (
        "the latest annual test: achievement gap, advantaged minus disadvantaged students",
        "SD",
    ),
    "ses_gain_slope": (
        "the latest annual test: extra annual gain per SD of family SES",
        "SD/year per SD",
    ),
    "proficient_disadvantaged": (
        "the latest annual test: share of disadvantaged students at or above proficiency",
        "0-1",
    ),
    "proficient_advantaged": (
        "the latest annual test: share of advantaged students at or above proficiency",
        "0-1",
    ),
    "turnover_rate": ("share of teachers who left at the latest year end", "0-1"),
}
#: Checkpoints a rule can be checked at.
WHEN = ("year_end", "cycle_end")
RULE_KEYS = ("when", "if", "then", "once", "name")
MAX_LENGTH = 500
MAX_DEPTH = 10
MAX_COMPARISONS = 20
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?%?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><=|>=|==|!=|<|>|=)
  | (?P<paren>[()])
  | (?P<minus>-)
""",
    re.VERBOSE,
)


class RuleError(ParameterError):
    """A rule that cannot be parsed or uses an unknown observable or lever."""


# ---------------------------------------------------------------------------
# the condition tree
# ---------------------------------------------------------------------------

Operand = str | float


@dataclass(frozen=True)
class Comparison:
    """``left op right``; each side an observable's name or a number."""

    left: Operand
    op: str
    right: Operand

    def holds(self, seen: Mapping[str, float | None]) -> bool:
        """Whether the comparison is true for these observations (false if unobserved)."""
        a, b = _value(self.left, seen), _value(self.right, seen)
        if a is None or b is None:
            return False
        return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "==": a == b, "!=": a != b}[
            self.op
        ]

    @property
    def names(self) -> frozenset[str]:
        """The observables it reads."""
        return frozenset(x for x in (self.left, self.right) if isinstance(x, str))

    def __str__(self) -> str:
        return f"{_text(self.left)} {self.op} {_text(self.right)}"


@dataclass(frozen=True)
class Junction:
    """Comparisons joined by ``and`` (all must hold) or ``or`` (any)."""

    kind: str
    parts: tuple[Condition, ...]

    def holds(self, seen: Mapping[str, float | None]) -> bool:
        """Whether the whole condition is true for these observations."""
        test = all if self.kind == "and" else any
        return test(part.holds(seen) for part in self.parts)

    @property
    def names(self) -> frozenset[str]:
        """The observables it reads."""
        return frozenset().union(*(part.names for part in self.parts))

    def __str__(self) -> str:
        return f" {self.kind} ".join(
            f"({p})" if isinstance(p, Junction) else str(p) for p in self.parts
        )


Condition = Comparison | Junction


def _value(operand: Operand, seen: Mapping[str, float | None]) -> float | None:
    if isinstance(operand, str):
        value = seen.get(operand)
        return None if value is None or math.isnan(value) else float(value)
    return operand


def _text(operand: Operand) -> str:
    return operand if isinstance(operand, str) else f"{operand:g}"


# ---------------------------------------------------------------------------
# parsing
# ---------------------------------------------------------------------------


@dataclass
class _Tokens:
    text: str
    items: list[tuple[str, str, int]] = field(default_factory=list)
    at: int = 0

    def peek(self) -> tuple[str, str, int]:
        return self.items[self.at] if self.at < len(self.items) else ("end", "", len(self.text))

    def take(self) -> tuple[str, str, int]:
        token = self.peek()
        self.at += 1
        return token


def _fail(problem: str) -> RuleError:
    return RuleError(problem, key="if")


def _shown(token: tuple[str, str, int]) -> str:
    kind, text, position = token
    if kind == "end":
        return "the end"
    return f"{text!r} at character {position + 1}"


def _tokenize(text: str) -> _Tokens:
    tokens = _Tokens(text)
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            char = text[position]
            hint = {"&": " (write 'and')", "|": " (write 'or')", "!": " (write !=)"}.get(char, "")
            raise _fail(
                f"cannot read {char!r} at character {position + 1}{hint}; a condition "
                "compares observables with numbers, e.g. observed_practice_share < 0.3"
            )
        kind = match.lastgroup or ""
        if kind != "space":
            value = match.group()
            if kind == "name" and value.lower() in ("and", "or"):
                kind, value = "join", value.lower()
            elif kind == "op" and value == "=":
                value = "=="
            tokens.items.append((kind, value, position))
        position = match.end()
    return tokens


def parse_condition(text: Any) -> Condition:
    """Parse a condition; raise :class:`RuleError` saying what is wrong and where.

    Examples
    --------
    >>> str(parse_condition("observed_practice_share < 30% and year >= 1"))
    'observed_practice_share < 0.3 and year >= 1'
    """
    if not isinstance(text, str):
        raise _fail(
            f'must be a condition in quotes, e.g. "turnover_rate > 0.2", not {type(text).__name__}'
        )
    if not text.strip():
        raise _fail('is empty; write a condition, e.g. "observed_practice_share < 0.3"')
    if len(text) > MAX_LENGTH:
        raise _fail(f"is {len(text)} characters long; allowed: up to {MAX_LENGTH}")
    tokens = _tokenize(text)
    counter = [0]
    condition = _disjunction(tokens, 0, counter)
    if tokens.peek()[0] != "end":
        raise _fail(f"unexpected {_shown(tokens.peek())}; join comparisons with 'and' or 'or'")
    return condition


def _disjunction(tokens: _Tokens, depth: int, counter: list[int]) -> Condition:
    parts = [_conjunction(tokens, depth, counter)]
    while tokens.peek()[:2] == ("join", "or"):
        tokens.take()
        parts.append(_conjunction(tokens, depth, counter))
    return parts[0] if len(parts) == 1 else Junction("or", tuple(parts))


def _conjunction(tokens: _Tokens, depth: int, counter: list[int]) -> Condition:
    parts = [_term(tokens, depth, counter)]
    while tokens.peek()[:2] == ("join", "and"):
        tokens.take()
        parts.append(_term(tokens, depth, counter))
    return parts[0] if len(parts) == 1 else Junction("and", tuple(parts))


def _term(tokens: _Tokens, depth: int, counter: list[int]) -> Condition:
    if tokens.peek()[:2] == ("paren", "("):
        if depth >= MAX_DEPTH:
            raise _fail(f"nests brackets more than {MAX_DEPTH} deep")
        tokens.take()
        inner = _disjunction(tokens, depth + 1, counter)
        closing = tokens.take()
        if closing[:2] != ("paren", ")"):
            raise _fail(f"expected ')' but found {_shown(closing)}")
        return inner
    counter[0] += 1
    if counter[0] > MAX_COMPARISONS:
        raise _fail(f"has more than {MAX_COMPARISONS} comparisons")
    left = _operand(tokens)
    op = tokens.take()
    if op[0] != "op":
        example = f"{left} < 0.3" if isinstance(left, str) else "turnover_rate > 0.2"
        raise _fail(
            f"expected a comparison (<, <=, >, >=, ==, !=) but found {_shown(op)}; e.g. {example}"
        )
    right = _operand(tokens)
    if not isinstance(left, str) and not isinstance(right, str):
        raise _fail(
            f"compares two numbers ({_text(left)} {op[1]} {_text(right)}); name an "
            f"observable: {', '.join(OBSERVABLES)}"
        )
    return Comparison(left, op[1], right)


def _operand(tokens: _Tokens) -> Operand:
    token = tokens.take()
    sign = 1.0
    if token[0] == "minus":
        sign, token = -1.0, tokens.take()
        if token[0] != "number":
            raise _fail(f"expected a number after '-' but found {_shown(token)}")
    kind, text, _ = token
    if kind == "number":
        value = float(text.rstrip("%")) / (100.0 if text.endswith("%") else 1.0)
        if not math.isfinite(value):
            raise _fail(f"the number {text!r} is too large")
        return sign * value
    if kind == "name":
        if text not in OBSERVABLES:
            raise _fail(
                f"unknown observable {text!r}{suggest(text, OBSERVABLES)}; "
                f"observables: {', '.join(OBSERVABLES)}"
            )
        return text
    raise _fail(f"expected an observable or a number but found {_shown(token)}")


# ---------------------------------------------------------------------------
# rules
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A leader's rule: at each ``when`` checkpoint, if ``condition`` holds, change levers.

    Attributes
    ----------
    condition : Condition
        Parsed from the ``if`` text (:func:`parse_condition`).
    changes : Mapping[str, Any]
        Lever names (``Parameters.levers()``) and their new values; they apply
        from the start of the week after the checkpoint.
    when : str
        ``"year_end"`` (week 36) or ``"cycle_end"`` (every common assessment,
        week 36 included).
    once : bool
        Fire at most once per run (default); otherwise at every checkpoint
        where the condition holds.
    name : str
        A label for reports (default: the condition).
    """

    condition: Condition
    changes: Mapping[str, Any]
    when: str = "year_end"
    once: bool = True
    name: str = ""

    @property
    def label(self) -> str:
        """The name, or the condition if the rule has none."""
        return self.name or f"if {self.condition}"

    def describe(self) -> str:
        """The whole rule in words: ``at each year end, if ..., then ...``."""
        when = "at each year end" if self.when == "year_end" else "at the end of each cycle"
        changes = ", ".join(f"{k} = {_setting(v)}" for k, v in self.changes.items())
        once = " (once)" if self.once else ""
        return f"{when}, if {self.condition}, then {changes}{once}"


def _setting(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return f"{value:g}" if isinstance(value, float) else str(value)


def rule(item: Rule | Mapping[str, Any]) -> Rule:
    """A :class:`Rule` from a mapping with ``when``, ``if``, ``then``, ``once``, ``name``.

    ``then`` holds model lever names (``support_model``, ``structure``, ...);
    whether they are levers and their values allowed is checked by the model.

    Raises
    ------
    RuleError
        Naming the key at fault and what is allowed.
    """
    if isinstance(item, Rule):
        return item
    if not isinstance(item, Mapping):
        raise RuleError(
            f"a rule must be a table with {', '.join(RULE_KEYS)}, not {type(item).__name__}",
            key="rules",
        )
    for key in item:
        if key not in RULE_KEYS:
            raise RuleError(
                f"unknown key {key!r} in a rule{suggest(str(key), RULE_KEYS)}; "
                f"allowed: {', '.join(RULE_KEYS)}",
                key=str(key),
            )
    when = item.get("when", "year_end")
    if when not in WHEN:
        hint = suggest(when, WHEN) if isinstance(when, str) else ""
        raise RuleError(
            f"= {when!r}{hint}; allowed: {', '.join(repr(w) for w in WHEN)}", key="when"
        )
    if "if" not in item:
        raise RuleError(
            'missing; write the condition, e.g. if = "observed_practice_share < 0.3"', key="if"
        )
    condition = parse_condition(item["if"])
    changes = item.get("then")
    if not isinstance(changes, Mapping) or not changes:
        raise RuleError(
            "must be a table of levers to change, e.g. then = { support_model = "
            '"coaching", coaches = 3 }',
            key="then",
        )
    once = item.get("once", True)
    if not isinstance(once, bool):
        raise RuleError(f"must be true or false, not {once!r}", key="once")
    name = item.get("name", "")
    if not isinstance(name, str):
        raise RuleError(f"must be text in quotes, not {type(name).__name__}", key="name")
    return Rule(condition, dict(changes), when, once, name.strip())


def rules(items: Iterable[Rule | Mapping[str, Any]]) -> tuple[Rule, ...]:
    """Several rules (see :func:`rule`), in order."""
    if isinstance(items, Mapping | str):
        raise RuleError("rules must be a list of rules", key="rules")
    return tuple(rule(item) for item in items)
