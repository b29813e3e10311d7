"""The validation's experiments, declared as data: arms, replicates, years.

Each experiment turns a :class:`Settings` (and calibration ``overrides``,
for the robustness analysis) into :class:`~analysis.experiments.runs.Run`
values, arms built from the scenario library; nothing here looks at a
result, so nothing here can tune a parameter to one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from analysis.experiments.runs import Run
from analysis.experiments.seeds import replicate_seeds
from scenarios import load
from simulation import Intervention, Parameters

# built-in scenarios are read once: the robustness analysis builds every arm again
# for each of its variants (a Scenario is frozen; changes make copies)
_builtin = cache(load)

CULTURE = (
    "initial_self_efficacy",
    "initial_collective_efficacy",
    "initial_responsibility",
    "initial_expectation_bias",
    "initial_stress",
    "novice_share",
)
# The comparator of pattern 7: beliefs as malleable as a newcomer's for much
# longer (malleability_scale times this, capped at its allowed maximum).
MALLEABLE_FACTOR = 3.0


@dataclass(frozen=True)
class Settings:
    """How much to run: replicates per arm, schools in the population, bootstrap.

    Parameters
    ----------
    replicates : int
        Replicate runs per arm of each arm-based experiment.
    schools : int
        Simulated schools in the population experiment (patterns 1 and 5).
    bootstrap : int
        Bootstrap resamples for statistics without a closed-form interval.
    seed : int
        Base seed; every arm of every experiment uses replicate seeds
        derived from it (``analysis.experiments.replicates.replicate_seeds``).
    """

    replicates: int = 100
    schools: int = 300
    bootstrap: int = 2000
    seed: int = 1


FULL = Settings()
QUICK = Settings(replicates=5, schools=30, bootstrap=300)


@dataclass(frozen=True)
class Arm:
    """One condition: model parameters, a plan of interventions, ablations."""

    name: str
    parameters: Mapping[str, Any]
    interventions: tuple[Intervention, ...] = ()
    disabled: tuple[str, ...] = ()
    fixed: Mapping[str, Any] = field(default_factory=dict)
    diagnostic: bool = False


def scenario_arm(
    name: str,
    scenario: str,
    *,
    disabled: tuple[str, ...] = (),
    fixed: Mapping[str, Any] | None = None,
    diagnostic: bool = False,
    **changes: Any,
) -> Arm:
    """An arm from a built-in scenario, with the experiment's declared changes.

    ``fixed`` parameters define the arm itself and stay as given when the
    robustness analysis moves calibration parameters. A ``diagnostic`` arm
    feeds only diagnostic claims and is left out of the robustness runs.
    """
    loaded = _builtin(scenario)
    fixed = dict(fixed or {})
    if changes or fixed:
        loaded = loaded.with_parameters(**changes, **fixed)
    return Arm(
        name, dict(loaded.parameters), tuple(loaded.interventions), disabled, fixed, diagnostic
    )


@dataclass(frozen=True)
class ArmExperiment:
    """Arms compared over the same replicate seeds.

    ``arms`` is a function of the calibration overrides, so that an arm
    whose design is defined relative to a parameter (pattern 7's malleable
    comparator) follows the parameter when robustness moves it.
    """

    name: str
    years: int
    arms: Callable[[Mapping[str, Any]], list[Arm]]
    description: str = ""
    share: float = 1.0  # of the settings' replicates per arm (at least 3)

    def replicates(self, settings: Settings) -> int:
        """Replicates per arm under ``settings``."""
        return max(3, round(settings.replicates * self.share))

    def jobs(
        self,
        settings: Settings,
        overrides: Mapping[str, Any] | None = None,
        diagnostics: bool = True,
    ) -> list[Run]:
        """One job per arm and replicate; replicate r of every arm shares a seed."""
        overrides = dict(overrides or {})
        seeds = replicate_seeds(settings.seed, self.replicates(settings))
        jobs = []
        for arm in self.arms(overrides):
            if arm.diagnostic and not diagnostics:
                continue
            p = {**arm.parameters, **overrides, **arm.fixed}
            Parameters.build(p)  # a bad value fails here, before any run
            jobs += [
                Run(self.name, arm.name, r, seed, p, self.years, arm.interventions, arm.disabled)
                for r, seed in enumerate(seeds)
            ]
        return jobs


# the arm-based experiments


def _size_arms(overrides: Mapping[str, Any]) -> list[Arm]:
    return [scenario_arm("small", "small_school"), scenario_arm("large", "large_comprehensive")]


def _structure_arms(overrides: Mapping[str, Any]) -> list[Arm]:
    # Same policies in both: the PLC scenario's intervention plan is a
    # policy, so the egg-crate school gets it too; how fully it is run
    # depends on the teachers' shared work (teaching.py), i.e. on structure.
    return [
        scenario_arm("plc", "plc"),
        scenario_arm("isolated", "egg_crate", intervention_plan=True),
        # diagnostic decomposition: structure alone, no plan in either
        scenario_arm("plc_no_plan", "plc", intervention_plan=False, diagnostic=True),
        scenario_arm("isolated_no_plan", "egg_crate", diagnostic=True),
    ]


SOURCE_ARMS = ("mastery", "vicarious", "persuasion", "affect")


def _ablation_arms(overrides: Mapping[str, Any]) -> list[Arm]:
    arms = [scenario_arm("full", "departments")]
    arms += [
        scenario_arm(f"no_{source}", "departments", disabled=(source,)) for source in SOURCE_ARMS
    ]
    return arms


def _support_arms(overrides: Mapping[str, Any]) -> list[Arm]:
    return [
        scenario_arm("coaching", "plc_coaching"),
        scenario_arm("train_the_trainer", "plc_train_the_trainer"),
    ]


def typical_culture() -> dict[str, Any]:
    """The default starting culture (the model's defaults for ``CULTURE``)."""
    defaults = Parameters()
    return {name: getattr(defaults, name) for name in CULTURE}


def malleable_scale(overrides: Mapping[str, Any]) -> float:
    """Pattern 7's comparator: ``MALLEABLE_FACTOR`` times the scale in force, capped."""
    current = overrides.get("malleability_scale", Parameters().malleability_scale)
    high = Parameters.spec("malleability_scale").high
    return float(min(high, MALLEABLE_FACTOR * current))


def _stickiness_arms(overrides: Mapping[str, Any]) -> list[Arm]:
    # the low-efficacy school with the turnaround plan, against the same school
    # with a typical starting culture and no plan (an untreated typical school)
    scale = malleable_scale(overrides)
    return [
        scenario_arm("low", "turnaround"),
        scenario_arm("typical", "turnaround_baseline", **typical_culture()),
        scenario_arm("low_malleable", "turnaround", fixed={"malleability_scale": scale}),
        scenario_arm(
            "typical_malleable",
            "turnaround_baseline",
            fixed={"malleability_scale": scale},
            **typical_culture(),
        ),
    ]


CURVE_SIZES = (250, 400, 600, 900, 1400, 2100, 2400, 3200)
CURVE_STRUCTURES = ("departments", "plc")
# The channels through which size acts (each a switchable process), and the
# two sizes whose difference they are asked to explain (Lee & Smith 1997's
# ideal range against a large comprehensive school).
SIZE_CHANNELS = ("leader", "personalisation", "staffing", "responsibility")
CHANNEL_SIZES = (600, 2400)


def _size_curve_arms(overrides: Mapping[str, Any]) -> list[Arm]:
    # a report, not a claim: diagnostic arms (left out of the robustness runs)
    arms = [
        scenario_arm(f"{structure}_{n}", structure, fixed={"n_students": n}, diagnostic=True)
        for structure in CURVE_STRUCTURES
        for n in CURVE_SIZES
    ]
    arms += [
        scenario_arm(
            f"departments_{n}_no_{channel}",
            "departments",
            disabled=(channel,),
            fixed={"n_students": n},
            diagnostic=True,
        )
        for channel in SIZE_CHANNELS
        for n in CHANNEL_SIZES
    ]
    return arms


SIZE = ArmExperiment(
    "size", 5, _size_arms, "600 vs 2,400 students, both in departments with the same policies"
)
STRUCTURE = ArmExperiment(
    "structure", 6, _structure_arms, "PLC teams vs an egg-crate school, 900 students, same policies"
)
ABLATION = ArmExperiment(
    "ablation", 5, _ablation_arms, "the default school with each source of self-efficacy removed"
)
SUPPORT = ArmExperiment(
    "support",
    5,
    _support_arms,
    "PLC school, practice supported from year 2 by coaching or train-the-trainer",
)
STICKINESS = ArmExperiment(
    "stickiness",
    6,
    _stickiness_arms,
    "the turnaround plan in a low-efficacy, high-poverty school, against the same school "
    "with a typical starting culture and no plan",
)
SIZE_CURVE = ArmExperiment(
    "size_curve",
    5,
    _size_curve_arms,
    "enrolment from 250 to 3,200 students in departments and in PLC teams, same policies; "
    "and at 600 and 2,400 students with each channel of size switched off in turn",
    share=0.3,
)


# the population of schools (patterns 1 and 5)

POPULATION_STRUCTURES = ("isolated", "departments", "plc", "houses", "networked_plc")
SUPPORT_MIX = (("none", 0.6), ("train_the_trainer", 0.2), ("coaching", 0.2))


def draw_school(rng: np.random.Generator) -> dict[str, Any]:
    """One school of the population: size, SES, structure, leadership, culture.

    Starting responsibility is left at its default in every school, so the
    differences in responsibility the population shows have emerged from
    structure, leadership and efficacy (pattern 1 says *emergent*).
    """
    support = rng.choice([s for s, _ in SUPPORT_MIX], p=[w for _, w in SUPPORT_MIX])
    return {
        "n_students": int(np.rint(np.exp(rng.uniform(np.log(300), np.log(3000))))),
        "ses_mean": float(np.clip(rng.normal(0.0, 0.5), -1.5, 1.5)),
        "structure": str(rng.choice(POPULATION_STRUCTURES)),
        "collaboration_minutes": float(rng.uniform(30, 120)),
        "leader_attention": float(rng.uniform(3, 20)),
        "leader_confidence": float(rng.uniform(0.0, 0.5)),
        "data_review": bool(rng.random() < 0.3),
        "intervention_plan": bool(rng.random() < 0.5),
        "support_model": str(support),
        "coaches": int(rng.integers(1, 5)),
        "initial_collective_efficacy": float(rng.uniform(0.45, 0.75)),
        "initial_self_efficacy": float(rng.uniform(6.5, 7.7)),
    }


@dataclass(frozen=True)
class PopulationExperiment:
    """Schools drawn to differ (:func:`draw_school`), one run each."""

    name: str
    years: int
    draw: Callable[[np.random.Generator], dict[str, Any]] = draw_school
    description: str = field(default="")

    def design(self, settings: Settings) -> pd.DataFrame:
        """The drawn schools, one row each (tidy), with their model seeds."""
        rng = np.random.default_rng(np.random.SeedSequence([settings.seed, 5]))
        rows = [self.draw(rng) for _ in range(settings.schools)]
        design = pd.DataFrame(rows)
        design.insert(0, "seed", replicate_seeds(settings.seed + 10_000, settings.schools))
        design.insert(0, "replicate", np.arange(settings.schools))
        return design

    def jobs(
        self,
        settings: Settings,
        overrides: Mapping[str, Any] | None = None,
        diagnostics: bool = True,
    ) -> list[Run]:
        """One job per school."""
        design = self.design(settings)
        schools = design.drop(columns=["replicate", "seed"]).to_dict("records")
        return [
            Run(self.name, "school", int(r), int(seed), {**school, **(overrides or {})}, self.years)
            for r, seed, school in zip(design["replicate"], design["seed"], schools, strict=True)
        ]


POPULATION = PopulationExperiment(
    "population",
    4,
    description="schools varied in size, SES, structure, leadership, "
    "support and starting efficacy; responsibility starts equal",
)

EXPERIMENTS = {
    e.name: e for e in (SIZE, STRUCTURE, ABLATION, POPULATION, SUPPORT, STICKINESS, SIZE_CURVE)
}
