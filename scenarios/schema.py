"""Scenario files: a school, its structure, policies and a plan, as TOML.

A scenario is read, merged with the scenario it ``extends``, checked, and
turned into the keyword arguments of :class:`simulation.SchoolModel`. Every
problem is an :class:`simulation.InputError` whose message names the file,
the key and what is allowed, so the command line can print it in one line
(exit status 2).

Format (every section and key optional; the built-in library in this folder
shows each one in use)::

    name = "PLC teams"
    description = "One line for `staffroom scenarios`."
    extends = "large_comprehensive"   # a built-in name or a path
    years = 3
    replicates = 20
    seed = 1

    [school]        students, ses_mean, ses_sd, student_teacher_ratio, grades,
                    specialisms_per_subject, proficiency_cut
    [culture]       self_efficacy (TSES 1-9), self_efficacy_sd, collective_efficacy,
                    collective_efficacy_sd, responsibility, responsibility_sd,
                    expectation_bias, expectation_bias_sd, stress, novice_share,
                    max_experience, skill_sd
    [structure]     type, network_file (relative to this file), team_size,
                    house_size, house_assignment
    [policies]      any lever (`staffroom parameters`, "lever" column), from week 1
    [[intervention]] year, week (1-36), then levers to change, e.g. type = "plc"
    [calibration]   any model parameter by its full name
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulation import (
    InputError,
    Intervention,
    NetworkFileError,
    ParameterError,
    Parameters,
    SchoolModel,
)
from simulation.networks import read_network_file
from simulation.parameters import suggest

LIBRARY = Path(__file__).resolve().parent
TOP_LEVEL = {"name", "description", "extends", "years", "replicates", "seed"}
SECTIONS: dict[str, dict[str, str]] = {
    "school": {
        "students": "n_students",
        "ses_mean": "ses_mean",
        "ses_sd": "ses_sd",
        "student_teacher_ratio": "student_teacher_ratio",
        "grades": "grades",
        "specialisms_per_subject": "specialisms_per_subject",
        "proficiency_cut": "proficiency_cut",
    },
    "culture": {
        "self_efficacy": "initial_self_efficacy",
        "self_efficacy_sd": "initial_self_efficacy_sd",
        "collective_efficacy": "initial_collective_efficacy",
        "collective_efficacy_sd": "initial_collective_efficacy_sd",
        "responsibility": "initial_responsibility",
        "responsibility_sd": "initial_responsibility_sd",
        "expectation_bias": "initial_expectation_bias",
        "expectation_bias_sd": "initial_expectation_bias_sd",
        "stress": "initial_stress",
        "novice_share": "novice_share",
        "max_experience": "max_experience",
        "skill_sd": "skill_sd",
    },
    "structure": {
        "type": "structure",
        "network_file": "network_file",
        "team_size": "team_size",
        "house_size": "house_size",
        "house_assignment": "house_assignment",
    },
    "policies": {name: name for name in Parameters.levers()
                 if name not in ("structure", "network_file", "house_assignment")},
    "calibration": {name: name for name in Parameters.names()},
}
INTERVENTION_KEYS = {**SECTIONS["policies"], "type": "structure",
                     "network_file": "network_file", "house_assignment": "house_assignment"}
LIMITS = {"years": (1, 50), "replicates": (1, 10_000), "seed": (0, 2**63 - 1)}
DEFAULTS = {"years": 3, "replicates": 10, "seed": 1}


@dataclass(frozen=True)
class Scenario:
    """A validated scenario, ready to build models from."""

    name: str
    description: str
    parameters: Mapping[str, Any]
    interventions: tuple[Intervention, ...] = ()
    years: int = 3
    replicates: int = 10
    seed: int = 1
    path: Path | None = None
    source: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def model(self, rng: int, **overrides: Any) -> SchoolModel:
        """A fresh :class:`SchoolModel` of this scenario with seed ``rng``."""
        return SchoolModel(**{**self.parameters, **overrides}, interventions=self.interventions,
                           rng=rng)

    def with_parameters(self, **changes: Any) -> Scenario:
        """A copy with some model parameters changed (validated)."""
        merged = {**self.parameters, **changes}
        Parameters.build(merged)
        return Scenario(self.name, self.description, merged, self.interventions, self.years,
                        self.replicates, self.seed, self.path, self.source)


# ---------------------------------------------------------------------------
# finding and reading files
# ---------------------------------------------------------------------------

def builtin_names() -> list[str]:
    """Names of the built-in scenarios (the TOML files shipped in this package)."""
    return sorted(p.stem for p in LIBRARY.glob("*.toml"))


def resolve(reference: str | Path, relative_to: Path | None = None) -> Path:
    """The file a scenario reference means: a path, or a built-in name."""
    text = str(reference)
    candidates = []
    if relative_to is not None:
        candidates.append(relative_to / text)
    candidates.append(Path(text))
    if not text.endswith(".toml"):
        candidates.append(LIBRARY / f"{text}.toml")
    for candidate in candidates:
        if candidate.is_file():
            return candidate.resolve()
    hint = suggest(Path(text).stem, builtin_names())
    raise InputError(f"no scenario file or built-in scenario {text!r}{hint}; built-in: "
                     f"{', '.join(builtin_names())}", source=str(relative_to or text)
                     if relative_to else None, key="scenario")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"not valid TOML: {error}", source=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("not a text file", source=str(path)) from None
    except OSError as error:
        raise InputError(f"cannot read the file ({error.strerror})", source=str(path)) from None


def _merge(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    merged = {k: (dict(v) if isinstance(v, dict) else v) for k, v in base.items()}
    for key, value in child.items():
        if key == "intervention":
            merged[key] = list(base.get(key, [])) + list(value if isinstance(value, list)
                                                         else [value])
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def _raw(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The document at ``path`` merged onto everything it extends."""
    if path in seen:
        chain = " -> ".join(p.name for p in (*seen, path))
        raise InputError(f"'extends' goes round in a circle: {chain}", source=str(path),
                         key="extends")
    document = _read_toml(path)
    for section in ("structure",):
        table = document.get(section)
        if isinstance(table, dict) and isinstance(table.get("network_file"), str):
            table["network_file"] = str((path.parent / table["network_file"]).resolve())
    for item in document.get("intervention", []) if isinstance(
            document.get("intervention"), list) else []:
        if isinstance(item, dict) and isinstance(item.get("network_file"), str):
            item["network_file"] = str((path.parent / item["network_file"]).resolve())
    parent = document.get("extends")
    if parent is None:
        return document
    if not isinstance(parent, str):
        raise InputError(f"'extends' must name a scenario (text), not {parent!r}",
                         source=str(path), key="extends")
    base = _raw(resolve(parent, path.parent), (*seen, path))
    for inherited in ("name", "description"):
        base.pop(inherited, None)
    document.pop("extends")
    return _merge(base, document)


