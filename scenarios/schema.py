"""Scenario files: a school, its structure, policies and a plan, as TOML.

A scenario is read, merged with the scenario it ``extends``, checked, and
turned into the keyword arguments of :class:`simulation.SchoolModel`. Every
problem is an :class:`simulation.InputError` whose message names the file
the bad key is written in, the key and what is allowed, so the command line
can print it in one line (exit status 2).

Format (every section and key optional; ``template.toml`` in this folder
explains each one, and the rest of the built-in library shows them in use)::

    name = "PLC teams"
    description = "One line for `staffroom scenarios`."
    extends = "departments"   # a built-in name, or a path relative to this file
    years = 3
    replicates = 20
    seed = 1

    [school]        students, ses_mean (or disadvantaged_share), ses_sd,
                    student_teacher_ratio, grades, specialisms_per_subject, proficiency_cut
    [culture]       self_efficacy (TSES 1-9), self_efficacy_sd, collective_efficacy,
                    collective_efficacy_sd, responsibility, responsibility_sd,
                    expectation_bias, expectation_bias_sd, stress, novice_share,
                    max_experience, skill_sd
    [structure]     type, network_file (relative to this file), team_size,
                    house_size, house_assignment
    [policies]      any lever (`staffroom parameters`, "lever" column), from week 1
    [[intervention]] year, week (1-36), then levers to change, e.g. type = "plc"
    [[rule]]        when, if, then, once, name: the leader's rules (scenarios/rules.py)
    [calibration]   any model parameter by its full name

How ``extends`` merges: top-level values and keys inside a section replace
the parent's one by one (a section is not replaced whole); interventions and
rules are added after the parent's; ``name`` and ``description`` are never inherited.
"""

from __future__ import annotations

import contextlib
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

from simulation import (
    InputError,
    Intervention,
    NetworkFileError,
    ParameterError,
    Parameters,
    Rule,
)
from simulation.errors import about
from simulation.networks import NetworkFile, read_network_file
from simulation.parameters import suggest
from simulation.staffing import check_staff_ratio, staff_size
from simulation.state import DISADVANTAGED_CUT

from . import rules as rule_tables

if TYPE_CHECKING:
    from simulation import SchoolModel

