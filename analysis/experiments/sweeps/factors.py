"""Reading a sweep file's parts: its factors, design options and outcomes, checked.

Every problem is one :class:`~simulation.InputError` naming the file and the
key (:class:`Checker`), with what is allowed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import scenarios
from analysis.experiments.sweeps.design import DESIGNS, DISTRIBUTIONS, Factor
from scenarios import Scenario
from scenarios.schema import kind_of
from simulation import InputError, ParameterError, Parameters
from simulation.errors import about
from simulation.outcomes import measured
from simulation.parameters import suggest

DESIGN_OPTIONS: dict[str, dict[str, Any]] = {
    "factorial": {},
    "lhs": {"samples": None},
    "sobol": {"n": None, "second_order": True},
    "morris": {"trajectories": None, "levels": 4},
}
FACTOR_KEYS = ("levels", "range", "distribution", "mean", "sd", "mode", "steps")
SPECIAL_FACTORS = ("years", "scenario")
NOT_FACTORS = ("specialisms_per_subject",)
YEARS = (1, 50)


def is_number(value: Any) -> bool:
    """Whether ``value`` is a number (not a boolean)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


class Checker:
    """Carries the file name so every message names it."""

    def __init__(self, path: Path | None, base_dir: Path):
        self.source = str(path) if path else "<sweep>"
        self.base_dir = base_dir

    def fail(self, key: str, message: str) -> InputError:
        """The error for ``key``, naming the file."""
        return InputError(about(key, message), source=self.source, key=key)

    def whole(
        self, document: Mapping[str, Any], key: str, default: int | None, low: int, high: int
    ) -> int | None:
        """A whole number in ``[low, high]`` (or ``default``)."""
        value = document.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"must be a whole number, not {kind_of(value)} ({value!r})")
        if not low <= value <= high:
            raise self.fail(key, f"= {value} is out of range; allowed: {low} to {high}")
        return value

    def flag(self, document: Mapping[str, Any], key: str, default: bool) -> bool:
        """A true/false value (or ``default``)."""
        value = document.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, f"must be true or false, not {kind_of(value)} ({value!r})")
        return value

    def scenario(self, reference: Any, key: str) -> Scenario:
        """A scenario named in the sweep file, loaded (leader rules refused)."""
        if not isinstance(reference, str):
            raise self.fail(key, f"must name a scenario (text), not {kind_of(reference)}")
        try:
            path = scenarios.resolve(reference, self.base_dir)
        except InputError as error:
            raise self.fail(key, error.message) from None
        loaded = scenarios.load(path)
        if loaded.rules:
            raise self.fail(
                key,
                f"{reference!r} has leader rules ([[rule]]), which sweeps do "
                "not run; compare it with `staffroom compare`, or sweep a copy "
                "without its rules",
            )
        return loaded


def design_options(c: Checker, design_doc: Any) -> tuple[str, dict[str, Any]]:
    """The ``[design]`` table, checked: the design's type and its options."""
    if not isinstance(design_doc, Mapping) or "type" not in design_doc:
        raise c.fail("[design] type", f"missing; designs: {', '.join(DESIGNS)}")
    kind = design_doc["type"]
    if kind not in DESIGNS:
        raise c.fail(
            "[design] type",
            f"is {kind!r}{suggest(str(kind), DESIGNS)}; designs: {', '.join(DESIGNS)}",
        )
    allowed = DESIGN_OPTIONS[kind]
    for key in design_doc:
        if key != "type" and key not in allowed:
            listed = ", ".join(allowed) if allowed else "none"
            raise c.fail(
                f"[design] {key}",
                f"unknown for a {kind} design{suggest(key, allowed)}; options of {kind}: {listed}",
            )
    options: dict[str, Any] = {}
    for key, default in allowed.items():
        if key not in design_doc and default is None:
            example = {"samples": 100, "n": 256, "trajectories": 20}[key]
            raise c.fail(
                f"[design] {key}", f"missing: a {kind} design needs {key}, e.g. {key} = {example}"
            )
    if kind == "lhs":
        options["samples"] = c.whole(design_doc, "samples", None, 2, 10_000_000)
    elif kind == "sobol":
        n = c.whole(design_doc, "n", None, 1, 2**24)
        if n & (n - 1):
            low = 1 << (n.bit_length() - 1)
            raise c.fail(
                "[design] n",
                f"= {n} is not a power of 2 (Sobol sequences need one); e.g. {low} or {low * 2}",
            )
        options["n"] = n
        options["second_order"] = c.flag(design_doc, "second_order", True)
    elif kind == "morris":
        options["trajectories"] = c.whole(design_doc, "trajectories", None, 2, 1_000_000)
        levels = c.whole(design_doc, "levels", 4, 2, 100)
        if levels % 2:
            raise c.fail(
                "[design] levels",
                f"= {levels} must be even (Morris grids use an even number of levels), e.g. 4 or 6",
            )
        options["levels"] = levels
    return kind, options


