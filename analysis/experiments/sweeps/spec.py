"""Sweep files: an experiment declared as data, checked before anything runs.

A sweep file (TOML, format in the README) names a base scenario, the
factors to vary, the design, the replicates, the years and the outcomes to
keep. :func:`load_sweep` reads and checks it and returns a :class:`Sweep`;
every problem is an :class:`simulation.InputError` whose one-line message
names the file, the key and what is allowed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import scenarios
from analysis.experiments import seeds
from analysis.experiments.provenance import model_code
from analysis.experiments.sweeps.design import (
    Design,
    Factor,
    expected_size,
    make_design,
)
from analysis.experiments.sweeps.factors import (
    SPECIAL_FACTORS,
    YEARS,
    Checker,
    design_options,
    outcome_list,
    plain,
    point_parameters,
    read_factor,
    resolve_path,
)
from scenarios import Scenario
from scenarios.schema import kind_of, read_toml
from simulation import InputError, Intervention, ParameterError, Parameters
from simulation.networks import read_network_file
from simulation.parameters import suggest
from simulation.staffing import check_staff_ratio

LIBRARY = scenarios.LIBRARY / "sweeps"
FORMAT = 1
TOP_LEVEL = (
    "name",
    "description",
    "scenario",
    "years",
    "replicates",
    "seed",
    "common_random_numbers",
    "outcomes",
    "yearly",
    "design",
    "parameters",
    "factors",
)
MAIN_OUTCOMES = (
    "self_efficacy_tses",
    "collective_efficacy",
    "responsibility",
    "stress",
    "practice_share",
    "turnover_rate",
    "achievement",
    "annual_gain",
    "ses_gap",
    "ses_gain_slope",
    "proficient",
)


@dataclass(frozen=True)
class Sweep:
    """A validated sweep: what to run, not how.

    Build one with :func:`load_sweep` (a file) or :meth:`from_dict` (a
    notebook). :meth:`design` gives the design points; :meth:`setup` what
    one point runs; :meth:`seed_of` each run's seed.
    """

    name: str
    description: str
    scenario: Scenario
    factors: tuple[Factor, ...]
    design_type: str
    design_options: Mapping[str, Any]
    replicates: int = 1
    seed: int = 1
    years: int | None = None
    outcomes: tuple[str, ...] = MAIN_OUTCOMES
    yearly: bool = True
    common_random_numbers: bool = False
    fixed: Mapping[str, Any] = field(default_factory=dict)
    scenarios: Mapping[str, Scenario] = field(default_factory=dict)
    path: Path | None = None

    @classmethod
    def from_dict(cls, document: Mapping[str, Any], base_dir: str | Path = ".") -> Sweep:
        """Check a sweep given as a dictionary (the file's content).

        Scenario and network files are found relative to ``base_dir``.
        """
        return _check(document, None, Path(base_dir))

    # ------------------------------------------------------------ the design
    def design(self) -> Design:
        """The design points (deterministic for a given sweep)."""
        return make_design(self.design_type, self.factors, seed=self.seed, **self.design_options)

    @property
    def points(self) -> int:
        """Number of design points."""
        if self.design_type == "factorial":
            return math.prod(len(f.grid()) for f in self.factors)
        return expected_size(self.design_type, len(self.factors), **self.design_options)

    @property
    def runs(self) -> int:
        """Number of model runs: points times replicates."""
        return self.points * self.replicates

    @property
    def max_years(self) -> int:
        """Longest run in the sweep, in school years."""
        for factor in self.factors:
            if factor.name == "years":
                return int(max(factor.grid() if factor.discrete else [factor.high]))
        if self.years is not None:
            return self.years
        if any(f.name == "scenario" for f in self.factors):
            return max(s.years for s in self.scenarios.values())
        return self.scenario.years

    def setup(
        self, values: Mapping[str, Any]
    ) -> tuple[dict[str, Any], tuple[Intervention, ...], int]:
        """Model parameters, interventions and years of the point with ``values``."""
        scenario = self.scenarios[values["scenario"]] if "scenario" in values else self.scenario
        parameters = {**scenario.parameters, **self.fixed}
        parameters.update({k: v for k, v in values.items() if k not in SPECIAL_FACTORS})
        years = values.get("years") or self.years or scenario.years
        return parameters, tuple(scenario.interventions), int(years)

    def seed_of(self, point: int, replicate: int) -> int:
        """The model seed of a run (see :func:`run_seed`)."""
        return run_seed(self.seed, point, replicate, self.common_random_numbers)

    # --------------------------------------------------------- the manifest
    def identity(self) -> dict[str, Any]:
        """Everything that determines the results except the number of replicates.

        Two sweeps with the same identity give the same run for the same
        design point and replicate, so a results folder may be resumed (or
        grown with more replicates) only by a sweep with the same identity
        and the same model code (:func:`analysis.experiments.provenance.model_code`).
        """
        names = {f.name for f in self.factors}
        return _jsonable(
            {
                "format": FORMAT,
                "scenario": None if "scenario" in names else _scenario_identity(self.scenario),
                "scenarios": {ref: _scenario_identity(s) for ref, s in self.scenarios.items()},
                "parameters": dict(self.fixed),
                "factors": [f.as_dict() for f in self.factors],
                "design": {"type": self.design_type, **self.design_options},
                "seed": self.seed,
                "years": self.years,
                "outcomes": list(self.outcomes),
                "yearly": self.yearly,
                "common_random_numbers": self.common_random_numbers,
                "model": model_code(),
            }
        )


def run_seed(seed: int, point: int, replicate: int, common: bool = False) -> int:
    """A run's model seed from the sweep seed, design point and replicate.

    The key is ``(point, replicate)``: independent streams for every run,
    whatever order runs are done in. With common random numbers it is
    ``(replicate,)``: replicate ``r`` has the same seed at every design point,
    the seed ``staffroom run`` and ``compare`` give their replicate ``r``
    (:mod:`analysis.experiments.seeds`), which makes differences between points less
    noisy.
    """
    return seeds.run_seed(seed, replicate) if common else seeds.run_seed(seed, point, replicate)


def builtin_sweeps() -> list[str]:
    """Names of the built-in example sweeps (``scenarios/sweeps/*.toml``)."""
    return sorted(p.stem for p in LIBRARY.glob("*.toml"))


def resolve_sweep(reference: str | Path) -> Path:
    """The file a sweep reference means: a path, or a built-in sweep's name."""
    text = str(reference)
    candidates = [Path(text)]
    if not text.endswith(".toml"):
        candidates.append(LIBRARY / f"{text}.toml")
    for candidate in candidates:
        if candidate.is_file():
            return candidate.resolve()
    raise InputError(
        f"no sweep file or built-in sweep {text!r}{
            suggest(Path(text).stem, builtin_sweeps())
        }; built-in: {', '.join(builtin_sweeps())}",
        key="sweep",
    )


def load_sweep(reference: str | Path) -> Sweep:
    """Read and check a sweep file (a path or a built-in sweep's name)."""
    path = resolve_sweep(reference)
    return _check(read_toml(path), path, path.parent)


# checking (the parts are read in analysis.experiments.sweeps.factors)


def _check(document: Mapping[str, Any], path: Path | None, base_dir: Path) -> Sweep:
    c = Checker(path, base_dir)
    if not isinstance(document, Mapping):
        raise InputError("a sweep must be a TOML table", source=c.source)
    for key in document:
        if key not in TOP_LEVEL:
            raise c.fail(
                key,
                f"unknown key{suggest(key, TOP_LEVEL)}; allowed at the top: {', '.join(TOP_LEVEL)}",
            )
    for key in ("name", "description"):
        if not isinstance(document.get(key, ""), str):
            raise c.fail(key, f"must be text, not {kind_of(document[key])}")

    factors_doc = document.get("factors")
    if not isinstance(factors_doc, Mapping) or not factors_doc:
        raise c.fail(
            "factors",
            "a sweep needs a [factors] table with at least one factor, "
            "e.g. n_students = [300, 900]",
        )
    has_scenario_factor = "scenario" in factors_doc
    if "scenario" in document:
        base = c.scenario(document["scenario"], "scenario")
    elif has_scenario_factor:
        base = None
    else:
        raise c.fail(
            "scenario",
            "missing: name the base scenario, e.g. scenario = "
            f'"departments"; built-in: {", ".join(scenarios.builtin_names())}',
        )

    kind, options = design_options(c, document.get("design"))

    years = c.whole(document, "years", None, *YEARS)
    replicates = c.whole(document, "replicates", 1, 1, 100_000)
    seed = c.whole(document, "seed", 1, 0, 2**63 - 1)
    yearly = c.flag(document, "yearly", True)
    common = c.flag(document, "common_random_numbers", False)
    outcomes = outcome_list(c, document.get("outcomes", list(MAIN_OUTCOMES)))

    fixed_doc = document.get("parameters", {})
    if not isinstance(fixed_doc, Mapping):
        raise c.fail("parameters", f"must be a table ([parameters]), not {kind_of(fixed_doc)}")
    fixed = {name: resolve_path(c, name, value) for name, value in fixed_doc.items()}
    probe = base.parameters if base is not None else {}
    try:
        checked = Parameters.build({**probe, **fixed})
    except ParameterError as error:
        raise c.fail(f"[parameters] {error.key}", plain(error)) from None
    fixed = {name: getattr(checked, name) for name in fixed}

    factors: list[Factor] = []
    sweep_scenarios: dict[str, Scenario] = {}
    for name, spec in factors_doc.items():
        if name in fixed:
            raise c.fail(f"[factors] {name}", "is also set in [parameters]; set it in one place")
        factor, loaded = read_factor(c, name, spec, kind)
        factors.append(factor)
        sweep_scenarios.update(loaded)
    if base is None:
        base = next(iter(sweep_scenarios.values()))

    sweep = Sweep(
        name=document.get("name") or (path.stem if path else "sweep"),
        description=document.get("description", ""),
        scenario=base,
        factors=tuple(factors),
        design_type=kind,
        design_options=options,
        replicates=replicates,
        seed=seed,
        years=years,
        outcomes=outcomes,
        yearly=yearly,
        common_random_numbers=common,
        fixed=fixed,
        scenarios=sweep_scenarios,
        path=path,
    )
    if sweep.runs > 100_000_000:
        raise c.fail(
            "factors", f"the sweep would make {sweep.runs:,} runs; the limit is 100,000,000"
        )
    _check_custom_networks(c, sweep)
    _check_plans(c, sweep)
    _check_points(c, sweep)
    return sweep


def _check_plans(c: Checker, sweep: Sweep) -> None:
    """Every run is long enough for its scenario's interventions (as ``compare --years``)."""
    years_factor = next((f for f in sweep.factors if f.name == "years"), None)
    bases = list(sweep.scenarios.items()) or [(sweep.scenario.name, sweep.scenario)]
    for reference, scenario in bases:
        if not scenario.interventions:
            continue
        last = max(i.year for i in scenario.interventions)
        if years_factor is not None:
            shortest = int(
                min(years_factor.grid()) if years_factor.discrete else math.floor(years_factor.low)
            )
            key = "[factors] years"
            what = f"level {shortest}" if years_factor.discrete else f"range starts at {shortest}"
        else:
            shortest = sweep.years or scenario.years
            key, what = "years", f"= {shortest}"
        if shortest < last:
            raise c.fail(
                key,
                f"{what}, but scenario {reference!r} has an [[intervention]] in "
                f"year {last}, which a {shortest}-year run would leave out; allowed: "
                f"{last} years or more for this scenario",
            )


def _check_custom_networks(c: Checker, sweep: Sweep) -> None:
    """A custom structure needs a network file at every design point that uses it."""
    levels = {f.name: f.levels for f in sweep.factors}
    structures = levels.get("structure") or [sweep.fixed.get("structure")]
    bases = list(sweep.scenarios.values()) or [sweep.scenario]
    has_file = (
        sweep.fixed.get("network_file")
        or "network_file" in levels
        or all(s.parameters.get("network_file") for s in bases)
    )
    if "custom" in structures and not has_file:
        raise c.fail(
            "[factors] structure",
            "level 'custom' needs a network_file (in [parameters], a factor, or the scenario)",
        )


def _check_points(c: Checker, sweep: Sweep) -> None:
    """Every design point's parameters are allowed, together (before anything runs).

    Each point's parameters are checked as the model checks them, rules
    between them included (``persistence_long_run`` at most
    ``persistence_one_year``; :func:`point_parameters`), and a custom
    network's students per teacher; the first point that fails is refused.
    """
    design = sweep.design()
    staff: dict[str, int] = {}
    bases: dict[Any, Parameters | None] = {}  # each scenario's own, checked once
    for point in range(design.size):
        values = design.values(point)
        parameters, _, _ = sweep.setup(values)
        try:
            p = point_parameters(values, parameters, bases)
            if p.structure == "custom" and p.network_file:
                file = str(p.network_file)
                if file not in staff:
                    staff[file] = read_network_file(file).n
                check_staff_ratio(p.n_students, staff[file], p)
        except ParameterError as error:
            shown = ", ".join(f"{k} = {v!r}" for k, v in values.items())
            raise c.fail(f"design point {point}", f"({shown}): {error.message}") from None
        except InputError as error:  # a network file that cannot be read
            raise c.fail("network_file", error.message) from None


def _scenario_identity(scenario: Scenario) -> dict[str, Any]:
    return {
        "parameters": dict(sorted(scenario.parameters.items())),
        "interventions": [
            {"year": i.year, "week": i.week, "changes": dict(i.changes)}
            for i in scenario.interventions
        ],
        "years": scenario.years,
    }


def _jsonable(value: Any) -> Any:
    """Plain JSON types (tuples become lists) so identities compare after a round trip."""
    return json.loads(json.dumps(value, default=str))
