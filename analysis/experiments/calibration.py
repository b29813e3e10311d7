"""The calibration check's runs, declared as data: arms, replicates, years, measures.

Each :class:`Arm` is a set of replicate runs of the default school (or a
built-in scenario) with what to measure in the worker that ran it;
:mod:`analysis.statistics.calibration` turns the measurements into targets.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.experiments.runs import Run, yearly
from analysis.experiments.seeds import replicate_seeds
from simulation import WEEKS_PER_YEAR, SchoolModel

# A high-poverty school for the turnover comparison: 60% of students below
# the national bottom quartile of SES (ses_mean -0.9 with ses_sd 0.9).
HIGH_POVERTY_SES = -0.9


# measurements made in the worker that ran the model (module level: picklable)


def with_teachers(model: SchoolModel, job: Run) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Yearly outcomes and the per-teacher snapshots taken at each year end."""
    frame = yearly(model, job)
    return frame, model.teacher_dataframe()


def teacher_effects(model: SchoolModel, job: Run) -> dict[str, float]:
    """Run, then the spread of teachers' effect and coached teachers' practice gain."""
    model.run(job.years)
    t, p = model.teachers, model.params
    table = model.teacher_effects()
    typical = table[:, 0]  # an advantaged-or-middle student not struggling, unknown
    users = t.uses_practice & (t.coached > 0)
    practice_gain = p.practice_effect * float(t.fidelity[users].mean()) if users.any() else 0.0
    return {
        "effect_sd": float(np.std(typical)),
        "practice_gain": practice_gain,
        "practice_share_trainees": float(t.uses_practice[~t.trainer].mean()),
        "practice_share": float(t.uses_practice.mean()),
    }


def network_shape(model: SchoolModel, job: Run) -> dict[str, float]:
    """Density and ties per teacher of the starting network."""
    return {
        "density": model.structure.density,
        "ties": model.structure.graph.number_of_edges() * 2 / model.n_teachers,
    }


# the arms


@dataclass(frozen=True)
class Arm:
    """A set of replicate runs: parameters, years, and what to measure."""

    name: str
    years: int
    parameters: Mapping[str, Any]
    replicates: int
    measure: Callable[[SchoolModel, Run], Any] | None = None
    interventions: tuple = ()
    record_teachers: int = WEEKS_PER_YEAR  # weeks between snapshots (with_teachers)


def arms(reps: int) -> list[Arm]:
    from scenarios import builtin_names, load

    arms = [
        Arm("default", 3, {}, reps, with_teachers, record_teachers=1),
        Arm("default_long", 20, {}, reps),
        Arm("none", 5, {}, 3 * reps),
        Arm("coaching2", 5, {"support_model": "coaching", "coaches": 2}, 3 * reps),
        Arm("coaching_full", 3, {"support_model": "coaching", "coaches": 5}, reps, teacher_effects),
        Arm("trainers", 3, {"support_model": "train_the_trainer"}, reps, teacher_effects),
        Arm("effects", 3, {}, reps, teacher_effects),
        Arm("poverty", 6, {"ses_mean": HIGH_POVERTY_SES}, reps, with_teachers),
        Arm("typical6", 6, {}, 2 * reps, with_teachers),
        Arm("slow", 5, {"baseline_growth": 0.12}, 2 * reps),
        Arm("fast", 5, {"baseline_growth": 0.32}, 2 * reps),
        Arm("usual", 5, {"baseline_growth": 0.22}, 2 * reps),
        Arm(
            "isolated_novices",
            4,
            {"structure": "isolated", "novice_share": 0.3},
            2 * reps,
            with_teachers,
        ),
        Arm("plc_novices", 4, {"structure": "plc", "novice_share": 0.3}, 2 * reps, with_teachers),
        Arm("career_isolated", 2, {"structure": "isolated"}, reps, with_teachers),
        Arm("career_plc", 2, {"structure": "plc"}, reps, with_teachers),
    ]
    arms += [  # the starting network's shape: cheap, so as many seeds as the others
        Arm(f"network_{s}", 0, {"structure": s}, reps, network_shape)
        for s in ("departments", "plc")
    ]
    for name in builtin_names():
        if name == "template":
            continue
        scenario = load(name)
        if scenario.parameters.get("structure") == "custom":
            continue  # its network file is read relative to the library; covered by tests
        arms.append(
            Arm(
                f"scenario:{name}",
                max(6, scenario.years),
                dict(scenario.parameters),
                reps,
                interventions=tuple(scenario.interventions),
            )
        )
    return arms


def runs(arms: Sequence[Arm], seed: int) -> list[Run]:
    """Every arm's replicate runs (replicate r of every arm shares a seed)."""
    jobs = []
    for arm in arms:
        p = dict(arm.parameters)
        if arm.measure is with_teachers:
            p["record_teachers_every"] = arm.record_teachers
        jobs += [
            Run("calibration", arm.name, r, s, p, arm.years, arm.interventions, measure=arm.measure)
            for r, s in enumerate(replicate_seeds(seed, arm.replicates))
        ]
    return jobs


def jobs_count(reps: int = 8, seed: int = 1) -> int:
    """How many model runs :func:`measure` makes (for progress bars)."""
    return len(runs(arms(reps), seed))