def outcome_list(c: Checker, value: Any) -> tuple[str, ...]:
    """The ``outcomes`` key: ``"all"`` or a list of registered outcomes, none twice."""
    if value == "all":
        return measured()
    if not isinstance(value, list) or not value:
        raise c.fail(
            "outcomes",
            f'must be "all" or a list of outcome names, not {value!r}; '
            f"outcomes: {', '.join(measured())}",
        )
    for name in value:
        if name not in measured():
            raise c.fail(
                "outcomes",
                f"unknown outcome {name!r}"
                f"{suggest(str(name), measured())}; outcomes: "
                f"{', '.join(measured())}",
            )
    if len(set(value)) != len(value):
        raise c.fail("outcomes", "lists an outcome twice")
    return tuple(value)


def plain(error: ParameterError) -> str:
    """A ParameterError's message without its leading parameter name."""
    name = error.key or ""
    for prefix in (f"parameter {name!r} ", f"{name!r} "):
        if error.message.startswith(prefix):
            return error.message[len(prefix) :]
    return error.message


def resolve_path(c: Checker, name: str, value: Any) -> Any:
    """A ``network_file`` value made absolute, relative to the sweep file."""
    if name == "network_file" and isinstance(value, str):
        return str((c.base_dir / value).resolve())
    return value


def read_factor(c: Checker, name: str, spec: Any, kind: str) -> tuple[Factor, dict[str, Scenario]]:
    """One ``[factors]`` entry: its levels or range, checked (and scenarios it loads)."""
    key = f"[factors] {name}"
    allowed_names = (*SPECIAL_FACTORS, *(n for n in Parameters.names() if n not in NOT_FACTORS))
    if name in NOT_FACTORS:
        raise c.fail(
            key,
            "cannot be a factor (it is a list); vary it through scenario files "
            "and a `scenario` factor",
        )
    if name not in allowed_names:
        raise c.fail(
            key,
            f"unknown factor{suggest(name, allowed_names)}; a factor is a model "
            "parameter (`staffroom parameters`), years or scenario",
        )
    if isinstance(spec, list):
        spec = {"levels": spec}
    if not isinstance(spec, Mapping):
        raise c.fail(
            key,
            f"must be a list of levels or a table (levels = [...] or range = "
            f"[low, high]), not {kind_of(spec)}",
        )
    for item in spec:
        if item not in FACTOR_KEYS:
            raise c.fail(
                f"{key} {item}",
                f"unknown key{suggest(item, FACTOR_KEYS)}; allowed: {', '.join(FACTOR_KEYS)}",
            )
    if ("levels" in spec) == ("range" in spec):
        raise c.fail(key, "give either levels = [...] or range = [low, high]")
    if "levels" in spec:
        for item in ("distribution", "mean", "sd", "mode", "steps"):
            if item in spec:
                raise c.fail(f"{key} {item}", "applies to a range, not to levels")
        return _levels_factor(c, name, spec["levels"], key)
    if name == "scenario":
        raise c.fail(key, 'scenarios are levels, not a range: scenario = ["departments", "plc"]')
    return _range_factor(c, name, spec, kind, key), {}


def _levels_factor(
    c: Checker, name: str, levels: Any, key: str
) -> tuple[Factor, dict[str, Scenario]]:
    if not isinstance(levels, list) or not levels:
        raise c.fail(f"{key} levels", f"must be a non-empty list, not {levels!r}")
    loaded: dict[str, Scenario] = {}
    checked: list[Any] = []
    for value in levels:
        if name == "scenario":
            scenario = c.scenario(value, key)  # refuses anything but a name or a path
            loaded[value] = scenario
            checked.append(value)
        elif name == "years":
            if (
                isinstance(value, bool)
                or not isinstance(value, int)
                or not (YEARS[0] <= value <= YEARS[1])
            ):
                raise c.fail(
                    key,
                    f"level {value!r} is not a number of years; allowed: "
                    f"whole numbers {YEARS[0]} to {YEARS[1]}",
                )
            checked.append(value)
        else:
            value = resolve_path(c, name, value)
            try:  # a rule between parameters is judged at each design point (point_parameters)
                checked.append(Parameters.check(name, value))
            except ParameterError as error:
                raise c.fail(key, f"level {value!r}: {plain(error)}") from None
    if len({json.dumps(v) for v in checked}) != len(checked):
        raise c.fail(key, "lists a level twice")
    return Factor(name, levels=tuple(checked)), loaded