LIBRARY = Path(__file__).resolve().parent
TOP_LEVEL = {"name", "description", "extends", "years", "replicates", "seed"}
SECTIONS: dict[str, dict[str, str]] = {
    "school": {
        "students": "n_students",
        "ses_mean": "ses_mean",
        "disadvantaged_share": "ses_mean",  # another way to say it: see ses_mean_for
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
    "policies": {
        name: name
        for name in Parameters.levers()
        if name not in ("structure", "network_file", "house_assignment")
    },
    "calibration": {name: name for name in Parameters.names()},
}
INTERVENTION_KEYS = {
    **SECTIONS["policies"],
    "type": "structure",
    "network_file": "network_file",
    "house_assignment": "house_assignment",
}
LIMITS = {"years": (1, 50), "replicates": (1, 10_000), "seed": (0, 2**63 - 1)}
DEFAULTS = {"years": 3, "replicates": 10, "seed": 1}
MAX_BYTES = 1_000_000
"""Largest scenario or sweep file read (1 MB; the built-in ones are under 5 kB)."""
WEEKS = 36
LISTS = ("intervention", "rule")  # arrays of tables: a child's are added after its parent's

# Where each key of a merged document was written: ("school", "students") ->
# the file; ("intervention", i) -> (the file, the intervention's number there).
Origins = dict[tuple[Any, ...], Any]


@dataclass(frozen=True)
class Scenario:
    """A validated scenario, ready to build models from.

    Attributes
    ----------
    name, description : str
        For tables and reports.
    parameters : Mapping[str, Any]
        Keyword arguments of :class:`simulation.SchoolModel` the file sets.
    interventions : tuple of Intervention
        Lever changes at given weeks, in the order written.
    years, replicates, seed : int
        How to run it (the command line may override them, see :meth:`for_run`).
    path : Path or None
        The file it was read from.
    source : Mapping
        The merged document (after ``extends``), as read.
    rules : tuple of Rule
        The leader's rules (``[[rule]]``), checked at its checkpoints.
    """

    name: str
    description: str
    parameters: Mapping[str, Any]
    interventions: tuple[Intervention, ...] = ()
    years: int = 3
    replicates: int = 10
    seed: int = 1
    path: Path | None = None
    source: Mapping[str, Any] = field(default_factory=dict, repr=False)
    rules: tuple[Rule, ...] = ()
    network: NetworkFile | None = field(default=None, repr=False, compare=False)

    def model(self, rng: int, **overrides: Any) -> SchoolModel:
        """A fresh :class:`SchoolModel` of this scenario with seed ``rng``."""
        from simulation import SchoolModel  # Mesa's import is paid only by who builds one

        return SchoolModel(
            **{**self.parameters, **overrides},
            interventions=self.interventions,
            rules=self.rules,
            network=self.network,
            rng=rng,
        )

    def with_parameters(self, **changes: Any) -> Scenario:
        """A copy with some model parameters changed (validated)."""
        merged = {**self.parameters, **changes}
        Parameters.build(merged)
        network = None if "network_file" in changes else self.network  # the model reads it
        return replace(self, parameters=merged, network=network)

    def for_run(
        self, years: int | None = None, replicates: int | None = None, seed: int | None = None
    ) -> Scenario:
        """A copy with the run's years, replicates and seed changed (validated).

        Parameters
        ----------
        years, replicates, seed : int, optional
            New values (``None`` keeps the scenario's own); each is checked
            against :data:`LIMITS`, and ``years`` must still cover every
            intervention.

        Raises
        ------
        InputError
            Naming the option (``--years``) and what is allowed.
        """
        source = str(self.path) if self.path else None
        values = {"years": years, "replicates": replicates, "seed": seed}
        for key, value in values.items():
            if value is None:
                continue
            low, high = LIMITS[key]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise InputError(
                    f"--{key} {value!r} is not allowed; allowed: whole numbers {low} to {high}",
                    key=f"--{key}",
                )
        run_years = self.years if years is None else years
        late = [i for i in self.interventions if i.year > run_years]
        if late:
            last = max(i.year for i in self.interventions)
            raise InputError(
                f"an [[intervention]] in year {late[0].year} is outside a "
                f"{run_years}-year run (--years {run_years}); allowed: --years "
                f"{last} or more for this scenario",
                source=source,
                key="--years",
            )
        return replace(
            self,
            years=run_years,
            replicates=self.replicates if replicates is None else replicates,
            seed=self.seed if seed is None else seed,
        )


# ---------------------------------------------------------------------------
# finding and reading files
# ---------------------------------------------------------------------------


def builtin_names() -> list[str]:
    """Names of the built-in scenarios (the TOML files shipped in this package)."""
    return sorted(p.stem for p in LIBRARY.glob("*.toml"))


def resolve(reference: str | Path, relative_to: Path | None = None) -> Path:
    """The file a scenario reference means: a path, or a built-in name.

    A path is relative to ``relative_to`` (the folder of the file that names
    it, in ``extends`` or a sweep's ``scenario``), or to the current folder
    when the reference comes from the command line (``relative_to`` is None).
    A file named in a file is never looked for in the current folder: a plan
    must not extend a different school depending on where it is run from.
    When no such file exists, a bare name (with or without ``.toml``) means
    the built-in scenario of that name.
    """
    text = str(reference)
    path = Path(text) if relative_to is None else relative_to / text
    with contextlib.suppress(OSError, ValueError):
        if path.is_file():
            return path.resolve()
    stem = text.removesuffix(".toml")
    if stem and "/" not in stem and "\\" not in stem and stem in builtin_names():
        return (LIBRARY / f"{stem}.toml").resolve()
    hint = _near_file(text, path) or suggest(Path(text).stem, builtin_names())
    builtin = ", ".join(builtin_names())
    if relative_to is None:
        raise InputError(
            f"no scenario file or built-in scenario {text!r}{hint}; built-in: {builtin}",
            key="scenario",
        )
    raise InputError(
        f"no file {str(path)!r}{_elsewhere(text, relative_to)}, and {text!r} is not a "
        f"built-in scenario{hint}; allowed: a path relative to this file's folder, "
        f"or a built-in name ({builtin})",
        key="scenario",
    )


def _near_file(typed: str, path: Path) -> str:
    """A ``" (did you mean 'our_school.toml'?)"`` hint: a TOML file beside ``path`` (the
    file ``typed`` names) whose name is close, written as ``typed`` was (a typed file name is
    more likely a typo of a file than of a built-in scenario's name)."""
    import difflib

    with contextlib.suppress(OSError, ValueError):
        beside = [p.name for p in path.parent.glob("*.toml") if p.is_file()]
        close = difflib.get_close_matches(path.name, beside, n=1, cutoff=0.75)
        if close:
            return f" (did you mean {(Path(typed).parent / close[0]).as_posix()!r}?)"
    return ""


def _elsewhere(text: str, folder: Path) -> str:
    """A hint when the file exists in the current folder, which is not where it is looked for."""
    with contextlib.suppress(OSError, ValueError):
        here = Path(text)
        if not here.is_absolute() and here.is_file():
            relative = Path(os.path.relpath(here.resolve(), folder.resolve())).as_posix()
            return (
                f" (paths are relative to this file, not to the current folder: "
                f"to use {str(here.resolve())!r}, write {relative!r})"
            )
    return ""


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; any problem is one :class:`InputError` naming the file.

    A byte-order mark (Windows Notepad saves one) is ignored. A file larger
    than :data:`MAX_BYTES` is refused before it is read: scenario and sweep
    files are a few kilobytes, and parsing a huge one takes minutes.
    """
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(
                f"the file is {size / 1e6:.1f} MB; allowed: scenario and sweep "
                f"files of at most {MAX_BYTES // 1_000_000} MB (they are short "
                "text files: is this the right file?)",
                source=str(path),
            )
        data = path.read_bytes()
        return tomllib.loads(data.removeprefix(b"\xef\xbb\xbf").decode("utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"not valid TOML: {error}", source=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("not a text file (TOML must be UTF-8)", source=str(path)) from None
    except OSError as error:
        raise InputError(f"cannot read the file ({error.strerror})", source=str(path)) from None


#: Keys that say the same thing two ways: a child setting one replaces the parent's other.
ALTERNATIVES = {
    ("school", "ses_mean"): "disadvantaged_share",
    ("school", "disadvantaged_share"): "ses_mean",
}


def _merge(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    merged = {k: (dict(v) if isinstance(v, dict) else v) for k, v in base.items()}
    for key, value in child.items():
        if key in LISTS:
            merged[key] = list(base.get(key, [])) + list(value)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            inherited = dict(merged[key])
            for inner in value:
                inherited.pop(ALTERNATIVES.get((key, inner)), None)
            merged[key] = {**inherited, **value}
        else:
            merged[key] = value
    return merged


def ses_mean_for(share: float, ses_sd: float) -> float:
    """The school mean SES at which ``share`` of students are disadvantaged.

    The model calls a student disadvantaged when their SES is below the
    national first quartile (``simulation.state.DISADVANTAGED_CUT``, -0.674
    national SD; a quarter of students nationally). With SES normal around
    the school mean with SD ``ses_sd``, the share below the cut is
    ``Phi((cut - mean) / ses_sd)``, so ``mean = cut - ses_sd * Phi^-1(share)``:
    0.25 gives -0.07 (a typical school), 0.6 gives -0.90 with the default
    spread of 0.9.
    """
    return DISADVANTAGED_CUT - ses_sd * NormalDist().inv_cdf(share)


def _disadvantaged_share(share: Any, ses_sd: Any, fail: Callable[[str], InputError]) -> float:
    """``[school] disadvantaged_share`` checked and turned into ``ses_mean``."""
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share < 1:
        raise fail(
            f"= {share!r} is not a share; allowed: a number between 0 and 1 (0.6 for "
            "60% of students disadvantaged)"
        )
    if isinstance(ses_sd, bool) or not isinstance(ses_sd, int | float) or ses_sd <= 0:
        raise fail("needs ses_sd above 0 (with no spread of SES every student is alike)")
    mean = ses_mean_for(share, ses_sd)
    low, high = Parameters.spec("ses_mean").low, Parameters.spec("ses_mean").high
    if not low <= mean <= high:
        lowest = NormalDist().cdf((DISADVANTAGED_CUT - high) / ses_sd)
        highest = NormalDist().cdf((DISADVANTAGED_CUT - low) / ses_sd)
        raise fail(
            f"= {share:g} needs a mean SES of {mean:.2f} national SD, outside "
            f"{low:g} to {high:g}; allowed with ses_sd = {ses_sd:g}: {lowest:.3f} to "
            f"{highest:.3f}"
        )
    return mean


def _anchor_network_files(document: dict[str, Any], folder: Path) -> None:
    """Make ``network_file`` paths absolute, relative to the file they are written in."""
    tables = [document.get("structure")]
    items = document.get("intervention")
    tables += items if isinstance(items, list) else []
    items = document.get("rule")
    tables += (
        [r.get("then") for r in items if isinstance(r, dict)] if isinstance(items, list) else []
    )
    for table in tables:
        if isinstance(table, dict) and isinstance(table.get("network_file"), str):
            # left as written if it cannot be resolved; the network-file check reports it
            with contextlib.suppress(OSError, ValueError):
                table["network_file"] = str((folder / table["network_file"]).resolve())


def _origins(document: Mapping[str, Any], path: Path) -> Origins:
    origins: Origins = {}
    for key, value in document.items():
        origins[(key,)] = path
        if key in LISTS and isinstance(value, list):
            for number in range(1, len(value) + 1):
                origins[(key, number - 1)] = (path, number)
        elif isinstance(value, dict):
            for inner in value:
                origins[(key, inner)] = path
    return origins


def read(reference: str | Path) -> tuple[dict[str, Any], Origins, Path]:
    """The merged document a scenario reference means, before checking.

    Returns
    -------
    document : dict
        The file merged onto everything it ``extends``.
    origins : dict
        Which file each key was written in, for error messages.
    path : Path
        The scenario's own file.
    """
    path = resolve(reference)
    document, origins = _raw(path)
    return document, origins, path


def _raw(path: Path, seen: tuple[Path, ...] = ()) -> tuple[dict[str, Any], Origins]:
    """The document at ``path`` merged onto everything it extends."""
    if path in seen:
        chain = " -> ".join(p.name for p in (*seen, path))
        raise InputError(
            f"'extends' goes round in a circle: {chain}", source=str(path), key="extends"
        )
    document = read_toml(path)
    for key in LISTS:
        if key in document and not isinstance(document[key], list):
            raise InputError(
                f"{key}: write each {key} as a [[{key}]] table (double brackets)",
                source=str(path),
                key=key,
            )
    _anchor_network_files(document, path.parent)
    origins = _origins(document, path)
    parent = document.get("extends")
    if parent is None:
        return document, origins
    if not isinstance(parent, str):
        raise InputError(
            f"extends: must name a scenario (text), not {kind_of(parent)} ({parent!r})",
            source=str(path),
            key="extends",
        )
    try:
        parent_path = resolve(parent, path.parent)
    except InputError as error:
        raise InputError(f"extends: {error.message}", source=str(path), key="extends") from None
    base, base_origins = _raw(parent_path, (*seen, path))
    for inherited in ("name", "description"):
        base.pop(inherited, None)
        base_origins.pop((inherited,), None)
    document.pop("extends")
    origins.pop(("extends",), None)
    shift = {key: len(base.get(key, [])) for key in LISTS}
    merged_origins = dict(base_origins)
    for key, where in origins.items():
        if key[0] in LISTS and len(key) == 2:
            merged_origins[(key[0], key[1] + shift[key[0]])] = where
        else:
            merged_origins[key] = where
    return _merge(base, document), merged_origins


# ---------------------------------------------------------------------------
# checking
# ---------------------------------------------------------------------------


def _shown(key: str) -> str:
    """A key as a message shows it: bare if plain, else quoted (never a line break)."""
    plain = key and all(c.isprintable() and not c.isspace() for c in key) and len(key) <= 60
    return key if plain else repr(key[:60])


def kind_of(value: Any) -> str:
    """What a TOML value is, in words (for messages)."""
    kinds = {
        bool: "true/false",
        int: "a whole number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a table",
    }
    return kinds.get(type(value), f"a {type(value).__name__}")


def load(reference: str | Path) -> Scenario:
    """Read, merge and check a scenario file (a path or a built-in name).

    Raises
    ------
    InputError
        One line naming the file, the key and what is allowed.
    """
    document, origins, path = read(reference)
    return from_document(document, path, origins)


def _where_else(key: str, section: str | None) -> str:
    """A hint when a key belongs in another section: ``" (it belongs in [culture])"``."""
    for other, keys in SECTIONS.items():
        if other not in (section, "calibration") and key in keys:
            return f" (it belongs in [{other}])"
    if section is not None and key in TOP_LEVEL:
        return " (it belongs at the top of the file, before any [section])"
    for other, keys in SECTIONS.items():
        if other != section and key in keys.values() and key not in keys:
            shown = next(k for k, v in keys.items() if v == key)
            return f" (write it as [{other}] {shown})"
    return ""


def from_document(
    document: Mapping[str, Any], path: Path | None = None, origins: Origins | None = None
) -> Scenario:
    """Check a parsed scenario document and build the :class:`Scenario`.

    Parameters
    ----------
    document : Mapping
        A scenario as parsed from TOML (after ``extends`` is merged).
    path : Path, optional
        The scenario's file, named in error messages.
    origins : dict, optional
        Which file each key came from (see :func:`read`); errors name that
        file rather than ``path``.
    """
    default_source = str(path) if path else "<scenario>"
    origins = origins or {}

    def source_of(*where: Any) -> str:
        for depth in range(len(where), 0, -1):
            found = origins.get(tuple(where[:depth]))
            if found is not None:
                return str(found[0] if isinstance(found, tuple) else found)
        return default_source

    def fail(key: str, message: str, *where: Any) -> InputError:
        return InputError(
            about(key, message), source=source_of(*where) if where else default_source, key=key
        )

    if not isinstance(document, Mapping):
        raise InputError("a scenario must be a TOML table", source=default_source)
    allowed = TOP_LEVEL | set(SECTIONS) | set(LISTS)
    for key in document:
        if key not in allowed:
            hint = _where_else(key, None) or suggest(key, allowed)
            raise fail(
                _shown(key),
                f"unknown key{hint}; allowed at the top: {', '.join(sorted(allowed))}",
                key,
            )

    top: dict[str, Any] = {}
    for key in ("name", "description"):
        value = document.get(key, "")
        if not isinstance(value, str):
            raise fail(key, f"must be text in quotes, not {kind_of(value)}", key)
        top[key] = value.strip()
    for key, (low, high) in LIMITS.items():
        value = document.get(key, DEFAULTS[key])
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail(
                key,
                f"must be a whole number, not {kind_of(value)} ({value!r}); "
                f"allowed: {low} to {high}",
                key,
            )
        if not low <= value <= high:
            raise fail(key, f"= {value} is out of range; allowed: {low} to {high}", key)
        top[key] = value

    parameters: dict[str, Any] = {}
    origin: dict[str, tuple[str, str, str]] = {}
    for section, keys in SECTIONS.items():
        table = document.get(section, {})
        if not isinstance(table, Mapping):
            raise fail(
                section,
                f"must be a table ([{section}] on its own line, then "
                f"key = value lines), not {kind_of(table)}",
                section,
            )
        for key, value in table.items():
            label = f"[{section}] {_shown(key)}"
            if key not in keys:
                hint = _where_else(key, section) or suggest(key, keys)
                raise fail(
                    label,
                    f"unknown key{hint}; allowed in [{section}]: {', '.join(sorted(keys))}",
                    section,
                    key,
                )
            name = keys[key]
            if name in origin and {key, origin[name][2]} == {"ses_mean", "disadvantaged_share"}:
                raise fail(
                    label,
                    f"and {origin[name][0]} both set the school's SES; set one of them",
                    section,
                    key,
                )
            if name in origin:
                raise fail(
                    label,
                    f"sets {name!r} again, already set by {origin[name][0]}; set it once",
                    section,
                    key,
                )
            parameters[name] = value
            origin[name] = (label, section, key)
    if origin.get("ses_mean", ("", "", ""))[2] == "disadvantaged_share":
        label = origin["ses_mean"][0]
        parameters["ses_mean"] = _disadvantaged_share(
            parameters["ses_mean"],
            parameters.get("ses_sd", Parameters().ses_sd),
            lambda message: fail(label, message, "school", "disadvantaged_share"),
        )
    try:
        checked = Parameters.build(parameters)
    except ParameterError as error:
        label, section, key = origin.get(error.key or "", (error.key or "", "", ""))
        raise fail(label, _plain(error, key), section, key) from None
    parameters = {name: getattr(checked, name) for name in parameters}

    items = document.get("intervention", [])
    if not isinstance(items, list):
        raise fail(
            "intervention",
            "write each intervention as an [[intervention]] table (double brackets)",
            "intervention",
        )
    interventions = []
    for index, item in enumerate(items):
        where = origins.get(("intervention", index))
        number = where[1] if isinstance(where, tuple) else index + 1
        interventions.append(
            _intervention(
                item,
                f"[[intervention]] {number}",
                top["years"],
                lambda key, message, i=index: fail(key, message, "intervention", i),
            )
        )

    staff, network = _check_restructuring(checked, interventions, origins, fail)

    def number(index: int) -> int:
        where = origins.get(("rule", index))
        return where[1] if isinstance(where, tuple) else index + 1

    def fail_rule(index: int, key: str, message: str) -> InputError:
        return fail(key, message, "rule", *([index] if index >= 0 else []))

    items = document.get("rule", [])
    numbers = [number(i) for i in range(len(items))] if isinstance(items, list) else []
    rules = rule_tables.read(items, INTERVENTION_KEYS, numbers, fail_rule)
    rule_tables.check(rules, checked, [i.changes for i in interventions], staff, fail_rule, numbers)
    return Scenario(
        top["name"] or (path.stem if path else "scenario"),
        top["description"],
        parameters,
        tuple(interventions),
        top["years"],
        top["replicates"],
        top["seed"],
        path,
        dict(document),
        rules,
        network,
    )


def _plain(error: ParameterError, key: str) -> str:
    """A ParameterError's message with the parameter's name put as the file says it."""
    message = error.message
    name = error.key or ""
    for prefix in (f"parameter {name!r} ", f"{name!r} "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message


def _intervention(
    item: Any, label: str, years: int, fail: Callable[[str, str], InputError]
) -> Intervention:
    if not isinstance(item, Mapping):
        raise fail(label, f"must be a table, not {kind_of(item)}")
    changes: dict[str, Any] = {}
    for key, value in item.items():
        if key in ("year", "week"):
            continue
        if key not in INTERVENTION_KEYS:
            levers = sorted(INTERVENTION_KEYS)
            hint = suggest(key, levers)
            if not hint and any(key in keys for keys in SECTIONS.values()):
                hint = " (not a lever: it cannot change during a run)"
            raise fail(
                f"{label} {_shown(key)}", f"unknown lever{hint}; levers: {', '.join(levers)}"
            )
        changes[INTERVENTION_KEYS[key]] = value
    year, week = item.get("year"), item.get("week", 1)
    if year is None:
        raise fail(
            f"{label} year", f"missing; add year = 1 to {years} (the school year the change starts)"
        )
    if isinstance(year, bool) or not isinstance(year, int):
        raise fail(
            f"{label} year",
            f"must be a whole number, not {kind_of(year)} ({year!r}); allowed: 1 to {years}",
        )
    if not 1 <= year <= years:
        raise fail(
            f"{label} year",
            f"= {year} is outside the run; allowed: 1 to {years} "
            f"(the scenario runs {years} years: raise `years` to plan further)",
        )
    if isinstance(week, bool) or not isinstance(week, int) or not 1 <= week <= WEEKS:
        raise fail(
            f"{label} week", f"= {week!r} is not a week; allowed: whole numbers 1 to {WEEKS}"
        )
    if not changes:
        raise fail(label, "changes nothing; add a lever, e.g. data_review = true")
    try:
        Parameters.build(changes)
    except ParameterError as error:
        name = error.key or ""
        shown = next((k for k, v in INTERVENTION_KEYS.items() if v == name), name)
        raise fail(f"{label} {shown}", _plain(error, shown)) from None
    return Intervention(year, week, changes)


def _check_restructuring(
    base: Parameters, interventions: list[Intervention], origins: Origins, fail
) -> tuple[int, NetworkFile | None]:
    """Network files exist and parse; restructuring keeps the staff size.

    Returns the staff size and the starting network, read once here and
    handed to every model of the scenario (None unless the structure is
    custom).

    Interventions apply in order of their week; each one's parameters are
    the previous ones' with its changes, as in the model.
    """

    def read(file: str, key: str, *where: Any) -> NetworkFile:
        try:
            return read_network_file(file)
        except NetworkFileError as error:
            raise fail(key, f"{error.message} ({file})", *where) from None

    if base.structure == "custom" and base.network_file is None:
        raise fail(
            "[structure] network_file",
            "needed when type = 'custom': the path of a "
            "GraphML, CSV or edge-list file of teacher pairs",
            "structure",
        )
    network = (
        read(base.network_file, "[structure] network_file", "structure", "network_file")
        if base.network_file
        else None
    )
    if base.structure != "custom":
        network = None  # checked, but the school's structure does not use it
    staff = staff_size(base, network)
    if base.structure == "custom":
        try:
            check_staff_ratio(base.n_students, staff, base)
        except ParameterError as error:
            raise fail(
                "[school] students", f"= {base.n_students}: {error.message}", "school", "students"
            ) from None
    current = base
    order = sorted(range(len(interventions)), key=lambda i: interventions[i].step)
    for index in order:
        item = interventions[index]
        where = origins.get(("intervention", index))
        label = f"[[intervention]] {where[1] if isinstance(where, tuple) else index + 1}"
        try:
            current = current.replace(**item.changes)
        except ParameterError as error:  # pragma: no cover - checked key by key above
            raise fail(label, error.message, "intervention", index) from None
        if not any(k in item.changes for k in ("structure", "network_file")):
            continue
        if current.structure != "custom":
            continue
        if current.network_file is None:
            raise fail(
                f"{label} type",
                "'custom' needs network_file, the path of a "
                "GraphML, CSV or edge-list file of teacher pairs",
                "intervention",
                index,
            )
        size = read(current.network_file, f"{label} network_file", "intervention", index).n
        if size != staff:
            raise fail(
                f"{label} network_file",
                f"the file has {size} teachers but the school "
                f"has {staff}; staff size cannot change during a run, so the file must "
                f"list {staff} teachers",
                "intervention",
                index,
            )
    return staff, network