# ---------------------------------------------------------------------------
# checking
# ---------------------------------------------------------------------------

def _kind(value: Any) -> str:
    return {bool: "true/false", int: "a whole number", float: "a number", str: "text",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)


def load(reference: str | Path) -> Scenario:
    """Read, merge and check a scenario file (a path or a built-in name)."""
    path = resolve(reference)
    return from_document(_raw(path), path)


def from_document(document: Mapping[str, Any], path: Path | None = None) -> Scenario:
    """Check a parsed scenario document and build the :class:`Scenario`."""
    source = str(path) if path else "<scenario>"

    def fail(key: str, message: str) -> InputError:
        return InputError(f"{key}: {message}", source=source, key=key)

    if not isinstance(document, Mapping):
        raise InputError("a scenario must be a TOML table", source=source)
    allowed = TOP_LEVEL | set(SECTIONS) | {"intervention"}
    for key in document:
        if key not in allowed:
            raise fail(key, f"unknown key{suggest(key, allowed)}; allowed at the top: "
                       f"{', '.join(sorted(allowed))}")

    top: dict[str, Any] = {}
    for key in ("name", "description"):
        value = document.get(key, "")
        if not isinstance(value, str):
            raise fail(key, f"must be text, not {_kind(value)}")
        top[key] = value
    for key, (low, high) in LIMITS.items():
        value = document.get(key, DEFAULTS[key])
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail(key, f"must be a whole number, not {_kind(value)} ({value!r})")
        if not low <= value <= high:
            raise fail(key, f"= {value} is out of range; allowed: {low} to {high}")
        top[key] = value

    parameters: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for section, keys in SECTIONS.items():
        table = document.get(section, {})
        if not isinstance(table, Mapping):
            raise fail(section, f"must be a table ([{section}]), not {_kind(table)}")
        for key, value in table.items():
            if key not in keys:
                raise fail(f"[{section}] {key}", f"unknown key{suggest(key, keys)}; allowed in "
                           f"[{section}]: {', '.join(sorted(keys))}")
            name = keys[key]
            parameters[name] = value
            origin[name] = f"[{section}] {key}"
    try:
        checked = Parameters.build(parameters)
    except ParameterError as error:
        key = origin.get(error.key or "", error.key or "")
        raise InputError(f"{key}: {_plain(error, key)}", source=source, key=key) from None
    parameters = {name: getattr(checked, name) for name in parameters}

    interventions = []
    items = document.get("intervention", [])
    if not isinstance(items, list):
        raise fail("intervention", "write each intervention as an [[intervention]] table")
    for number, item in enumerate(items, start=1):
        interventions.append(_intervention(item, number, top["years"], checked, fail))

    if checked.structure == "custom" and checked.network_file is None:
        raise fail("[structure] network_file", "needed when type = 'custom': the path of a "
                   "GraphML, CSV or edge-list file of teacher pairs")
    files = [("[structure] network_file", checked.network_file)] + [
        (f"[[intervention]] {n} network_file", i.changes.get("network_file"))
        for n, i in enumerate(interventions, start=1)]
    for key, network_file in files:
        if network_file is None:
            continue
        try:
            read_network_file(network_file)
        except NetworkFileError as error:
            raise fail(key, f"{error.message} ({network_file})") from None
    return Scenario(top["name"] or (path.stem if path else "scenario"), top["description"],
                    parameters, tuple(interventions), top["years"], top["replicates"],
                    top["seed"], path, dict(document))