def _range_factor(c: Checker, name: str, spec: Mapping[str, Any], kind: str, key: str) -> Factor:
    if name == "years":
        integer, low_limit, high_limit, unit = True, float(YEARS[0]), float(YEARS[1]), "years"
    else:
        prm = Parameters.spec(name)
        ftype = Parameters.__dataclass_fields__[name].type
        if ftype not in ("int", "float", int, float):
            allowed = prm.allowed() if prm.choices else "true, false"
            raise c.fail(
                key,
                f"is not a number, so it takes levels (e.g. levels = [...]), not a "
                f"range; allowed values: {allowed}",
            )
        integer, low_limit, high_limit, unit = ftype in ("int", int), prm.low, prm.high, prm.unit
    bounds = spec["range"]
    if not isinstance(bounds, list) or len(bounds) != 2 or not all(is_number(b) for b in bounds):
        raise c.fail(f"{key} range", f"must be [low, high] (two numbers), not {bounds!r}")
    low, high = float(bounds[0]), float(bounds[1])
    if not low < high:
        raise c.fail(f"{key} range", f"low ({bounds[0]}) must be below high ({bounds[1]})")
    allowed = f"allowed: {low_limit:g} to {high_limit:g}{f' {unit}' if unit else ''}"
    if low < low_limit or high > high_limit:
        raise c.fail(f"{key} range", f"[{low:g}, {high:g}] leaves the parameter's range; {allowed}")
    distribution = spec.get("distribution", "uniform")
    if distribution not in DISTRIBUTIONS:
        raise c.fail(
            f"{key} distribution",
            f"is {distribution!r}"
            f"{suggest(str(distribution), DISTRIBUTIONS)}; allowed: "
            f"{', '.join(DISTRIBUTIONS)}",
        )
    needs = {"normal": ("mean", "sd"), "triangular": ("mode",)}.get(distribution, ())
    for item in ("mean", "sd", "mode"):
        if item in spec and item not in needs:
            raise c.fail(f"{key} {item}", f"does not apply to a {distribution} distribution")
        if item in needs:
            if item not in spec:
                raise c.fail(
                    f"{key} {item}",
                    f"missing: a {distribution} distribution needs {' and '.join(needs)}",
                )
            if not is_number(spec[item]):
                raise c.fail(f"{key} {item}", f"must be a number, not {spec[item]!r}")
    if distribution == "loguniform" and low <= 0:
        raise c.fail(f"{key} range", "a loguniform range must be above 0")
    if distribution == "normal" and spec["sd"] <= 0:
        raise c.fail(f"{key} sd", f"must be above 0, not {spec['sd']!r}")
    if distribution == "triangular" and not low <= spec["mode"] <= high:
        raise c.fail(f"{key} mode", f"= {spec['mode']} must lie in the range [{low:g}, {high:g}]")
    steps = spec.get("steps")
    if kind == "factorial":
        if steps is None:
            raise c.fail(
                key,
                "a range in a factorial design needs steps = N (N evenly spaced "
                "levels), or give levels = [...]",
            )
        if isinstance(steps, bool) or not isinstance(steps, int) or not 2 <= steps <= 10_000:
            raise c.fail(f"{key} steps", f"must be a whole number 2 to 10000, not {steps!r}")
    elif steps is not None:
        raise c.fail(
            f"{key} steps", f"applies to factorial designs; a {kind} design samples the range"
        )
    factor = Factor(
        name,
        low=low,
        high=high,
        distribution=distribution,
        mean=_maybe_float(spec.get("mean")),
        sd=_maybe_float(spec.get("sd")),
        mode=_maybe_float(spec.get("mode")),
        integer=integer,
        steps=steps,
    )
    if kind == "factorial" and len(set(factor.grid())) != steps:
        raise c.fail(
            f"{key} steps",
            f"= {steps} gives repeated whole-number levels over "
            f"[{low:g}, {high:g}]; use fewer steps or levels = [...]",
        )
    return factor


def _maybe_float(value: Any) -> float | None:
    return None if value is None else float(value)


def point_parameters(
    values: Mapping[str, Any], parameters: dict[str, Any], bases: dict[Any, Parameters | None]
) -> Parameters:
    """``Parameters.build(parameters)`` for a design point with factor ``values``, cheaper.

    What the point's scenario and ``[parameters]`` set is built and checked
    once per scenario (kept in ``bases``); each point then checks only its
    factors' values and the rules between parameters
    (:meth:`Parameters.replace`), a fraction of a whole build, which counts
    in designs of thousands of points. Where that base breaks a rule that
    the factors mend, every point is built whole.
    """
    factors = {k: v for k, v in values.items() if k not in SPECIAL_FACTORS}
    key = values.get("scenario")
    if key not in bases:
        try:
            bases[key] = Parameters.build({k: v for k, v in parameters.items() if k not in factors})
        except ParameterError:
            bases[key] = None
    base = bases[key]
    return Parameters.build(parameters) if base is None else base.replace(**factors)