def _plain(error: ParameterError, key: str) -> str:
    """A ParameterError's message with the parameter's name put as the file says it."""
    message = error.message
    name = error.key or ""
    for prefix in (f"parameter {name!r} ", f"{name!r} "):
        if message.startswith(prefix):
            return message[len(prefix):]
    return message


def _intervention(item: Any, number: int, years: int, base: Parameters, fail) -> Intervention:
    label = f"[[intervention]] {number}"
    if not isinstance(item, Mapping):
        raise fail(label, f"must be a table, not {_kind(item)}")
    changes: dict[str, Any] = {}
    for key, value in item.items():
        if key in ("year", "week"):
            continue
        if key not in INTERVENTION_KEYS:
            levers = sorted(set(INTERVENTION_KEYS))
            raise fail(f"{label} {key}", f"unknown lever{suggest(key, levers)}; levers: "
                       f"{', '.join(levers)}")
        changes[INTERVENTION_KEYS[key]] = value
    year, week = item.get("year"), item.get("week", 1)
    if isinstance(year, bool) or not isinstance(year, int):
        raise fail(f"{label} year", f"needs a whole-number year, not {year!r}")
    if not 1 <= year <= years:
        raise fail(f"{label} year", f"= {year} is outside the run; allowed: 1 to {years} "
                   f"(the scenario runs {years} years)")
    if isinstance(week, bool) or not isinstance(week, int) or not 1 <= week <= 36:
        raise fail(f"{label} week", f"= {week!r} is not a week; allowed: 1 to 36")
    if not changes:
        raise fail(label, "changes nothing; add a lever, e.g. data_review = true")
    try:
        base.replace(**changes)
    except ParameterError as error:
        name = error.key or ""
        shown = next((k for k, v in INTERVENTION_KEYS.items() if v == name), name)
        raise fail(f"{label} {shown}", _plain(error, shown)) from None
    return Intervention(year, week, changes)
